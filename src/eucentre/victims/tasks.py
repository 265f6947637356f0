"""The victims' background work: matching new hashes and new indicators, and retention."""

from __future__ import annotations

from datetime import timedelta

from eucentre.db import transaction
from eucentre.platform.tasks import Periodic, Task, TaskContext, in_batches
from eucentre.victims import known, retention


def _index(context: TaskContext):  # type: ignore[no-untyped-def]
    from eucentre.indicators.lookup import LookupIndex

    return context.shared(
        "victims.lookup_index", lambda: LookupIndex(context.settings.data_dir / "index")
    )


def match_indicators(context: TaskContext) -> int:
    """New victims' hashes against every verified indicator, and indicators that entered
    distribution since the last run against every open case; how many were compared."""
    index = _index(context)
    index.prepare(context.session_factory)
    done = in_batches(context, lambda session: known.check_new_hashes(session, index=index))
    with transaction(context.session_factory) as session:
        done += known.follow_new_indicators(session)
    return done


def enforce_retention(context: TaskContext) -> int:
    """Daily: delete the cases whose retention ended, a batch per transaction; how many."""
    period = timedelta(days=context.settings.victims_retention_days)
    deleted = in_batches(
        context, lambda session: retention.delete_expired(session, retention=period)
    )
    with transaction(context.session_factory) as session:
        retention.tidy(session, retention=period)
    return deleted


TASKS = (
    Task("victims_match_indicators", match_indicators, retries=3, retry_delay=30),
    Periodic("victims_match_indicators_due", match_indicators),
    Periodic("victims_retention", enforce_retention, hour="3", minute="41"),
)
