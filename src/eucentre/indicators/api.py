"""Provider API: lookup, change feed, export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.indicators import distribution, repository
from eucentre.indicators.lookup import LookupIndex
from eucentre.indicators.lookup import Query as LookupQuery
from eucentre.indicators.schemas import (
    MAX_LOOKUP_BODY_BYTES,
    ChangeOut,
    ChangesOut,
    LookupIn,
    LookupOut,
    LookupResult,
    MatchOut,
)
from eucentre.kit.ids import MAX_ID
from eucentre.kit.time import as_utc
from eucentre.signals import registry

router = APIRouter(
    prefix="/api/v1", tags=["indicators"], responses=errors.responses(*errors.ACCESS)
)
PROVIDERS = {PrincipalKind.provider}
# The signal types registered when the API is built (the OpenAPI document lists them).
if TYPE_CHECKING:  # the names are known only once the registry is built
    ExportSignal = str
else:
    ExportSignal = Literal[registry.names()]


def lookup_index(app: FastAPI) -> LookupIndex:
    """The serving process's lookup index, opened on first use."""
    settings = app.state.settings
    return app.state.resources.get(
        "indicators.lookup_index", lambda: LookupIndex(settings.data_dir / "index")
    )


@router.post("/lookup", response_model=LookupOut)
def lookup(
    body: LookupIn,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(
        allow(organisations=PROVIDERS, scope="lookup", body_limit=MAX_LOOKUP_BODY_BYTES)
    ),
) -> LookupOut:
    """Check up to 1 000 hashes (PDQ with optional rotated/mirrored variants, MD5, SHA-256, URLs)
    against the Centre's verified indicators."""
    queries = [LookupQuery(h.signal, h.value, h.variants) for h in body.hashes]
    index = lookup_index(request.app)
    # Catch the index up in a short transaction of its own, so the request's transaction (on
    # SQLite, the write lock) is not held while the index applies changes or compiles kernels.
    index.prepare(request.app.state.session_factory)
    found = distribution.lookup(
        session,
        index=index,
        queries=queries,
        max_distance=body.max_distance,
        organisation_id=principal.organisation_id,
    )
    return LookupOut(
        results=[
            LookupResult(
                signal=q.signal,
                value=q.value,
                matches=[
                    MatchOut(
                        indicator_id=m.indicator.id,
                        distance=m.distance,
                        variant=m.variant,
                        lists=[item.name for item in m.indicator.lists],
                        labels=m.indicator.labels,
                    )
                    for m in matches
                ],
            )
            for q, matches in zip(queries, found, strict=True)
        ]
    )


@router.get("/indicators/changes", response_model=ChangesOut)
def changes(
    signal: ExportSignal | None = None,
    cursor: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(1000, ge=1, le=10_000),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(organisations=PROVIDERS, scope="indicators:read")),
) -> ChangesOut:
    """Indicators added to and removed from distribution since `cursor`; pass the returned
    cursor next time. Resumable, and no change is skipped or repeated."""
    rows = repository.changes_since(session, signal=signal, cursor=cursor, limit=limit)
    return ChangesOut(
        changes=[
            ChangeOut(
                op=row.op,
                signal=row.signal,
                value=row.value,
                id=row.indicator_id,
                seq=row.seq,
                at=as_utc(row.at).isoformat(),
            )
            for row in rows
        ],
        cursor=rows[-1].seq if rows else cursor,
    )


@router.get("/indicators/export", response_class=StreamingResponse)
def export(
    request: Request,
    signal: ExportSignal = "pdq",
    format: Literal["csv", "jsonl"] = "csv",
    _: Principal = Depends(allow(organisations=PROVIDERS, scope="indicators:read")),
) -> StreamingResponse:
    """Every verified indicator of a signal: ThreatExchange-style CSV or JSON Lines."""
    factory = request.app.state.session_factory
    if format == "csv":
        return StreamingResponse(
            distribution.export_csv(factory, signal),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{signal}.csv"'},
        )
    return StreamingResponse(
        distribution.export_jsonl(factory, signal), media_type="application/x-ndjson"
    )
