"""The directory's queries. The directory is scoped here: only active entries, re-confirmed
and not hidden, are ever listed; which of their fields a viewer sees is network_fields.shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eucentre.prevention.models import NetworkAttempt, NetworkEntry, NetworkMessage

MAX_DIRECTORY = 2000


def get(session: Session, entry_id: int, *, lock: bool = False) -> NetworkEntry | None:
    return session.get(NetworkEntry, entry_id, with_for_update=lock)


def by_number(session: Session, number: str) -> NetworkEntry | None:
    return session.scalar(select(NetworkEntry).where(NetworkEntry.number == number))


def by_user(session: Session, user_id: int) -> NetworkEntry | None:
    return session.scalar(select(NetworkEntry).where(NetworkEntry.user_id == user_id))


def by_email_digest(session: Session, digest: str) -> NetworkEntry | None:
    return session.scalar(select(NetworkEntry).where(NetworkEntry.email_digest == digest))


def by_form_token(session: Session, digest: str) -> NetworkEntry | None:
    return session.scalar(select(NetworkEntry).where(NetworkEntry.form_token_digest == digest))


def by_receipt(session: Session, digest: str) -> NetworkEntry | None:
    return session.scalar(select(NetworkEntry).where(NetworkEntry.receipt_digest == digest))


def listed(session: Session) -> list[NetworkEntry]:
    """The entries the directory lists: active, and not hidden for want of re-confirmation."""
    return list(
        session.scalars(
            select(NetworkEntry)
            .where(NetworkEntry.status == "active", NetworkEntry.hidden_at.is_(None))
            .order_by(NetworkEntry.id)
            .limit(MAX_DIRECTORY)
        )
    )


def listed_one(session: Session, entry_id: int) -> NetworkEntry | None:
    return session.scalar(
        select(NetworkEntry).where(
            NetworkEntry.id == entry_id,
            NetworkEntry.status == "active",
            NetworkEntry.hidden_at.is_(None),
        )
    )


def applications(session: Session, *, status: str) -> list[NetworkEntry]:
    return list(
        session.scalars(
            select(NetworkEntry)
            .where(NetworkEntry.status == status)
            .order_by(NetworkEntry.submitted_at)
            .limit(500)
        )
    )


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(NetworkEntry.status, func.count()).group_by(NetworkEntry.status)
    ).all()
    return {status: count for status, count in rows}


def unconfirmed(session: Session, *, before: datetime, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(NetworkEntry.id)
            .where(
                NetworkEntry.status == "active",
                NetworkEntry.hidden_at.is_(None),
                NetworkEntry.confirmed_at < before,
            )
            .order_by(NetworkEntry.id)
            .limit(limit)
        )
    )


def messages(session: Session, entry_id: int, *, limit: int = 200) -> list[NetworkMessage]:
    """Relayed messages made available to the member, newest first."""
    return list(
        session.scalars(
            select(NetworkMessage)
            .where(NetworkMessage.entry_id == entry_id, NetworkMessage.delivered_at.is_not(None))
            .order_by(NetworkMessage.created_at.desc(), NetworkMessage.id.desc())
            .limit(limit)
        )
    )


def delete_entry(session: Session, entry: NetworkEntry) -> None:
    session.execute(delete(NetworkMessage).where(NetworkMessage.entry_id == entry.id))
    session.delete(entry)
    session.flush()


def attempts_since(session: Session, subject: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                NetworkAttempt.subject == subject, NetworkAttempt.at >= since
            )
        )
        or 0
    )


def note_attempt(session: Session, subject: str, at: datetime) -> None:
    session.add(NetworkAttempt(subject=subject, at=at))
    session.flush()


def forget_attempts(session: Session, *, before: datetime) -> int:
    result = session.execute(delete(NetworkAttempt).where(NetworkAttempt.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
