"""`eucentre prevention ...`: import a catalogue file, export the published catalogue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, err_console, fail

prevention_app = typer.Typer(
    help="The prevention catalogue.", no_args_is_help=True, context_settings=GROUP_SETTINGS
)


@prevention_app.command("import")
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    format_name: str | None = typer.Option(
        None, "--format", help="csv, jsonl, ris or bibtex (default: from the file's extension)."
    ),
) -> None:
    """Import records as drafts, all or nothing; matched by DOI or URL, so a second import of
    the same file changes nothing."""
    from eucentre.config import get_settings
    from eucentre.prevention import importer

    limit = get_settings().prevention_import_max_bytes
    if path.stat().st_size > limit:
        raise fail(f"{path} is larger than {limit} bytes (EUCENTRE_PREVENTION_IMPORT_MAX_BYTES)")

    class Refused(Exception):  # not an AppError: it rolls the transaction back and passes
        def __init__(self, problems: list[dict[str, Any]]) -> None:
            self.problems = problems

    try:
        chosen = importer.format_of(path.name, format_name)
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
        rows = importer.parse(raw, format_name=chosen, max_bytes=limit)
        with cli_transaction() as session:
            try:
                outcome = importer.store(session, rows, actor=CLI_ACTOR)
            except importer.ImportRefused as refused:
                raise Refused(refused.problems) from None
    except importer.ImportRefused as refused:
        _print_problems(path, refused.problems)
        raise fail("nothing was imported") from None
    except Refused as refused:
        _print_problems(path, refused.problems)
        raise fail("nothing was imported") from None
    except importer.errors.AppError as refused:
        raise fail(str(refused.detail)) from None
    typer.echo(
        f"{len(outcome.created)} created, {len(outcome.updated)} updated, "
        f"{len(outcome.unchanged)} unchanged (drafts: an editor submits, another approves)"
    )


def _print_problems(path: Path, problems: list[dict[str, Any]]) -> None:
    for problem in problems:
        err_console.print(f"{path.name}:{problem['line']}: {problem['message']}")


@prevention_app.command("reindex")
def reindex() -> None:
    """Rebuild the search documents of all published records (after the concept scheme
    changed)."""
    from eucentre.prevention import service

    with cli_transaction() as session:
        typer.echo(f"{service.reindex(session)} published records indexed")


@prevention_app.command("export")
def export_file(
    format_name: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
) -> None:
    """Write the published catalogue to standard output."""
    from eucentre.prevention import export

    if format_name not in ("jsonl", "csv"):
        raise fail("--format is jsonl or csv")
    with cli_transaction() as session:
        for chunk in (export.jsonl if format_name == "jsonl" else export.csv_text)(session):
            sys.stdout.write(chunk)
