"""`eucentre serve`, `eucentre worker` and `eucentre db upgrade`."""

from __future__ import annotations

import typer
from rich.console import Console

from eucentre.clikit import GROUP_SETTINGS

# Each command imports what it runs (Alembic, uvicorn, the app, Huey), so that starting
# `eucentre` does not wait for any of them.
console = Console()
db_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)


@db_app.command("upgrade")
def upgrade() -> None:
    """Create the database or migrate it to the code's schema."""
    from eucentre.config import get_settings
    from eucentre.operations import migrations

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.resolved_database_url)
    console.print(
        f"database at migration {migrations.head_revision(settings.resolved_database_url)}"
    )


def serve(
    host: str | None = typer.Option(None, "--host", help="Default: EUCENTRE_HOST or 127.0.0.1."),
    port: int | None = typer.Option(None, "--port", help="Default: EUCENTRE_PORT or 8000."),
) -> None:
    """Serve the platform (web pages, API and the embedded task consumer) until Ctrl-C or
    SIGTERM, which let running requests and tasks finish (or hand tasks back) within 10 s."""
    from eucentre.operations import serving

    serving.run(host, port, console)


def worker(
    threads: int | None = typer.Option(None, "--threads", help="Default: EUCENTRE_WORKER_THREADS."),
    periodic: bool = typer.Option(True, "--periodic/--no-periodic", help="Also run the scheduler."),
) -> None:
    """Run a standalone task consumer (for several machines: set EUCENTRE_REDIS_URL) until
    SIGTERM or Ctrl-C, which let running tasks finish (or hand them back) within 10 s."""
    from eucentre.config import get_settings
    from eucentre.db import engine_for, make_session_factory
    from eucentre.kit import logs
    from eucentre.worker import TaskQueue

    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    queue = TaskQueue(settings, session_factory=make_session_factory(engine_for(settings)))
    queue.run_consumer(workers=threads or settings.worker_threads, periodic=periodic)
