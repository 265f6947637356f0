"""`GET /api/v1/statistics`: the published figures as JSON, for anyone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.transparency import reading
from eucentre.transparency.jsonout import release_json

router = APIRouter(tags=["statistics"])


@router.get(
    "/api/v1/statistics",
    responses=errors.responses(errors.UnprocessableEntity),
    summary="The Centre's published statistics for a period",
)
def statistics(
    request: Request,
    period: str | None = Query(
        None, max_length=16, description="A year (YYYY) or a month (YYYY-MM); default this year."
    ),
    breakdown: str | None = Query(
        None,
        max_length=32,
        description="Only this breakdown: total, month, member_state, provider, "
        "incident_type or outcome; default all.",
    ),
    vintage: str | None = Query(
        None, max_length=8, description="A stored vintage of the period (1, 2, ...)."
    ),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> dict[str, Any]:
    chosen = reading.period_of(period)
    only = reading.breakdown_of(breakdown)
    number = reading.vintage_of(vintage)
    release = reading.release_for(request, session, chosen, number)
    return release_json(release, breakdown=only)
