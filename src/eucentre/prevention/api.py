"""The catalogue's public JSON API: search with facets and snippets, one record, the concept
scheme. Anyone may read it; only published records exist for it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.kit.time import as_utc
from eucentre.prevention import concepts, present
from eucentre.prevention.api_models import (
    ConceptList,
    ConceptOut,
    FacetValue,
    RecordOut,
    RecordSummary,
    Related,
    SearchOut,
    Text,
)
from eucentre.prevention.facets import FacetTable
from eucentre.prevention.filters import SearchParams, search_params
from eucentre.prevention.search import Result, search
from eucentre.prevention.vocabulary import FACETS
from eucentre.web.i18n import gettext_for, negotiate

router = APIRouter(tags=["prevention"])
PUBLIC = allow(public=True)


def facet_table(request: Request) -> FacetTable:
    return request.app.state.resources.get("prevention.facets", FacetTable)


def run_search(request: Request, session: Session, params: SearchParams) -> Result:
    return search(
        session,
        facet_table(request),
        q=params.q,
        filters=params.filters,
        language=negotiate(request),
        offset=params.offset,
        limit=params.limit,
    )


def facet_values(result: Result, request: Request) -> dict[str, list[FacetValue]]:
    _ = gettext_for(request)
    out = {}
    for name, (labels, _title) in FACETS.items():
        counts = result.facets.get(name, {})
        out[name] = [
            FacetValue(value=value, label=_(labels.get(value, value)), count=count)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    return out


@router.get(
    "/api/v1/prevention/records",
    response_model=SearchOut,
    responses=errors.responses(errors.UnprocessableEntity),
)
def records(
    request: Request,
    params: SearchParams = Depends(search_params),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> SearchOut:
    """Search the published catalogue in any language: the query is expanded to the concepts
    it names, in every language; filters combine (AND between parameters, OR between the
    values of one); results are ranked, with highlighted snippets and facet counts."""
    result = run_search(request, session, params)
    return SearchOut(
        total=result.total,
        offset=params.offset,
        limit=params.limit,
        concepts=result.concepts,
        facets=facet_values(result, request),
        records=[
            RecordSummary(
                id=hit.record.id,
                type=hit.data.type.value,
                title=hit.title,
                language=hit.language,
                snippet_html=str(hit.snippet),
                countries=hit.data.countries,
                languages=hit.data.languages,
                target_groups=[t.value for t in hit.data.target_groups],
                evidence=hit.data.evidence.value,
                url=hit.data.url,
                doi=hit.data.doi,
                page=f"/prevention/records/{hit.record.id}",
            )
            for hit in result.hits
        ],
    )


@router.get(
    "/api/v1/prevention/records/{record_id}",
    response_model=RecordOut,
    responses=errors.responses(errors.NotFound),
)
def record(
    record_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> RecordOut:
    """One published record, with the research that evaluates it or that it evaluates."""
    shown = present.view(session, record_id, negotiate(request))
    if shown is None:
        raise errors.NotFound(f"no published record {record_id}", code="unknown_record")
    data = shown.data
    return RecordOut(
        id=shown.record.id,
        type=data.type.value,
        texts=[Text(**text.model_dump()) for text in data.texts],
        countries=data.countries,
        languages=data.languages,
        target_groups=[t.value for t in data.target_groups],
        levels=[level.value for level in data.levels],
        settings=[s.value for s in data.settings],
        evidence=data.evidence.value,
        evidence_note=data.evidence_note,
        evaluates=[Related(**vars(r)) for r in shown.evaluates],
        evaluated_by=[Related(**vars(r)) for r in shown.evaluated_by],
        doi=data.doi,
        url=data.url,
        authors=data.authors,
        year=data.year,
        publisher=data.publisher,
        contact=data.contact,
        concepts=data.concepts,
        last_reviewed=as_utc(shown.record.last_reviewed_at).date().isoformat()
        if shown.record.last_reviewed_at
        else None,
        demo=shown.record.is_demo,
    )


@router.get("/api/v1/prevention/concepts", response_model=ConceptList)
def concept_scheme(_: Principal = Depends(PUBLIC)) -> ConceptList:
    """The catalogue's multilingual concept scheme: what a query in one language is expanded
    to."""
    return ConceptList(
        concepts=[
            ConceptOut(id=c.id, labels={lang: list(labels) for lang, labels in c.labels.items()})
            for c in concepts.SCHEME
        ]
    )
