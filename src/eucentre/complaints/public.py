"""The public pages: the complaint form and the status page. No account, no JavaScript.

The complainant's secret only ever travels in POST bodies (never in a URL, so never in a log or
a browser history), and pages showing it are not cached. A complaint sent is answered with a
redirect to a one-time receipt (post/redirect/get), and each form carries a token used once,
so reloading or sending the form twice files one complaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.complaints import policy, receipts, repository, service
from eucentre.complaints.schemas import MAX_FORM_BYTES, PublicComplaintIn
from eucentre.db import get_session
from eucentre.web.forms import read_bounded_form, text_fields
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter(prefix="/complaints", include_in_schema=False)

FIELDS = {
    "provider_id": N_("The online service"),
    "provider_reference": N_("The reference of the service's decision"),
    "decision_date": N_("The date of the decision"),
    "content_description": N_("What was removed"),
    "reason": N_("Why you think it was a mistake"),
    "contact": N_("How we can contact you"),
}
# A field people do not see (hidden); automated junk fills it in.
TRAP = "website"
NO_STORE = {"Cache-Control": "no-store"}
STATUS_WORDS = {
    policy.Status.open: N_("We have received your complaint. A person will look at it."),
    policy.Status.pending_uphold: N_(
        "A person has looked at your complaint. A second person is checking the decision."
    ),
    policy.Status.upheld: N_(
        "Your complaint was upheld: we agree the removal was a mistake. We have asked the "
        "service to put your content back."
    ),
    policy.Status.rejected: N_("Your complaint was not upheld."),
}
# Refusals people see on these pages, by error code, in words for the public. Any other refusal
# shows its English detail.
REFUSALS = {
    "decision_in_future": N_("The date of the decision cannot be in the future."),
    "complaint_too_late": N_(
        "Complaints must be made within six months of the decision. This decision is older."
    ),
    "complaint_rate_limited": N_(
        "There were too many attempts from your connection. Please try again in an hour."
    ),
    "unknown_service": N_("Choose the service from the list."),
    "junk": N_("The form could not be accepted. Please fill it in again."),
    "form_too_large": N_("What you wrote is too long. Please shorten it."),
    "csrf_failed": N_("The form has expired. Please reload the page and send it again."),
}
THE_FORM = N_("The form")
NOT_FOUND = N_("We found no complaint with this number and secret. Check both and try again.")
NO_RECEIPT = N_("We found no such receipt. Follow your complaint with its number and secret.")
FORM_TOKEN = "form_token"  # noqa: S105 - a field name, not a credential


async def read_form(request: Request) -> dict[str, str]:
    """The form's text fields, refusing what no honest form sends: a large body, files, many
    fields, or another content type. Nothing is read beyond the limit."""
    form = await read_bounded_form(
        request,
        max_bytes=MAX_FORM_BYTES,
        max_fields=20,
        too_long="what you wrote is too long; please shorten it",
    )
    return text_fields(form)


def _problems(error: ValidationError, _: Callable[[str], str]) -> list[dict[str, str]]:
    found = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        label = _(FIELDS.get(field, THE_FORM))
        kind, ctx = item["type"], item.get("ctx", {})
        if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
            problem = _("please fill this in.")
        elif kind == "string_too_short":
            problem = _("please write at least %(count)s characters.") % {
                "count": ctx.get("min_length")
            }
        elif kind == "string_too_long":
            problem = _("please write at most %(count)s characters.") % {
                "count": ctx.get("max_length")
            }
        elif kind.startswith("date"):
            problem = _("this is not a valid date.")
        elif kind.startswith("int"):
            problem = _("this is not a valid choice.")
        elif kind == "value_error":
            # Our validators' messages (schemas.py) are marked for translation.
            problem = _(str(ctx.get("error", "this is not valid"))).rstrip(".") + "."
        else:
            problem = _("this is not valid.")
        # The separator is translated too: French puts a space before the colon.
        message = _("%(field)s: %(problem)s") % {"field": label, "problem": problem}
        found.append({"field": field, "message": message})
    return found


def _refusal(refused: errors.AppError, _: Callable[[str], str]) -> str:
    public = REFUSALS.get(refused.code)
    return _(public) if public else str(refused.detail)


def _form_page(
    request: Request,
    session: Session,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "complaint_form.html",
        {
            "providers": repository.providers(session),
            "values": values or {},
            "problems": problems or [],
            "window_days": policy.COMPLAINT_WINDOW.days,
            "target_days": _limits(request).decision_target.days,
            # Kept when the form comes back with problems: it is the same form.
            "form_token": receipts.valid_form_token((values or {}).get(FORM_TOKEN))
            or receipts.new_form_token(),
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def form(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse:
    return _form_page(request, session)


def _limits(request: Request) -> service.Limits:
    return service.limits_from(request.app.state.settings)


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _to_receipt(receipt_token: str) -> RedirectResponse:
    return RedirectResponse(f"/complaints/receipt/{receipt_token}", status_code=303)


@router.post("", response_model=None)
async def submit(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse | RedirectResponse:
    """Nothing is stored unless the complaint is accepted: every refusal rolls back."""
    values: dict[str, str] = {}
    settings = request.app.state.settings
    try:
        values = await read_form(request)
        if values.get(TRAP):
            raise errors.UnprocessableEntity(
                "the form could not be accepted; please fill it in again", code="junk"
            )
        # A form without a token (an older page, a script) still files once per request.
        form_token = receipts.valid_form_token(values.get(FORM_TOKEN)) or receipts.new_form_token()
        replayed = await run_in_threadpool(
            receipts.replayed_receipt, session, form_token=form_token, secret=settings.secret
        )
        if replayed is not None:
            return _to_receipt(replayed)
        fields = {name: values.get(name, "") for name in FIELDS}
        if not fields["contact"].strip():
            fields.pop("contact")
        try:
            data = PublicComplaintIn.model_validate(
                {name: value for name, value in fields.items() if value != ""}
            )
        except ValidationError as invalid:
            request.state.failed = True
            return await run_in_threadpool(
                _form_page,
                request,
                session,
                values=values,
                problems=_problems(invalid, gettext_for(request)),
                status_code=422,
            )
        receipt_token, _filed = await run_in_threadpool(
            receipts.submit_public_once,
            session,
            data=data,
            form_token=form_token,
            client_address=_client(request),
            secret=settings.secret,
            limits=_limits(request),
        )
    except errors.AppError as refused:
        request.state.failed = True
        response = await run_in_threadpool(
            _form_page,
            request,
            session,
            values=values,
            problems=[{"field": "", "message": _refusal(refused, gettext_for(request))}],
            status_code=refused.status,
        )
        if isinstance(refused, errors.TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return _to_receipt(receipt_token)


@router.get("/receipt/{receipt_token}", response_class=HTMLResponse)
def receipt(
    request: Request,
    receipt_token: str = Path(max_length=100),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse:
    """The number and, the first time only, the secret. Reloading shows the number and says
    the secret was shown: the token is not the secret, and not enough to read the complaint."""
    found = receipts.take_receipt(
        session, receipt_token=receipt_token, secret=request.app.state.settings.secret
    )
    if found is None:
        response = render(
            request,
            "complaint_status_form.html",
            {"error": gettext_for(request)(NO_RECEIPT)},
            status_code=404,
        )
    else:
        response = render(
            request,
            "complaint_received.html",
            {
                "complaint": found.complaint,
                "secret": found.secret,
                "target_days": _limits(request).decision_target.days,
            },
        )
    response.headers.update(NO_STORE)
    return response


@router.get("/status", response_class=HTMLResponse)
def status_form(request: Request, _: Principal = Depends(allow(public=True))) -> HTMLResponse:
    return render(request, "complaint_status_form.html", {})


@router.post("/status", response_class=HTMLResponse)
async def status(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse:
    """A wrong number or secret is recorded (rate limits) and committed, so the page is rendered,
    not raised; over the limit, 429."""
    try:
        values = await read_form(request)
        number = values.get("number", "")[:40]
        complaint = await run_in_threadpool(
            service.lookup_status,
            session,
            number=number,
            complainant_secret=values.get("secret", "")[:80],
            client_address=_client(request),
            secret=request.app.state.settings.secret,
            limits=_limits(request),
        )
    except errors.AppError as refused:
        request.state.failed = True
        response = render(
            request,
            "complaint_status_form.html",
            {"error": _refusal(refused, gettext_for(request))},
            status_code=refused.status,
        )
        if isinstance(refused, errors.TooManyRequests):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    if complaint is None:
        return render(
            request,
            "complaint_status_form.html",
            {
                "error": gettext_for(request)(NOT_FOUND),
                "number": number,
            },
            status_code=404,
        )
    response = render(
        request,
        "complaint_status.html",
        {
            "complaint": complaint,
            "status_words": gettext_for(request)(STATUS_WORDS[policy.Status(complaint.status)]),
            "decided": policy.Status(complaint.status) in policy.DECIDED,
        },
    )
    response.headers.update(NO_STORE)
    return response
