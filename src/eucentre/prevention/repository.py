"""The catalogue's queries. What the public may read is scoped here: `published` returns only
records with a published revision, and only that revision's content."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from eucentre.prevention.models import (
    PreventionLink,
    PreventionRecord,
    PreventionRevision,
)
from eucentre.prevention.schemas import RecordData

Published = tuple[PreventionRecord, RecordData]


def get(session: Session, record_id: int, *, lock: bool = False) -> PreventionRecord | None:
    return session.get(PreventionRecord, record_id, with_for_update=lock)


def revision(session: Session, revision_id: int | None) -> PreventionRevision | None:
    return session.get(PreventionRevision, revision_id) if revision_id else None


def by_identity(session: Session, identity: str) -> PreventionRecord | None:
    return session.scalar(select(PreventionRecord).where(PreventionRecord.identity == identity))


def existing(session: Session, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(PreventionRecord.id).where(PreventionRecord.id.in_(ids))))


def revisions(session: Session, record_id: int) -> list[PreventionRevision]:
    return list(
        session.scalars(
            select(PreventionRevision)
            .where(PreventionRevision.record_id == record_id)
            .order_by(PreventionRevision.number)
        )
    )


def staff_list(
    session: Session, *, status: str | None, flagged: bool, limit: int = 200, offset: int = 0
) -> list[tuple[PreventionRecord, PreventionRevision]]:
    working = aliased(PreventionRevision)
    query = select(PreventionRecord, working).join(
        working, working.id == PreventionRecord.working_revision_id
    )
    if status:
        query = query.where(PreventionRecord.status == status)
    if flagged:
        query = query.where(PreventionRecord.flagged_at.is_not(None))
    query = query.order_by(PreventionRecord.id.desc()).limit(limit).offset(offset)
    return [(record, rev) for record, rev in session.execute(query).all()]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(PreventionRecord.status, func.count()).group_by(PreventionRecord.status)
    ).all()
    counts = {status: count for status, count in rows}
    counts["flagged"] = (
        session.scalar(select(func.count()).where(PreventionRecord.flagged_at.is_not(None))) or 0
    )
    return counts


def _published_query():  # type: ignore[no-untyped-def]
    return select(PreventionRecord, PreventionRevision.data).join(
        PreventionRevision, PreventionRevision.id == PreventionRecord.published_revision_id
    )


def published(session: Session, ids: Sequence[int]) -> dict[int, Published]:
    """The published content of these records (others are absent)."""
    if not ids:
        return {}
    rows = session.execute(_published_query().where(PreventionRecord.id.in_(list(ids)))).all()
    return {record.id: (record, RecordData.model_validate(data)) for record, data in rows}


def published_raw(
    session: Session, ids: Sequence[int]
) -> dict[int, tuple[PreventionRecord, dict[str, Any]]]:
    """Like `published`, the content not yet parsed (the search caches parsed revisions:
    a published revision never changes)."""
    if not ids:
        return {}
    rows = session.execute(_published_query().where(PreventionRecord.id.in_(list(ids)))).all()
    return {record.id: (record, data) for record, data in rows}


def published_one(session: Session, record_id: int) -> Published | None:
    return published(session, [record_id]).get(record_id)


def published_batches(session: Session, *, batch: int = 500) -> Iterator[list[Published]]:
    """Every published record, in id order, a batch at a time (exports)."""
    after = 0
    while True:
        rows = session.execute(
            _published_query()
            .where(PreventionRecord.id > after)
            .order_by(PreventionRecord.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield [(record, RecordData.model_validate(data)) for record, data in rows]
        after = rows[-1][0].id


def newly_published(session: Session, *, limit: int) -> list[Published]:
    rows = session.execute(
        _published_query()
        .where(PreventionRecord.first_published_at.is_not(None))
        .order_by(PreventionRecord.first_published_at.desc(), PreventionRecord.id.desc())
        .limit(limit)
    ).all()
    return [(record, RecordData.model_validate(data)) for record, data in rows]


def linked(session: Session, record_id: int) -> tuple[list[int], list[int]]:
    """(what this record evaluates, what evaluates it): published links only, both ways."""
    forward = session.scalars(
        select(PreventionLink.target_id).where(PreventionLink.source_id == record_id)
    )
    backward = session.scalars(
        select(PreventionLink.source_id).where(PreventionLink.target_id == record_id)
    )
    return sorted(forward), sorted(backward)


def set_links(session: Session, record_id: int, targets: Sequence[int]) -> None:
    for link in session.scalars(
        select(PreventionLink).where(PreventionLink.source_id == record_id)
    ):
        session.delete(link)
    session.flush()
    for target in sorted(set(targets) - {record_id}):
        session.add(PreventionLink(source_id=record_id, target_id=target))
    session.flush()


def unreviewed(session: Session, *, before: datetime, limit: int) -> list[int]:
    """Published records not reviewed since `before` and not yet flagged."""
    return list(
        session.scalars(
            select(PreventionRecord.id)
            .where(
                PreventionRecord.published_revision_id.is_not(None),
                PreventionRecord.flagged_at.is_(None),
                PreventionRecord.last_reviewed_at < before,
            )
            .order_by(PreventionRecord.id)
            .limit(limit)
        )
    )


def identities(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The DOI or URL identity of these records (those that have one)."""
    if not ids:
        return {}
    rows = session.execute(
        select(PreventionRecord.id, PreventionRecord.identity).where(
            PreventionRecord.id.in_(list(ids)), PreventionRecord.identity.is_not(None)
        )
    ).all()
    return {record_id: identity for record_id, identity in rows if identity is not None}
