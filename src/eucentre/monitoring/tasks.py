"""The daily refill of the figures the platform keeps itself, in every open round."""

from __future__ import annotations

from eucentre.db import transaction
from eucentre.monitoring import autofill
from eucentre.platform.tasks import Periodic, TaskContext


def refill(context: TaskContext) -> None:
    with transaction(context.session_factory) as session:
        autofill.fill_open_rounds(session)


TASKS = (Periodic("monitoring_autofill", refill, minute="17", hour="3"),)
