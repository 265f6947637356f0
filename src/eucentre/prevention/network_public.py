"""The directory's public pages and API: search by country, language, expertise and target
group; an entry with its contact form (relayed, rate-limited); the application form with a
choice of visibility for every field; the one-time receipt; opening the account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth import totp
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import after_commit, get_session
from eucentre.kit.ids import RecordId
from eucentre.prevention import network, relay
from eucentre.prevention.forms import FORM_TOKEN, new_form_token, read_form
from eucentre.prevention.network_fields import (
    DEFAULT_VISIBILITY,
    EXPERTISE,
    FIELDS,
    VISIBILITY_LABELS,
    Problems,
    Visibility,
)
from eucentre.prevention.vocabulary import COUNTRIES, LANGUAGES, TARGET_LABELS
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter()
PUBLIC = allow(public=True)
NO_STORE = {"Cache-Control": "no-store"}
REFUSALS = {
    "network_rate_limited": N_(
        "There were too many attempts from your connection. Please try again later."
    ),
    "duplicate_application": N_(
        "We already have an application or an entry for this e-mail address."
    ),
    "csrf_failed": N_("The form has expired. Please reload the page and send it again."),
    "junk": N_("The form could not be accepted. Please fill it in again."),
    "form_too_large": N_("What you wrote is too long. Please shorten it."),
    "unknown_application": N_("We found no application with this number and secret."),
    "not_approved": N_("The application has not been approved (yet)."),
    "weak_password": N_("Choose a longer password: at least 12 characters."),
    "invalid_message": N_(
        "Please give your name, an e-mail address for the answer, and a message of at least "
        "10 characters."
    ),
    "unknown_member": N_("This member is not in the directory."),
}
CHOICES = {
    "fields": FIELDS,
    "visibility_labels": VISIBILITY_LABELS,
    "countries": COUNTRIES,
    "language_names": LANGUAGES,
    "expertise": EXPERTISE,
    "targets": TARGET_LABELS,
}


def client(request: Request) -> str:
    return request.client.host if request.client else "-"


def refusal(refused: errors.AppError, _: Callable[[str], str]) -> str:
    public = REFUSALS.get(refused.code)
    return _(public) if public else str(refused.detail)


def problem_messages(problems: Problems, _: Callable[[str], str]) -> list[dict[str, str]]:
    return [
        {
            "field": p["field"],
            "message": _("%(field)s: %(problem)s")
            % {
                "field": _(FIELDS.get(p["field"].removeprefix("visibility_"), N_("The form"))),
                "problem": _(p["message"]),
            },
        }
        for p in problems.problems
    ]


def _filters(
    country: list[str], language: list[str], expertise: list[str], target: list[str]
) -> dict[str, list[str]]:
    return {
        "country": [c.upper() for c in country if c.upper() in COUNTRIES][:20],
        "language": [c for c in language if c in LANGUAGES][:20],
        "expertise": [c for c in expertise if c in EXPERTISE][:20],
        "target": [c for c in target if c in TARGET_LABELS][:20],
    }


def _level(request: Request, session: Session) -> Visibility:
    return network.level_of(session, request.state.principal)


@router.get("/prevention/network", response_class=HTMLResponse, include_in_schema=False)
def directory_page(
    request: Request,
    country: list[str] = Query([], max_length=20),
    language: list[str] = Query([], max_length=20),
    expertise: list[str] = Query([], max_length=20),
    target: list[str] = Query([], max_length=20),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    filters = _filters(country, language, expertise, target)
    level = _level(request, session)
    entries = network.directory(
        session, level=level, filters=filters, secret=request.app.state.settings.secret
    )
    return render(
        request,
        "prevention_network.html",
        {"entries": entries, "filters": filters, "level": level.value, **CHOICES},
    )


class MemberOut(BaseModel):
    """A directory entry: only the fields its owner made public (absent otherwise)."""

    id: int
    name: str | None = None
    organisation: str | None = None
    position: str | None = None
    country: str | None = None
    languages: list[str] | None = None
    expertise: list[str] | None = None
    target_groups: list[str] | None = None
    bio: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    contact: str = Field(description="The page with the form that relays a message.")


class MemberList(BaseModel):
    members: list[MemberOut]


@router.get("/api/v1/prevention/network/members", response_model=MemberList, tags=["prevention"])
def directory_api(
    request: Request,
    country: list[str] = Query([], max_length=20),
    language: list[str] = Query([], max_length=20),
    expertise: list[str] = Query([], max_length=20),
    target: list[str] = Query([], max_length=20),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> MemberList:
    """The practitioner network's directory, public fields only, whoever asks."""
    entries = network.directory(
        session,
        level=Visibility.public,
        filters=_filters(country, language, expertise, target),
        secret=request.app.state.settings.secret,
    )
    return MemberList(
        members=[
            MemberOut(**entry, contact=f"/prevention/network/members/{entry['id']}")
            for entry in entries
        ]
    )


