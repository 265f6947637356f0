"""Every route declares who may call it, with `Depends(allow(...))`.

The declaration is data (an `Access` on the dependency), so tests can read the whole route table
and prove that nobody outside a route's declaration gets through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.audit.service import AuditEvent
from eucentre.auth import csrf, scopes
from eucentre.auth import service as auth_service
from eucentre.auth.principals import ANONYMOUS, Principal, PrincipalKind
from eucentre.db import transaction
from eucentre.models import Role

SESSION_COOKIE = "eucentre_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a route accepts as a body unless its declaration says otherwise: forms and JSON commands
# are small; intake routes declare their documented limits (`allow(..., body_limit=...)`).
DEFAULT_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Access:
    """Who may call a route: anyone, some staff roles, and/or some organisation kinds with a
    scope."""

    public: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)
    organisations: frozenset[PrincipalKind] = field(default_factory=frozenset)
    scope: str | None = None
    # Staff routes answer browsers: anonymous callers are sent to sign in instead of a 401.
    page: bool = False
    # The largest body the route reads, in bytes; enforced on the stream before the route runs
    # (web/edge.py), so nobody can make the server read more.
    body_limit: int = DEFAULT_BODY_LIMIT

    def admits(self, principal: Principal) -> bool:
        if self.public:
            return True
        if principal.kind is PrincipalKind.staff:
            return principal.role in self.roles
        if principal.kind in self.organisations:
            return self.scope is None or scopes.grants(principal.scopes, self.scope)
        return False


class SignInRequired(errors.Unauthenticated):
    code = "sign_in_required"


class CsrfFailed(errors.Forbidden):
    code = "csrf_failed"


class AccessGuard:
    """The dependency that enforces an `Access` and leaves the principal on request.state."""

    def __init__(self, access: Access) -> None:
        self.access = access

    async def __call__(self, request: Request) -> Principal:
        principal = await self.admit(request)
        if request.method in UNSAFE_METHODS and principal.signed_in:
            await check_csrf(request)
        return principal

    async def admit(self, request: Request) -> Principal:
        """Identify the caller and refuse whoever the declaration does not admit, from the
        headers alone: the edge (web/edge.py) calls this before any byte of the body is read;
        the CSRF token, which may be in the body, is checked later, by the dependency."""
        # Identified in a short transaction of its own, in a worker thread: the event loop never
        # waits on the database, and the request's own transaction (and, on SQLite, the write
        # lock) starts only when the endpoint needs it, not while a body is still uploading.
        principal = await run_in_threadpool(identify_in_own_transaction, request)
        request.state.principal = principal
        if not self.access.admits(principal):
            if principal.kind is PrincipalKind.anonymous:
                raise (
                    SignInRequired("sign in or present an API key")
                    if self.access.page
                    else (errors.Unauthenticated("an API key or a staff session is required"))
                )
            route = request.scope.get("route")
            note_security_event(
                request,
                AuditEvent(
                    actor=principal.actor,
                    action="access.denied",
                    object_type="route",
                    object_id=route.path if route is not None else "-",
                    details={"method": request.method},
                ),
            )
            raise errors.Forbidden("you may not use this", code="forbidden")
        return principal


def allow(
    *,
    public: bool = False,
    roles: set[Role] | frozenset[Role] = frozenset(),
    organisations: set[PrincipalKind] | frozenset[PrincipalKind] = frozenset(),
    scope: str | None = None,
    page: bool = False,
    body_limit: int = DEFAULT_BODY_LIMIT,
) -> Callable[..., Principal]:
    return AccessGuard(
        Access(
            public=public,
            roles=frozenset(roles),
            organisations=frozenset(organisations),
            scope=scope,
            page=page,
            body_limit=body_limit,
        )
    )  # type: ignore[return-value]


ALL_STAFF = frozenset(Role)


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, from the routers it was built from."""
    return [
        route
        for router in app.state.routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]


def access_of(route: APIRoute) -> Access | None:
    """The access a route declared, found among its dependencies (None: it declared none)."""
    guard = guard_of(route)
    return guard.access if guard else None


def guard_of(route: APIRoute) -> AccessGuard | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, AccessGuard):
            return dependency.call
        pending.extend(dependency.dependencies)
    return None


def identify_in_own_transaction(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    with transaction(request.app.state.session_factory) as session:
        return identify(request, session)


def identify(request: Request, session: Session) -> Principal:
    """Bearer key first (API clients), then the session cookie (browsers), else anonymous."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise errors.Unauthenticated("use Authorization: Bearer KEY", code="invalid_api_key")
        try:
            return auth_service.principal_for_key(
                session,
                credentials.strip(),
                refuse_demo=request.app.state.settings.is_production,
            )
        except errors.Unauthenticated as refused:
            if refused.code == "revoked_api_key":
                note_security_event(
                    request,
                    AuditEvent(
                        actor="anonymous",
                        action="auth.revoked_key_used",
                        object_type="api_key",
                        object_id=credentials.split("_")[1],
                    ),
                )
            raise
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = auth_service.principal_for_session(session, token)
        if principal is not None:
            return principal
    return ANONYMOUS


async def check_csrf(request: Request) -> None:
    nonce = request.cookies.get(csrf.COOKIE)
    presented = request.headers.get(csrf.HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(csrf.FORM_FIELD)
        presented = value if isinstance(value, str) else None
    if not csrf_valid(request, presented, nonce=nonce):
        raise CsrfFailed("the form has expired or did not come from this site; reload and retry")


def csrf_valid(request: Request, presented: str | None, *, nonce: str | None = None) -> bool:
    """The token of this request's session when signed in, else of the browser's nonce."""
    principal = getattr(request.state, "principal", None)
    return csrf.valid_for(
        request.app.state.settings.secret,
        nonce=nonce if nonce is not None else request.cookies.get(csrf.COOKIE),
        session_token_hash=principal.session_token_hash if principal else None,
        presented=presented,
    )


def note_security_event(request: Request, event: AuditEvent) -> None:
    """Audit entries that must survive the request's rollback (refusals are what they record)."""
    events = getattr(request.state, "security_events", None)
    if events is None:
        events = request.state.security_events = []
    events.append(event)
