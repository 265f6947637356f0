"""The task registry: domains declare their tasks and periodic jobs as data in their own
`tasks.py` (`TASKS = (Task(...), Periodic(...))`), and a TaskQueue registers them all on one Huey
(SQLite in the data dir, with the consumer inside `eucentre serve`; Redis when workers run on
several machines).

Nothing lives in module state: each app, CLI command and test builds its own queue. Tasks take
ids, open their own transactions and are idempotent: work is driven by database state (a
report's status, an undelivered outbox row), so running one twice is harmless and a sweeper
re-enqueues what a crash dropped.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer
from sqlalchemy.orm import Session, sessionmaker

from eucentre.config import Settings
from eucentre.db import transaction
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.private import private_dir, private_file
from eucentre.platform import outbox
from eucentre.platform.resources import Resources

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """A task run on demand: `function(context, *args)`."""

    name: str
    function: Callable[..., Any]
    retries: int = 0
    retry_delay: int = 0


@dataclass(frozen=True)
class Periodic:
    """A job run on a schedule: `function(context)`. The schedule is a cron expression's five
    fields as keyword arguments (minute="*/15", hour="3"), as Huey's crontab takes them."""

    name: str
    function: Callable[..., Any]
    minute: str = "*"
    hour: str = "*"
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"


class TaskContext:
    """What tasks share within one queue: settings, the database, the blob store, a way to
    enqueue other tasks, and resources a domain builds once per queue (`shared`)."""

    def __init__(self, queue: TaskQueue, outbox_handlers: Mapping[str, Any]) -> None:
        self._queue = queue
        self._resources = Resources()
        self.outbox_handlers = outbox_handlers

    @property
    def settings(self) -> Settings:
        return self._queue.settings

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self._queue.session_factory

    @cached_property
    def blobs(self) -> BlobStore:
        from eucentre.blobs import blob_store

        return blob_store(self.settings)

    def enqueue(self, name: str, *args: Any) -> Any:
        return self._queue.enqueue(name, *args)

    def shared(self, key: str, build: Callable[[], Any]) -> Any:
        """A resource built on first use and kept for the queue's life (an index, a table)."""
        return self._resources.get(key, build)


def make_huey(settings: Settings) -> Huey:
    if settings.tasks_immediate:
        return MemoryHuey("eucentre", immediate=True)
    if settings.redis_url:
        return RedisHuey("eucentre", url=settings.redis_url)
    private_dir(settings.task_queue_path.parent)
    private_file(settings.task_queue_path)
    return SqliteHuey("eucentre", filename=str(settings.task_queue_path))


class TaskQueue:
    """The declared tasks, registered on a Huey. A registered task is called by name
    (`queue.enqueue("relay_outbox")`) or as an attribute (`queue.relay_outbox()`), which enqueues
    it (or runs it at once when the settings ask for immediate tasks)."""

    def __init__(
        self,
        settings: Settings,
        *,
        session_factory: sessionmaker[Session],
        tasks: Iterable[Task | Periodic],
        outbox_handlers: Mapping[str, Any] | None = None,
        huey: Huey | None = None,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.huey = huey or make_huey(settings)
        self.context = TaskContext(self, outbox_handlers or {})
        self._consumer: Consumer | None = None
        self._tasks: dict[str, TaskWrapper] = {}
        self._declared: dict[str, Task | Periodic] = {}
        for declared in (*KERNEL_TASKS, *tasks):
            self._register(declared)

    def _register(self, declared: Task | Periodic) -> None:
        if declared.name in self._tasks:
            raise ValueError(f"task {declared.name!r} is declared twice")
        context, function = self.context, declared.function

        def run(*args: Any) -> Any:
            return function(context, *args)

        run.__name__ = run.__qualname__ = declared.name
        run.__doc__ = function.__doc__
        if isinstance(declared, Periodic):
            schedule = crontab(
                minute=declared.minute,
                hour=declared.hour,
                day=declared.day,
                month=declared.month,
                day_of_week=declared.day_of_week,
            )
            wrapper = self.huey.periodic_task(schedule, name=declared.name)(run)
        else:
            wrapper = self.huey.task(
                retries=declared.retries, retry_delay=declared.retry_delay, name=declared.name
            )(run)
        self._tasks[declared.name] = wrapper
        self._declared[declared.name] = declared

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._tasks)

    def enqueue(self, name: str, *args: Any) -> Any:
        try:
            wrapper = self._tasks[name]
        except KeyError:
            raise LookupError(f"no task named {name!r}") from None
        return wrapper(*args)

    def run(self, name: str, *args: Any) -> Any:
        """Run a task here and now, outside the queue (a CLI command, a test, a resume)."""
        try:
            declared = self._declared[name]
        except KeyError:
            raise LookupError(f"no task named {name!r}") from None
        return declared.function(self.context, *args)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        tasks = self.__dict__.get("_tasks", {})
        if name in tasks:
            return tasks[name]
        raise AttributeError(name)

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


def in_batches(context: TaskContext, step: Callable[[Session], int], *, most: int = 1000) -> int:
    """Run `step` (which handles one batch and says how many it handled) in a transaction of
    its own until a batch is empty, at most `most` batches per run (the next run goes on), so
    that no transaction stays long and no run goes on for ever. Returns how many were handled."""
    done = 0
    for _ in range(most):
        with transaction(context.session_factory) as session:
            handled = step(session)
        done += handled
        if handled == 0:
            break
    return done


def relay_outbox(context: TaskContext) -> int:
    """Deliver the outbox messages that are due (new ones, retries and re-sends)."""
    return outbox.relay(context.session_factory, handlers=context.outbox_handlers, context=context)


# The kernel's own work: enqueued after a commit that wrote outbox messages, and every minute
# for retries, re-sends and messages whose enqueueing a crash lost.
KERNEL_TASKS = (
    Task("relay_outbox", relay_outbox),
    Periodic("relay_outbox_due", relay_outbox),
)
