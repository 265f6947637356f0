"""Generated catalogue records for the prevention tests (never real programmes)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from eucentre.prevention import service
from eucentre.prevention.facets import FacetTable
from eucentre.prevention.models import PreventionRecord
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.search import Result, search

_serial = itertools.count(1)
WRITER, REVIEWER = "user:901", "user:902"


def data(
    *,
    title: str = "",
    summary: str = "A generated record about nothing in particular.",
    language: str = "en",
    texts: list[dict[str, str]] | None = None,
    **fields: Any,
) -> RecordData:
    n = next(_serial)
    values: dict[str, Any] = {
        "type": "programme",
        "texts": texts
        or [{"language": language, "title": title or f"Generated record {n}", "summary": summary}],
        "url": f"https://example.test/records/{n}",
    }
    values.update(fields)
    return RecordData.model_validate(values)


def draft(session: Session, record: RecordData | None = None, **fields: Any) -> PreventionRecord:
    return service.create(session, actor=WRITER, data=record or data(**fields))


def published(
    session: Session, record: RecordData | None = None, **fields: Any
) -> PreventionRecord:
    created = draft(session, record, **fields)
    service.submit(session, actor=WRITER, record_id=created.id)
    return service.approve(session, actor=REVIEWER, record_id=created.id)


def find(session: Session, q: str = "", lang: str = "en", **filters: list[str]) -> Result:
    return search(session, FacetTable(), q=q, filters=filters, language=lang, limit=50)
