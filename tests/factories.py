"""Typed factories for tests: each makes one thing through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre.auth import service as auth_service
from eucentre.auth import totp
from eucentre.models import Organisation, OrganisationKind, Role, StaffUser

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"  # noqa: S105


def make_organisation(
    session: Session,
    *,
    kind: OrganisationKind = OrganisationKind.provider,
    country: str = "DE",
    europol: bool = False,
    name: str | None = None,
) -> Organisation:
    return auth_service.create_organisation(
        session,
        actor="test",
        name=name or f"{kind.value}-{next(_counter)}",
        kind=kind,
        country=country,
        is_europol=europol,
    )


def make_key(session: Session, organisation: Organisation, scopes: list[str] | None = None) -> str:
    return auth_service.create_key(
        session, actor="test", organisation_name=organisation.name, scopes=scopes
    ).plaintext


@dataclass
class StaffAccount:
    user: StaffUser
    email: str
    password: str
    totp_secret: str

    def code(self, at: float | None = None) -> str:
        return totp.current_code(self.totp_secret, at=at)


def make_staff(session: Session, *, secret: bytes, role: Role = Role.analyst) -> StaffAccount:
    email = f"{role.value}-{next(_counter)}@example.test"
    new = auth_service.create_user(
        session, actor="test", secret=secret, email=email, role=role, password=PASSWORD
    )
    return StaffAccount(user=new.user, email=email, password=PASSWORD, totp_secret=new.totp_secret)


def csrf_token_of(client, secret: bytes) -> str:
    """The CSRF token of the staff session a test's HTTP client carries (bound to the session)."""
    from eucentre.auth import csrf
    from eucentre.kit.crypto import sha256_hex

    return csrf.token_for_session(secret, sha256_hex(client.cookies["eucentre_session"]))
