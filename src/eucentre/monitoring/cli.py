"""`eucentre monitoring round open|close|list` and `eucentre monitoring autofill`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, fail

console = Console()
# Its description is the manifest's (Command.help), shown by `eucentre --help`.
monitoring_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)
round_app = typer.Typer(
    help="Reporting rounds: one framework, one period.",
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)
monitoring_app.add_typer(round_app, name="round")


class RoundFramework(StrEnum):
    # Kept in step with registry.ROUND_FRAMEWORKS (a test checks); not imported, so that the
    # CLI's help starts without reading the registry.
    csa = "csa"
    drugs = "drugs"
    firearms = "firearms"


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--deadline must be a date, YYYY-MM-DD (not {text!r})") from None


@round_app.command("open")
def open_round(
    framework: RoundFramework = typer.Option(..., "--framework", help="csa, drugs or firearms."),
    period: str = typer.Option(..., "--period", help="The year reported on, YYYY."),
    deadline: str | None = typer.Option(None, "--deadline", help="YYYY-MM-DD."),
) -> None:
    """Open a reporting round (or reopen a closed one). A CSA round is filled in at once with
    the figures the platform keeps itself."""
    from eucentre.monitoring import autofill, service

    with cli_transaction() as session:
        found = service.open_round(
            session,
            actor=CLI_ACTOR,
            framework=framework.value,
            period=period,
            deadline=_day(deadline),
        )
        filled = autofill.fill(session, round_=found)
        console.print(
            f"round {found.id} open: {service.round_label(found)}"
            + (f", deadline {found.deadline.isoformat()}" if found.deadline else "")
        )
        if filled.submissions:
            console.print(f"filled in by the platform: {len(filled.submissions)} submission(s)")


@round_app.command("close")
def close_round(round_id: int = typer.Argument(..., help="The round's id.")) -> None:
    """Close a round: it takes no more submissions."""
    from eucentre.monitoring import service

    with cli_transaction() as session:
        found = service.close_round(session, actor=CLI_ACTOR, round_id=round_id)
        console.print(f"round {found.id} closed: {service.round_label(found)}")


@round_app.command("list")
def list_rounds() -> None:
    """Every round, newest period first."""
    from eucentre.monitoring import repository, service

    with cli_transaction() as session:
        for found in repository.rounds(session):
            deadline = found.deadline.isoformat() if found.deadline else "-"
            console.print(f"{found.id}\t{service.round_label(found)}\t{found.status}\t{deadline}")


@monitoring_app.command("autofill")
def autofill_open_rounds() -> None:
    """Fill in the platform's own figures in every open round (what the daily task does)."""
    from eucentre.monitoring import autofill

    with cli_transaction() as session:
        for line in autofill.fill_open_rounds(session):
            console.print(line)
