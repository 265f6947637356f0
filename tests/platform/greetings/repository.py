from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.models import OutboxMessage
from tests.platform.greetings.outbox import KIND


def sent(session: Session) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(OutboxMessage.sends), 0)).where(OutboxMessage.kind == KIND)
    )
