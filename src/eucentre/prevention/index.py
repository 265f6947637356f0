"""The search index of published records: one document per record (its words as index keys,
its facet values), kept current when a record is published or withdrawn, in the transaction
that publishes it. On SQLite the document is also written to the FTS5 table; on PostgreSQL an
index over the document's text serves the same queries. Every change takes the next sequence
number, so each process's facet table (facets.py) catches up with only what changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from eucentre.prevention import concepts, text
from eucentre.prevention.models import PreventionSearchDoc, PreventionSearchState
from eucentre.prevention.schemas import RecordData

FACET_FIELDS = ("type", "country", "language", "target", "evidence", "level", "concept")


def concepts_of(data: RecordData) -> list[str]:
    """The record's concepts: those its editors chose and those its texts name."""
    found = set(data.concepts)
    for entry in data.texts:
        found |= concepts.in_text(f"{entry.title}. {entry.summary}", entry.language)
    return sorted(found)


def facets_of(data: RecordData, concept_ids: list[str]) -> dict[str, list[str]]:
    return {
        "type": [data.type.value],
        "country": list(data.countries),
        "language": list(data.languages),
        "target": [group.value for group in data.target_groups],
        "evidence": [data.evidence.value],
        "level": [level.value for level in data.levels],
        "concept": concept_ids,
    }


def document(data: RecordData) -> tuple[str, str, dict[str, list[str]]]:
    """(title keys, body keys, facets) of a record's content."""
    concept_ids = concepts_of(data)
    title = " ".join(text.index_text(entry.title, entry.language) for entry in data.texts)
    parts = [text.index_text(entry.summary, entry.language) for entry in data.texts]
    main_language = data.texts[0].language
    parts += [text.index_text(author, main_language) for author in data.authors]
    parts.append(text.index_text(data.publisher, main_language))
    parts.append(" ".join(concepts.BY_ID[c].token for c in concept_ids))
    return title, " ".join(part for part in parts if part), facets_of(data, concept_ids)


def _next_seq(session: Session) -> int:
    state = session.get(PreventionSearchState, 1, with_for_update=True)
    if state is None:
        state = PreventionSearchState(id=1, seq=0)
        session.add(state)
    state.seq += 1
    session.flush()
    return state.seq


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def publish(session: Session, *, record_id: int, data: RecordData, at: datetime) -> None:
    title, body, facets = document(data)
    seq = _next_seq(session)
    doc = session.get(PreventionSearchDoc, record_id)
    if doc is None:
        doc = PreventionSearchDoc(record_id=record_id, seq=seq)
        session.add(doc)
    doc.live, doc.title, doc.body, doc.facets = True, title, body, facets
    doc.published_at = at
    doc.seq = seq
    session.flush()
    if _sqlite(session):
        session.execute(sql("DELETE FROM prevention_fts WHERE rowid = :id"), {"id": record_id})
        session.execute(
            sql("INSERT INTO prevention_fts (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": record_id, "title": title, "body": body},
        )


def remove(session: Session, *, record_id: int) -> None:
    doc = session.get(PreventionSearchDoc, record_id)
    if doc is None or not doc.live:
        return
    seq = _next_seq(session)
    doc.live, doc.title, doc.body, doc.facets = False, "", "", {}
    doc.seq = seq
    session.flush()
    if _sqlite(session):
        session.execute(sql("DELETE FROM prevention_fts WHERE rowid = :id"), {"id": record_id})
