"""Every query of the reports domain. Provider reads are scoped to the provider in the query."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from eucentre.models import (
    Bundle,
    Organisation,
    OrganisationKind,
    Referral,
    ReferralReport,
    Report,
    ReportEvent,
    ReportItem,
    ReportItemHash,
    ReportMatch,
)
from eucentre.reports.timeline import REPORT_TIMELINE


def get(session: Session, report_id: int) -> Report | None:
    return session.get(Report, report_id)


def of_provider(session: Session, *, provider_id: int, report_id: int) -> Report | None:
    return session.scalar(
        select(Report).where(Report.id == report_id, Report.provider_id == provider_id)
    )


def by_idempotency_key(session: Session, *, provider_id: int, key: str) -> Report | None:
    return session.scalar(
        select(Report).where(Report.provider_id == provider_id, Report.idempotency_key == key)
    )


def items(session: Session, report_id: int) -> list[ReportItem]:
    return list(
        session.scalars(
            select(ReportItem).where(ReportItem.report_id == report_id).order_by(ReportItem.id)
        )
    )


def item(session: Session, *, report_id: int, item_id: int) -> ReportItem | None:
    return session.scalar(
        select(ReportItem).where(ReportItem.report_id == report_id, ReportItem.id == item_id)
    )


def matches(session: Session, report_id: int) -> list[ReportMatch]:
    return list(
        session.scalars(
            select(ReportMatch).where(ReportMatch.report_id == report_id).order_by(ReportMatch.id)
        )
    )


def forget_matches(session: Session, report_id: int) -> None:
    session.execute(delete(ReportMatch).where(ReportMatch.report_id == report_id))


def events(session: Session, report_id: int, *, for_provider: bool = False) -> list[ReportEvent]:
    where = [ReportEvent.for_provider.is_(True)] if for_provider else []
    return REPORT_TIMELINE.history(session, report_id, where=where)


def queue(session: Session, *, statuses: tuple[str, ...], limit: int) -> list[Report]:
    return list(
        session.scalars(
            select(Report)
            .where(Report.status.in_(statuses))
            .order_by(Report.priority, Report.received_at, Report.id)
            .limit(limit)
        )
    )


def stuck(
    session: Session,
    *,
    statuses: tuple[str, ...],
    before: datetime,
    limit: int,
    now: datetime | None = None,
) -> list[int]:
    """Reports left in `statuses` since before `before` whose assessment nobody holds: a
    lease still renewed is work in progress, not a crash."""
    return list(
        session.scalars(
            select(Report.id)
            .where(
                Report.status.in_(statuses),
                Report.status_changed_at < before,
                _lease_free(now or before),
            )
            .order_by(Report.id)
            .limit(limit)
        )
    )


def _lease_free(now: datetime) -> Any:
    return or_(Report.lease_until.is_(None), Report.lease_until < now)


def _changed(session: Session, statement: Any) -> bool:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount == 1


def take_lease(
    session: Session,
    report_id: int,
    *,
    owner: str,
    until: datetime,
    now: datetime,
    statuses: tuple[str, ...],
) -> bool:
    """In one statement, so of two workers only one gets it: the row lock (PostgreSQL) or
    the write lock (SQLite) makes the second see the first's lease."""
    return _changed(
        session,
        update(Report)
        .where(Report.id == report_id, Report.status.in_(statuses), _lease_free(now))
        .values(lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False),
    )


def renew_lease(session: Session, report_id: int, *, owner: str, until: datetime) -> bool:
    """False if the lease is no longer ours (it expired and another worker took it)."""
    return _changed(
        session,
        update(Report)
        .where(Report.id == report_id, Report.lease_owner == owner)
        .values(lease_until=until)
        .execution_options(synchronize_session=False),
    )


def release_lease(session: Session, report_id: int, *, owner: str) -> bool:
    return _changed(
        session,
        update(Report)
        .where(Report.id == report_id, Report.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False),
    )


def open_bundles(session: Session, *, since: datetime) -> list[Bundle]:
    return list(
        session.scalars(select(Bundle).where(Bundle.first_report_at >= since).order_by(Bundle.id))
    )


def bundle_content(session: Session, bundle_id: int, *, signals: set[str]) -> list[tuple[str, str]]:
    """(signal, value) of the bundle's items, for the given signals."""
    rows = session.execute(
        select(ReportItemHash.signal, ReportItemHash.value)
        .join(ReportItem, ReportItem.id == ReportItemHash.item_id)
        .join(Report, Report.id == ReportItem.report_id)
        .where(Report.bundle_id == bundle_id, ReportItemHash.signal.in_(sorted(signals)))
    )
    return [(row.signal, row.value) for row in rows]


def reports_in_bundle(session: Session, bundle_id: int) -> list[Report]:
    return list(
        session.scalars(select(Report).where(Report.bundle_id == bundle_id).order_by(Report.id))
    )


def authorities_for(session: Session, countries: tuple[str, ...]) -> list[Organisation]:
    if not countries:
        return []
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.kind == OrganisationKind.authority,
                Organisation.country.in_(countries),
                Organisation.is_europol.is_(False),
            )
            .order_by(Organisation.country, Organisation.id)
        )
    )


def europol(session: Session) -> Organisation | None:
    return session.scalar(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.authority, Organisation.is_europol.is_(True))
        .order_by(Organisation.id)
        .limit(1)
    )


def authorities(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.authority)
            .order_by(Organisation.is_europol, Organisation.country)
        )
    )


def referral_for_bundle(session: Session, *, bundle_id: int, authority_id: int) -> Referral | None:
    return session.scalar(
        select(Referral).where(
            Referral.bundle_id == bundle_id, Referral.authority_id == authority_id
        )
    )


def forwarded(session: Session, *, referral_id: int, report_id: int) -> ReferralReport | None:
    return session.scalar(
        select(ReferralReport).where(
            ReferralReport.referral_id == referral_id, ReferralReport.report_id == report_id
        )
    )


def plain_answers(session: Session, *, limit: int) -> list[ReportEvent]:
    """Providers' answers stored before they were sealed on write."""
    return list(
        session.scalars(
            select(ReportEvent)
            .where(
                ReportEvent.kind == "information_received",
                ReportEvent.message_sealed.is_(None),
                ReportEvent.message != "",
            )
            .order_by(ReportEvent.id)
            .limit(limit)
        )
    )
