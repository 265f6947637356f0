"""The crawler's background work: run scheduled crawls (a budget per run, resumed by the next),
and re-check noticed URLs for removal and reappearance."""

from __future__ import annotations

from datetime import timedelta

from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.platform.tasks import Periodic, Task, TaskContext
from eucentre.search import repository
from eucentre.search.crawler import policy_from
from eucentre.search.recheck import recheck_due
from eucentre.search.running import build_crawler, lookup_index

# A periodic run crawls this long, then leaves the rest to the next run (every minute).
RUN_BUDGET_SECONDS = 50.0


def _crawler(context: TaskContext):  # type: ignore[no-untyped-def]
    index = context.shared("search.index", lambda: lookup_index(context.settings))
    return build_crawler(
        context.settings, context.session_factory, blobs=context.blobs, index=index
    )


def run_crawl(context: TaskContext, crawl_id: int) -> str | None:
    summary = _crawler(context).run(crawl_id, budget_seconds=RUN_BUDGET_SECONDS)
    context.enqueue("relay_outbox")
    return summary.status if summary else None


def run_scheduled_crawls(context: TaskContext) -> int:
    """Every minute: start due crawls and resume unfinished ones (one at a time)."""
    with transaction(context.session_factory) as session:
        due = repository.runnable(session, now=utcnow())
    if not due:
        return 0
    crawler = _crawler(context)
    ran = 0
    for crawl_id in due:
        if crawler.run(crawl_id, budget_seconds=RUN_BUDGET_SECONDS) is not None:
            ran += 1
    context.enqueue("relay_outbox")
    return ran


def recheck_notices(context: TaskContext) -> int:
    """Every ten minutes: re-fetch the noticed URLs due for a check."""
    run = recheck_due(context.session_factory, policy=policy_from(context.settings))
    if run.checked:
        context.enqueue("relay_outbox")
    return run.checked


def forget_old_media(context: TaskContext) -> int:
    """Daily: delete the kept copies of matched media older than the retention period (their
    hashes and matches stay)."""
    cutoff = utcnow() - timedelta(days=context.settings.retention_days)
    with transaction(context.session_factory) as session:
        rows = repository.kept_before(session, cutoff)
        blob_ids = [row.blob_id for row in rows if row.blob_id]
        for row in rows:
            row.blob_id = None
    for blob_id in blob_ids:
        context.blobs.delete(blob_id)
    return len(blob_ids)


TASKS = (
    Task("search_crawl", run_crawl),
    Periodic("search_run_crawls", run_scheduled_crawls),
    Periodic("search_recheck", recheck_notices, minute="*/10"),
    Periodic("search_forget_old_media", forget_old_media, hour="4", minute="23"),
)
