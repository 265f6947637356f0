"""The `eucentre` command line: one Typer app with every installed domain's commands.

The top level lists the commands from the manifests alone (name and one line of help) and
imports a domain's command module only when that command runs or shows its own help: so
`eucentre --help` costs Typer and the manifests, however many domains there are.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from eucentre.clikit import TOP_SETTINGS
from eucentre.domains import installed
from eucentre.platform.manifest import Command, Domains, resolve


class DomainCommands(TyperGroup):
    """The top-level group: its commands are the manifests' `Command`s, loaded on first use."""

    declared: dict[str, Command] = {}  # set on the subclass build_cli makes

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.declared)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        declared = self.declared.get(cmd_name)
        if declared is None:
            return None
        if not declared.help:
            return self.load(cmd_name)
        # Listed in the top-level help without importing the domain's module.
        return TyperCommand(cmd_name, help=declared.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in self.declared:
            self.load(args[0])
        return super().resolve_command(ctx, args)

    def load(self, cmd_name: str) -> Any:
        """The real command, imported once."""
        if cmd_name not in self.commands:
            self.commands[cmd_name] = _command(self.declared[cmd_name])
        return self.commands[cmd_name]


def _command(declared: Command) -> Any:
    target = resolve(declared.reference)
    if declared.group:
        group = typer.main.get_group(target)  # without the completion options of a top level
        group.name = declared.name
        # The manifest's line is the group's description (one place to say it).
        group.help = group.help or declared.help
        return group
    single = typer.Typer(add_completion=False)
    single.command(declared.name)(target)
    return typer.main.get_command(single)


def build_cli(domains: Domains) -> typer.Typer:
    declared = {command.name: command for command in domains.commands}
    group = type("InstalledCommands", (DomainCommands,), {"declared": declared})
    cli = typer.Typer(
        name="eucentre",
        help="The EU Centre's operational platform.",
        cls=group,
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        # Typer would coerce its own --help flag through pydantic at every start (clikit).
        context_settings=TOP_SETTINGS,
    )
    # Typer makes a group of an app with a callback; its commands come from the group class.
    cli.callback()(_top_level)
    return cli


def _top_level() -> None:
    """The EU Centre's operational platform."""


app = build_cli(installed())
