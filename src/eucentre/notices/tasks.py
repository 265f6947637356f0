"""The notices' schedules: escalation of notices not acted on, and the end of holds."""

from __future__ import annotations

from eucentre.db import transaction
from eucentre.notices import holds, service
from eucentre.platform.tasks import Periodic, TaskContext


def escalate_notices(context: TaskContext) -> int:
    """Hourly: notices not acted on within EUCENTRE_NOTICE_ESCALATE_AFTER go to the authority
    of the host's country."""
    with transaction(context.session_factory) as session:
        return service.escalate_due(session, escalate_after=context.settings.notice_escalate_after)


def release_holds(context: TaskContext) -> int:
    """Hourly: holds whose time is up end, and their notices go out."""
    with transaction(context.session_factory) as session:
        released = holds.release_expired(session)
    if released:
        context.enqueue("relay_outbox")
    return released


TASKS = (
    Periodic("notices_escalate", escalate_notices, minute="5"),
    Periodic("notices_release_holds", release_holds, minute="35"),
)
