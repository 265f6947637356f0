"""`eucentre retention enforce`: what the hourly task does, on demand."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from eucentre.clikit import GROUP_SETTINGS

console = Console()
retention_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)


@retention_app.command("enforce")
def enforce(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would be deleted; change nothing."
    ),
) -> None:
    """Delete expired received files and referral packages, then orphaned blobs.

    Files are kept past their retention only by an authority's hold or an indicator in use."""
    # Imported here, not above, so that starting `eucentre` does not wait for SQLAlchemy.
    from eucentre.blobs import blob_store
    from eucentre.config import get_settings
    from eucentre.db import engine_for, make_session_factory
    from eucentre.retention import service

    settings = get_settings()
    engine = engine_for(settings)
    try:
        factory = make_session_factory(engine)
        blobs = blob_store(settings)
        run = service.enforce(factory, blobs=blobs, retention=settings.retention, dry_run=dry_run)
        orphans = service.sweep_orphans(
            factory,
            blobs=blobs,
            older_than=settings.orphan_grace,
            dry_run=dry_run,
        )
    finally:
        engine.dispose()
    table = Table(title="would be deleted (dry run)" if dry_run else "retention enforced")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in {**run.as_dict(), "orphan_blobs_deleted": orphans}.items():
        table.add_row(name, str(count))
    console.print(table)
