"""`eucentre hash`: hash media files and folders.

With ``--jsonl`` stdout carries exactly one JSON object per file and nothing else (other
parts of the platform parse it); without it a progress bar goes to stderr and a table to
stdout. Exit status 0 only if every file hashed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from eucentre.media.limits import (
    DEFAULT_FPS,
    DEFAULT_MAX_FRAMES,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MAX_SECONDS,
)

# Hashing (numpy, Pillow) is imported when a command runs, so that `--help` does not wait.
if TYPE_CHECKING:
    from eucentre.media.hashing import HashOptions


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in argument order; folders are walked recursively in sorted order.

    Missing paths are yielded too, so they are reported as failures instead of vanishing.
    Symlinked folders are not followed, which rules out cycles.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield Path(root) / name
        else:
            yield path


def _records(files: list[Path], options: HashOptions, workers: int) -> Iterator[dict[str, Any]]:
    from eucentre.media.hashing import hash_record

    work = partial(hash_record, options=options)
    if workers <= 1 or len(files) <= 1:
        yield from map(work, files)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: workers must not inherit the parent's threads (Rich's refresher, FFmpeg's).
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(16, len(files) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(work, files, chunksize=chunk)


def _summary(record: dict[str, Any]) -> tuple[str, str, str, str]:
    if "error" in record:
        return (record["path"], "error", record["error"]["code"], record["error"]["message"])
    if record["media_type"] == "image":
        value = f"{record['pdq']} q={record['pdq_quality']}"
    else:
        value = f"{len(record['vpdq'])} frames"
    notes = ", ".join(note["code"] for note in record.get("notes", []))
    return (record["path"], record["media_type"], value, notes)


def hash_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (walked recursively).", show_default=False),
    ],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print one JSON object per file and nothing else.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Hash with this many processes.")
    ] = 1,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            help="Decode JPEGs at reduced scale: faster, a few bits from the reference PDQ.",
        ),
    ] = False,
    dihedral: Annotated[
        bool,
        typer.Option("--dihedral/--no-dihedral", help="Add the 7 rotated/mirrored PDQ hashes."),
    ] = True,
    max_pixels: Annotated[
        int, typer.Option(min=1, help="Refuse images declaring more pixels (decompression bombs).")
    ] = DEFAULT_MAX_PIXELS,
    video_fps: Annotated[
        float, typer.Option(min=0.001, help="Video frames hashed per second of video.")
    ] = DEFAULT_FPS,
    max_video_frames: Annotated[
        int, typer.Option(min=1, help="Refuse videos with more decoded frames.")
    ] = DEFAULT_MAX_FRAMES,
    max_video_seconds: Annotated[
        float, typer.Option(min=0.0, help="Refuse videos declaring a longer duration.")
    ] = DEFAULT_MAX_SECONDS,
) -> None:
    """Hash media files: MD5, SHA-256, and PDQ (images) or vPDQ (videos)."""
    from eucentre.media.hashing import HashOptions

    options = HashOptions(
        max_pixels=max_pixels,
        fast=fast,
        dihedral=dihedral,
        video_fps=video_fps,
        max_video_frames=max_video_frames,
        max_video_seconds=max_video_seconds,
    )
    files = list(iter_files(paths))
    failures = 0
    if jsonl:
        out = sys.stdout
        for record in _records(files, options, workers):
            failures += "error" in record
            out.write(json.dumps(record) + "\n")
            out.flush()
    else:
        failures = _interactive(files, options, workers)
    raise typer.Exit(code=1 if failures else 0)


def _interactive(files: list[Path], options: HashOptions, workers: int) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    errors_console = Console(stderr=True)
    table = Table(title="eucentre hash")
    for column in ("path", "type", "hash", "notes"):
        table.add_column(column, overflow="fold")
    failures = 0
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors_console,
        transient=True,
    ) as progress:
        task = progress.add_task("hashing", total=len(files))
        for record in _records(files, options, workers):
            failures += "error" in record
            row = _summary(record)
            style = "red" if "error" in record else None
            table.add_row(*row, style=style)
            progress.advance(task)
    Console().print(table)
    hashed = len(files) - failures
    errors_console.print(f"{hashed} hashed, {failures} failed")
    return failures
