"""Complaints about removals (DSA Art. 20): the complaint, the reports it concerns, its
timeline, the messages it sends to providers and authorities, and the public form's rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, TimelineEventColumns


class Complaint(Base):
    """A user's complaint that content was removed by mistake, from the public form or forwarded
    by the provider that received it."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("provider_id", "external_reference", name="uq_complaints_provider_id"),
        Index("ix_complaints_queue", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the complainant quotes: random, unguessable on its own, never a sequence.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # A slow hash of the complainant's secret (platform.cases; public complaints only), or the
    # HMAC kept before; never the secret itself.
    secret_digest: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))  # "public" or "provider"
    submitted_by: Mapped[str] = mapped_column(String(80))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The provider's decision reference (statement-of-reasons id) = Report.provider_reference.
    provider_reference: Mapped[str] = mapped_column(String(200))
    # The provider's own id for a complaint it forwards (idempotency).
    external_reference: Mapped[str | None] = mapped_column(String(200))
    decision_date: Mapped[datetime]
    # The complainant's own words may name people: sealed (AES-GCM) in the *_sealed columns;
    # the plain columns are "" for complaints received since migration 0010 and hold older
    # complaints' text only until the seal_complaint_texts task has sealed it.
    content_description: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    content_description_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Optional contact (personal data): encrypted at rest, shown to analysts only.
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="open")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    # Four eyes: the first analyst's uphold waits here for a second, different analyst.
    pending_by: Mapped[str | None] = mapped_column(String(80))
    pending_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    # Written for the complainant, who reads it on the status page.
    decision_reason: Mapped[str] = mapped_column(Text, default="")


class ComplaintLink(Base):
    """A report behind the removal; its matches lead to the indicators."""

    __tablename__ = "complaint_links"
    __table_args__ = (
        UniqueConstraint("complaint_id", "report_id", name="uq_complaint_links_complaint_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)


class ComplaintEvent(TimelineEventColumns, Base):
    """The complaint's append-only timeline."""

    __tablename__ = "complaint_events"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)


class ComplaintMessage(Base):
    """What an upheld complaint tells an organisation: the provider to reinstate, an authority
    that the report it received was erroneous. Made available by the outbox relay, then
    acknowledged by the recipient."""

    __tablename__ = "complaint_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "reinstate" or "authority_note"
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]


class ComplaintAttempt(Base):
    """Public-form submissions and failed status look-ups, by pseudonymous subject (a keyed hash
    of the client address or of the complaint number), for rate limits. Never the address."""

    __tablename__ = "complaint_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
