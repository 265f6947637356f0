"""Compute a period's figures from the records, suppress small cells, publish vintages.

`release()` is what every output calls: a stored vintage when one is asked for, else the
period's latest *final* vintage if it has one, else the figures computed live (provisional).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.time import as_utc, utcnow
from eucentre.rules.suppression import Table, suppress
from eucentre.transparency import repository
from eucentre.transparency.figures import TOTAL, Computed, Figure, Query
from eucentre.transparency.models import StatisticsValue, StatisticsVintage
from eucentre.transparency.periods import Period
from eucentre.transparency.release import (
    FINAL,
    PROVISIONAL,
    Cell,
    FigureRelease,
    Release,
    VintageInfo,
)

Key = tuple[str, str, str]


def compute(
    session: Session,
    period: Period,
    *,
    figures: Sequence[Figure],
    min_cell: int,
    now: datetime | None = None,
) -> Release:
    """The period's figures from the records as they are now, suppressed."""
    query = Query(session=session, period=period)
    computed = {f.code: f.compute(query) for f in figures if f.compute is not None}
    hidden = _suppressed(figures, computed, min_cell)
    releases = []
    for figure in figures:
        result = computed.get(figure.code)
        if result is None:
            releases.append(FigureRelease(figure, False, None, {}))
            continue

        def cell(breakdown: str, category: str, value: float, code: str = figure.code) -> Cell:
            return Cell(category, None if (code, breakdown, category) in hidden else value)

        releases.append(
            FigureRelease(
                figure,
                True,
                cell(TOTAL, "", result.total),
                {
                    b: tuple(cell(b, c, v) for c, v in result.cells.get(b, {}).items())
                    for b in figure.breakdowns
                },
            )
        )
    return Release(
        period=period,
        status=PROVISIONAL,
        vintage=None,
        as_of=now or utcnow(),
        min_cell=min_cell,
        figures=tuple(releases),
        vintages=_vintage_infos(session, period),
    )


def _suppressed(
    figures: Sequence[Figure], computed: dict[str, Computed], min_cell: int
) -> frozenset[Key]:
    values: dict[Hashable, float] = {}
    tables: list[Table] = []
    sensitive: list[Hashable] = []
    linked: list[list[Hashable]] = []
    for figure in figures:
        result = computed.get(figure.code)
        if result is None:
            continue
        total: Key = (figure.code, TOTAL, "")
        values[total] = result.total
        keys = [total]
        for breakdown in figure.breakdowns:
            cells = [(figure.code, breakdown, c) for c in result.cells.get(breakdown, {})]
            values.update(zip(cells, result.cells.get(breakdown, {}).values(), strict=True))
            tables.append(Table(total=total, cells=cells))
            keys += cells
        if figure.sensitive:
            sensitive += keys
        if figure.same_as:
            linked.append([total, figure.same_as])
    hidden = suppress(values, tables=tables, min_cell=min_cell, sensitive=sensitive, linked=linked)
    return cast(frozenset[Key], hidden)


def _vintage_infos(session: Session, period: Period) -> tuple[VintageInfo, ...]:
    return tuple(
        VintageInfo(v.number, v.status, as_utc(v.published_at))
        for v in repository.vintages(session, period)
    )


def stored(
    session: Session, period: Period, vintage: StatisticsVintage, *, figures: Sequence[Figure]
) -> Release:
    """A vintage as it was published. Figures registered since show as not collected then."""
    values = repository.values_of(session, vintage.id)
    by_figure: dict[str, list[StatisticsValue]] = {}
    for value in values:
        by_figure.setdefault(value.figure, []).append(value)
    releases = []
    for figure in figures:
        rows = by_figure.get(figure.code)
        if not rows:
            releases.append(FigureRelease(figure, False, None, {}))
            continue
        total = next((Cell("", r.value) for r in rows if r.breakdown == TOTAL), None)
        breakdowns = {
            b: tuple(Cell(r.category, r.value) for r in rows if r.breakdown == b)
            for b in figure.breakdowns
        }
        releases.append(FigureRelease(figure, True, total, breakdowns))
    return Release(
        period=period,
        status=vintage.status,
        vintage=vintage.number,
        as_of=as_utc(vintage.published_at),
        min_cell=vintage.min_cell,
        figures=tuple(releases),
        vintages=_vintage_infos(session, period),
    )


def release(
    session: Session,
    period: Period,
    *,
    figures: Sequence[Figure],
    min_cell: int,
    vintage: int | None = None,
) -> Release:
    if vintage is not None:
        found = repository.vintage(session, period, vintage)
        if found is None:
            raise errors.UnprocessableEntity(
                [
                    {
                        "field": "query.vintage",
                        "message": f"period {period.code} has no vintage {vintage}",
                        "type": "unknown_vintage",
                    }
                ],
                code="unknown_vintage",
            )
        return stored(session, period, found, figures=figures)
    finals = [v for v in repository.vintages(session, period) if v.status == FINAL]
    if finals:
        return stored(session, period, finals[-1], figures=figures)
    return compute(session, period, figures=figures, min_cell=min_cell)


def publish(
    session: Session,
    period: Period,
    *,
    figures: Sequence[Figure],
    min_cell: int,
    actor: str,
    final: bool = False,
    now: datetime | None = None,
) -> Release:
    """Store the period's figures as they are now as its next vintage. Final only once the
    period has ended; earlier vintages are kept."""
    now = now or utcnow()
    if final and not period.has_ended(now):
        raise errors.Conflict(
            f"period {period.code} has not ended: only a provisional vintage can be published",
            code="period_not_ended",
        )
    live = compute(session, period, figures=figures, min_cell=min_cell, now=now)
    values: list[StatisticsValue] = []
    for figure in live.figures:
        if not figure.collected:
            continue
        for breakdown in (TOTAL, *figure.figure.breakdowns):
            for cell in figure.cells(breakdown):
                values.append(
                    StatisticsValue(
                        position=len(values),
                        figure=figure.figure.code,
                        breakdown=breakdown,
                        category=cell.category,
                        value=cell.value,
                        suppressed=cell.suppressed,
                    )
                )
    vintage = repository.add_vintage(
        session,
        period=period,
        status=FINAL if final else PROVISIONAL,
        published_at=now,
        published_by=actor,
        min_cell=min_cell,
        values=values,
    )
    audit.record(
        session,
        actor=actor,
        action="statistics.published",
        object_type="statistics_vintage",
        object_id=vintage.id,
        details={"period": period.code, "vintage": vintage.number, "status": vintage.status},
    )
    return stored(session, period, vintage, figures=figures)
