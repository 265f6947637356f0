"""`eucentre transparency ...`: publish a period's vintage, write the annual report."""

from __future__ import annotations

import typer

app = typer.Typer(help="Published statistics: vintages and the annual report.", no_args_is_help=True)
