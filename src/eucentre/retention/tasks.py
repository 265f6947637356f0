"""Retention's periodic jobs."""

from __future__ import annotations

from eucentre.platform.tasks import Periodic, TaskContext
from eucentre.retention import service as retention


def enforce_retention(context: TaskContext) -> dict[str, int]:
    """Hourly: delete received files and packages whose retention has ended."""
    run = retention.enforce(
        context.session_factory, blobs=context.blobs, retention=context.settings.retention
    )
    return run.as_dict()


def sweep_orphan_blobs(context: TaskContext) -> int:
    """Daily (it lists the whole blob store): delete blobs no record refers to."""
    return retention.sweep_orphans(
        context.session_factory,
        blobs=context.blobs,
        older_than=context.settings.orphan_grace,
    )


TASKS = (
    Periodic("enforce_retention", enforce_retention, minute="41"),
    Periodic("sweep_orphan_blobs", sweep_orphan_blobs, minute="53", hour="3"),
)
