"""Engines and sessions. Requests get their session from `RequestTransaction` in app.py, the only
place that commits for requests; tasks and CLI commands use `transaction()`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from eucentre.config import Settings
from eucentre.kit.private import private_dir, private_file


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: str) -> Engine:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        private_dir(Path(path).parent)
        # SQLite gives its -wal and -shm files the mode of the database file.
        private_file(path)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, open transactions (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection):  # type: ignore[no-untyped-def]
        # A deferred transaction that reads and then writes fails outright when another writer
        # committed in between; taking the write lock up front makes writers wait instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.resolved_database_url)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work outside a request: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session(request: Request) -> Session:
    """FastAPI dependency: the request's session, opened and committed by the middleware."""
    return request.state.db


def after_commit(request: Request, callback: Callable[[], object]) -> None:
    """Run `callback` once the request's transaction has committed (never if it rolls back)."""
    callbacks = getattr(request.state, "after_commit", None)
    if callbacks is None:
        callbacks = request.state.after_commit = []
    callbacks.append(callback)
