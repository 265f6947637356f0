"""`eucentre demo load` and `eucentre demo code`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from eucentre.auth import totp
from eucentre.blobs import blob_store
from eucentre.clikit import cli_transaction, fail
from eucentre.config import get_settings
from eucentre.demo import data

console = Console()
demo_app = typer.Typer(help="Demo data (development only).", no_args_is_help=True)


def _refuse_production() -> None:
    if get_settings().is_production:
        raise fail("demo data is never loaded in production")


@demo_app.command("load")
def load() -> None:
    """Load the demo organisations, keys and staff accounts (idempotent) and print them."""
    _refuse_production()
    with cli_transaction() as session:
        settings = get_settings()
        created = data.load(
            session,
            secret=settings.secret,
            blobs=blob_store(settings),
            media_dir=settings.data_dir / "demo-media",
        )
    console.print(f"demo data: {len(created)} item(s) created" if created else "demo data present")
    accounts = Table(title="Demo staff accounts (password: " + data.DEMO_PASSWORD + ")")
    for column in ("email", "role", "TOTP secret"):
        accounts.add_column(column, overflow="fold")
    for email, role in data.DEMO_USERS:
        accounts.add_row(email, role.value, data.demo_totp_secret(email))
    console.print(accounts)
    console.print(
        "Current sign-in code: [bold]eucentre demo code EMAIL[/] (or add the secret to an authenticator app)"
    )
    keys = Table(title="Demo API keys (Authorization: Bearer KEY)")
    keys.add_column("organisation")
    keys.add_column("key", overflow="fold")
    for org in data.DEMO_ORGANISATIONS:
        if org.key:
            keys.add_row(org.name, org.key)
    console.print(keys)
    console.print(
        f"Demo images (benign synthetic patterns) in {get_settings().data_dir / 'demo-media'}"
    )


@demo_app.command("code")
def code(email: str = typer.Argument(..., help="A demo account's email.")) -> None:
    """Print the current TOTP code of a demo account, for signing in without an app."""
    _refuse_production()
    if email not in {address for address, _ in data.DEMO_USERS}:
        raise fail("only demo accounts have codes here")
    print(totp.current_code(data.demo_totp_secret(email)))
