"""The SQL behind the figures (SQLite and PostgreSQL), and the stored vintages.

Each counting query scans the period once and groups in the database; Python only reshapes the
few grouped rows. Times are UTC on both engines (PostgreSQL's are converted explicitly, so the
session's time zone never moves a report into another month).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from eucentre.models import (
    Complaint,
    Indicator,
    Organisation,
    Referral,
    ReferralReport,
    Report,
    ReportEvent,
    ReportMatch,
)
from eucentre.transparency.models import StatisticsValue, StatisticsVintage
from eucentre.transparency.periods import Period

SYSTEM = "system"
# Report outcomes, from the report's timeline (the strongest event wins).
OUTCOMES = ("forwarded", "manifestly_unfounded", "not_abuse", "in_assessment")
_RANK_OUTCOME = {4: "not_abuse", 3: "manifestly_unfounded", 2: "not_abuse", 1: "forwarded"}


def _month(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("month", func.timezone("UTC", column))
    # SQLite keeps times as "YYYY-MM-DD HH:MM:SS..." text: the month is characters 6-7
    # (several times cheaper than strftime over millions of rows).
    return func.cast(func.substr(column, 6, 2), Integer)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    # coalesce(x, x): the same value, but SQLite no longer skip-scans the (status, priority,
    # received_at) queue index with a random row look-up per report; a plain scan is far faster.
    scanned = func.coalesce(column, column)
    return and_(scanned >= period.start, scanned < period.end)


def _month_code(period: Period, month: Any) -> str:
    return f"{period.year}-{int(month):02d}"


def reports_cube(session: Session, period: Period) -> list[tuple[str, str, str, str, int]]:
    """(month, provider, incident type, outcome, count) of the reports received in the period.

    Outcome: a report marked erroneous (an upheld complaint) or found unfounded by an analyst
    is "not abuse"; one the automatic assessment found unfounded is "manifestly unfounded";
    one referred is "forwarded"; anything else is still "in assessment"."""
    rank = func.max(
        case(
            (ReportEvent.kind == "erroneous", 4),
            (and_(ReportEvent.kind == "unfounded", ReportEvent.actor == SYSTEM), 3),
            (ReportEvent.kind == "unfounded", 2),
            (ReportEvent.kind == "referred", 1),
            else_=0,
        )
    ).label("rank")
    in_period = aliased(Report)
    ranks = (
        select(ReportEvent.report_id, rank)
        .join(in_period, in_period.id == ReportEvent.report_id)
        .where(
            ReportEvent.kind.in_(("erroneous", "unfounded", "referred")),
            _within(in_period.received_at, period),
        )
        .group_by(ReportEvent.report_id)
        .subquery()
    )
    month = _month(session, Report.received_at).label("month")
    outcome_rank = func.coalesce(ranks.c.rank, 0).label("outcome")
    rows = session.execute(
        select(month, Report.provider_id, Report.incident_type, outcome_rank, func.count())
        .select_from(Report)
        .outerjoin(ranks, ranks.c.report_id == Report.id)
        .where(_within(Report.received_at, period))
        .group_by(month, Report.provider_id, Report.incident_type, outcome_rank)
    ).all()
    names = provider_names(session, {row[1] for row in rows})
    return [
        (
            _month_code(period, m),
            names.get(provider_id, str(provider_id)),
            incident_type,
            _RANK_OUTCOME.get(int(r), "in_assessment"),
            int(n),
        )
        for m, provider_id, incident_type, r, n in rows
    ]


def provider_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    ).all()
    return {row.id: row.name for row in rows}


def repeat_reports_by_month(session: Session, period: Period) -> dict[str, int]:
    """Reports received in the period about an item already reported: in a bundle that holds
    an earlier report."""
    earlier = aliased(Report)
    month = _month(session, Report.received_at).label("month")
    rows = session.execute(
        select(month, func.count())
        .where(
            _within(Report.received_at, period),
            Report.bundle_id.is_not(None),
            exists().where(earlier.bundle_id == Report.bundle_id, earlier.id < Report.id),
        )
        .group_by(month)
    ).all()
    return {_month_code(period, m): int(n) for m, n in rows}


def known_match_reports_by_month(session: Session, period: Period) -> dict[str, int]:
    """Reports received in the period with at least one item matching a verified indicator."""
    month = _month(session, Report.received_at).label("month")
    matched = (
        select(ReportMatch.report_id)
        .where(ReportMatch.indicator_status == "verified")
        .distinct()
        .subquery()
    )
    rows = session.execute(
        select(month, func.count())
        .select_from(matched)
        .join(Report, Report.id == matched.c.report_id)
        .where(_within(Report.received_at, period))
        .group_by(month)
    ).all()
    return {_month_code(period, m): int(n) for m, n in rows}


def forwardings_by_member_state(session: Session, period: Period) -> dict[str, int]:
    """Reports forwarded in the period to a Member State's authority, per Member State (a
    report forwarded to two Member States counts once in each); Europol is not a Member State."""
    rows = session.execute(
        select(Organisation.country, func.count(func.distinct(ReferralReport.report_id)))
        .select_from(ReferralReport)
        .join(Referral, Referral.id == ReferralReport.referral_id)
        .join(Organisation, Organisation.id == Referral.authority_id)
        .where(_within(ReferralReport.forwarded_at, period), Organisation.is_europol.is_(False))
        .group_by(Organisation.country)
    ).all()
    return {country: int(n) for country, n in rows}


def complaints_cube(session: Session, period: Period) -> list[tuple[str, str, int]]:
    """(month, status, count) of the complaints received in the period."""
    month = _month(session, Complaint.received_at).label("month")
    rows = session.execute(
        select(month, Complaint.status, func.count())
        .where(_within(Complaint.received_at, period))
        .group_by(month, Complaint.status)
    ).all()
    return [(_month_code(period, m), status, int(n)) for m, status, n in rows]


def verified_indicators_at_end(session: Session, period: Period) -> int:
    """Indicators verified now and created before the period ended."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Indicator)
            .where(Indicator.status == "verified", Indicator.created_at < period.end)
        )
        or 0
    )


