"""`eucentre serve` and `eucentre db upgrade`."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from types import FrameType

import typer
import uvicorn
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from eucentre.config import get_settings
from eucentre.db import transaction
from eucentre.kit import logs
from eucentre.operations import banner, migrations

console = Console()
db_app = typer.Typer(help="The database.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Create the database or migrate it to the code's schema."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.resolved_database_url)
    console.print(
        f"database at migration {migrations.head_revision(settings.resolved_database_url)}"
    )


# Requests still running when a stop is asked get this long to finish; the embedded consumer
# then gets worker.SHUTDOWN_TIMEOUT, and the whole stays under the 10 s before a kill.
REQUEST_GRACE_SECONDS = 4


class _Server(uvicorn.Server):
    """Uvicorn's server, printing the banner once it listens (after its own startup lines)."""

    def __init__(self, config: uvicorn.Config, banner: Callable[[], None]) -> None:
        super().__init__(config)
        self._banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._banner()


def _demo_loaded(session_factory: sessionmaker[Session]) -> bool:
    try:
        with transaction(session_factory) as session:
            return banner.demo_loaded(session)
    except SQLAlchemyError:
        return False  # not migrated yet: /readyz says so, the banner need not


def _end_quietly(signum: int, frame: FrameType | None) -> None:
    # Uvicorn handles SIGINT/SIGTERM while it runs, shuts down gracefully, then re-raises the
    # signal into the handlers it found: here, where the shutdown is already done, that ends
    # the process normally (exit 0) instead of a KeyboardInterrupt or a kill by SIGTERM. A
    # signal before uvicorn took over also lands here: nothing runs yet, so leave at once.
    raise SystemExit(0)


def serve(
    host: str | None = typer.Option(None, "--host", help="Default: EUCENTRE_HOST or 127.0.0.1."),
    port: int | None = typer.Option(None, "--port", help="Default: EUCENTRE_PORT or 8000."),
) -> None:
    """Serve the platform (web pages, API and the embedded task consumer) until Ctrl-C or
    SIGTERM, which let running requests and tasks finish (or hand tasks back) within 10 s."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _end_quietly)
    from eucentre.app import create_app

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings, run_worker=settings.embedded_worker)
    lines = banner.addresses(f"http://{host}:{port}")
    if not settings.is_production and _demo_loaded(app.state.session_factory):
        lines += banner.demo_credentials()
    if settings.is_production:
        banner.log_demo_records(app.state.session_factory)

    def show_banner() -> None:
        console.print()
        banner.show(console, lines)

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=REQUEST_GRACE_SECONDS,
    )
    _Server(config, show_banner).run()


def worker(
    threads: int | None = typer.Option(None, "--threads", help="Default: EUCENTRE_WORKER_THREADS."),
    periodic: bool = typer.Option(True, "--periodic/--no-periodic", help="Also run the scheduler."),
) -> None:
    """Run a standalone task consumer (for several machines: set EUCENTRE_REDIS_URL) until
    SIGTERM or Ctrl-C, which let running tasks finish (or hand them back) within 10 s."""
    from eucentre.db import engine_for, make_session_factory
    from eucentre.worker import TaskQueue

    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    queue = TaskQueue(settings, session_factory=make_session_factory(engine_for(settings)))
    queue.run_consumer(workers=threads or settings.worker_threads, periodic=periodic)
