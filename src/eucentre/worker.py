"""Background work with Huey: SqliteHuey in the data dir (the consumer runs inside `eucentre
serve`), RedisHuey when EUCENTRE_REDIS_URL is set and workers run elsewhere.

Tasks are registered on a queue object rather than on a module-level Huey, so each app, CLI
command and test builds its own and nothing is shared by accident. Tasks take ids, open their own
session, and are idempotent: work is driven by database state, so running one twice is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy.orm import Session, sessionmaker

from eucentre.audit import service as audit
from eucentre.config import Settings
from eucentre.db import transaction
from eucentre.indicators.tasks import flag_overbroad

log = logging.getLogger(__name__)


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    if settings.redis_url:
        return RedisHuey("eucentre", url=settings.redis_url, immediate=immediate)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("eucentre", filename=str(settings.task_queue_path), immediate=immediate)


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
        self.verify_audit_chain = self.huey.periodic_task(
            crontab(minute="17"), name="verify_audit_chain"
        )(self._verify_audit_chain)
        self.flag_overbroad_indicators = self.huey.periodic_task(
            crontab(minute="*/15"), name="flag_overbroad_indicators"
        )(self._flag_overbroad_indicators)

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

    def start_consumer(self) -> None:
        """Worker threads and the periodic scheduler, in this process, without signal handlers
        (uvicorn owns those)."""
        if self._consumer is not None:
            return
        self._consumer = self.huey.create_consumer(
            workers=self.settings.worker_threads,
            worker_type="thread",
            periodic=True,
            check_worker_health=False,
        )
        self._consumer.start()
        log.info("task consumer started", extra={"workers": self.settings.worker_threads})

    def stop_consumer(self) -> None:
        if self._consumer is None:
            return
        self._consumer.stop(graceful=True)
        self._consumer = None
