"""The landing page, sign-in and sign-out, and the staff overview."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth import service as auth_service
from eucentre.auth.access import ALL_STAFF, SESSION_COOKIE, allow, check_csrf
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session, transaction
from eucentre.models.staff import AUTHORITY_OFFICER, COORDINATOR, Role
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter(include_in_schema=False)
# Where people who act for an organisation, and network members, land after signing in
# (staff: /staff).
HOMES = {
    AUTHORITY_OFFICER: "/authority/referrals",
    COORDINATOR: "/monitoring/owed",
    Role.network_member.value: "/prevention/network/account",
}


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, _: Principal = Depends(allow(public=True))) -> HTMLResponse:
    services = request.app.state.domains.public_services
    return render(request, "landing.html", {"public_services": services})


def _safe_next(next_path: str | None, default: str = "/staff") -> str:
    # Only same-site paths: an open redirect after sign-in is a phishing tool.
    if next_path and next_path.startswith("/") and not next_path.startswith("//"):
        return next_path
    return default


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request, next: str | None = None, _: Principal = Depends(allow(public=True))
) -> HTMLResponse:
    return render(request, "sign_in.html", {"next_path": _safe_next(next)})


def _hashing(request: Request) -> asyncio.Semaphore:
    """One argon2 at a time per process: a flood of sign-ins then waits its turn in idle
    coroutines instead of running many hashes (each with its own threads and 64 MiB) at once
    and starving every other request of CPU and of worker threads."""
    state = request.app.state
    if getattr(state, "hashing", None) is None:
        state.hashing = asyncio.Semaphore(1)
    return state.hashing


@router.post("/sign-in", response_class=HTMLResponse, response_model=None)
async def sign_in(
    request: Request,
    email: str = Form(..., max_length=320),
    password: str = Form(..., max_length=1024),
    code: str = Form(..., max_length=16),
    next: str = Form("/staff", max_length=2048),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse | RedirectResponse:
    await check_csrf(request)
    settings = request.app.state.settings
    limits = auth_service.SignInLimits(
        per_account=settings.sign_in_max_failures_per_account,
        per_address=settings.sign_in_max_failures_per_address,
        window=timedelta(minutes=settings.sign_in_window_minutes),
        delay=timedelta(seconds=settings.sign_in_delay_seconds),
        max_delay=timedelta(seconds=settings.sign_in_max_delay_seconds),
    )
    client_address = request.client.host if request.client else "-"

    def read() -> auth_service.SignInCheck:
        # Its own short transaction: on SQLite any transaction holds the write lock, which
        # argon2 must never hold.
        with transaction(request.app.state.session_factory) as reading:
            return auth_service.check_sign_in(
                reading,
                secret=settings.secret,
                email=email,
                client_address=client_address,
                limits=limits,
                refuse_demo=settings.is_production,
            )

    try:
        try:
            check = await run_in_threadpool(read)
        except errors.TooManyRequests:
            # The refused client waits for its answer: a sleeping coroutine costs the server
            # nothing, while refusals answered at once would invite a flood that takes the
            # capacity everyone else needs.
            await asyncio.sleep(settings.sign_in_refusal_delay_seconds)
            raise
        async with _hashing(request):
            password_ok = await run_in_threadpool(auth_service.password_matches, check, password)
        # The request's transaction starts here, after the slow hash.
        user, token = await run_in_threadpool(
            auth_service.finish_sign_in,
            session,
            secret=settings.secret,
            check=check,
            password_ok=password_ok,
            code=code,
            limits=limits,
            session_lifetime=timedelta(hours=settings.session_hours),
        )
    except auth_service.SignInRefused as refused:
        # Rendered, not raised: the failed attempt and its audit entry must be committed.
        return render(
            request,
            "sign_in.html",
            {"error": str(refused.detail), "email": email, "next_path": _safe_next(next)},
            status_code=refused.status,
        )
    home = HOMES.get(user.role, "/staff")
    if user.role in HOMES and next == "/staff":
        next = home  # the form's default target is the staff overview
    response = RedirectResponse(_safe_next(next, home), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
        path="/",
    )
    request.state.rotate_csrf = True
    return response


@router.post("/sign-out", response_model=None)
def sign_out(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(
        allow(
            roles=ALL_STAFF,
            organisations={PrincipalKind.authority, PrincipalKind.coordinator},
            page=True,
        )
    ),
) -> RedirectResponse:
    auth_service.sign_out(session, principal=principal)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    request.state.rotate_csrf = True
    return response


@router.get("/staff", response_class=HTMLResponse)
def staff_home(
    request: Request, _: Principal = Depends(allow(roles=ALL_STAFF, page=True))
) -> HTMLResponse:
    return render(request, "staff_home.html")


REQUEST_NOT_ACCEPTED = N_("Request not accepted")


def error_page(request: Request, error: errors.AppError, request_id: str) -> HTMLResponse:
    titles = {
        401: N_("Please sign in"),
        403: N_("You cannot do this"),
        404: N_("Page not found"),
        413: N_("Too large"),
        422: N_("Something in the request is not right"),
        429: N_("Too many attempts"),
    }
    _ = gettext_for(request)
    return render(
        request,
        "error.html",
        {
            "title": _(titles.get(error.status, REQUEST_NOT_ACCEPTED)),
            "detail": error.detail
            if isinstance(error.detail, str)
            else _("The request was not valid."),
            "code": error.code,
            "request_id": request_id,
        },
        status_code=error.status,
    )
