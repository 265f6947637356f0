"""`eucentre index ...`: build, update and query hash indexes.

Malformed input is reported on stderr as ``FILE:LINE: reason`` (every bad line, not just the
first) and exits with code 2 without changing anything.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from eucentre.clikit import GROUP_SETTINGS
from eucentre.matching.defaults import DEFAULT_MAX_DISTANCE

# The index code (numpy, numba) is imported by the commands that use it, so that `--help` and
# the other commands do not wait for it.
if TYPE_CHECKING:
    from eucentre.matching.csvio import Problem
    from eucentre.matching.index import HashIndex

index_app = typer.Typer(
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)

MAX_REPORTED = 1000


def _stderr() -> Console:
    return Console(stderr=True)


def _fail(path: Path, problems: list[Problem]) -> None:
    err = _stderr()
    for lineno, msg in sorted(problems)[:MAX_REPORTED]:
        err.print(f"{path}:{lineno}: {msg}", markup=False, highlight=False, soft_wrap=True)
    if len(problems) > MAX_REPORTED:
        err.print(f"... and {len(problems) - MAX_REPORTED} more malformed lines", markup=False)
    err.print(f"{len(problems)} malformed line(s) in {path}; nothing changed", markup=False)
    raise typer.Exit(code=2)


@contextmanager
def _progress():
    # Rich's progress module is imported here, as the index code is: help need not wait for it.
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = _stderr()
    # The bar is for people watching a terminal; logs and pipes get nothing.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    ) as bar:
        yield bar


def _open(index_dir: Path, workers: int | None = None) -> HashIndex:
    from eucentre.matching.index import HashIndex

    try:
        return HashIndex.open(index_dir, workers=workers, auto_compact_at=None)
    except (FileNotFoundError, ValueError) as exc:
        _stderr().print(f"cannot open index {index_dir}: {exc}", markup=False)
        raise typer.Exit(code=1) from None


def _check_file(path: Path) -> None:
    if not path.is_file():
        _stderr().print(f"{path}: no such file", markup=False)
        raise typer.Exit(code=2)


@index_app.command("build")
def build(
    hashes_csv: Annotated[
        Path,
        typer.Argument(
            metavar="HASHES.csv", help="Lines `id,hex`; an `id,hash` header is skipped."
        ),
    ],
    index_dir: Annotated[Path, typer.Argument(metavar="INDEX_DIR")],
    signal: Annotated[
        str, typer.Option(help="pdq (Hamming range search), md5 or sha256 (exact lookup).")
    ] = "pdq",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing INDEX_DIR.")] = False,
) -> None:
    """Build an index from a CSV of `id,hex` lines (written aside, renamed into place)."""
    from eucentre.matching.codec import SIGNAL_WORDS
    from eucentre.matching.csvio import read_hashes
    from eucentre.matching.index import HashIndex

    if signal not in SIGNAL_WORDS:
        _stderr().print(f"--signal must be one of {', '.join(SIGNAL_WORDS)}", markup=False)
        raise typer.Exit(code=2)
    _check_file(hashes_csv)
    if index_dir.exists() and any(index_dir.iterdir()) and not force:
        _stderr().print(f"{index_dir} exists; pass --force to replace it", markup=False)
        raise typer.Exit(code=2)
    with _progress() as bar:
        reading = bar.add_task("reading", total=hashes_csv.stat().st_size)
        rows = read_hashes(hashes_csv, signal, on_bytes=lambda k: bar.advance(reading, k))
        if rows.problems:
            bar.stop()
            _fail(hashes_csv, rows.problems)
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)

        HashIndex.build(
            index_dir,
            signal,
            rows.ids,
            rows.hexes,
            overwrite=force,
            progress=progress,
            auto_compact_at=None,
        )
    _stderr().print(f"built {signal} index of {len(rows.ids)} hashes in {index_dir}", markup=False)


@index_app.command("query")
def query(
    index_dir: Annotated[Path, typer.Argument(metavar="INDEX_DIR")],
    queries_csv: Annotated[Path, typer.Argument(metavar="QUERIES.csv")],
    max_distance: Annotated[
        int,
        typer.Option(
            min=0,
            max=256,
            help="Largest Hamming distance reported (inclusive); ignored by md5/sha256 indexes.",
        ),
    ] = DEFAULT_MAX_DISTANCE,
    dihedral: Annotated[
        bool,
        typer.Option(
            "--dihedral",
            help=(
                "Rows are `id,hex,variant`: rows sharing a query id are that image's variant "
                "hashes (original, rot90, rot180, rot270, flip_h, flip_v, transpose, "
                "transverse, or frame:N), computed by the hasher - a PDQ hash cannot itself "
                "be rotated. Each stored id is reported once, with the variant at the smallest "
                "distance. A row without the third column is the original. Without "
                "--dihedral, rows are `id,hex` and the variant is always `original`."
            ),
        ),
    ] = False,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help='One JSON line per query: {"query": id, "matches": '
            '[{"id", "distance", "variant"}]}.',
        ),
    ] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Threads (default: all available cores).")
    ] = None,
) -> None:
    """Find every stored hash within --max-distance of each query."""
    from eucentre.matching.csvio import read_hashes

    _check_file(queries_csv)
    index = _open(index_dir, workers)
    rows = read_hashes(queries_csv, index.signal, variants=dihedral)
    if rows.problems:
        _fail(queries_csv, rows.problems)
    order: dict[str, dict[str, str]] = {}
    for ident, hexa, label in zip(rows.ids, rows.hexes, rows.variants, strict=True):
        order.setdefault(ident, {})[label] = hexa
    results = index.search_variants(list(order.values()), max_distance)
    out = sys.stdout
    for qid, matches in zip(order, results, strict=True):
        if jsonl:
            out.write(json.dumps({"query": qid, "matches": [m.as_dict() for m in matches]}) + "\n")
        elif matches:
            found = ", ".join(f"{m.id} (distance {m.distance}, {m.variant})" for m in matches)
            out.write(f"{qid}: {found}\n")
        else:
            out.write(f"{qid}: no match\n")
    out.flush()


@index_app.command("add")
def add(
    index_dir: Annotated[Path, typer.Argument(metavar="INDEX_DIR")],
    hashes_csv: Annotated[
        Path, typer.Argument(metavar="HASHES.csv", help="Lines `id,hex` with new ids.")
    ],
) -> None:
    """Add hashes in place (appended to the snapshot's delta log; no rebuild)."""
    from eucentre.matching.csvio import read_hashes
    from eucentre.matching.index import IndexUpdateError

    _check_file(hashes_csv)
    index = _open(index_dir)
    rows = read_hashes(hashes_csv, index.signal)
    if rows.problems:
        _fail(hashes_csv, rows.problems)
    try:
        index.add(rows.ids, rows.hexes)
    except IndexUpdateError as exc:
        _fail(hashes_csv, [(rows.lines[k], msg) for k, msg in exc.problems])
    _stderr().print(f"added {len(rows.ids)} hashes to {index_dir}", markup=False)


def _mark(op: str, index_dir: Path, ids_txt: Path) -> None:
    from eucentre.matching.csvio import read_ids
    from eucentre.matching.index import IndexUpdateError

    _check_file(ids_txt)
    index = _open(index_dir)
    ids, lines, problems = read_ids(ids_txt)
    if problems:
        _fail(ids_txt, problems)
    try:
        getattr(index, op)(ids)
    except IndexUpdateError as exc:
        _fail(ids_txt, [(lines[k], msg) for k, msg in exc.problems])
    _stderr().print(f"{op}d {len(ids)} ids in {index_dir}", markup=False)


IdsArg = Annotated[Path, typer.Argument(metavar="IDS.txt", help="One id per line.")]
DirArg = Annotated[Path, typer.Argument(metavar="INDEX_DIR")]


@index_app.command("remove")
def remove(index_dir: DirArg, ids_txt: IdsArg) -> None:
    """Remove ids in place (every id must be in the index)."""
    _mark("remove", index_dir, ids_txt)


@index_app.command("disable")
def disable(index_dir: DirArg, ids_txt: IdsArg) -> None:
    """Hide ids from query results without removing them."""
    _mark("disable", index_dir, ids_txt)


@index_app.command("enable")
def enable(index_dir: DirArg, ids_txt: IdsArg) -> None:
    """Show previously disabled ids again."""
    _mark("enable", index_dir, ids_txt)


@index_app.command("compact")
def compact(index_dir: DirArg) -> None:
    """Fold the delta log into a new snapshot and switch to it atomically."""
    index = _open(index_dir)
    index.compact()
    _stderr().print(f"compacted {index_dir} into {index.snapshot_name}", markup=False)


@index_app.command("info")
def info(index_dir: DirArg) -> None:
    """Print signal, size and snapshot as JSON."""
    index = _open(index_dir)
    sys.stdout.write(
        json.dumps(
            {
                "signal": index.signal,
                "count": len(index),
                "snapshot": index.snapshot_name,
                "delta": index.delta_size,
            }
        )
        + "\n"
    )
