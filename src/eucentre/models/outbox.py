"""The outbox: side effects decided in a transaction, relayed after commit (platform/outbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base


class OutboxMessage(Base):
    """A side effect decided in a transaction, relayed after commit by a task with retries."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Failed attempts since the last successful send; the back-off grows with them.
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set when nothing more is to be sent (after the one send, or when re-sends stop).
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Successful sends, for kinds that are re-sent on a schedule until answered.
    sends: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
