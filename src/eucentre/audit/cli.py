"""`eucentre audit verify`."""

from __future__ import annotations

import typer
from rich.console import Console

from eucentre.clikit import GROUP_SETTINGS, cli_transaction

console = Console()
audit_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)


@audit_app.command("verify")
def verify() -> None:
    """Check every entry against the chain: exit 0 if intact, 1 if anything was edited, deleted
    or reordered."""
    from eucentre.audit import service

    with cli_transaction() as session:
        result = service.verify(session)
    if result.intact:
        console.print(f"audit chain intact: {result.entries} entries")
        return
    console.print(
        f"[bold red]audit chain BROKEN[/]: {len(result.problems)} problem(s) "
        f"in {result.entries} entries"
    )
    for problem in result.problems:
        console.print(f"  entry {problem.seq}: {problem.problem}")
    raise typer.Exit(code=1)
