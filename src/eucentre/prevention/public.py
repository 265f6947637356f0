"""The catalogue's public pages: search (facets as links and checkboxes, no JavaScript), a
record with its schema.org JSON-LD, the Atom feed of newly published records, and the exports.
Only published records exist here."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session, transaction
from eucentre.kit.ids import RecordId
from eucentre.prevention import concepts, export, linked_data, present, repository
from eucentre.prevention.api import facet_values, run_search
from eucentre.prevention.filters import SearchParams, search_params
from eucentre.prevention.vocabulary import EVIDENCE_LABELS, FACETS, TYPE_LABELS
from eucentre.web.i18n import N_, gettext_for, negotiate
from eucentre.web.templating import render

router = APIRouter(prefix="/prevention", include_in_schema=False)
PUBLIC = allow(public=True)
FEED_TITLE = N_("Newly published in the EU Centre's prevention catalogue")
FEED_SIZE = 50


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _link(params: SearchParams, **changes: object) -> str:
    """The search page's address with some parameters changed (facet links, pages)."""
    values: dict[str, object] = {"q": params.q, **params.filters, "offset": params.offset}
    values.update(changes)
    pairs = []
    for key, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if item not in ("", None, 0) or (key == "offset" and item):
                pairs.append((key, str(item)))
    return "/prevention" + ("?" + urlencode(pairs) if pairs else "")


def _toggled(params: SearchParams, facet: str, value: str) -> str:
    chosen = list(params.filters.get(facet, []))
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    return _link(params, **{facet: chosen, "offset": 0})


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request,
    params: SearchParams = Depends(search_params),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    result = run_search(request, session, params)
    translate = gettext_for(request)
    facets = [
        {
            "name": name,
            "title": translate(title),
            "values": [
                {
                    **vars(value),
                    "chosen": value.value in params.filters.get(name, []),
                    "href": _toggled(params, name, value.value),
                }
                for value in facet_values(result, request)[name]
            ],
        }
        for name, (_labels, title) in FACETS.items()
    ]
    language = negotiate(request)
    previous = params.offset - params.limit if params.offset else None
    following = params.offset + params.limit
    return render(
        request,
        "prevention_search.html",
        {
            "params": params,
            "result": result,
            "facets": facets,
            "understood": [concepts.BY_ID[c].label(language) for c in result.concepts],
            "previous": _link(params, offset=max(previous, 0)) if previous is not None else None,
            "next": _link(params, offset=following) if following < result.total else None,
            "first_shown": params.offset + 1,
            "last_shown": params.offset + len(result.hits),
            "clear": _link(SearchParams(q=params.q, filters={}, offset=0, limit=params.limit)),
            "type_labels": TYPE_LABELS,
            "evidence_labels": EVIDENCE_LABELS,
        },
    )


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(
    record_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    shown = present.view(session, record_id, negotiate(request))
    if shown is None:
        raise errors.NotFound(f"no published record {record_id}", code="unknown_record")
    translate = gettext_for(request)
    return render(
        request,
        "prevention_record.html",
        {
            "shown": shown,
            "labels": present.labels(shown.data, translate),
            "concept_labels": [
                concepts.BY_ID[c].label(negotiate(request)) for c in shown.data.concepts
            ],
            "json_ld": linked_data.script_tag(
                linked_data.json_ld(shown, base_url=base_url(request))
            ),
        },
    )


@router.get("/feed.atom", response_class=Response)
def feed(
    request: Request, session: Session = Depends(get_session), _: Principal = Depends(PUBLIC)
) -> Response:
    language = negotiate(request)
    entries = [
        (record.id, data, record.first_published_at)
        for record, data in repository.newly_published(session, limit=FEED_SIZE)
        if record.first_published_at is not None
    ]
    body = linked_data.atom(
        entries,
        base_url=base_url(request),
        title=gettext_for(request)(FEED_TITLE),
        language=language,
    )
    return Response(body, media_type="application/atom+xml")


def _streamed(request: Request, produce) -> Iterator[str]:  # type: ignore[no-untyped-def]
    # Its own transaction: the export outlives the request's, which ends when this returns.
    with transaction(request.app.state.session_factory) as session:
        yield from produce(session)


@router.get("/export.jsonl", response_class=Response)
def export_jsonl(request: Request, _: Principal = Depends(PUBLIC)) -> StreamingResponse:
    return StreamingResponse(
        _streamed(request, export.jsonl),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="prevention-catalogue.jsonl"'},
    )


@router.get("/export.csv", response_class=Response)
def export_csv(request: Request, _: Principal = Depends(PUBLIC)) -> StreamingResponse:
    return StreamingResponse(
        _streamed(request, export.csv_text),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="prevention-catalogue.csv"'},
    )
