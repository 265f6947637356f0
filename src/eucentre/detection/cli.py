"""`eucentre detection publish` (the Centre) and `eucentre detection serve` (a provider's
matching service)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, fail

console = Console()
detection_app = typer.Typer(
    help="Private matching: list bundles and the matching service.",
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)


@detection_app.command("publish")
def publish(
    tolerant: bool = typer.Option(
        False, "--tolerant", help="Add PDQ bands for tolerant matching (distance <= 31)."
    ),
) -> None:
    """Build the next bundle from the verified, twice-sourced indicators and publish its root."""
    from eucentre.blobs import blob_store
    from eucentre.config import get_settings
    from eucentre.detection import service

    settings = get_settings()
    with cli_transaction() as session:
        record = service.publish(
            session,
            secret=settings.secret,
            blobs=blob_store(settings),
            actor=CLI_ACTOR,
            tolerant=tolerant,
        )
        console.print(
            f"bundle {record.version}: {record.indicators} indicators, {record.keys} keys, "
            f"{record.size} bytes, root {record.root}"
        )


@detection_app.command("serve")
def serve(
    centre: str = typer.Option(..., "--centre", help="The Centre's base URL."),
    api_key: str = typer.Option(
        ...,
        "--api-key",
        envvar="EUCENTRE_DETECTION_API_KEY",
        help="A provider key with detection:read and reports:write.",
    ),  # fmt: skip
    token: str = typer.Option(
        ...,
        "--token",
        envvar="EUCENTRE_DETECTION_TOKEN",
        help="The bearer token the provider's own servers send.",
    ),  # fmt: skip
    database: Path = typer.Option(Path("matching.sqlite3"), "--database", help="Its own store."),
    threshold: int = typer.Option(
        30, "--threshold", min=2, max=255, help="Distinct indicators an account must match."
    ),  # fmt: skip
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8900, "--port"),
) -> None:
    """Run the matching service: receive vouchers per account, reveal only above the
    threshold, report to the Centre."""
    import uvicorn

    from eucentre.detection.matching.app import create_service_app
    from eucentre.detection.matching.keyring import CentreKeyRing
    from eucentre.detection.matching.matcher import Matcher
    from eucentre.detection.matching.reporting import Reporter
    from eucentre.detection.matching.store import Store

    if len(token) < 32:
        raise fail("the token must be at least 32 characters")
    matcher = Matcher(Store(database), CentreKeyRing(centre, api_key), threshold=threshold)
    app = create_service_app(matcher, Reporter(centre, api_key), token=token)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
