"""Generated from the app's route table: every route is called as every kind of principal, over
real HTTP, and nobody gets what the route's declaration does not allow. A new route is covered
the moment it is added."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.auth.access import access_of, api_routes
from eucentre.auth.principals import ANONYMOUS, Principal, PrincipalKind
from eucentre.db import transaction
from eucentre.kit.crypto import sha256_hex
from eucentre.models import OrganisationKind, Role
from eucentre.models.staff import AUTHORITY_OFFICER, COORDINATOR
from tests.conftest import TEST_SECRET
from tests.factories import make_key, make_organisation, make_staff

NONCE = "matrix-test-nonce"


@dataclass
class Caller:
    name: str
    principal: Principal
    headers: dict[str, str]
    cookies: dict[str, str]
    user: object = None

    def fresh_cookies(self, session_factory) -> dict[str, str]:
        """A new session per request: the matrix also calls /sign-out, which ends a session."""
        if self.user is None:
            return self.cookies
        with transaction(session_factory) as session:
            token = auth_service.open_session(session, user=self.user, lifetime=timedelta(hours=1))
        return {**self.cookies, "eucentre_session": token}

    def headers_for(self, cookies: dict[str, str]) -> dict[str, str]:
        """The caller's headers, with the CSRF token of the session in `cookies` (tokens are
        bound to their session)."""
        if "eucentre_session" not in cookies:
            return self.headers
        token = csrf.token_for_session(
            TEST_SECRET.encode(), sha256_hex(cookies["eucentre_session"])
        )
        return {**self.headers, csrf.HEADER: token}


def build_callers(live, session_factory) -> list[Caller]:
    secret = TEST_SECRET.encode()
    callers = [Caller("anonymous", ANONYMOUS, {}, {})]
    with transaction(session_factory) as session:
        for kind in (
            OrganisationKind.provider,
            OrganisationKind.authority,
            OrganisationKind.coordinator,
        ):
            key = make_key(session, make_organisation(session, kind=kind))
            callers.append(
                Caller(
                    kind.value,
                    auth_service.principal_for_key(session, key),
                    {"Authorization": f"Bearer {key}"},
                    {},
                )
            )
        # People who sign in and act for an organisation.
        for kind, role in (
            (OrganisationKind.authority, AUTHORITY_OFFICER),
            (OrganisationKind.coordinator, COORDINATOR),
        ):
            organisation = make_organisation(session, kind=kind, name=f"matrix-{kind.value}")
            person = auth_service.create_user(
                session,
                actor="test",
                secret=secret,
                email=f"{role}@matrix.test",
                role=role,
                password="a long enough password",
                organisation_name=organisation.name,
            ).user
            token = auth_service.open_session(session, user=person, lifetime=timedelta(hours=1))
            callers.append(
                Caller(
                    role.replace("_", " "),
                    auth_service.principal_for_session(session, token),
                    {csrf.HEADER: csrf.token_for_session(secret, sha256_hex(token))},
                    {csrf.COOKIE: NONCE},
                    user=person,
                )
            )
        for role in Role:
            account = make_staff(session, secret=secret, role=role)
            token = auth_service.open_session(
                session, user=account.user, lifetime=timedelta(hours=1)
            )
            callers.append(
                Caller(
                    role.value,
                    auth_service.principal_for_session(session, token),
                    {csrf.HEADER: csrf.token_for_session(secret, sha256_hex(token))},
                    {csrf.COOKIE: NONCE},
                    user=account.user,
                )
            )
    return callers


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_declares_who_may_call_it(live) -> None:
    undeclared = [route.path for route in api_routes(live.app) if access_of(route) is None]
    assert undeclared == []


def test_nobody_gets_what_their_role_does_not_allow(live, session_factory) -> None:
    callers = build_callers(live, session_factory)
    assert {c.principal.kind for c in callers} == set(PrincipalKind)
    checked = 0
    failures = []
    for route in api_routes(live.app):
        access = access_of(route)
        for method in sorted(route.methods - {"HEAD"}):
            for caller in callers:
                cookies = caller.fresh_cookies(session_factory)
                headers = caller.headers_for(cookies)
                with live.client(headers=headers, cookies=cookies) as client:
                    response = client.request(method, concrete(route.path))
                denied = response.status_code in (401, 403) or (
                    response.status_code == 303
                    and response.headers["location"].startswith("/sign-in")
                )
                allowed = access.admits(caller.principal)
                if allowed == denied or response.status_code >= 500:
                    failures.append((method, route.path, caller.name, response.status_code))
                checked += 1
    assert failures == [], "\n".join(map(str, failures))
    assert checked >= len(callers) * 8


def test_a_key_on_a_route_its_kind_may_not_call_is_refused_and_audited(
    live, session_factory
) -> None:
    from sqlalchemy import select

    from eucentre.models import AuditEntry

    with transaction(session_factory) as session:
        key = make_key(session, make_organisation(session, kind=OrganisationKind.provider))
    with live.client(headers={"Authorization": f"Bearer {key}"}) as client:
        response = client.get("/staff/audit")
    assert response.status_code == 403
    with transaction(session_factory) as session:
        denied = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "access.denied")
        ).all()
    assert [entry.object_id for entry in denied] == ["/staff/audit"]


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer euc_nope_nope", "Token x"])
def test_bad_authorization_headers_get_401_with_a_code(live, header: str) -> None:
    with live.client(headers={"Authorization": header}) as client:
        response = client.get("/api/v1/whoami")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"


def test_a_revoked_key_gets_401_and_the_attempt_is_audited(live, session_factory) -> None:
    from sqlalchemy import select

    from eucentre.models import AuditEntry

    with transaction(session_factory) as session:
        key = make_key(session, make_organisation(session))
        auth_service.revoke_key(session, actor="test", prefix=key.split("_")[1])
    with live.client(headers={"Authorization": f"Bearer {key}"}) as client:
        response = client.get("/api/v1/whoami")
    assert response.status_code == 401 and response.json()["error"] == "revoked_api_key"
    with transaction(session_factory) as session:
        used = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.revoked_key_used")
        ).all()
    assert len(used) == 1
