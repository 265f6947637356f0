"""Published vintages of the statistics: what was published for a period, each time.

Publishing a period again adds a vintage (1, 2, ...); earlier ones are never changed, so every
number the Centre ever published stays readable. Only published (already suppressed) values are
stored: a suppressed cell is a row with no value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.models.base import Base


class StatisticsVintage(Base):
    __tablename__ = "statistics_vintages"
    __table_args__ = (UniqueConstraint("period", "number", name="uq_statistics_vintages_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # "2025" or "2025-03"
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12))  # "provisional" or "final"
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(80))
    min_cell: Mapped[int]


class StatisticsValue(Base):
    __tablename__ = "statistics_values"
    __table_args__ = (
        UniqueConstraint(
            "vintage_id", "figure", "breakdown", "category", name="uq_statistics_values_vintage_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vintage_id: Mapped[int] = mapped_column(ForeignKey("statistics_vintages.id"), index=True)
    position: Mapped[int]
    figure: Mapped[str] = mapped_column(String(64))
    breakdown: Mapped[str] = mapped_column(String(32))  # "total" for the figure's total
    category: Mapped[str] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(default=False)
