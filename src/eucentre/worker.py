"""Background work with Huey: SqliteHuey in the data dir (the consumer runs inside `eucentre
serve`), RedisHuey when EUCENTRE_REDIS_URL is set and workers run elsewhere.

Tasks are registered on a queue object rather than on a module-level Huey, so each app, CLI
command and test builds its own and nothing is shared by accident. Tasks take ids, open their own
transactions, and are idempotent: work is driven by database state (a report's status, an
undelivered outbox row), so running one twice is harmless and a sweeper re-enqueues what a crash
dropped.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import timedelta
from functools import cached_property
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy.orm import Session, sessionmaker

from eucentre.audit import service as audit
from eucentre.blobs import blob_store
from eucentre.config import Settings
from eucentre.db import transaction
from eucentre.indicators.lookup import LookupIndex
from eucentre.indicators.tasks import flag_overbroad
from eucentre.kit.time import utcnow
from eucentre.referrals.service import relay_outbox
from eucentre.reports import repository as reports
from eucentre.reports.assessment import AssessmentContext, assess
from eucentre.reports.ip_ranges import demo_ip_ranges, load_ip_ranges
from eucentre.retention import service as retention
from eucentre.rules.report_status import Status

log = logging.getLogger(__name__)
# A report still received/assessing this long after its last change was dropped by a crash.
STUCK_AFTER = timedelta(minutes=2)


def make_huey(settings: Settings) -> Huey:
    if settings.tasks_immediate:
        return MemoryHuey("eucentre", immediate=True)
    if settings.redis_url:
        return RedisHuey("eucentre", url=settings.redis_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("eucentre", filename=str(settings.task_queue_path))


class TaskQueue:
    def __init__(
        self,
        settings: Settings,
        *,
        session_factory: sessionmaker[Session],
        huey: Huey | None = None,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.huey = huey or make_huey(settings)
        self._consumer: Consumer | None = None
        task, periodic = self.huey.task, self.huey.periodic_task
        self.verify_audit_chain = periodic(crontab(minute="17"), name="verify_audit_chain")(
            self._verify_audit_chain
        )
        self.flag_overbroad_indicators = periodic(
            crontab(minute="*/15"), name="flag_overbroad_indicators"
        )(self._flag_overbroad_indicators)
        self.assess_report = task(retries=3, retry_delay=10, name="assess_report")(
            self._assess_report
        )
        self.relay_outbox = task(name="relay_outbox")(self._relay_outbox)
        self.sweep = periodic(crontab(), name="sweep")(self._sweep)
        self.enforce_retention = periodic(crontab(minute="41"), name="enforce_retention")(
            self._enforce_retention
        )
        self.sweep_orphan_blobs = periodic(
            crontab(minute="53", hour="3"), name="sweep_orphan_blobs"
        )(self._sweep_orphan_blobs)

    @cached_property
    def assessment(self) -> AssessmentContext:
        path = self.settings.ip_ranges_path
        return AssessmentContext(
            session_factory=self.session_factory,
            index=LookupIndex(self.settings.data_dir / "index"),
            blobs=blob_store(self.settings),
            ip_table=load_ip_ranges(path) if path else demo_ip_ranges(),
            secret=self.settings.secret,
        )

    def _verify_audit_chain(self) -> dict[str, Any]:
        """Hourly: walk the whole audit chain; a break is logged loudly and audited."""
        with transaction(self.session_factory) as session:
            result = audit.verify(session)
            if not result.intact:
                log.error(
                    "audit chain broken",
                    extra={"problems": len(result.problems), "first_seq": result.problems[0].seq},
                )
                audit.record(
                    session,
                    actor="system",
                    action="audit.chain_broken",
                    object_type="audit_log",
                    object_id=result.problems[0].seq,
                    details={"problems": len(result.problems)},
                )
        return {"entries": result.entries, "intact": result.intact}

    def _flag_overbroad_indicators(self) -> list[int]:
        """Every quarter hour: send junk-looking indicators to review."""
        with transaction(self.session_factory) as session:
            return flag_overbroad(session)

    def _assess_report(self, report_id: int) -> str | None:
        status = assess(self.assessment, report_id)
        if status == Status.referred:
            self.relay_outbox()
        return status

    def _relay_outbox(self) -> int:
        return relay_outbox(
            self.session_factory, blobs=self.assessment.blobs, secret=self.settings.secret
        )

    def _sweep(self) -> dict[str, int]:
        """Every minute: re-enqueue what a crash dropped (reports stuck in assessment, outbox
        messages not yet delivered)."""
        with transaction(self.session_factory) as session:
            stuck = reports.stuck(
                session,
                statuses=(Status.received, Status.assessing),
                before=utcnow() - STUCK_AFTER,
                limit=500,
            )
        for report_id in stuck:
            self.assess_report(report_id)
        delivered = self._relay_outbox()
        return {"reassessed": len(stuck), "delivered": delivered}

    def _enforce_retention(self) -> dict[str, int]:
        """Hourly: delete received files and packages whose retention has ended."""
        run = retention.enforce(
            self.session_factory, blobs=self.assessment.blobs, retention=self.settings.retention
        )
        return run.as_dict()

    def _sweep_orphan_blobs(self) -> int:
        """Daily (it lists the whole blob store): delete blobs no record refers to."""
        return retention.sweep_orphans(
            self.session_factory,
            blobs=self.assessment.blobs,
            older_than=self.settings.orphan_grace,
        )

    def start_consumer(self, *, workers: int | None = None, periodic: bool = True) -> None:
        """Worker threads and the periodic scheduler, in this process, without signal handlers
        (uvicorn owns those in `serve`, `run_consumer` in `eucentre worker`)."""
        if self._consumer is not None or self.huey.immediate:
            return
        workers = workers or self.settings.worker_threads
        self._consumer = _EmbeddedConsumer(
            self.huey,
            workers=workers,
            worker_type="thread",
            periodic=periodic,
            check_worker_health=False,
        )
        self._consumer.start()
        log.info("task consumer started", extra={"workers": workers, "periodic": periodic})

    def stop_consumer(self, timeout: float | None = None) -> None:
        """Let running tasks finish for up to `timeout` seconds (SHUTDOWN_TIMEOUT), then put
        back on the queue whatever still runs: the process is about to end and would cut it
        off."""
        consumer, self._consumer = self._consumer, None
        if consumer is None:
            return
        timeout = SHUTDOWN_TIMEOUT if timeout is None else timeout
        consumer.stop_flag.set()
        deadline = time.monotonic() + timeout
        for _, thread in consumer.worker_threads:
            thread.join(max(deadline - time.monotonic(), 0))
        consumer.scheduler.join(max(deadline - time.monotonic(), 0))
        handed_back = _hand_back(self.huey)
        log.info("task consumer stopped", extra={"handed_back": handed_back})

    def run_consumer(self, *, workers: int | None = None, periodic: bool = True) -> None:
        """`eucentre worker`: consume until SIGTERM or SIGINT, then stop as `serve` does.
        Huey's own `Consumer.run` would stop at once on SIGTERM, cutting running tasks off."""
        stopping = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_: stopping.set())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self.start_consumer(workers=workers, periodic=periodic)
            while not stopping.wait(HEALTH_CHECK_SECONDS):
                if self._consumer is not None:
                    self._consumer.check_worker_health()
            log.info("stopping on signal")
        finally:
            self.stop_consumer()
            for signum, handler in previous.items():
                signal.signal(signum, handler)


# What a stop may take: `serve` first gives requests their time (uvicorn's graceful timeout)
# and the whole must stay under the 10 s an orchestrator waits before it kills.
SHUTDOWN_TIMEOUT = 4.0
HEALTH_CHECK_SECONDS = 10.0


class _EmbeddedConsumer(Consumer):
    """Huey's consumer without the signal handlers its `start()` installs: they would replace
    uvicorn's (SIGTERM ignored, only a second Ctrl-C killing the server). Whoever runs the
    consumer owns the signals and calls `stop_consumer`."""

    def _set_signal_handlers(self) -> None:
        pass


def _hand_back(huey: Huey) -> int:
    """Enqueue again the tasks still running. Tasks are idempotent, so one that finishes after
    all is merely repeated; one cut off by the process's end is resumed by the next consumer."""
    running = list(huey._tasks_in_flight)
    for task in running:
        huey.enqueue(task)
        log.warning("task handed back", extra={"task": task.name, "task_id": task.id})
    return len(running)
