"""What every CLI command shares: the same settings as the server, one transaction per command,
and errors printed plainly with exit code 2.

Only Typer and Rich are imported here at module level: every domain's `cli.py` imports this
module when the `eucentre` command starts, and `eucentre --help` should not wait for
SQLAlchemy or pydantic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CLI_ACTOR = "cli"
err_console = Console(stderr=True)

# Typer passes an option's value through a pydantic adapter unless it is already a bool, and its
# own flags (--help; at the top also the completion options) are None when not given. So merely
# passing through a group on the way to a sub-command's --help imported pydantic (0.1 s and
# more) to learn that no flag was given. Stating those defaults as False skips it. Each group
# needs them in its own context settings: Click reads a group's default_map for its options.
GROUP_SETTINGS: dict[str, Any] = {"default_map": {"help": False}}
TOP_SETTINGS: dict[str, Any] = {
    "default_map": {"help": False, "install_completion": False, "show_completion": False}
}


def fail(message: str, *, code: int = 2) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=code)


@contextmanager
def cli_transaction() -> Iterator[Session]:
    """A transaction on the configured database; AppErrors become a clear message and exit 2."""
    from eucentre import errors
    from eucentre.config import get_settings
    from eucentre.db import engine_for, make_session_factory, transaction

    engine = engine_for(get_settings())
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    except errors.AppError as failure:
        raise fail(str(failure.detail)) from None
    finally:
        engine.dispose()
