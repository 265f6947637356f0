"""Regression: a catch-up (`prepare`) took the index's locks and then waited for SQLite's write
lock, while a lookup inside a write transaction held that write lock and waited for the index's
locks. Neither moved until SQLite's busy timeout failed the catch-up with "database is locked"
(seen in CI as a flaky concurrent-assessment test)."""

import threading

from sqlalchemy import text

from eucentre.db import transaction
from eucentre.indicators.lookup import LookupIndex, Query
from tests.indicators.helpers import random_pdq, verified


def test_a_catch_up_waiting_for_the_database_does_not_hold_the_index(
    tmp_path, session_factory
) -> None:
    stored = random_pdq(1)
    with transaction(session_factory) as session:
        indicator = verified(session, stored)
    index = LookupIndex(tmp_path / "index", sync_interval=0)
    index.prepare(session_factory)

    failures: list[BaseException] = []
    catching_up = threading.Event()

    def catch_up() -> None:
        catching_up.set()
        try:
            index.prepare(session_factory)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    with transaction(session_factory) as writer:
        writer.execute(
            text("UPDATE indicators SET labels = labels WHERE id = :id"), {"id": indicator.id}
        )
        other = threading.Thread(target=catch_up)
        other.start()
        catching_up.wait()
        other.join(timeout=0.5)  # let it reach the database (or, before the fix, the locks)
        hits = index.search(writer, "pdq", [Query("pdq", stored, {})], 31)
    other.join()

    assert failures == []
    assert [[hit.indicator_id for hit in found] for found in hits] == [[indicator.id]]
