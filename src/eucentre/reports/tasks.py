"""The reports' background work: assessing a report, and re-enqueueing what a crash dropped."""

from __future__ import annotations

from datetime import timedelta

from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.platform.tasks import Periodic, Task, TaskContext, in_batches
from eucentre.reports import repository, review
from eucentre.reports.assessment import AssessmentContext, assess
from eucentre.rules.report_status import Status

# A report still received/assessing this long after its last change was dropped by a crash.
STUCK_AFTER = timedelta(minutes=2)


def assessment_context(context: TaskContext) -> AssessmentContext:
    """Built once per queue: the lookup index and the IP table are costly to open."""

    def build() -> AssessmentContext:
        from eucentre.indicators.lookup import LookupIndex
        from eucentre.reports import findings
        from eucentre.reports.ip_ranges import demo_ip_ranges, load_ip_ranges

        settings = context.settings
        path = settings.ip_ranges_path
        return AssessmentContext(
            session_factory=context.session_factory,
            index=LookupIndex(settings.data_dir / "index"),
            blobs=context.blobs,
            ip_table=load_ip_ranges(path) if path else demo_ip_ranges(),
            secret=settings.secret,
            cpu_budget=settings.report_cpu_seconds,
            hooks=findings.registered(),
        )

    return context.shared("reports.assessment", build)


def assess_report(context: TaskContext, report_id: int) -> str | None:
    status = assess(assessment_context(context), report_id)
    if status == Status.referred:
        context.enqueue("relay_outbox")
    return status


def reassess_stuck_reports(context: TaskContext) -> int:
    """Every minute: re-enqueue reports whose assessment a crash dropped (its lease ran out);
    an assessment still renewing its lease is at work, however long it takes."""
    now = utcnow()
    with transaction(context.session_factory) as session:
        stuck = repository.stuck(
            session,
            statuses=(Status.received, Status.assessing),
            before=now - STUCK_AFTER,
            now=now,
            limit=500,
        )
    for report_id in stuck:
        context.enqueue("assess_report", report_id)
    return len(stuck)


def seal_report_answers(context: TaskContext) -> int:
    """Hourly: seal providers' answers stored before migration 0010, which runs without the key
    and so cannot; a batch per transaction until none are left."""
    secret = context.settings.secret
    return in_batches(context, lambda session: review.seal_old_answers(session, secret=secret))


TASKS = (
    Task("assess_report", assess_report, retries=3, retry_delay=10),
    Periodic("sweep", reassess_stuck_reports),
    Periodic("seal_report_answers", seal_report_answers, minute="17"),
)
