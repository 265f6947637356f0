"""A release: the published figures of one period, already suppressed, as every output reads
them (page, JSON, CSV, SDMX, report). Built once per request from the records or from a stored
vintage, so the outputs cannot disagree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from eucentre.transparency.figures import TOTAL, Figure
from eucentre.transparency.periods import Period

PROVISIONAL = "provisional"
FINAL = "final"


@dataclass(frozen=True)
class Cell:
    category: str
    value: float | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class FigureRelease:
    figure: Figure
    # False: the records are not collected yet (or were not when this vintage was published).
    collected: bool
    total: Cell | None
    breakdowns: dict[str, tuple[Cell, ...]]

    def cells(self, breakdown: str) -> tuple[Cell, ...]:
        if breakdown == TOTAL:
            return (self.total,) if self.total else ()
        return self.breakdowns.get(breakdown, ())


@dataclass(frozen=True)
class VintageInfo:
    number: int
    status: str
    published_at: datetime


@dataclass(frozen=True)
class Release:
    period: Period
    status: str  # provisional or final
    vintage: int | None  # None: computed live from the records, not a stored vintage
    as_of: datetime  # when computed, or when the vintage was published
    min_cell: int
    figures: tuple[FigureRelease, ...]
    vintages: tuple[VintageInfo, ...] = ()

    def figure(self, code: str) -> FigureRelease | None:
        return next((f for f in self.figures if f.figure.code == code), None)

    def rows(self, breakdown: str) -> Iterator[tuple[FigureRelease, Cell]]:
        """Every published cell of one breakdown ("total" for the totals), figure by figure."""
        for figure in self.figures:
            if figure.collected and (breakdown == TOTAL or breakdown in figure.figure.breakdowns):
                for cell in figure.cells(breakdown):
                    yield figure, cell

    @property
    def suppressed_count(self) -> int:
        return sum(
            1
            for f in self.figures
            for cells in (f.cells(TOTAL), *f.breakdowns.values())
            for c in cells
            if c.suppressed
        )
