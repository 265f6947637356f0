"""Shared fixtures: every database test runs on SQLite and, when EUCENTRE_TEST_POSTGRES_URL is
set, on PostgreSQL too. API and page tests talk to a real Uvicorn server over real HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from eucentre.app import create_app
from eucentre.config import Settings
from eucentre.db import make_engine, make_session_factory
from eucentre.operations.migrations import upgrade

POSTGRES_URL = os.environ.get("EUCENTRE_TEST_POSTGRES_URL")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
TEST_SECRET = "test-secret-" + "x" * 40


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is much faster than migrating."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _pg_admin_url() -> str:
    assert POSTGRES_URL
    return POSTGRES_URL


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("EUCENTRE_TEST_POSTGRES_URL is not set")
    name = f"eucentre_tpl_{_worker()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(_pg_admin_url()).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Database:
    kind: str
    url: str
    engine: Engine


def _fresh_database(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Database]:
    if kind == "sqlite":
        path = tmp_path / "eucentre.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Database(kind, url, engine)
        engine.dispose()
        return
    template = request.getfixturevalue("postgres_template")
    name = f"eucentre_t_{_worker()}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(_pg_admin_url()).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    yield Database(kind, url, engine)
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database on each engine under test."""
    yield from _fresh_database(request.param, request, tmp_path)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back at the end of the test."""
    connection = database.engine.connect()
    outer = connection.begin()
    db_session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield db_session
    db_session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database.url,
        secret_key=TEST_SECRET,
        embedded_worker=False,
        # Tasks run when enqueued, so a request's background work is done when it returns.
        tasks_immediate=True,
    )


@pytest.fixture
def session_factory(database: Database):  # type: ignore[no-untyped-def]
    return make_session_factory(database.engine)


@dataclass
class LiveServer:
    url: str
    app: object
    settings: Settings

    def client(self, timeout: float = 30, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=False, **kwargs)


def serve_in_thread(
    app: object, config: uvicorn.Config | None = None
) -> tuple[uvicorn.Server, threading.Thread, str]:
    """`app` on a free loopback port (or as `config` says: `eucentre serve`'s own)."""
    config = config or uvicorn.Config(
        app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def free_port() -> int:
    """A loopback port free now, for a server in another process (which cannot report one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(settings: Settings, database: Database) -> Iterator[str]:
    """A real server for other settings on this test's database; its URL while it runs."""
    server, thread, url = serve_in_thread(create_app(settings, engine=database.engine))
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """The real app on a real port, on this test's fresh database."""
    app = create_app(settings, engine=database.engine)
    server, thread, url = serve_in_thread(app)
    yield LiveServer(url=url, app=app, settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class S3Service:
    """An S3-compatible service on a real port (moto's server), for the S3 blob store."""

    endpoint: str

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
        )

    def new_bucket(self) -> str:
        name = f"eucentre-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": S3_CREDENTIALS["AWS_DEFAULT_REGION"]},
        )
        return name


S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "eucentre-test",
    "AWS_SECRET_ACCESS_KEY": "eucentre-test-secret",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


@pytest.fixture(scope="session")
def s3_service() -> Iterator[S3Service]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Service(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def s3_settings(
    settings: Settings, s3_service: S3Service, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The test's settings with blobs in a fresh bucket (credentials as AWS variables)."""
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = s3_service.new_bucket()
    return settings.model_copy(
        update={"blob_url": f"s3://{bucket}/blobs", "s3_endpoint_url": s3_service.endpoint}
    )
