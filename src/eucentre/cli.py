"""The `eucentre` command line: one Typer app, each domain contributing its own commands."""

from __future__ import annotations

import typer

from eucentre.matching.cli import index_app
from eucentre.media.cli import hash_command

app = typer.Typer(
    name="eucentre",
    help="The EU Centre's operational platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

app.command("hash")(hash_command)
app.add_typer(index_app, name="index")
