"""The prevention hub's tables: catalogue records with their revisions and timeline, the search
index's documents, and the practitioner network's directory entries and relayed messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, TimelineEventColumns

# What the search engine keeps itself (SQLite's FTS5 virtual tables and their shadow tables,
# PostgreSQL's expression index over the documents): created by the migration, not described
# by models, left out when models and migrations are compared.
FTS_TABLE = "prevention_fts"
FTS_VOCAB = "prevention_fts_vocab"
FULLTEXT_INDEX = "ix_prevention_search_docs_fulltext"
ENGINE_OBJECTS = frozenset(
    {FTS_TABLE, FTS_VOCAB, FULLTEXT_INDEX}
    | {f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")}
)
Base.metadata.info.setdefault("engine_objects", set()).update(ENGINE_OBJECTS)


class PreventionRecord(Base):
    """A catalogue entry: research, a programme, training, campaign material or a helpline.
    Its content lives in revisions; the public sees only the published one."""

    __tablename__ = "prevention_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The DOI (lower case) or else the URL: what makes an import idempotent.
    identity: Mapped[str | None] = mapped_column(String(600), unique=True)
    # The working revision's state: draft, in_review, published or withdrawn.
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    working_revision_id: Mapped[int | None]
    published_revision_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(index=True)
    last_published_at: Mapped[datetime | None]
    # When an editor last reviewed the content (a publication, or "still accurate").
    last_reviewed_at: Mapped[datetime | None]
    # Set by the periodic check when unreviewed for too long; cleared by a review.
    flagged_at: Mapped[datetime | None] = mapped_column(index=True)
    # Demo content describing real programmes: to be verified before a real publication.
    is_demo: Mapped[bool] = mapped_column(default=False)


class PreventionRevision(Base):
    """One version of a record's content, with who wrote, submitted and approved it."""

    __tablename__ = "prevention_revisions"
    __table_args__ = (Index("ix_prevention_revisions_record", "record_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("prevention_records.id"))
    number: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Everyone who changed this revision: none of them may approve it.
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[datetime | None]


class PreventionRecordEvent(TimelineEventColumns, Base):
    """A record's append-only timeline (platform.timeline)."""

    __tablename__ = "prevention_record_events"

    record_id: Mapped[int] = mapped_column(ForeignKey("prevention_records.id"), index=True)


class PreventionLink(Base):
    """Published research that evaluates a published programme (both directions are read)."""

    __tablename__ = "prevention_links"
    __table_args__ = (Index("ix_prevention_links_target", "target_id"),)

    source_id: Mapped[int] = mapped_column(ForeignKey("prevention_records.id"), primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("prevention_records.id"), primary_key=True)


class PreventionSearchDoc(Base):
    """What the search index holds for a published record: its words as index keys, its facet
    values and a change sequence number (the in-memory facet table follows the numbers)."""

    __tablename__ = "prevention_search_docs"

    record_id: Mapped[int] = mapped_column(ForeignKey("prevention_records.id"), primary_key=True)
    live: Mapped[bool] = mapped_column(default=True)
    seq: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    facets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class PreventionSearchState(Base):
    """One row: the last change sequence number given to a search document."""

    __tablename__ = "prevention_search_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)


class NetworkEntry(Base):
    """A practitioner's or researcher's application and, once approved, directory entry. What
    they wrote is sealed; each field has the visibility its owner chose."""

    __tablename__ = "prevention_network_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    secret_digest: Mapped[str] = mapped_column(String(200))
    # pending, approved (account not yet opened), active, rejected
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    profile_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # Plain, for the directory's search; shown only as their visibility allows.
    facets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    visibility: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # A keyed hash of the e-mail address: one application per address, no address in clear.
    email_digest: Mapped[str] = mapped_column(String(64), unique=True)
    form_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    receipt_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    receipt_secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    receipt_expires_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), unique=True)
    # Re-confirmed by its owner at least every 12 months, or hidden (periodic task).
    confirmed_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]


class NetworkMessage(Base):
    """A message relayed to a member through the platform; sender and text sealed."""

    __tablename__ = "prevention_network_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("prevention_network_entries.id"), index=True)
    content_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]


class NetworkAttempt(Base):
    """Applications and relayed messages by pseudonymous subject (a keyed hash of the address,
    or the recipient), for rate limits. Never the address."""

    __tablename__ = "prevention_network_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
