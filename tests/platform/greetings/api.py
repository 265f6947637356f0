from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.models import Role
from eucentre.web.templating import render
from tests.platform.greetings import repository

router = APIRouter()


@router.get("/api/v1/greetings")
def count(
    session: Session = Depends(get_session), _: Principal = Depends(allow(public=True))
) -> dict[str, int]:
    return {"sent": repository.sent(session)}


@router.get("/staff/greetings", response_class=HTMLResponse, include_in_schema=False)
def page(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles={Role.analyst}, page=True)),
) -> HTMLResponse:
    return render(request, "staff_home.html", {"greetings_sent": repository.sent(session)})
