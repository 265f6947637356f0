"""The public page `/transparency`: headline figures, charts with their tables, definitions and
caveats, for a period chosen with plain links or a GET form. No JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.time import utcnow
from eucentre.transparency import reading, repository
from eucentre.transparency.presentation import Presenter
from eucentre.web.i18n import gettext_for, negotiate
from eucentre.web.templating import render

router = APIRouter(include_in_schema=False)


def period_choices(session: Session) -> list[str]:
    """Years with records (and this year), each followed by its months."""
    years = set(repository.periods_with_reports(session)) | {utcnow().year}
    return [str(year) for year in sorted(years, reverse=True)]


@router.get("/transparency", response_class=HTMLResponse)
def page(
    request: Request,
    period: str | None = Query(None, max_length=16),
    vintage: str | None = Query(None, max_length=8),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> HTMLResponse:
    chosen = reading.period_of(period)
    release = reading.release_for(request, session, chosen, reading.vintage_of(vintage))
    language = negotiate(request)
    presented = Presenter(release, gettext=gettext_for(request), language=language).present()
    return render(
        request,
        "transparency_index.html",
        {
            "release": release,
            "presented": presented,
            "years": period_choices(session),
            "months": [chosen.code] if not chosen.is_year else [],
            "year_months": [f"{chosen.year}-{m:02d}" for m in range(1, 13)],
        },
    )
