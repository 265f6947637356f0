"""Strict readers for the CLI's input files, reporting every bad line by number.

Formats: hash files are ``id,hex`` lines (queries with ``--dihedral`` may add a third
``variant`` column); id files are one id per line. A first line that is the header
(``id,hash``, ``id,hash,variant`` or ``id``) is skipped, and so are blank lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eucentre.matching.codec import DIHEDRAL_VARIANTS, hex_error, id_error, is_variant

Problem = tuple[int, str]
_HEADERS = {("id", "hash"), ("id", "hash", "variant")}


@dataclass
class HashRows:
    ids: list[str] = field(default_factory=list)
    hexes: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _lines(path: Path, problems: list[Problem], on_bytes: Callable[[int], None] | None):
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if on_bytes is not None:
                on_bytes(len(raw))
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                problems.append((lineno, "not valid UTF-8"))
                continue
            if text.strip():
                yield lineno, text


def read_hashes(
    path: Path,
    signal: str,
    *,
    variants: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> HashRows:
    """Parse ``id,hex[,variant]`` lines. Ids must be unique, or with ``variants`` each
    (id, variant) pair must be unique (several rows of one query, one per variant)."""
    out = HashRows()
    first_seen: dict[object, int] = {}
    for lineno, text in _lines(path, out.problems, on_bytes):
        fields = text.split(",")
        if lineno == 1 and tuple(f.strip().lower() for f in fields) in _HEADERS:
            continue
        if not (len(fields) == 2 or (variants and len(fields) == 3)):
            want = "id,hash or id,hash,variant" if variants else "id,hash"
            out.problems.append((lineno, f"expected {want}, got {len(fields)} fields"))
            continue
        ident, hexa = fields[0], fields[1]
        label = fields[2] if len(fields) == 3 else "original"
        err = id_error(ident) or hex_error(hexa, signal)
        if err is None and not is_variant(label):
            err = f"unknown variant {label!r} (expected {', '.join(DIHEDRAL_VARIANTS)} or frame:N)"
        if err is not None:
            out.problems.append((lineno, err))
            continue
        key = (ident, label) if variants else ident
        if key in first_seen:
            what = f"id {ident!r} variant {label!r}" if variants else f"id {ident!r}"
            out.problems.append((lineno, f"duplicate {what} (first on line {first_seen[key]})"))
            continue
        first_seen[key] = lineno
        out.ids.append(ident)
        out.hexes.append(hexa)
        out.variants.append(label)
        out.lines.append(lineno)
    return out


def read_ids(path: Path) -> tuple[list[str], list[int], list[Problem]]:
    ids: list[str] = []
    lines: list[int] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for lineno, text in _lines(path, problems, None):
        ident = text.strip()
        if lineno == 1 and ident.lower() == "id":
            continue
        err = id_error(ident)
        if err is not None:
            problems.append((lineno, err))
        elif ident in first_seen:
            problems.append((lineno, f"duplicate id {ident!r} (first on line {first_seen[ident]})"))
        else:
            first_seen[ident] = lineno
            ids.append(ident)
            lines.append(lineno)
    return ids, lines, problems