def periods_with_reports(session: Session) -> list[int]:
    """The years in which reports or complaints were received, newest first."""
    years: set[int] = set()
    for column in (Report.received_at, Complaint.received_at):
        first, last = session.execute(select(func.min(column), func.max(column))).one()
        if first is not None and last is not None:
            years |= set(range(first.year, last.year + 1))
    return sorted(years, reverse=True)


# ---------------------------------------------------------------- vintages


def vintages(session: Session, period: Period) -> Sequence[StatisticsVintage]:
    return session.scalars(
        select(StatisticsVintage)
        .where(StatisticsVintage.period == period.code)
        .order_by(StatisticsVintage.number)
    ).all()


def vintage(session: Session, period: Period, number: int) -> StatisticsVintage | None:
    return session.scalar(
        select(StatisticsVintage).where(
            StatisticsVintage.period == period.code, StatisticsVintage.number == number
        )
    )


def add_vintage(
    session: Session,
    *,
    period: Period,
    status: str,
    published_at: datetime,
    published_by: str,
    min_cell: int,
    values: list[StatisticsValue],
) -> StatisticsVintage:
    last = session.scalar(
        select(func.max(StatisticsVintage.number)).where(StatisticsVintage.period == period.code)
    )
    stored = StatisticsVintage(
        period=period.code,
        number=(last or 0) + 1,
        status=status,
        published_at=published_at,
        published_by=published_by,
        min_cell=min_cell,
    )
    session.add(stored)
    session.flush()
    for value in values:
        value.vintage_id = stored.id
    session.add_all(values)
    session.flush()
    return stored


def values_of(session: Session, vintage_id: int) -> Sequence[StatisticsValue]:
    return session.scalars(
        select(StatisticsValue)
        .where(StatisticsValue.vintage_id == vintage_id)
        .order_by(StatisticsValue.position)
    ).all()
