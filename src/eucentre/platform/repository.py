"""The kernel's own queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.models import OutboxMessage


def due_outbox(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Ids of the messages due for (another) delivery, the longest-waiting first."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def timeline_events(
    session: Session, model: type[Any], case_column: str, case_id: int, where: Iterable[Any]
) -> list[Any]:
    """A case's events, oldest first."""
    query = select(model).where(getattr(model, case_column) == case_id)
    for condition in where:
        query = query.where(condition)
    return list(session.scalars(query.order_by(model.at, model.id)))
