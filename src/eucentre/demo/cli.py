"""`eucentre demo load` and `eucentre demo code`."""

from __future__ import annotations

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, fail
from eucentre.demo import accounts

# Loading (SQLAlchemy, the services, hashing) is imported by the commands, so that starting
# `eucentre` does not wait for it.

console = Console()
demo_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)


def _refuse_production() -> None:
    from eucentre.config import get_settings

    if get_settings().is_production:
        raise fail("demo data is never loaded in production")


@demo_app.command("load")
def load() -> None:
    """Load the demo organisations, keys and staff accounts (idempotent) and print them."""
    from eucentre.blobs import blob_store
    from eucentre.config import get_settings
    from eucentre.demo import banner, data
    from eucentre.kit.console import show

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
    # The same lines `eucentre serve` prints once it listens, where they stay in view.
    show(console, banner.demo_credentials())
    console.print(
        f"Demo images (benign synthetic patterns) in {get_settings().data_dir / 'demo-media'}",
        soft_wrap=True,
        highlight=False,
    )


@demo_app.command("retire")
def retire() -> None:
    """Revoke the demo keys and deactivate the demo accounts (allowed in production, where a
    database that once held demo data is not ready until this ran)."""
    from eucentre.demo import data

    with cli_transaction() as session:
        retired = data.retire(session, actor=CLI_ACTOR)
    for item in retired:
        console.print(f"retired {item}", soft_wrap=True, highlight=False)
    console.print(f"demo records retired: {len(retired)}")


@demo_app.command("code")
def code(email: str = typer.Argument(..., help="A demo account's email.")) -> None:
    """Print the current TOTP code of a demo account, for signing in without an app."""
    from eucentre.auth import totp

    _refuse_production()
    if email not in {address for address, _ in (*accounts.DEMO_USERS, *accounts.DEMO_OFFICERS)}:
        raise fail("only demo accounts have codes here")
    print(totp.current_code(accounts.demo_totp_secret(email)))


@demo_app.command("simulate")
def simulate(
    url: str = typer.Option("", "--url", help="Default: http://EUCENTRE_HOST:EUCENTRE_PORT."),
    count: int = typer.Option(24, "--count", min=1, max=1000),
    key: str = typer.Option(
        accounts.DEMO_ORGANISATIONS[1].key or "", "--key", help="A provider's API key."
    ),
) -> None:
    """Submit a realistic mix of benign demo reports through the HTTP API of a running server,
    so every queue and page has content."""
    import httpx

    from eucentre.config import get_settings
    from eucentre.demo import simulate as simulation

    _refuse_production()
    settings = get_settings()
    base = url or f"http://{settings.host}:{settings.port}"
    outcomes: dict[str, int] = {}
    with httpx.Client(timeout=60) as client:
        try:
            client.get(f"{base}/healthz").raise_for_status()
        except httpx.HTTPError as down:
            raise fail(
                f"no server answers at {base} ({type(down).__name__}); start it with `make run`"
            ) from None
        for planned in simulation.plan(settings.data_dir / "demo-media", count=count):
            try:
                answer = simulation.send(base, key, planned, client)
            except httpx.HTTPStatusError as refused:
                raise fail(
                    f"{planned.label}: {refused.response.status_code} {refused.response.text[:300]}"
                ) from None
            outcomes[planned.label] = outcomes.get(planned.label, 0) + 1
            console.print(f"report {answer['id']:>5}  {planned.label}")
    console.print(
        f"sent {sum(outcomes.values())} report(s); analysts see them at {base}/staff/reports, "
        f"authorities at {base}/api/v1/referrals"
    )
