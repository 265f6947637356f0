"""Victims' removal requests: the case (a number and a PIN digest, never the PIN), the hashes
computed on the person's own device, what they matched, the case's timeline, providers'
verdicts on matches, the review-first list's change feed, and the public API's rate limits and
replay protection.

Nothing here holds an image or a name. The only personal data is the optional contact a person
chose to give, sealed (AES-GCM) at rest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, TimelineEventColumns


class VictimCase(Base):
    __tablename__ = "victim_cases"
    __table_args__ = (Index("ix_victim_cases_status_activity", "status", "last_activity_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the person quotes: random (about 69 bits) with a check character, never a sequence.
    number: Mapped[str] = mapped_column(String(24), unique=True)
    # Argon2id of the peppered PIN (victims/pins.py); the PIN itself is shown once, never kept.
    pin_digest: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # The language the case's information is written in ("en", "de", "fr").
    language: Mapped[str] = mapped_column(String(8), default="en")
    # How the case came: "web" (the page, hashing in the browser) or "api" (an app or a
    # support organisation with the hash-only API). Never who.
    channel: Mapped[str] = mapped_column(String(8), default="api")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The person's last look or change, or the last match: retention counts from here.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # Only if the person chose to give one: sealed, shown to analysts (audited), never logged.
    contact_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class VictimHash(Base):
    """One hash of one of the person's files: victim-submitted and unverified, a class of its
    own, never an indicator unless an analyst proposes it and two others verify it."""

    __tablename__ = "victim_hashes"
    __table_args__ = (
        UniqueConstraint("case_id", "signal", "value", name="uq_victim_hashes_case_id"),
        Index("ix_victim_hashes_signal_value", "signal", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("victim_cases.id"), index=True)
    signal: Mapped[str] = mapped_column(String(16))  # "pdq", "md5" or "sha256"
    value: Mapped[str] = mapped_column(String(64))  # lowercase hex
    quality: Mapped[int | None]  # PDQ only
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the case is withdrawn: the hash leaves matching and the review-first list.
    withdrawn_at: Mapped[datetime | None]
    # When it was last compared with every verified indicator (None: not yet).
    indicators_checked_at: Mapped[datetime | None]


class VictimMatch(Base):
    """A victim's hash that matched an item of a report or an indicator (one of the two; the
    code records each pair once, since a unique constraint would not hold over NULLs)."""

    __tablename__ = "victim_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("victim_cases.id"), index=True)
    hash_id: Mapped[int] = mapped_column(ForeignKey("victim_hashes.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("report_items.id"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    signal: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(default=0)
    # Which of the item's hashes matched: "original", a dihedral variant, or "displayed".
    variant: Mapped[str] = mapped_column(String(16), default="original")
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)


class VictimEvent(TimelineEventColumns, Base):
    """The case's append-only timeline."""

    __tablename__ = "victim_events"

    case_id: Mapped[int] = mapped_column(ForeignKey("victim_cases.id"), index=True)


class VictimFeedback(Base):
    """A provider's verdict on a hash of the review-first list it reviewed by hand; one per
    provider and hash value (the latest counts)."""

    __tablename__ = "victim_feedback"
    __table_args__ = (
        UniqueConstraint("signal", "value", "organisation_id", name="uq_victim_feedback_signal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signal: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))  # removed, not_matching, not_abuse
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the provider first said it removed matching material (Art. 20: "removed, when").
    removed_at: Mapped[datetime | None]


class VictimHashChange(Base):
    """The review-first list's change feed (`/api/v1/indicators/changes?list=victim_requests`):
    one row per hash entering or leaving the list, numbered under the head's row lock as the
    indicators' feed is, so a cursor never skips a late commit. `hash_id` is not a foreign
    key: a removal outlives the deleted case for a while, so late readers still remove."""

    __tablename__ = "victim_hash_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(String(8))  # "add" or "remove"
    signal: Mapped[str] = mapped_column(String(16), index=True)
    value: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class VictimCounter(Base):
    """Named counters: the change feed's head, and how far the indicator feed was matched."""

    __tablename__ = "victim_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class VictimAttempt(Base):
    """Case creations and failed look-ups, by pseudonymous subject (a keyed hash of the client
    address, the case number, or both), for rate limits. Never an address or a number."""

    __tablename__ = "victim_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class VictimSubmission(Base):
    """A case creation, remembered for a day so that a replay creates nothing: by its
    `Idempotency-Key` (a digest of it) or, without one, by the same hashes from the same client.
    The PIN is kept sealed under a key only the Idempotency-Key opens, for a few minutes, so a
    client whose answer was lost can still read it once more."""

    __tablename__ = "victim_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("victim_cases.id"), index=True)
    key_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    client_request_digest: Mapped[str] = mapped_column(String(64), index=True)
    pin_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
