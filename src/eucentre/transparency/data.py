"""The open data: `/transparency/data` (what there is), one CSV and one SDMX-CSV per table,
the Data Package and the DCAT-AP catalogue record. All public, all from the same release as the
page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.transparency import opendata, reading
from eucentre.transparency.figures import BREAKDOWNS
from eucentre.transparency.public import period_choices
from eucentre.web.templating import render

router = APIRouter(include_in_schema=False)
PUBLIC = allow(public=True)
CSV = "text/csv; charset=utf-8"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/transparency/data/"


def _table(text: str) -> str:
    if text not in opendata.TABLES:
        raise reading.invalid(
            "table", f"unknown table; one of: {', '.join(opendata.TABLES)}", "invalid_table", "path"
        )
    return text


def _download(body: str, media: str, name: str) -> Response:
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/transparency/data", response_class=HTMLResponse)
def index(
    request: Request,
    period: str | None = Query(None, max_length=16),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    chosen = reading.period_of(period)
    release = reading.release_for(request, session, chosen)
    return render(
        request,
        "transparency_data.html",
        {
            "release": release,
            "tables": opendata.TABLES,
            "breakdowns": BREAKDOWNS,
            "years": period_choices(session),
        },
    )


@router.get("/transparency/data/datapackage.json")
def datapackage(
    request: Request,
    period: str | None = Query(None, max_length=16),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> Response:
    release = reading.release_for(request, session, reading.period_of(period))
    body = opendata.datapackage(release)
    return Response(json.dumps(body, indent=2), media_type="application/json")


@router.get("/transparency/data/catalog.jsonld")
def catalog(
    request: Request,
    period: str | None = Query(None, max_length=16),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> Response:
    release = reading.release_for(request, session, reading.period_of(period))
    base = _base(request)
    body = opendata.catalog(release, base=base, page=base.removesuffix("data/").rstrip("/"))
    return Response(json.dumps(body, indent=2), media_type="application/ld+json")


@router.get("/transparency/data/{period}/{table}.sdmx.csv")
def sdmx_table(
    request: Request,
    period: str = Path(..., max_length=16),
    table: str = Path(..., max_length=32),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> Response:
    chosen, name = reading.period_of(period, "path"), _table(table)
    release = reading.release_for(request, session, chosen)
    return _download(opendata.table_sdmx(release, name), CSV, f"{chosen.code}-{name}.sdmx.csv")


@router.get("/transparency/data/{period}/{table}.csv")
def csv_table(
    request: Request,
    period: str = Path(..., max_length=16),
    table: str = Path(..., max_length=32),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> Response:
    chosen, name = reading.period_of(period, "path"), _table(table)
    release = reading.release_for(request, session, chosen)
    return _download(opendata.table_csv(release, name), CSV, f"{chosen.code}-{name}.csv")
