"""What the figures are: for each cell, the value of its latest vintage (or the latest up to
`?vintage=N`). Published figures are everyone's; figures awaiting sign-off only the Centre's
and the coordinator's that sent them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.monitoring import repository
from eucentre.monitoring.observations import Key, Observation
from eucentre.monitoring.registry import Registry


def current(rows: Iterable[repository.Stored]) -> list[Observation]:
    """Each cell once, from its latest vintage (rows come oldest vintage first)."""
    latest: dict[Key, Observation] = {}
    for row in rows:
        latest[row.observation.key] = row.observation
    return sorted(latest.values(), key=sort_key)


def current_with_vintage(rows: Iterable[repository.Stored]) -> list[repository.Stored]:
    latest: dict[Key, repository.Stored] = {}
    for row in rows:
        latest[row.observation.key] = row
    return sorted(latest.values(), key=lambda row: sort_key(row.observation))


def sort_key(obs: Observation) -> tuple[str, str, str, str]:
    return (obs.indicator, obs.ref_area, obs.time_period, obs.dimensions_key)


@dataclass(frozen=True)
class Reader:
    """Whose eyes: the Centre (`centre`), a coordinator (its organisation), or anyone else."""

    centre: bool = False
    organisation_id: int | None = None


class UnpublishedRefused(errors.Forbidden):
    code = "unpublished_not_allowed"


def read(
    session: Session,
    *,
    registry: Registry,
    reader: Reader,
    framework: str,
    indicator: str | None = None,
    ref_area: str | None = None,
    vintage: int | None = None,
    pending: bool = False,
) -> list[repository.Stored]:
    """Published figures, the latest vintage of each cell (up to `vintage`); with `pending`,
    the figures awaiting sign-off that this reader may see, as sent."""
    found = registry.framework(framework)
    if found is None:
        raise errors.NotFound(f"no framework {framework[:40]!r}", code="unknown_framework")
    stored_framework = registry.stored_framework(framework)
    indicators = None
    if indicator is not None:
        resolved = registry.indicator(framework, indicator)
        if resolved is None:
            raise errors.NotFound(
                f"{indicator[:40]!r} is not an indicator of {framework}", code="unknown_indicator"
            )
        indicators = [resolved.code]
    elif found.maps_onto:
        indicators = sorted(set(found.aliases.values()))
    if pending:
        if not reader.centre and reader.organisation_id is None:
            raise UnpublishedRefused("figures awaiting sign-off are not public")
        rows = repository.stored(
            session,
            framework=stored_framework,
            statuses=("pending",),
            indicators=indicators,
            ref_area=ref_area,
            organisation_id=None if reader.centre else reader.organisation_id,
        )
        return sorted(rows, key=lambda row: (row.submission_id, sort_key(row.observation)))
    rows = repository.stored(
        session,
        framework=stored_framework,
        statuses=("published",),
        indicators=indicators,
        ref_area=ref_area,
        max_vintage=vintage,
    )
    return current_with_vintage(rows)
