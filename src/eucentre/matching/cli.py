"""`eucentre index ...`: build and query hash indexes (being built)."""

from __future__ import annotations

import typer

index_app = typer.Typer(help="Build, update and query hash indexes.", no_args_is_help=True)
