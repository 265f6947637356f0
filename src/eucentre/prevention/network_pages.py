"""The editors' pages for the network: applications waiting, one application in full (each
opening audited), approval or rejection (asked first), and the members listed."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import Role
from eucentre.prevention import network
from eucentre.prevention import network_repository as repository
from eucentre.prevention.network_public import CHOICES
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/prevention/network", include_in_schema=False)
READERS = {Role.editor, Role.auditor}
EDITORS = {Role.editor}


@router.get("", response_class=HTMLResponse)
def applications(
    request: Request,
    status: Literal["pending", "approved", "active", "rejected"] = "pending",
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    return render(
        request,
        "prevention_staff_network.html",
        {
            "entries": repository.applications(session, status=status),
            "status": status,
            "counts": repository.count_by_status(session),
        },
    )


@router.get("/{entry_id}", response_class=HTMLResponse)
def application(
    entry_id: RecordId,
    request: Request,
    done: Literal["", "approved", "rejected"] = "",
    ask: Literal["", "approve", "reject"] = "",
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    entry = repository.get(session, entry_id)
    if entry is None:
        raise errors.NotFound(f"no application {entry_id}", code="unknown_application")
    audit.record(
        session,
        actor=principal.actor,
        action="network.viewed",
        object_type="network_entry",
        object_id=entry.id,
    )
    return render(
        request,
        "prevention_staff_network_entry.html",
        {
            "entry": entry,
            "profile": network.profile_of(entry, secret=request.app.state.settings.secret),
            "may_decide": principal.role == Role.editor and entry.status == "pending",
            "done": done,
            "ask": ask,
            **CHOICES,
        },
    )


@router.post("/{entry_id}/{decision}", response_model=None)
def decide(
    entry_id: RecordId,
    decision: Literal["approve", "reject"],
    confirmed: str = Form(""),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=EDITORS, page=True)),
) -> RedirectResponse:
    if confirmed != "yes":
        return RedirectResponse(f"/staff/prevention/network/{entry_id}?ask={decision}", 303)
    network.decide(session, actor=principal.actor, entry_id=entry_id, approve=decision == "approve")
    done = "approved" if decision == "approve" else "rejected"
    return RedirectResponse(f"/staff/prevention/network/{entry_id}?done={done}", status_code=303)
