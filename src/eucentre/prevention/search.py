"""The catalogue's search, for the public pages and the API alike: a query planned across
languages (query.py), matched by the database's full-text engine, filtered and counted by
facet in memory (facets.py), ranked, and each hit shown with a highlighted snippet. Only
published records are ever in the index, so nothing else can be found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup
from sqlalchemy.orm import Session

from eucentre.prevention import query, repository, snippets
from eucentre.prevention.engines import engine_for
from eucentre.prevention.facets import FacetTable
from eucentre.prevention.models import PreventionRecord
from eucentre.prevention.schemas import RecordData

# The filters a search takes: parameter -> facet of the index.
FILTERS = {
    "type": "type",
    "country": "country",
    "language": "language",
    "target": "target",
    "evidence": "evidence",
}
MAX_FILTER_VALUES = 20
MAX_PAGE = 50
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Hit:
    record: PreventionRecord
    data: RecordData
    language: str
    title: str
    snippet: Markup


@dataclass(frozen=True)
class Result:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    concepts: list[str]  # the concepts the query was understood to name


def _ranked_page(
    session: Session, plan: query.Plan, kept: np.ndarray, table: FacetTable, *, need: int
) -> list[int]:
    wanted = np.zeros(int(kept.max()) + 1, dtype=bool)
    wanted[kept] = True
    page: list[int] = []
    for record_id in engine_for(session).ranked(session, plan, catalogue=table.size()):
        if record_id < len(wanted) and wanted[record_id]:
            page.append(record_id)
            wanted[record_id] = False
            if len(page) >= need:
                return page
    # The rest (matched only through unranked groups or prefixes), newest first.
    return page + table.newest_first(kept[wanted[kept]], need - len(page))


def search(
    session: Session,
    table: FacetTable,
    *,
    q: str,
    filters: Mapping[str, Sequence[str]],
    language: str,
    offset: int = 0,
    limit: int = 10,
) -> Result:
    table.refresh(session)
    plan = query.plan(q)
    chosen = {
        FILTERS[name]: list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
        for name, values in filters.items()
        if name in FILTERS and values
    }
    need = min(offset, MAX_OFFSET) + min(limit, MAX_PAGE)
    if plan.empty:
        kept = table.keep(table.live_ids(), chosen)
        order = table.newest_first(kept, need)
    else:
        matched = engine_for(session).match(session, plan)
        kept = table.keep(matched, chosen)
        order = _ranked_page(session, plan, kept, table, need=need) if len(kept) else []
    page_ids = order[min(offset, MAX_OFFSET) : need]
    content = repository.published_raw(session, page_ids)
    hits = []
    for record_id in page_ids:
        if record_id not in content:  # withdrawn since the facet table was read
            continue
        record, raw = content[record_id]
        assert record.published_revision_id is not None
        data = table.parsed(record.published_revision_id, raw)
        shown = data.text_in(language)
        hits.append(
            Hit(
                record=record,
                data=data,
                language=shown.language,
                title=shown.title,
                snippet=snippets.snippet(
                    shown.summary, shown.language, None if plan.empty else plan
                ),
            )
        )
    return Result(
        total=int(len(kept)),
        hits=hits,
        facets=table.counts(kept),
        concepts=[group.concept for group in plan.groups if group.concept],
    )