def _entry_page(
    request: Request,
    session: Session,
    entry_id: int,
    *,
    problems: list[dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    sent: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    entry = network.listed_entry(
        session,
        entry_id=entry_id,
        level=_level(request, session),
        secret=request.app.state.settings.secret,
    )
    if entry is None:
        raise errors.NotFound("no such member in the directory", code="unknown_member")
    return render(
        request,
        "prevention_network_entry.html",
        {
            "entry": entry,
            "problems": problems or [],
            "values": values or {},
            "sent": sent,
            **CHOICES,
        },
        status_code=status_code,
    )


@router.get(
    "/prevention/network/members/{entry_id}", response_class=HTMLResponse, include_in_schema=False
)
def entry_page(
    entry_id: RecordId,
    request: Request,
    sent: bool = False,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    return _entry_page(request, session, entry_id, sent=sent)


@router.post(
    "/prevention/network/members/{entry_id}/contact", response_model=None, include_in_schema=False
)
async def contact(
    entry_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse | RedirectResponse:
    values: dict[str, Any] = {}
    try:
        values = await read_form(request, max_fields=10)
        await run_in_threadpool(
            relay.send,
            session,
            entry_id=entry_id,
            sender_name=str(values.get("sender_name", "")),
            sender_email=str(values.get("sender_email", "")),
            message=str(values.get("message", "")),
            client_address=client(request),
            secret=request.app.state.settings.secret,
            limits=network.limits_from(request.app.state.settings),
        )
    except errors.NotFound:
        raise
    except errors.AppError as refused:
        request.state.failed = True
        response = _entry_page(
            request,
            session,
            entry_id,
            problems=[{"field": "", "message": refusal(refused, gettext_for(request))}],
            values=values,
            status_code=refused.status,
        )
        if isinstance(refused, errors.TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    # After commit: the relay reads the message in a transaction of its own.
    after_commit(request, request.app.state.tasks.relay_outbox)
    return RedirectResponse(f"/prevention/network/members/{entry_id}?sent=true", status_code=303)


def _apply_page(
    request: Request,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    values = values or {}
    token = str(values.get(FORM_TOKEN, "")) or new_form_token()
    return render(
        request,
        "prevention_network_apply.html",
        {
            "values": values,
            "problems": problems or [],
            "form_token": token[:100],
            "defaults": DEFAULT_VISIBILITY,
            **CHOICES,
        },
        status_code=status_code,
    )


@router.get("/prevention/network/apply", response_class=HTMLResponse, include_in_schema=False)
def apply_form(request: Request, _: Principal = Depends(PUBLIC)) -> HTMLResponse:
    return _apply_page(request)


@router.post("/prevention/network/apply", response_model=None, include_in_schema=False)
async def apply(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse | RedirectResponse:
    values: dict[str, Any] = {}
    translate = gettext_for(request)
    try:
        values = await read_form(request)
        token = str(values.get(FORM_TOKEN, ""))[:100] or new_form_token()
        receipt = await run_in_threadpool(
            network.apply,
            session,
            values=values,
            form_token=token,
            client_address=client(request),
            secret=request.app.state.settings.secret,
            limits=network.limits_from(request.app.state.settings),
        )
    except Problems as invalid:
        request.state.failed = True
        return _apply_page(
            request, values=values, problems=problem_messages(invalid, translate), status_code=422
        )
    except errors.AppError as refused:
        request.state.failed = True
        response = _apply_page(
            request,
            values=values,
            problems=[{"field": "", "message": refusal(refused, translate)}],
            status_code=refused.status,
        )
        if isinstance(refused, errors.TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return RedirectResponse(f"/prevention/network/applied/{receipt}", status_code=303)


@router.get(
    "/prevention/network/applied/{receipt}", response_class=HTMLResponse, include_in_schema=False
)
def applied(
    request: Request,
    receipt: str = Path(max_length=100),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    found = network.take_receipt(
        session, receipt_token=receipt, secret=request.app.state.settings.secret
    )
    if found is None:
        raise errors.NotFound("no such receipt", code="unknown_receipt")
    number, secret = found
    response = render(
        request, "prevention_network_applied.html", {"number": number, "secret": secret}
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/prevention/network/activate", response_class=HTMLResponse, include_in_schema=False)
def activate_form(request: Request, _: Principal = Depends(PUBLIC)) -> HTMLResponse:
    return render(request, "prevention_network_activate.html", {"problems": [], "number": ""})


@router.post("/prevention/network/activate", response_model=None, include_in_schema=False)
async def activate(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    translate = gettext_for(request)
    number = ""
    try:
        values = await read_form(request, max_fields=10)
        number = str(values.get("number", ""))[:40]
        password = str(values.get("password", ""))[:1024]
        if password != str(values.get("password_again", ""))[:1024]:
            raise errors.UnprocessableEntity("the passwords differ", code="passwords_differ")
        done = await run_in_threadpool(
            network.activate,
            session,
            number=number,
            applicant_secret=str(values.get("secret", ""))[:80],
            password=password,
            client_address=client(request),
            secret=request.app.state.settings.secret,
            limits=network.limits_from(request.app.state.settings),
        )
    except errors.AppError as refused:
        # Rendered, not raised: a failed attempt is counted and must be committed.
        message = (
            translate(N_("The two passwords differ."))
            if refused.code == "passwords_differ"
            else refusal(refused, translate)
        )
        response = render(
            request,
            "prevention_network_activate.html",
            {"problems": [{"field": "", "message": message}], "number": number},
            status_code=refused.status,
        )
        if isinstance(refused, errors.TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    response = render(
        request,
        "prevention_network_activated.html",
        {
            "email": done.email,
            "totp_secret": done.totp_secret,
            "totp_uri": totp.provisioning_uri(done.totp_secret, done.email),
        },
    )
    response.headers.update(NO_STORE)
    return response
