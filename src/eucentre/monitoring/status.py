"""Where a round stands: what each Member State has sent and still owes, and a submission's
values beside last period's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre.monitoring import repository
from eucentre.monitoring.models import MonitoringRound, MonitoringSubmission
from eucentre.monitoring.observations import Observation
from eucentre.monitoring.published import current
from eucentre.monitoring.registry import Indicator, registry
from eucentre.monitoring.service import previous_values


@dataclass(frozen=True)
class AreaStatus:
    ref_area: str
    reported: list[str]
    owed: list[str]
    latest_vintage: int
    latest_status: str | None


def reported(session: Session, round_: MonitoringRound, area: str) -> set[str]:
    """Indicators with a value (awaiting sign-off or published) for the Member State."""
    rows = repository.stored(
        session,
        framework=round_.framework,
        statuses=("pending", "published"),
        ref_area=area,
        period=round_.period,
    )
    return {row.observation.indicator for row in rows}


def owed_indicators(round_: MonitoringRound) -> list[Indicator]:
    """What a Member State reports in a round (the platform fills in the rest)."""
    framework = registry().frameworks[round_.framework]
    return [ind for ind in framework.indicators.values() if not ind.by_platform]


def area_status(session: Session, round_: MonitoringRound, area: str) -> AreaStatus:
    sent = reported(session, round_, area)
    submissions = repository.submissions(session, round_id=round_.id, ref_area=area, limit=1)
    return AreaStatus(
        ref_area=area,
        reported=sorted(sent),
        owed=[ind.code for ind in owed_indicators(round_) if ind.code not in sent],
        latest_vintage=submissions[0].vintage if submissions else 0,
        latest_status=submissions[0].status if submissions else None,
    )


def by_member_state(session: Session, round_: MonitoringRound) -> list[AreaStatus]:
    """Every Member State with a coordinator on the platform or a submission in the round."""
    areas = {org.country for org in repository.coordinators(session)}
    areas |= {s.ref_area for s in repository.submissions(session, round_id=round_.id)}
    framework = registry().frameworks[round_.framework]
    return [area_status(session, round_, a) for a in sorted(areas) if a in framework.ref_areas]


@dataclass(frozen=True)
class Compared:
    observation: Observation
    indicator: Indicator
    previous: float | None
    published: float | None


def compared(
    session: Session, submission: MonitoringSubmission, round_: MonitoringRound
) -> list[Compared]:
    """The submission's values, with last period's and the value now published for the cell."""
    before = previous_values(session, framework=round_.framework, period=round_.period)
    now = {
        obs.key: obs.value
        for obs in current(
            repository.stored(
                session,
                framework=round_.framework,
                statuses=("published",),
                ref_area=submission.ref_area,
                period=round_.period,
            )
        )
    }
    reg = registry()
    rows = []
    for obs in repository.observations_of(session, submission.id):
        indicator = reg.indicator(round_.framework, obs.indicator)
        if indicator is None:
            continue
        last = (obs.indicator, obs.ref_area, str(int(obs.time_period) - 1), obs.dimensions)
        rows.append(Compared(obs, indicator, before.get(last), now.get(obs.key)))
    return rows
