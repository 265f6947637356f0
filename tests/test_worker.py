"""The task queue on both storages: a task enqueued goes through the storage and runs."""

import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import text

from eucentre.audit import service as audit
from eucentre.db import transaction
from eucentre.indicators import service as indicators
from eucentre.indicators.service import NewCandidate
from eucentre.kit.time import utcnow
from eucentre.rules.indicator_status import Action
from eucentre.worker import TaskQueue, make_huey

REDIS_URL = os.environ.get("EUCENTRE_TEST_REDIS_URL")


def storages(tmp_path):
    yield "sqlite", SqliteHuey("eucentre-test", filename=str(tmp_path / "tasks.db"))
    if REDIS_URL:
        yield "redis", RedisHuey(f"eucentre-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)


def break_first_entry(database, seq: int = 1) -> None:
    with database.engine.begin() as connection:
        if database.kind == "sqlite":
            connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        else:
            connection.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        connection.execute(text(f"UPDATE audit_entries SET object_id = 'x' WHERE seq = {seq}"))


def run_next(huey):
    """What a consumer does: take the next task from storage and execute it."""
    task = huey.dequeue()
    assert task is not None, "the task reached the storage"
    return huey.execute(task)


def test_make_huey_follows_the_settings(settings, monkeypatch) -> None:
    assert isinstance(make_huey(settings), MemoryHuey)  # tests run tasks immediately
    settings = settings.model_copy(update={"tasks_immediate": False})
    assert isinstance(make_huey(settings), SqliteHuey)
    assert (settings.data_dir / "tasks.db").exists()
    redis_settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/15"})
    assert isinstance(make_huey(redis_settings), RedisHuey)


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_the_audit_check_runs_through_each_storage(
    storage, settings, session_factory, tmp_path
) -> None:
    chosen = dict(storages(tmp_path)).get(storage)
    if chosen is None:
        pytest.skip("EUCENTRE_TEST_REDIS_URL is not set")
    queue = TaskQueue(settings, session_factory=session_factory, huey=chosen)
    with transaction(session_factory) as session:
        audit.record(session, actor="test", action="test.done", object_type="thing", object_id=1)
    queue.verify_audit_chain()
    assert run_next(chosen) == {"entries": 1, "intact": True}
    chosen.flush()


def test_a_broken_chain_is_reported_and_audited(
    settings, session_factory, database, tmp_path
) -> None:
    from sqlalchemy import select

    from eucentre.models import AuditEntry

    huey = SqliteHuey("eucentre-test", filename=str(tmp_path / "tasks.db"))
    queue = TaskQueue(settings, session_factory=session_factory, huey=huey)
    with transaction(session_factory) as session:
        for n in range(3):
            audit.record(
                session, actor="test", action="test.done", object_type="thing", object_id=n
            )
    break_first_entry(database, seq=2)
    queue.verify_audit_chain()
    assert run_next(huey) == {"entries": 3, "intact": False}
    with transaction(session_factory) as session:
        alarm = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "audit.chain_broken")
        ).one()
    assert alarm.object_id == "2"


def test_the_periodic_check_is_scheduled(settings, session_factory, tmp_path) -> None:
    huey = SqliteHuey("eucentre-test", filename=str(tmp_path / "tasks.db"))
    TaskQueue(settings, session_factory=session_factory, huey=huey)
    periodic = [task.name for task in huey._registry.periodic_tasks]
    assert {
        "verify_audit_chain",
        "flag_overbroad_indicators",
        "sweep",
        "enforce_retention",
        "sweep_orphan_blobs",
    } <= set(periodic)


def test_the_retention_tasks_run_through_the_queue(settings, session_factory) -> None:
    """Both retention tasks as the scheduler calls them (Huey keeps no result for periodic
    tasks, so the test watches their effects): a retired indicator's media, received long ago,
    goes hourly; a blob nobody refers to, written long ago, goes at night."""
    queue = TaskQueue(settings, session_factory=session_factory)
    blobs = queue.context.blobs
    source, orphan = blobs.put(b"an indicator's media"), blobs.put(b"a rolled-back upload")
    with transaction(session_factory) as session:
        indicator, _ = indicators.create(
            session,
            actor="test",
            source_kind="analyst",
            source_name="test",
            candidate=NewCandidate("md5", "1" * 32, blob_id=source),
        )
        indicators.decide(
            session, actor="test", indicator_id=indicator.id, action=Action.retire, reason="x"
        )
        indicator.created_at = utcnow() - settings.retention - timedelta(days=1)
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(settings.blob_dir / orphan[:2] / orphan, (long_ago, long_ago))

    queue.enforce_retention()
    assert not blobs.exists(source) and blobs.exists(orphan)
    queue.sweep_orphan_blobs()
    assert not blobs.exists(orphan)


def test_the_embedded_consumer_runs_tasks(settings, session_factory, database, tmp_path) -> None:
    """The consumer `eucentre serve` starts: a task enqueued is picked up by its threads.
    (Huey keeps no return value for periodic tasks, so the test watches the task's effect.)"""
    import time

    from sqlalchemy import select

    from eucentre.models import AuditEntry

    with transaction(session_factory) as session:
        audit.record(session, actor="test", action="test.done", object_type="thing", object_id=1)
    break_first_entry(database)
    huey = SqliteHuey("eucentre-test", filename=str(tmp_path / "tasks.db"))
    queue = TaskQueue(settings, session_factory=session_factory, huey=huey)
    queue.start_consumer()
    try:
        queue.verify_audit_chain()
        alarms: list[AuditEntry] = []
        deadline = time.monotonic() + 30
        while not alarms and time.monotonic() < deadline:
            time.sleep(0.1)
            with transaction(session_factory) as session:
                alarms = session.scalars(
                    select(AuditEntry).where(AuditEntry.action == "audit.chain_broken")
                ).all()
        assert len(alarms) == 1
    finally:
        queue.stop_consumer()


def _queue_with_a_blocking_task(settings, session_factory, tmp_path):
    """A queue on SQLite with one extra task that runs until the test releases it (or 30 s)."""
    huey = SqliteHuey("eucentre-test", filename=str(tmp_path / "tasks.db"))
    queue = TaskQueue(settings, session_factory=session_factory, huey=huey)
    running, release = threading.Event(), threading.Event()

    @huey.task(name="blocking")
    def blocking(seconds: float) -> str:
        running.set()
        release.wait(seconds)
        return "done"

    return queue, blocking, running, release


def test_stopping_the_consumer_lets_a_running_task_finish(
    settings, session_factory, tmp_path
) -> None:
    queue, blocking, running, release = _queue_with_a_blocking_task(
        settings, session_factory, tmp_path
    )
    queue.start_consumer(periodic=False)
    result = blocking(30)
    assert running.wait(30)
    threading.Timer(0.5, release.set).start()  # finishes during the stop's grace period
    queue.stop_consumer(timeout=20)
    assert result.get() == "done"
    assert queue.huey.pending_count() == 0


def test_a_task_still_running_when_the_stop_times_out_is_handed_back(
    settings, session_factory, tmp_path
) -> None:
    queue, blocking, running, release = _queue_with_a_blocking_task(
        settings, session_factory, tmp_path
    )
    queue.start_consumer(periodic=False)
    blocking(30)
    assert running.wait(30)
    try:
        queue.stop_consumer(timeout=0.2)
        pending = queue.huey.pending()
        assert [(task.name, task.args) for task in pending] == [("blocking", (30,))]
    finally:
        release.set()
