from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from eucentre.models import ApiKey, Organisation, SignInAttempt, StaffSession, StaffUser


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def user_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == email))


def users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))


def keys_of(session: Session, organisation_id: int) -> list[ApiKey]:
    return list(
        session.scalars(
            select(ApiKey).where(ApiKey.organisation_id == organisation_id).order_by(ApiKey.id)
        )
    )


def live_session(session: Session, token_hash: str, now: datetime) -> StaffSession | None:
    return session.scalar(
        select(StaffSession).where(
            StaffSession.token_hash == token_hash,
            StaffSession.revoked_at.is_(None),
            StaffSession.expires_at > now,
        )
    )


def user_for_update(session: Session, user_id: int) -> StaffUser | None:
    """The account, locked until commit (PostgreSQL; SQLite's write lock is already held), and
    re-read: concurrent sign-ins must see each other's TOTP step and failures."""
    return session.scalar(
        select(StaffUser)
        .where(StaffUser.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def failures_since(session: Session, subject: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(SignInAttempt.subject == subject, SignInAttempt.at > since)
        )
        or 0
    )


def last_failure(session: Session, subject: str, since: datetime) -> datetime | None:
    return session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.subject == subject, SignInAttempt.at > since
        )
    )


def forget_failures(session: Session, subject: str) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.subject == subject))


def forget_failures_before(session: Session, before: datetime) -> int:
    result = session.execute(delete(SignInAttempt).where(SignInAttempt.at < before))
    # Session.execute is typed as returning a Result; for DML it is a CursorResult, with the count.
    assert isinstance(result, CursorResult)
    return result.rowcount
