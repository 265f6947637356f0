"""The complaints' background work: sealing the text of complaints received before it was sealed
on write (migration 0010 cannot: it runs without the key)."""

from __future__ import annotations

from eucentre.complaints import service
from eucentre.db import transaction
from eucentre.platform.tasks import Periodic, TaskContext


def seal_complaint_texts(context: TaskContext) -> int:
    """Hourly, until none are left (a batch at a time, so one transaction stays short)."""
    sealed = 0
    while True:
        with transaction(context.session_factory) as session:
            done = service.seal_old_texts(session, secret=context.settings.secret)
        sealed += done
        if done == 0:
            return sealed


TASKS = (Periodic("seal_complaint_texts", seal_complaint_texts, minute="7"),)
