"""`eucentre serve` and `eucentre db upgrade`."""

from __future__ import annotations

import typer
from rich.console import Console

from eucentre.clikit import GROUP_SETTINGS

# Each command imports what it runs (Alembic, uvicorn, the app, Huey), so that starting
# `eucentre` does not wait for any of them.
console = Console()
db_app = typer.Typer(help="The database.", no_args_is_help=True, context_settings=GROUP_SETTINGS)


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
    """Serve the platform (web pages, API and the embedded task consumer) until Ctrl-C."""
    import uvicorn

    from eucentre.app import create_app
    from eucentre.config import get_settings
    from eucentre.kit import logs

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    logs.configure(settings.log_level)
    app = create_app(settings, run_worker=settings.embedded_worker)
    base = f"http://{host}:{port}"
    console.print(f"[bold]EU Centre platform[/] at {base}/  (Ctrl-C stops it)")
    console.print(f"  staff sign-in  {base}/sign-in")
    console.print(f"  API reference  {base}/api-docs   OpenAPI {base}/openapi.json")
    console.print(f"  health         {base}/healthz  {base}/readyz  {base}/metrics")
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def worker(
    threads: int | None = typer.Option(None, "--threads", help="Default: EUCENTRE_WORKER_THREADS."),
    periodic: bool = typer.Option(True, "--periodic/--no-periodic", help="Also run the scheduler."),
) -> None:
    """Run a standalone task consumer (for several machines: set EUCENTRE_REDIS_URL)."""
    from eucentre.config import get_settings
    from eucentre.db import engine_for, make_session_factory
    from eucentre.kit import logs
    from eucentre.worker import TaskQueue

    settings = get_settings()
    logs.configure(settings.log_level)
    queue = TaskQueue(settings, session_factory=make_session_factory(engine_for(settings)))
    consumer = queue.huey.create_consumer(
        workers=threads or settings.worker_threads, worker_type="thread", periodic=periodic
    )
    consumer.run()  # handles SIGINT/SIGTERM itself
