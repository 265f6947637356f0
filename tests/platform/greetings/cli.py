from __future__ import annotations

import typer

greetings_app = typer.Typer(help="Greetings (the example domain).", no_args_is_help=True)


@greetings_app.command("count")
def count() -> None:
    """How many greetings were sent."""
    from eucentre.clikit import cli_transaction
    from tests.platform.greetings import repository

    with cli_transaction() as session:
        typer.echo(f"greetings sent: {repository.sent(session)}")
