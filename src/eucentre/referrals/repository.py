"""Referral queries. An authority only ever sees its own referrals: the scope is in the query."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.models import Referral


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
