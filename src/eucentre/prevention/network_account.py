"""A network member's own pages: their entry (every field with its visibility), re-confirming
it, the messages relayed to them, a download of everything held about them, and deletion
(which asks first)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from eucentre.auth.access import SESSION_COOKIE, allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.models import Role
from eucentre.prevention import network, relay
from eucentre.prevention.forms import read_form
from eucentre.prevention.network_fields import DEFAULT_VISIBILITY, Problems
from eucentre.prevention.network_public import CHOICES, problem_messages
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter(prefix="/prevention/network/account", include_in_schema=False)
MEMBER = allow(roles={Role.network_member}, page=True)
DONE = {
    "updated": N_("Your entry was saved. It counts as re-confirmed today."),
    "confirmed": N_("Thank you: your entry is confirmed for another 12 months."),
}


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict | None = None,
    problems: list | None = None,
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    secret = request.app.state.settings.secret
    entry = network.own_entry(session, principal)
    profile = network.profile_of(entry, secret=secret)
    current = values or {
        **profile,
        **{f"visibility_{name}": level for name, level in entry.visibility.items()},
    }
    return render(
        request,
        "prevention_network_account.html",
        {
            "entry": entry,
            "values": current,
            "problems": problems or [],
            "defaults": DEFAULT_VISIBILITY,
            "messages": relay.inbox(session, entry, secret=secret),
            "confirm_by": network.confirm_by(
                entry, network.limits_from(request.app.state.settings)
            ),
            "done": gettext_for(request)(DONE[done]) if done in DONE else "",
            **CHOICES,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def account(
    request: Request,
    done: str = "",
    session: Session = Depends(get_session),
    principal: Principal = Depends(MEMBER),
) -> HTMLResponse:
    return _page(request, session, principal, done=done)


@router.post("", response_model=None)
async def update(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(MEMBER),
) -> HTMLResponse | RedirectResponse:
    values = await read_form(request)
    try:
        network.update(
            session, principal=principal, values=values, secret=request.app.state.settings.secret
        )
    except Problems as invalid:
        request.state.failed = True
        return _page(
            request,
            session,
            principal,
            values=values,
            problems=problem_messages(invalid, gettext_for(request)),
            status_code=422,
        )
    return RedirectResponse("/prevention/network/account?done=updated", status_code=303)


@router.post("/confirm", response_model=None)
def confirm(
    session: Session = Depends(get_session), principal: Principal = Depends(MEMBER)
) -> RedirectResponse:
    network.reconfirm(session, principal=principal)
    return RedirectResponse("/prevention/network/account?done=confirmed", status_code=303)


@router.get("/export", response_class=Response)
def export(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(MEMBER),
) -> Response:
    data = network.export_own(
        session, principal=principal, secret=request.app.state.settings.secret
    )
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-directory-entry.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/delete", response_class=HTMLResponse)
def delete_form(request: Request, principal: Principal = Depends(MEMBER)) -> HTMLResponse:
    return render(request, "prevention_network_delete.html", {})


@router.post("/delete", response_model=None)
def delete(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(MEMBER),
) -> RedirectResponse:
    network.delete_own(session, principal=principal)
    response = RedirectResponse("/prevention/network?deleted=true", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    request.state.rotate_csrf = True
    return response
