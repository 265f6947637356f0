"""Monitoring queries. Published figures are everyone's; figures awaiting sign-off are read only
by the Centre and by the coordinator that sent them: that scope is in the query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.models import Organisation, OrganisationKind, Referral, ReferralReport
from eucentre.monitoring.models import (
    MonitoringObservation,
    MonitoringRound,
    MonitoringSubmission,
)
from eucentre.monitoring.observations import Observation, parse_dimensions_key

# However many rounds and vintages there are, one read returns at most this many rows.
MAX_ROWS = 200_000


def round_by_id(session: Session, round_id: int) -> MonitoringRound | None:
    return session.get(MonitoringRound, round_id)


def round_for(session: Session, framework: str, period: str) -> MonitoringRound | None:
    return session.scalars(
        select(MonitoringRound).where(
            MonitoringRound.framework == framework, MonitoringRound.period == period
        )
    ).first()


def rounds(
    session: Session, *, framework: str | None = None, status: str | None = None
) -> list[MonitoringRound]:
    query = select(MonitoringRound)
    if framework is not None:
        query = query.where(MonitoringRound.framework == framework)
    if status is not None:
        query = query.where(MonitoringRound.status == status)
    return list(
        session.scalars(query.order_by(MonitoringRound.period.desc(), MonitoringRound.framework))
    )


def submission(session: Session, submission_id: int) -> MonitoringSubmission | None:
    return session.get(MonitoringSubmission, submission_id)


def submissions(
    session: Session,
    *,
    round_id: int | None = None,
    ref_area: str | None = None,
    status: str | None = None,
    organisation_id: int | None = None,
    limit: int = 500,
) -> list[MonitoringSubmission]:
    query = select(MonitoringSubmission)
    if round_id is not None:
        query = query.where(MonitoringSubmission.round_id == round_id)
    if ref_area is not None:
        query = query.where(MonitoringSubmission.ref_area == ref_area)
    if status is not None:
        query = query.where(MonitoringSubmission.status == status)
    if organisation_id is not None:
        query = query.where(MonitoringSubmission.organisation_id == organisation_id)
    order = (MonitoringSubmission.submitted_at.desc(), MonitoringSubmission.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def last_vintage(session: Session, round_id: int, ref_area: str) -> int:
    found = session.scalar(
        select(func.max(MonitoringSubmission.vintage)).where(
            MonitoringSubmission.round_id == round_id, MonitoringSubmission.ref_area == ref_area
        )
    )
    return int(found or 0)


def _observation(row: MonitoringObservation) -> Observation:
    return Observation(
        indicator=row.indicator,
        ref_area=row.ref_area,
        time_period=row.time_period,
        dimensions=parse_dimensions_key(row.dimensions_key),
        value=row.value,
        status=row.status,
    )


def observations_of(session: Session, submission_id: int) -> list[Observation]:
    rows = session.scalars(
        select(MonitoringObservation)
        .where(MonitoringObservation.submission_id == submission_id)
        .order_by(MonitoringObservation.indicator, MonitoringObservation.dimensions_key)
    )
    return [_observation(row) for row in rows]


@dataclass(frozen=True)
class Stored:
    """An observation with the submission it came in."""

    observation: Observation
    submission_id: int
    vintage: int
    status: str
    organisation_id: int | None


def stored(
    session: Session,
    *,
    framework: str,
    statuses: Sequence[str],
    indicators: Sequence[str] | None = None,
    ref_area: str | None = None,
    period: str | None = None,
    organisation_id: int | None = None,
    max_vintage: int | None = None,
) -> list[Stored]:
    """Observations of the framework's rounds in submissions of these statuses, oldest vintage
    first (so that a later vintage overrides an earlier one when reduced in order)."""
    query = (
        select(MonitoringObservation, MonitoringSubmission)
        .join(MonitoringSubmission, MonitoringObservation.submission_id == MonitoringSubmission.id)
        .join(MonitoringRound, MonitoringSubmission.round_id == MonitoringRound.id)
        .where(MonitoringRound.framework == framework, MonitoringSubmission.status.in_(statuses))
    )
    if indicators is not None:
        query = query.where(MonitoringObservation.indicator.in_(indicators))
    if ref_area is not None:
        query = query.where(MonitoringSubmission.ref_area == ref_area)
    if period is not None:
        query = query.where(MonitoringRound.period == period)
    if organisation_id is not None:
        query = query.where(MonitoringSubmission.organisation_id == organisation_id)
    if max_vintage is not None:
        query = query.where(MonitoringSubmission.vintage <= max_vintage)
    query = query.order_by(
        MonitoringSubmission.vintage, MonitoringSubmission.id, MonitoringObservation.id
    ).limit(MAX_ROWS)
    return [
        Stored(
            observation=_observation(obs),
            submission_id=sub.id,
            vintage=sub.vintage,
            status=sub.status,
            organisation_id=sub.organisation_id,
        )
        for obs, sub in session.execute(query).tuples()
    ]


def organisation(session: Session, organisation_id: int | None) -> Organisation | None:
    return session.get(Organisation, organisation_id) if organisation_id is not None else None


def coordinators(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.coordinator)
            .order_by(Organisation.country, Organisation.name)
        )
    )


# --- the platform's own records, for the figures it fills in itself ----------------------------


def authority_countries(session: Session) -> list[str]:
    """Member States the Centre can forward to: those with an authority (Europol aside)."""
    return sorted(
        set(
            session.scalars(
                select(Organisation.country).where(
                    Organisation.kind == OrganisationKind.authority,
                    Organisation.is_europol.is_(False),
                )
            )
        )
    )


def reports_forwarded(session: Session, *, start: datetime, end: datetime) -> dict[str, int]:
    """Distinct reports forwarded in [start, end) to each country's authorities (Europol is
    not a Member State's authority, so its referrals do not count)."""
    query = (
        select(Organisation.country, func.count(func.distinct(ReferralReport.report_id)))
        .join(Referral, ReferralReport.referral_id == Referral.id)
        .join(Organisation, Referral.authority_id == Organisation.id)
        .where(
            Organisation.kind == OrganisationKind.authority,
            Organisation.is_europol.is_(False),
            ReferralReport.forwarded_at >= start,
            ReferralReport.forwarded_at < end,
        )
        .group_by(Organisation.country)
    )
    return {country: int(count) for country, count in session.execute(query).tuples()}
