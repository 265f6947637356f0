"""Referral queries. An authority only ever sees its own referrals: the scope is in the query."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.models import Referral, ReferralPackage, ReferralReport, Report


def of_bundle(session: Session, bundle_id: int) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral).where(Referral.bundle_id == bundle_id).order_by(Referral.id)
        )
    )


def inbox(
    session: Session, *, authority_id: int, status: str | None, limit: int, offset: int
) -> list[Referral]:
    query = select(Referral).where(
        Referral.authority_id == authority_id, Referral.status != "pending"
    )
    if status:
        query = query.where(Referral.status == status)
    # Urgent first, then oldest first: the order an authority should work in.
    return list(
        session.scalars(
            query.order_by(Referral.urgent.desc(), Referral.created_at, Referral.id)
            .limit(limit)
            .offset(offset)
        )
    )


def of_authority(session: Session, *, authority_id: int, referral_id: int) -> Referral | None:
    return session.scalar(
        select(Referral).where(
            Referral.id == referral_id,
            Referral.authority_id == authority_id,
            Referral.status != "pending",
        )
    )


def forwarded(
    session: Session, *, authority_id: int, referral_id: int
) -> list[tuple[Report, ReferralReport]]:
    """The reports forwarded to the authority in this referral that a built package carries,
    oldest first; nothing of another authority's referral, and no report of the bundle that
    was not forwarded here."""
    rows = session.execute(
        select(Report, ReferralReport)
        .join(ReferralReport, ReferralReport.report_id == Report.id)
        .join(Referral, Referral.id == ReferralReport.referral_id)
        .where(
            Referral.id == referral_id,
            Referral.authority_id == authority_id,
            ReferralReport.package_version.is_not(None),
        )
        .order_by(ReferralReport.package_version, Report.id)
    )
    return [(row[0], row[1]) for row in rows]


def counts(session: Session, *, authority_id: int, referral_ids: list[int]) -> dict[int, int]:
    """How many reports each of the authority's referrals carries."""
    if not referral_ids:
        return {}
    rows = session.execute(
        select(ReferralReport.referral_id, func.count())
        .join(Referral, Referral.id == ReferralReport.referral_id)
        .where(
            Referral.authority_id == authority_id,
            Referral.id.in_(referral_ids),
            ReferralReport.package_version.is_not(None),
        )
        .group_by(ReferralReport.referral_id)
    )
    found = {referral_id: count for referral_id, count in rows}
    return {referral_id: found.get(referral_id, 0) for referral_id in referral_ids}


def unseen(session: Session, *, authority_id: int, referral_ids: list[int]) -> dict[int, int]:
    """How many reports of each referral arrived in a version the authority has not yet
    downloaded or acknowledged (none while it never did: then the whole referral is new)."""
    if not referral_ids:
        return {}
    rows = session.execute(
        select(ReferralReport.referral_id, func.count())
        .join(Referral, Referral.id == ReferralReport.referral_id)
        .where(
            Referral.authority_id == authority_id,
            Referral.id.in_(referral_ids),
            Referral.seen_version.is_not(None),
            ReferralReport.package_version > Referral.seen_version,
        )
        .group_by(ReferralReport.referral_id)
    )
    found = {referral_id: count for referral_id, count in rows}
    return {referral_id: found.get(referral_id, 0) for referral_id in referral_ids}


def versions(session: Session, *, authority_id: int, referral_id: int) -> list[ReferralPackage]:
    return list(
        session.scalars(
            select(ReferralPackage)
            .join(Referral, Referral.id == ReferralPackage.referral_id)
            .where(Referral.id == referral_id, Referral.authority_id == authority_id)
            .order_by(ReferralPackage.version)
        )
    )


def for_update(session: Session, referral_id: int) -> Referral | None:
    """The referral, locked: publishing versions of one referral one at a time keeps each
    version's set of reports and its checksum fixed."""
    return session.get(Referral, referral_id, with_for_update=True, populate_existing=True)


def unpackaged(session: Session, referral_id: int) -> list[ReferralReport]:
    """Reports forwarded since the last package was built."""
    return list(
        session.scalars(
            select(ReferralReport)
            .where(
                ReferralReport.referral_id == referral_id,
                ReferralReport.package_version.is_(None),
            )
            .order_by(ReferralReport.report_id)
        )
    )


def version(session: Session, *, referral_id: int, number: int) -> ReferralPackage | None:
    return session.scalar(
        select(ReferralPackage).where(
            ReferralPackage.referral_id == referral_id, ReferralPackage.version == number
        )
    )
