"""Reports from providers, their content, matches, timeline, bundles and referrals."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, TimelineEventColumns


class Bundle(Base):
    """Reports of the same content within a window: one referral, however viral the item."""

    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    exact_key: Mapped[str | None] = mapped_column(String(80), index=True)
    pdq: Mapped[str | None] = mapped_column(String(64))
    first_report_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    report_count: Mapped[int] = mapped_column(default=1)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("provider_id", "idempotency_key", name="uq_reports_provider_id"),
        Index("ix_reports_queue", "status", "priority", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    provider_reference: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the request, so a replayed key with a different body is refused.
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    incident_type: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(default=False)
    content_removed: Mapped[bool] = mapped_column(default=False)
    incident_time: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    priority: Mapped[int] = mapped_column(default=5)
    triage_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    routing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("bundles.id"), index=True)
    # The Art. 13 data (users, IP addresses, victims...): personal data, encrypted at rest.
    payload_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    source_format: Mapped[str] = mapped_column(String(8), default="json")
    hold_until: Mapped[datetime | None]
    # Who is assessing it, and until when unless renewed: a worker that dies stops renewing,
    # so only then may another take the assessment over.
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None]


class ReportItemHash(Base):
    """One signal's value for a report item. Rows, not a column per signal, so that a new
    signal type (eucentre.signals) needs no migration."""

    __tablename__ = "report_item_hashes"
    __table_args__ = (
        UniqueConstraint("item_id", "signal", name="uq_report_item_hashes_item_id"),
        # Values are unbounded (a long video's vPDQ), so exact look-ups go through a digest.
        Index("ix_report_item_hashes_signal_value_digest", "signal", "value_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("report_items.id"))
    signal: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    value_digest: Mapped[str] = mapped_column(String(64))
    quality: Mapped[int | None]
    # What only this signal type reads: PDQ's rotated and mirrored variants (variant -> hash),
    # a video's frames ([{frame, timestamp}], in the order of the value's hashes).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @classmethod
    def of(
        cls,
        signal: str,
        value: str,
        *,
        quality: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> ReportItemHash:
        return cls(
            signal=signal,
            value=value,
            value_digest=hashlib.sha256(value.encode()).hexdigest(),
            quality=quality,
            details=details,
        )


class ReportItem(Base):
    """One piece of content: a file (kept encrypted in the blob store) or a declared hash."""

    __tablename__ = "report_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    blob_id: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    media_type: Mapped[str | None] = mapped_column(String(16))
    hashed: Mapped[bool] = mapped_column(default=False)
    error_code: Mapped[str | None] = mapped_column(String(32))
    # Set when the file was deleted at the end of its retention (its hashes stay).
    file_deleted_at: Mapped[datetime | None]

    hashes: Mapped[list[ReportItemHash]] = relationship(
        lazy="selectin", order_by=ReportItemHash.id, cascade="all, delete-orphan"
    )

    def hash_of(self, signal: str) -> ReportItemHash | None:
        return next((h for h in self.hashes if h.signal == signal), None)

    def value_of(self, signal: str) -> str | None:
        found = self.hash_of(signal)
        return found.value if found else None


class ReportMatch(Base):
    __tablename__ = "report_matches"
    __table_args__ = (
        UniqueConstraint("item_id", "indicator_id", name="uq_report_matches_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("report_items.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    list_name: Mapped[str] = mapped_column(String(80))
    indicator_status: Mapped[str] = mapped_column(String(16))
    signal: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(default=0)
    variant: Mapped[str] = mapped_column(String(16), default="original")


class ReportEvent(TimelineEventColumns, Base):
    """The report's append-only timeline. Events marked for the provider are its feedback."""

    __tablename__ = "report_events"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    for_provider: Mapped[bool] = mapped_column(default=False)
    # A provider's answer to a request for more information (free text about people): sealed
    # here, `message` left empty (reports.review.event_message opens it).
    message_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class Referral(Base):
    """A bundle forwarded to one authority (a Member State's, or Europol)."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("bundle_id", "authority_id", name="uq_referrals_bundle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    urgent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None]
    hold_until: Mapped[datetime | None]
    package_blob_id: Mapped[str | None] = mapped_column(String(64))
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    package_deleted_at: Mapped[datetime | None]
    # The version the stored package is (1, 2, ...): a report forwarded after a package was
    # built makes a new version rather than changing what the authority already received.
    package_version: Mapped[int | None]
    # The last version the authority downloaded or acknowledged: what is newer is marked new.
    seen_version: Mapped[int | None]


class ReferralReport(Base):
    """A report forwarded to the referral's authority. Only these reports are the authority's
    to see: a bundle holds reports of other Member States, and reports never referred."""

    __tablename__ = "referral_reports"
    __table_args__ = (
        UniqueConstraint("referral_id", "report_id", name="uq_referral_reports_referral_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    forwarded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The package version that first carried the report; None until that package is built, and
    # until then the authority does not see the report anywhere (page, API or package alike).
    package_version: Mapped[int | None]


class ReferralPackage(Base):
    """Each package version built for a referral, so every checksum an authority was given
    stays on record after the package is replaced by the next version."""

    __tablename__ = "referral_packages"
    __table_args__ = (
        UniqueConstraint("referral_id", "version", name="uq_referral_packages_referral_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    # 0 is the package built before referrals were scoped to their reports (migration 0011).
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    report_count: Mapped[int | None]
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
