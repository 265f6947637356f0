"""The figures the platform fills in itself from its records: a registry of functions, one per
`autofill` name in the framework files. A function takes the session and the period (a year)
and returns the value per Member State. An indicator whose function is not registered yet
(removal times, victims assisted and prevention programmes, until the notices, victims and
prevention domains record them) is listed as waiting for its source and filled later.

Adding a source is one function here and one line in SOURCES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from eucentre.monitoring import repository, service
from eucentre.monitoring.models import MonitoringRound, MonitoringSubmission
from eucentre.monitoring.observations import RawObservation
from eucentre.monitoring.published import current
from eucentre.monitoring.registry import MEMBER_STATES, registry

SYSTEM = "system:monitoring"
Source = Callable[[Session, str], dict[str, float]]


def _year(period: str) -> tuple[datetime, datetime]:
    year = int(period)
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def reports_forwarded(session: Session, period: str) -> dict[str, float]:
    """Distinct reports forwarded in the year to each Member State's authorities; 0 for a
    Member State with an authority on the platform that received none."""
    start, end = _year(period)
    counts = repository.reports_forwarded(session, start=start, end=end)
    areas = set(repository.authority_countries(session)) | set(counts)
    return {area: float(counts.get(area, 0)) for area in sorted(areas) if area in MEMBER_STATES}


SOURCES: dict[str, Source] = {
    "reports_forwarded": reports_forwarded,
}


@dataclass(frozen=True)
class Filled:
    submissions: list[MonitoringSubmission]
    waiting: list[str]  # indicators whose source is not registered yet


def fill(session: Session, *, round_: MonitoringRound, sources: dict[str, Source] | None = None):
    """The round's platform indicators from the records, as a new pending vintage per Member
    State whose figures changed since its last vintage (so running it again adds nothing)."""
    sources = SOURCES if sources is None else sources
    framework = registry().frameworks[round_.framework]
    rows: list[RawObservation] = []
    waiting: list[str] = []
    for indicator in framework.indicators.values():
        if not indicator.by_platform:
            continue
        source = sources.get(indicator.autofill or "")
        if source is None:
            waiting.append(indicator.code)
            continue
        for area, value in source(session, round_.period).items():
            rows.append(
                RawObservation(
                    row=len(rows) + 1,
                    indicator=indicator.code,
                    ref_area=area,
                    time_period=round_.period,
                    value=value,
                )
            )
    changed = [row for row in rows if _changed(session, round_, row)]
    areas = {row.ref_area for row in changed}
    rows = [row for row in rows if row.ref_area in areas]
    if not rows:
        return Filled([], waiting)
    made = service.submit(
        session,
        sender=service.Sender(actor=SYSTEM),
        round_=round_,
        rows=rows,
        channel="platform",
        confirm=True,
    )
    return Filled(made, waiting)


def _changed(session: Session, round_: MonitoringRound, row: RawObservation) -> bool:
    """Whether the value differs from the Member State's latest vintage (pending or not)."""
    latest = repository.stored(
        session,
        framework=round_.framework,
        statuses=("pending", "published"),
        indicators=[row.indicator],
        ref_area=row.ref_area,
        period=round_.period,
    )
    values = {obs.key: obs.value for obs in current(latest)}
    return values.get((row.indicator, row.ref_area, row.time_period, ())) != row.value


def fill_open_rounds(session: Session) -> list[str]:
    """Every open round's platform figures; one line per round that changed."""
    lines = []
    for found in repository.rounds(session, status="open"):
        filled = fill(session, round_=found)
        if filled.submissions:
            lines.append(f"{service.round_label(found)}: {len(filled.submissions)} new vintage(s)")
    return lines
