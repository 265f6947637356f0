"""Provider API: lookup, change feed, export."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple

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


# Other domains may serve further lists through this feed, with the same contract, by
# registering a change list for the manifest hook CHANGE_LISTS: an object with `name` (the
# `?list=` value), `scope` (what a provider needs besides indicators:read) and
# `changes(session, *, signal, cursor, limit)` returning rows with op, signal, value, id, seq, at.
CHANGE_LISTS = "indicators.change_lists"


def _change_list(name: str, principal: Principal):  # type: ignore[no-untyped-def]
    from eucentre.auth.scopes import grants
    from eucentre.domains import installed

    found = {item.name: item for item in installed().hooks(CHANGE_LISTS)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise errors.UnprocessableEntity(f"no list {name!r}; lists: {known}", code="unknown_list")
    if not grants(principal.scopes, found[name].scope):
        raise errors.Forbidden(
            f"the list {name!r} needs the scope {found[name].scope!r}", code="scope_missing"
        )
    return found[name]


@router.get(
    "/indicators/changes",
    response_model=ChangesOut,
    responses=errors.responses(errors.UnprocessableEntity),
)
def changes(
    signal: ExportSignal | None = None,
    cursor: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(1000, ge=1, le=10_000),
    list_name: str | None = Query(None, alias="list", max_length=40),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(organisations=PROVIDERS, scope="indicators:read")),
) -> ChangesOut:
    """Indicators added to and removed from distribution since `cursor`; pass the returned
    cursor next time. Resumable, and no change is skipped or repeated. With `list`, another
    list served the same way (`victim_requests`: hashes victims asked to have removed, for
    review by a person, with the scope victims:read)."""
    if list_name is not None:
        rows = _change_list(list_name, principal).changes(
            session, signal=signal, cursor=cursor, limit=limit
        )
    else:
        rows = [
            _Row(r.op, r.signal, r.value, r.indicator_id, r.seq, r.at)
            for r in repository.changes_since(session, signal=signal, cursor=cursor, limit=limit)
        ]
    return ChangesOut(
        changes=[
            ChangeOut(
                op=row.op,
                signal=row.signal,
                value=row.value,
                id=row.id,
                seq=row.seq,
                at=as_utc(row.at).isoformat(),
            )
            for row in rows
        ],
        cursor=rows[-1].seq if rows else cursor,
    )


class _Row(NamedTuple):
    op: str
    signal: str
    value: str
    id: int
    seq: int
    at: datetime


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
