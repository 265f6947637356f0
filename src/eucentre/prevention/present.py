"""A published record as people and machines read it: labels translated, links resolved to
published records only, the same for the pages, the API, the feed and the exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.prevention import repository
from eucentre.prevention.models import PreventionRecord
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.vocabulary import (
    COUNTRIES,
    EVIDENCE_LABELS,
    LANGUAGES,
    LEVEL_LABELS,
    SETTING_LABELS,
    TARGET_LABELS,
    TYPE_LABELS,
)

Translate = Callable[[str], str]


@dataclass(frozen=True)
class Related:
    id: int
    title: str
    type: str


@dataclass(frozen=True)
class View:
    record: PreventionRecord
    data: RecordData
    language: str  # of the text shown
    title: str
    summary: str
    evaluates: list[Related]  # research: the programmes it evaluates
    evaluated_by: list[Related]  # programmes: the research that evaluates them


def related(session: Session, ids: list[int], language: str) -> list[Related]:
    found = repository.published(session, ids)
    out = []
    for record_id in ids:
        if record_id in found:
            _, data = found[record_id]
            out.append(Related(record_id, data.text_in(language).title, data.type.value))
    return out


def view(session: Session, record_id: int, language: str) -> View | None:
    """The published record (None when there is none: drafts are never shown)."""
    found = repository.published_one(session, record_id)
    if found is None:
        return None
    record, data = found
    forward, backward = repository.linked(session, record_id)
    shown = data.text_in(language)
    return View(
        record=record,
        data=data,
        language=shown.language,
        title=shown.title,
        summary=shown.summary,
        evaluates=related(session, forward, language),
        evaluated_by=related(session, backward, language),
    )


def labels(data: RecordData, _: Translate) -> dict[str, Any]:
    return {
        "type": _(TYPE_LABELS[data.type]),
        "countries": [_(COUNTRIES[c]) for c in data.countries],
        "languages": [_(LANGUAGES[c]) for c in data.languages],
        "target_groups": [_(TARGET_LABELS[t]) for t in data.target_groups],
        "levels": [_(LEVEL_LABELS[level]) for level in data.levels],
        "settings": [_(SETTING_LABELS[s]) for s in data.settings],
        "evidence": _(EVIDENCE_LABELS[data.evidence]),
    }


def exported(
    record: PreventionRecord, data: RecordData, identities: dict[int, str]
) -> dict[str, Any]:
    """One record as the exports write it (and the JSON Lines import reads it back)."""
    out = data.model_dump(mode="json")
    out["evaluates"] = [identities[i] for i in data.evaluates if i in identities]
    return {
        "id": record.id,
        **out,
        "last_reviewed": as_utc(record.last_reviewed_at).date().isoformat()
        if record.last_reviewed_at
        else None,
        "first_published": as_utc(record.first_published_at).isoformat()
        if record.first_published_at
        else None,
        "demo": record.is_demo,
    }
