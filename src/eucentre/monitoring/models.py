"""Reporting rounds, submissions (each a vintage of one Member State's figures in a round), their
observations, and the rounds' timelines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, TimelineEventColumns


class MonitoringRound(Base):
    """One framework's reporting for one period, opened by the Centre; submissions go to the
    open round of their framework and period."""

    __tablename__ = "monitoring_rounds"
    __table_args__ = (UniqueConstraint("framework", "period", name="uq_monitoring_rounds_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[datetime | None]


class MonitoringSubmission(Base):
    """The figures of one Member State in one round, as sent once: vintage 1, 2... A corrected
    submission is a new vintage; published ones stay readable with `?vintage=`."""

    __tablename__ = "monitoring_submissions"
    __table_args__ = (
        UniqueConstraint(
            "round_id", "ref_area", "vintage", name="uq_monitoring_submissions_vintage"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id"), index=True)
    ref_area: Mapped[str] = mapped_column(String(2))
    vintage: Mapped[int]
    # The coordinator that sent it; None for the Centre's own counts.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(80))
    # Jumps the sender confirmed: shown to whoever signs off.
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str] = mapped_column(Text, default="")


class MonitoringObservation(Base):
    __tablename__ = "monitoring_observations"
    __table_args__ = (
        UniqueConstraint(
            "submission_id", "indicator", "dimensions_key", name="uq_monitoring_observations_cell"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("monitoring_submissions.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(40), index=True)
    ref_area: Mapped[str] = mapped_column(String(2))
    time_period: Mapped[str] = mapped_column(String(10))
    # "DRUG=COCAINE;SEX=F", "" for the total (observations.dimensions_key).
    dimensions_key: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(2), default="A")


class MonitoringEvent(TimelineEventColumns, Base):
    """A round's timeline: opened, submissions received, signed off, rejected, closed."""

    __tablename__ = "monitoring_events"

    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_rounds.id"), index=True)
