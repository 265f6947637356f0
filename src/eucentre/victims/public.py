"""The public pages: what the service does (and never does) with the hashing form, whose script
(static/victims-page.js) hashes the files in the browser and opens the case through the API;
and the status page, usable without JavaScript: look at a case, add hashes, give or remove a
contact, withdraw (after a confirmation).

The PIN only ever travels in POST bodies (never in a URL), and pages showing a case are not
cached. Every form carries a CSRF token: a cross-site page must not spread guesses at PINs over
its visitors' addresses.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import after_commit, get_session
from eucentre.kit.time import as_utc
from eucentre.rules import victims as rules
from eucentre.victims import hashes, information, opening, repository, service
from eucentre.victims.hashes import SubmittedHash
from eucentre.victims.models import VictimCase
from eucentre.victims.schemas import MAX_FORM_BYTES
from eucentre.web.forms import read_bounded_form, text_fields
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter(prefix="/victims", include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
HASH_ROWS = 5
MAX_CONTACT = 320

STATUS_WORDS = {
    "open": N_(
        "Your request is active. We compare its fingerprints with every report online services "
        "send us, and with the material we already know."
    ),
    "withdrawn": N_(
        "You withdrew this request. Its fingerprints are no longer compared with anything or "
        "shared with anyone, and the case will be deleted."
    ),
}
# What people read for each refusal, by error code; any other shows a general sentence.
REFUSALS = {
    "unknown_case": N_("We found no case with this number and PIN. Check both and try again."),
    "invalid_case_number": N_(
        "This is not a case number: a character is probably mistyped. It looks like "
        "V-ABCDE-FGHJK-MNPQR."
    ),
    "victims_rate_limited": N_(
        "There were too many attempts from your connection. Please wait a while and try again."
    ),
    "csrf_failed": N_("The form has expired. Please reload the page and send it again."),
    "form_too_large": N_("What you sent is too long."),
    "case_withdrawn": N_("This case was withdrawn. To send fingerprints again, open a new case."),
    "too_many_hashes": N_("A case holds at most 100 fingerprints."),
    "no_hashes": N_("Enter at least one fingerprint."),
}
GENERAL_REFUSAL = N_("The form could not be accepted. Please check it and send it again.")
HASH_PROBLEMS = {
    "invalid_hash": N_("this is not a valid fingerprint of that kind."),
    "degenerate_hash": N_(
        "this fingerprint is of a blank or patterned picture or an empty file and would match "
        "countless others, so we cannot use it."
    ),
    "low_quality": N_(
        "this picture has too little detail to be recognised reliably (quality under 50)."
    ),
}
ROW = N_("Fingerprint %(number)s")
NOTICES = {
    "added": N_("We added %(count)s fingerprint(s) to your case."),
    "nothing_added": N_("Your case already held these fingerprints; nothing was added."),
    "contact_given": N_("We saved your contact. Only the Centre's staff can read it."),
    "contact_removed": N_("We deleted your contact."),
    "withdrawn": N_("Your request is withdrawn."),
}
DATE_FORMAT = "%Y-%m-%d"


async def read_form(request: Request) -> dict[str, str]:
    """The form's text fields, refusing a large body, files, many fields or another type."""
    form = await read_bounded_form(
        request, max_bytes=MAX_FORM_BYTES, max_fields=40, too_long="what you sent is too long"
    )
    return text_fields(form)


@router.get("", response_class=HTMLResponse)
def index(request: Request, _: Principal = Depends(allow(public=True))) -> HTMLResponse:
    return render(
        request,
        "victims_index.html",
        {"max_hashes": rules.MAX_HASHES_PER_CASE, "min_quality": rules.PDQ_MIN_QUALITY},
    )


@router.get("/status", response_class=HTMLResponse)
def status_form(request: Request, _: Principal = Depends(allow(public=True))) -> HTMLResponse:
    return _status_form(request)


def _status_form(
    request: Request, *, error: str | None = None, number: str = "", status_code: int = 200
) -> HTMLResponse:
    response = render(
        request,
        "victims_status_form.html",
        {"error": error, "number": number},
        status_code=status_code,
    )
    response.headers.update(NO_STORE)
    return response


def _refused(request: Request, refused: errors.AppError, *, number: str = "") -> HTMLResponse:
    request.state.failed = True
    _ = gettext_for(request)
    message = _(REFUSALS.get(refused.code, GENERAL_REFUSAL))
    response = _status_form(request, error=message, number=number, status_code=refused.status)
    if isinstance(refused, errors.TooManyRequests):
        response.headers["Retry-After"] = str(refused.retry_after)
    return response


