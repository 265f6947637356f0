"""Administration pages: organisations with their keys, and staff accounts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre.auth import repository, service
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.models import Role
from eucentre.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

READERS = {Role.administrator, Role.auditor}


@router.get("/organisations", response_class=HTMLResponse)
def organisations(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    rows = [(org, repository.keys_of(session, org.id)) for org in repository.organisations(session)]
    return render(request, "organisations.html", {"rows": rows})


@router.post("/keys/{prefix}/revoke", response_model=None)
def revoke_key(
    prefix: str,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles={Role.administrator}, page=True)),
) -> RedirectResponse:
    service.revoke_key(session, actor=principal.actor, prefix=prefix)
    return RedirectResponse("/staff/organisations", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    return render(request, "users.html", {"users": repository.users(session)})
