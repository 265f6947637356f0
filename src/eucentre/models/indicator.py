"""Indicators: signals (hashes, URLs) on the Centre's lists, with provenance and history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, CreatedAt


class IndicatorStatus(StrEnum):
    candidate = "candidate"
    verified = "verified"
    disputed = "disputed"
    retired = "retired"


class IndicatorList(CreatedAt, Base):
    __tablename__ = "indicator_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class IndicatorListMembership(Base):
    __tablename__ = "indicator_list_memberships"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("indicator_lists.id"), primary_key=True)


class Indicator(CreatedAt, Base):
    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("signal", "value_digest", name="uq_indicators_signal_value_digest"),
        Index("ix_indicators_status_signal", "status", "signal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signal: Mapped[str] = mapped_column(String(16))
    # Canonical form: lowercase hex for hashes (vPDQ: frame hashes joined by commas), a
    # normalised URL for URLs. Unbounded (a long video's vPDQ), so uniqueness and look-ups go
    # through its SHA-256.
    value: Mapped[str] = mapped_column(Text)
    value_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[IndicatorStatus] = mapped_column(String(16), default=IndicatorStatus.candidate)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    # PDQ quality when the indicator came from media; None when only the hash is known.
    quality: Mapped[int | None]
    # The source media, encrypted in the blob store, when the Centre has it.
    source_blob_id: Mapped[str | None] = mapped_column(String(64))
    # Set by the overbroad detector; cleared by an analyst's review.
    needs_review: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lists: Mapped[list[IndicatorList]] = relationship(
        secondary="indicator_list_memberships", lazy="selectin", order_by=IndicatorList.name
    )


class IndicatorSource(CreatedAt, Base):
    """Where an indicator came from: an assessment, an authority, a partner list, an analyst."""

    __tablename__ = "indicator_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(80))


class IndicatorEvent(Base):
    """The append-only history; confirmations are read from it."""

    __tablename__ = "indicator_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


ChangeOp = Literal["add", "remove"]


class IndicatorChange(Base):
    """The providers' change feed: one row per indicator entering or leaving distribution.

    Rows are numbered under a lock held until commit (see indicators/repository.py), so the
    numbers become visible in order and a reader's cursor never skips a late commit.
    """

    __tablename__ = "indicator_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    op: Mapped[ChangeOp] = mapped_column(String(8))
    signal: Mapped[str] = mapped_column(String(16), index=True)
    value: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeFeedHead(Base):
    __tablename__ = "indicator_change_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class IndicatorMatch(Base):
    """A lookup or an assessment that matched an indicator: what the overbroad detector and the
    error accounting count. The item is a hash of what was matched, never content."""

    __tablename__ = "indicator_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    distance: Mapped[int] = mapped_column(default=0)
    variant: Mapped[str] = mapped_column(String(16), default="original")
    context: Mapped[str] = mapped_column(String(16), default="lookup")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BenignHash(CreatedAt, Base):
    """The benign-corpus guard: hashes of media known to be harmless."""

    __tablename__ = "benign_hashes"
    __table_args__ = (UniqueConstraint("signal", "value", name="uq_benign_hashes_signal_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
