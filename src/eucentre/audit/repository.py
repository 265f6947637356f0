from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from eucentre.audit.chain import GENESIS_HASH, Link
from eucentre.models import AuditEntry, AuditHead

HEAD_ID = 1


def claim_next_seq(session: Session) -> tuple[int, str]:
    """Lock the head (the UPDATE takes the row lock first) and return (next seq, previous hash)."""
    result = session.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq + 1)
    )
    # Session.execute is typed as returning a Result; for DML it is a CursorResult, with the count.
    assert isinstance(result, CursorResult)
    if result.rowcount == 0:
        # The migration creates the head; without it appenders could race to create it.
        raise RuntimeError("audit_head is missing: run `eucentre db upgrade`")
    head = session.execute(
        select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == HEAD_ID)
    ).one()
    return head.seq, head.entry_hash


def set_head_hash(session: Session, entry_hash: str) -> None:
    session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(entry_hash=entry_hash))


def head(session: Session) -> tuple[int | None, str | None]:
    row = session.execute(
        select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == HEAD_ID)
    ).one_or_none()
    if row is None or row.seq == 0:
        return (None, None) if row is None else (0, GENESIS_HASH)
    return row.seq, row.entry_hash


def iter_links(session: Session, *, batch: int = 5000) -> Iterator[Link]:
    # Stored order is insertion order (rowid/ctid is not portable, so we trust seq and let
    # the chain arithmetic catch a reordering through prev_hash).
    after = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield Link(
                seq=row.seq,
                at=row.at,
                actor=row.actor,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                details=row.details,
                prev_hash=row.prev_hash,
                entry_hash=row.entry_hash,
            )
        after = rows[-1].seq


def recent(session: Session, *, limit: int, action_prefix: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list(session.scalars(query))
