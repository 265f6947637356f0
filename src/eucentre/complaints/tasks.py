"""The complaints' background work: sealing the text of complaints received before it was sealed
on write (migration 0010 cannot: it runs without the key)."""

from __future__ import annotations

from eucentre.complaints import service
from eucentre.platform.tasks import Periodic, TaskContext, in_batches


def seal_complaint_texts(context: TaskContext) -> int:
    """Hourly, until none are left (a batch at a time, so one transaction stays short)."""
    secret = context.settings.secret
    return in_batches(context, lambda session: service.seal_old_texts(session, secret=secret))


TASKS = (Periodic("seal_complaint_texts", seal_complaint_texts, minute="7"),)
