"""The `eucentre` command line: one Typer app with every installed domain's commands."""

from __future__ import annotations

import typer

from eucentre.domains import installed
from eucentre.platform.manifest import resolve

app = typer.Typer(
    name="eucentre",
    help="The EU Centre's operational platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for command in installed().commands:
    if command.group:
        app.add_typer(resolve(command.reference), name=command.name)
    else:
        app.command(command.name)(resolve(command.reference))