def _submitted_rows(values: dict[str, str]) -> list[tuple[int, SubmittedHash]]:
    rows = []
    for row in range(HASH_ROWS):
        value = values.get(f"hash_value_{row}", "").strip()
        if not value:
            continue
        quality_text = values.get(f"hash_quality_{row}", "").strip()
        quality = int(quality_text) if quality_text.isdigit() and len(quality_text) <= 3 else None
        if quality_text and quality is None:
            quality = -1  # refused below as too low
        signal = values.get(f"hash_signal_{row}", "pdq")[:16]
        rows.append((row, SubmittedHash(signal, value[:128], quality)))
    return rows


def _row_problems(
    refused: errors.AppError, rows: list[tuple[int, SubmittedHash]], _: Callable[[str], str]
) -> list[str]:
    found = []
    for problem in refused.detail if isinstance(refused.detail, list) else []:
        position = int(str(problem["field"]).split(".")[1])
        label = _(ROW) % {"number": rows[position][0] + 1}
        message = _(HASH_PROBLEMS.get(problem["type"], HASH_PROBLEMS["invalid_hash"]))
        found.append(_("%(field)s: %(problem)s") % {"field": label, "problem": message})
    return found


@router.post("/status", response_class=HTMLResponse)
async def status(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True, body_limit=MAX_FORM_BYTES)),
) -> HTMLResponse:
    """Every action of the status page, named by the form's `action`: show (the default),
    add, contact, withdraw (asks first) and withdraw_confirmed."""
    number = ""
    try:
        values = await read_form(request)
        number = values.get("number", "")[:60]
        action = values.get("action", "show")
        rows: list[tuple[int, SubmittedHash]] = []
        if action == "add":
            rows = _submitted_rows(values)
            try:
                hashes.checked([h for _, h in rows])
            except errors.UnprocessableEntity as bad:
                if bad.code in ("too_many_hashes", "no_hashes"):
                    raise
                case = await opening.authenticate(request, number=number, pin=values.get("pin", ""))
                return await run_in_threadpool(
                    _status_page,
                    request,
                    session,
                    case,
                    pin=values.get("pin", ""),
                    problems=_row_problems(bad, rows, gettext_for(request)),
                    status_code=422,
                )
        case = await opening.authenticate(request, number=number, pin=values.get("pin", ""))
        pin = values.get("pin", "")
        if action == "withdraw":
            return _confirm_withdrawal(request, case, pin)
        notice = await run_in_threadpool(_act, request, session, case, action, values, rows)
    except errors.AppError as refused:
        return _refused(request, refused, number=number)
    return await run_in_threadpool(_status_page, request, session, case, pin=pin, notice=notice)


def _act(
    request: Request,
    session: Session,
    case: VictimCase,
    action: str,
    values: dict[str, str],
    rows: list[tuple[int, SubmittedHash]],
) -> str | None:
    _ = gettext_for(request)
    secret = request.app.state.settings.secret
    if action == "add":
        added = service.add_hashes(session, case=case, new=hashes.checked([h for _, h in rows]))
        if added:
            after_commit(
                request, lambda: request.app.state.tasks.enqueue("victims_match_indicators")
            )
            return _(NOTICES["added"]) % {"count": added}
        return _(NOTICES["nothing_added"])
    if action == "contact":
        contact = values.get("contact", "").strip()[:MAX_CONTACT]
        if values.get("remove") == "yes":
            contact = ""
        service.set_contact(session, case=case, contact=contact or None, secret=secret)
        return _(NOTICES["contact_given" if contact else "contact_removed"])
    if action == "withdraw_confirmed":
        service.withdraw(session, case=case)
        return _(NOTICES["withdrawn"])
    service.seen(session, case)
    return None


def _confirm_withdrawal(request: Request, case: VictimCase, pin: str) -> HTMLResponse:
    response = render(
        request,
        "victims_withdraw_confirm.html",
        {"number": case.number, "pin": pin, "withdrawn": case.status == "withdrawn"},
    )
    response.headers.update(NO_STORE)
    return response


def _status_page(
    request: Request,
    session: Session,
    case: VictimCase,
    *,
    pin: str,
    notice: str | None = None,
    problems: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = gettext_for(request)
    entries = information.entries(session, case)
    held = repository.hashes(session, case.id)
    response = render(
        request,
        "victims_status.html",
        {
            "case": case,
            "pin": pin,
            "status_words": _(STATUS_WORDS.get(case.status, STATUS_WORDS["open"])),
            "information": [
                {
                    "date": as_utc(entry.at).strftime(DATE_FORMAT),
                    "text": entry.text(case.language),
                }
                for entry in entries
            ],
            "hash_count": len(held),
            "active": case.status == "open",
            "has_contact": case.contact_sealed is not None,
            "rows": range(HASH_ROWS),
            "notice": notice,
            "problems": problems or [],
            "max_hashes": rules.MAX_HASHES_PER_CASE,
            "information_language": case.language,
        },
        status_code=status_code,
    )
    if problems:
        request.state.failed = True
    response.headers.update(NO_STORE)
    return response
