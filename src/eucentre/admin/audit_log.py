"""The audit log page, for auditors and administrators."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from eucentre.audit import repository, service
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.models import Role
from eucentre.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    verify: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles={Role.auditor, Role.administrator}, page=True)),
) -> HTMLResponse:
    verification = service.verify(session) if verify else None
    entries = repository.recent(session, limit=200)
    service.record(
        session,
        actor=principal.actor,
        action="audit.viewed",
        object_type="audit_log",
        object_id="-",
    )
    return render(request, "audit_log.html", {"entries": entries, "verification": verification})
