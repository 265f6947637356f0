"""The `eucentre` command line: one Typer app with every installed domain's commands."""

from __future__ import annotations

import typer

from eucentre.clikit import TOP_SETTINGS
from eucentre.domains import installed
from eucentre.platform.manifest import Domains, resolve


def build_cli(domains: Domains) -> typer.Typer:
    cli = typer.Typer(
        name="eucentre",
        help="The EU Centre's operational platform.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        # Typer would coerce its own --help flag through pydantic at every start (clikit).
        context_settings=TOP_SETTINGS,
    )
    for command in domains.commands:
        if command.group:
            cli.add_typer(resolve(command.reference), name=command.name)
        else:
            cli.command(command.name)(resolve(command.reference))
    return cli


app = build_cli(installed())
