"""`eucentre transparency ...`: publish a period's vintage, write the annual report."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction

app = typer.Typer(
    help="Published statistics: vintages and the annual report.",
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)


def _languages(text: str) -> list[str]:
    from eucentre.web.i18n import LANGUAGES

    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in LANGUAGES]
    if not chosen or unknown:
        raise typer.BadParameter(
            f"languages are a comma-separated list of {', '.join(LANGUAGES)}", param_hint="--lang"
        )
    return list(dict.fromkeys(chosen))


@app.command("report")
def report(
    year: int = typer.Option(..., "--year", min=2000, max=2100, help="The year reported on."),
    out: Path = typer.Option(..., "--out", help="The folder to write report.html and report.pdf."),
    lang: str = typer.Option(
        "en", "--lang", help="Languages, e.g. en,de,fr (the first is report.*)."
    ),
) -> None:
    """Write the annual report of YEAR (HTML and PDF/UA-1) from its latest vintage."""
    from eucentre.config import get_settings
    from eucentre.domains import installed
    from eucentre.transparency import report as reporting
    from eucentre.transparency.figures import registry

    languages = _languages(lang)
    started = time.monotonic()
    settings = get_settings()
    with cli_transaction() as session:
        release = reporting.release_for_report(
            session,
            year,
            figures=registry(installed()),
            min_cell=settings.statistics_min_cell,
            actor=CLI_ACTOR,
        )
    written = reporting.write(release, out, languages)
    for one in written:
        typer.echo(f"{one.language}: {one.html} {one.pdf}")
    took = time.monotonic() - started
    typer.echo(f"vintage {release.vintage} ({release.status}) of {year} in {took:.1f} s")


@app.command("publish")
def publish(
    period: str = typer.Option(..., "--period", help="A year (YYYY) or a month (YYYY-MM)."),
    final: bool = typer.Option(False, "--final", help="Final (only once the period has ended)."),
) -> None:
    """Store the period's figures as they are now as its next vintage."""
    from eucentre.config import get_settings
    from eucentre.domains import installed
    from eucentre.transparency import service
    from eucentre.transparency.figures import registry
    from eucentre.transparency.periods import InvalidPeriod, Period

    try:
        chosen = Period.parse(period)
    except InvalidPeriod as error:
        raise typer.BadParameter(str(error), param_hint="--period") from None
    settings = get_settings()
    with cli_transaction() as session:
        release = service.publish(
            session,
            chosen,
            figures=registry(installed()),
            min_cell=settings.statistics_min_cell,
            actor=CLI_ACTOR,
            final=final,
        )
    typer.echo(f"published vintage {release.vintage} ({release.status}) of {chosen.code}")
