"""Records as the API shows them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.monitoring import repository
from eucentre.monitoring.models import MonitoringRound, MonitoringSubmission
from eucentre.monitoring.observations import Observation
from eucentre.monitoring.registry import Framework
from eucentre.monitoring.schemas import (
    FrameworkOut,
    IndicatorOut,
    ObservationOut,
    RoundOut,
    SubmissionDetail,
    SubmissionOut,
)
from eucentre.monitoring.service import round_label


def round_out(found: MonitoringRound) -> RoundOut:
    return RoundOut(
        id=found.id,
        round=round_label(found),
        framework=found.framework,
        period=found.period,
        deadline=found.deadline,
        status=found.status,
    )


def observation_out(obs: Observation, vintage: int | None = None) -> ObservationOut:
    return ObservationOut(
        indicator=obs.indicator,
        ref_area=obs.ref_area,
        time_period=obs.time_period,
        value=obs.value,
        status=obs.status,
        dimensions=dict(obs.dimensions),
        vintage=vintage,
    )


def submission_out(session: Session, found: MonitoringSubmission) -> SubmissionOut:
    round_ = repository.round_by_id(session, found.round_id)
    assert round_ is not None
    return SubmissionOut(
        id=found.id,
        round=round_label(round_),
        round_id=round_.id,
        ref_area=found.ref_area,
        vintage=found.vintage,
        status=found.status,
        channel=found.channel,
        submitted_at=as_utc(found.submitted_at),
        observations=len(repository.observations_of(session, found.id)),
        warnings=found.warnings,
    )


def submission_detail(session: Session, found: MonitoringSubmission) -> SubmissionDetail:
    values = repository.observations_of(session, found.id)
    return SubmissionDetail(
        **submission_out(session, found).model_dump(),
        values=[observation_out(obs, found.vintage) for obs in values],
        decided_at=as_utc(found.decided_at) if found.decided_at else None,
        decision_note=found.decision_note,
    )


def framework_out(framework: Framework, language: str) -> FrameworkOut:
    return FrameworkOut(
        code=framework.code,
        version=framework.version,
        title=framework.title.in_(language),
        structure_id=framework.structure_id,
        reference=framework.reference,
        maps_onto=framework.maps_onto,
        aliases=framework.aliases,
        indicators=[
            IndicatorOut(
                code=ind.code,
                framework=ind.framework,
                title=ind.title.in_(language),
                definition=ind.definition.in_(language),
                priority=ind.priority.in_(language),
                unit=ind.unit.code,
                frequency=ind.frequency,
                disaggregations=list(ind.disaggregations),
                direction=ind.direction,
                target=ind.target,
                target_year=ind.target_year,
                baseline_year=ind.baseline_year,
                jump_ratio=ind.jump_ratio,
                source=ind.source,
                also=[f"{fw}:{code}" for fw, code in ind.also],
            )
            for ind in framework.indicators.values()
        ],
    )
