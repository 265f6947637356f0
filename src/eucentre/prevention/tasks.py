"""The prevention hub's background work: flag records unreviewed for too long, hide directory
entries not re-confirmed, forget rate-limit attempts older than a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre.kit.time import utcnow
from eucentre.platform.tasks import Periodic, TaskContext, in_batches
from eucentre.prevention import network, repository, service
from eucentre.prevention import network_repository as directory

BATCH = 500


def flag_unreviewed(context: TaskContext) -> int:
    """Daily: published records not reviewed for `prevention_review_after_days` are flagged
    on the editors' list and their timeline."""
    days = context.settings.prevention_review_after_days

    def step(session: Session) -> int:
        ids = repository.unreviewed(session, before=utcnow() - timedelta(days=days), limit=BATCH)
        return service.flag_unreviewed(session, record_ids=ids)

    return in_batches(context, step)


def hide_unconfirmed(context: TaskContext) -> int:
    """Daily: entries not re-confirmed for `prevention_reconfirm_after_days` are hidden."""
    limits = network.limits_from(context.settings)
    return in_batches(context, lambda s: network.hide_unconfirmed(s, limits=limits, batch=BATCH))


def forget_attempts(context: TaskContext) -> int:
    """Hourly: rate-limit records older than the longest window (a day) are deleted."""
    return in_batches(
        context,
        lambda s: directory.forget_attempts(s, before=utcnow() - timedelta(days=1)),
        most=1,
    )


TASKS = (
    Periodic("prevention_flag_unreviewed", flag_unreviewed, hour="3", minute="17"),
    Periodic("prevention_hide_unconfirmed", hide_unconfirmed, hour="3", minute="23"),
    Periodic("prevention_forget_attempts", forget_attempts, minute="41"),
)
