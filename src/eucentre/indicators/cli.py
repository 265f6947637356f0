"""`eucentre indicators ...` and `eucentre guard add`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, err_console, fail

# The services and hashing (SQLAlchemy, numpy, Pillow) are imported by the commands, so that
# starting `eucentre` does not wait for them.

console = Console()
indicators_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)
guard_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)

IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
    ".heif",
}


@indicators_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="CSV (signal,value[,labels]) or JSON Lines."),
    source: str = typer.Option(..., "--source", help="Who the list comes from (provenance)."),
    trusted: bool = typer.Option(
        False, "--trusted", help="Verify at once, with the source as reason."
    ),
) -> None:
    """Import a list. Idempotent; a bad line is reported by number and nothing is imported."""
    from rich.progress import Progress

    from eucentre.indicators import importer

    try:
        lines = importer.parse(importer.read(file))
    except importer.ImportRejected as rejected:
        for number, message in rejected.problems[: importer.MAX_LINE_ERRORS]:
            err_console.print(f"{file}:{number}: {message}")
        raise fail(
            f"nothing was imported from {file} ({len(rejected.problems)} problem(s))"
        ) from None
    with Progress(console=err_console, transient=True) as progress, cli_transaction() as session:
        task = progress.add_task("importing", total=len(lines))
        result = importer.apply(
            session,
            actor=CLI_ACTOR,
            lines=lines,
            source=source,
            trusted=trusted,
            on_progress=lambda done: progress.update(task, completed=done),
        )
    console.print(
        f"{result.lines} line(s): {result.created} new, {result.already_present} already present"
        + (f", {result.verified} verified" if trusted else "")
    )
    if result.held_by_guard:
        console.print(
            f"held as candidates (benign-corpus hit): {', '.join(map(str, result.held_by_guard))}"
        )


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


@indicators_app.command("add-media")
def add_media(
    paths: list[Path] = typer.Argument(..., help="Image files or folders."),
    source: str = typer.Option(..., "--source", help="Where the media comes from."),
) -> None:
    """Create candidate indicators (PDQ and MD5) from images; the files are kept encrypted."""
    from eucentre.blobs import blob_store
    from eucentre.config import get_settings
    from eucentre.indicators.media import MediaRefused, candidates_from_file

    blobs = blob_store(get_settings())
    with cli_transaction() as session:
        for path in _files(paths):
            try:
                made = candidates_from_file(
                    session,
                    actor=CLI_ACTOR,
                    path=path,
                    blobs=blobs,
                    source_kind="analyst",
                    source_name=source,
                )
            except MediaRefused as refused:
                err_console.print(f"skipped {refused}")
                continue
            console.print(f"{path}: candidates {', '.join(str(i.id) for i in made)}")


@guard_app.command("add")
def guard_add(
    paths: list[Path] = typer.Argument(..., help="Benign image files or folders."),
    label: str = typer.Option("", "--label", help="What the media is (default: the file name)."),
) -> None:
    """Hash known-benign media into the guard. Verified indicators that match are disputed."""
    from eucentre.indicators import service
    from eucentre.media.errors import MediaError
    from eucentre.media.hashing import hash_file
    from eucentre.signals import MediaFile, registry

    added = 0
    with cli_transaction() as session:
        for path in _files(paths):
            try:
                record = hash_file(path)
                found = registry.hash_media(MediaFile(path.read_bytes(), record))
            except MediaError as bad:
                err_console.print(f"skipped {path}: {bad.code}: {bad}")
                continue
            for signal, hashed in found.items():
                if not registry[signal].guarded:
                    continue
                caught = service.add_benign(
                    session,
                    actor=CLI_ACTOR,
                    signal=signal,
                    value=hashed.value,
                    label=label or path.name,
                )
                for indicator_id in caught:
                    console.print(f"indicator {indicator_id} disputed: it matches {path.name}")
            added += 1
    console.print(f"{added} file(s) in the benign guard")
