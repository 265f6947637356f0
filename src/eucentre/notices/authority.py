"""The authority officers' page of notices: the notices escalated to their authority (not acted
on by the host within EUCENTRE_NOTICE_ESCALATE_AFTER), and their holds (notices on a URL or a
host held back, at most 18 months, so as not to disturb an investigation)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.notices import holds, hosts, intake, repository
from eucentre.notices.models import Host
from eucentre.web.i18n import N_
from eucentre.web.templating import render

router = APIRouter(prefix="/authority/notices", include_in_schema=False)
AUTHORITIES = {PrincipalKind.authority}
READ = allow(organisations=AUTHORITIES, scope="notices:read", page=True)
WRITE = allow(organisations=AUTHORITIES, scope="notices:write", page=True)
SCOPE_LABELS = {"url": N_("a URL"), "host": N_("a host")}
STATUS_LABELS = {
    "pending": N_("not sent yet"),
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "removal_claimed": N_("removal reported"),
    "held": N_("held"),
    "removed": N_("removed"),
}


@router.get("", response_class=HTMLResponse)
def inbox(
    request: Request,
    held: int | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> HTMLResponse:
    assert principal.organisation_id is not None
    rows = repository.escalated_to(session, authority_id=principal.organisation_id)
    items = repository.items_of(session, [n.id for n in rows])
    return render(
        request,
        "notices_authority.html",
        {
            "rows": rows,
            "urls": {n.id: [i.url for i in intake.to_send(items[n.id])] for n in rows},
            "hosts": {n.id: session.get(Host, n.host_id) for n in rows},
            "label": hosts.label,
            "holds": repository.holds(session, authority_id=principal.organisation_id),
            "scope_labels": SCOPE_LABELS,
            "status_labels": STATUS_LABELS,
            "held": held,
        },
    )


@router.post("/holds", response_model=None)
def place_hold(
    request: Request,
    scope: str = Form(..., max_length=8),
    value: str = Form(..., max_length=2048),
    until: str = Form(..., max_length=10),
    reason: str = Form(..., max_length=holds.MAX_REASON),
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> RedirectResponse:
    assert principal.organisation_id is not None
    try:
        day = datetime.strptime(until, "%Y-%m-%d").date()
    except ValueError as bad:
        raise errors.UnprocessableEntity(
            "until: give the date as YYYY-MM-DD", code="invalid_date"
        ) from bad
    hold = holds.place(
        session,
        authority_id=principal.organisation_id,
        actor=principal.actor,
        scope=scope,
        value=value,
        until=datetime.combine(day, time(23, 59), tzinfo=UTC),
        reason=reason,
        secret=request.app.state.settings.secret,
    )
    return RedirectResponse(f"/authority/notices?held={hold.id}", status_code=303)
