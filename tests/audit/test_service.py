"""The audit log in a real database, tampered with directly."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eucentre.audit import service
from eucentre.db import transaction


def write_entries(session_factory, count: int) -> None:
    with transaction(session_factory) as session:
        for n in range(count):
            service.record(
                session,
                actor=f"user:{n}",
                action="test.done",
                object_type="thing",
                object_id=n,
                details={"n": n},
            )


def drop_guards(database) -> None:
    """What an attacker with database access would do first."""
    with database.engine.begin() as connection:
        if database.kind == "sqlite":
            connection.execute(text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(text("DROP TRIGGER audit_entries_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))


def verify(session_factory):
    with transaction(session_factory) as session:
        return service.verify(session)


def test_entries_chain_and_verify(database, session_factory) -> None:
    write_entries(session_factory, 5)
    result = verify(session_factory)
    assert result.intact and result.entries == 5


def test_the_database_refuses_updates_and_deletes(database, session_factory) -> None:
    write_entries(session_factory, 2)
    for statement in (
        "UPDATE audit_entries SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_entries WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError), database.engine.begin() as connection:
            connection.execute(text(statement))
    assert verify(session_factory).intact


def test_an_edited_entry_is_detected(database, session_factory) -> None:
    write_entries(session_factory, 5)
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET object_id = '999' WHERE seq = 3"))
    result = verify(session_factory)
    assert not result.intact
    assert [p.seq for p in result.problems] == [3]


def test_a_deleted_entry_is_detected(database, session_factory) -> None:
    write_entries(session_factory, 5)
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    assert not verify(session_factory).intact


def test_a_deleted_last_entry_is_detected(database, session_factory) -> None:
    write_entries(session_factory, 5)
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    result = verify(session_factory)
    assert not result.intact and result.problems[-1].seq == 5


def test_reordered_entries_are_detected(database, session_factory) -> None:
    write_entries(session_factory, 5)
    drop_guards(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET seq = 100 WHERE seq = 2"))
        connection.execute(text("UPDATE audit_entries SET seq = 2 WHERE seq = 3"))
        connection.execute(text("UPDATE audit_entries SET seq = 3 WHERE seq = 100"))
    assert not verify(session_factory).intact


def test_concurrent_writers_keep_one_chain(database, session_factory) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def writer(_: int) -> None:
        write_entries(session_factory, 5)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    result = verify(session_factory)
    assert result.intact and result.entries == 20
