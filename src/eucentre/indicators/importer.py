"""Importing partner lists: CSV (`signal,value[,labels]`) or JSON Lines, checked whole before
anything is written, so a file is imported completely or not at all."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.indicators import repository, service
from eucentre.indicators.service import NewCandidate
from eucentre.indicators.values import InvalidValue, normalise

MAX_LINE_ERRORS = 50
LABEL_SEPARATORS = ("|", ";")


@dataclass(frozen=True)
class ParsedLine:
    line: int
    signal: str
    value: str
    labels: tuple[str, ...]


@dataclass
class ImportResult:
    lines: int = 0
    created: int = 0
    already_present: int = 0
    verified: int = 0
    held_by_guard: list[int] = field(default_factory=list)


class ImportRejected(errors.UnprocessableEntity):
    code = "invalid_import"

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        shown = "; ".join(f"line {n}: {message}" for n, message in problems[:MAX_LINE_ERRORS])
        more = (
            f" (and {len(problems) - MAX_LINE_ERRORS} more)"
            if len(problems) > MAX_LINE_ERRORS
            else ""
        )
        super().__init__(f"nothing was imported: {shown}{more}")


def _labels(raw: object) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, list):
        items = [str(item) for item in raw]
    else:
        text = str(raw)
        for separator in LABEL_SEPARATORS:
            text = text.replace(separator, ",")
        items = text.split(",")
    return tuple(sorted({item.strip() for item in items if item.strip()}))


def parse(text: str) -> list[ParsedLine]:
    """Every line of the file, or ImportRejected listing each bad line by number."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first = next((line for line in text.splitlines() if line.strip()), "")
    jsonl = first.lstrip().startswith("{")
    parsed: list[ParsedLine] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    rows = _jsonl_rows(text, problems) if jsonl else _csv_rows(text, problems)
    for number, signal, value, labels in rows:
        try:
            canonical = normalise(signal, value)
        except InvalidValue as bad:
            problems.append((number, str(bad)))
            continue
        key = (signal, canonical)
        if key in seen:
            problems.append((number, f"the same {signal} as line {seen[key]}"))
            continue
        seen[key] = number
        parsed.append(ParsedLine(number, signal, canonical, labels))
    if problems:
        raise ImportRejected(sorted(problems))
    if not parsed:
        raise ImportRejected([(1, "the file holds no indicators")])
    return parsed


def _csv_rows(text: str, problems: list[tuple[int, str]]):  # type: ignore[no-untyped-def]
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        cells = [cell.strip() for cell in row]
        if number == 1 and cells[:2] == ["signal", "value"]:
            continue
        if len(cells) not in (2, 3):
            problems.append((number, f"expected signal,value[,labels], got {len(cells)} columns"))
            continue
        yield number, cells[0].lower(), cells[1], _labels(cells[2] if len(cells) == 3 else None)


def _jsonl_rows(text: str, problems: list[tuple[int, str]]):  # type: ignore[no-untyped-def]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as bad:
            problems.append((number, f"not JSON: {bad.msg}"))
            continue
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("signal"), str)
            or "value" not in item
        ):
            problems.append((number, 'expected {"signal": ..., "value": ...}'))
            continue
        unknown = set(item) - {"signal", "value", "labels"}
        if unknown:
            problems.append((number, f"unknown field(s): {', '.join(sorted(unknown))}"))
            continue
        yield number, item["signal"].lower(), item["value"], _labels(item.get("labels"))


def read(path: Path, *, max_bytes: int = 512 * 1024 * 1024) -> str:
    if not path.is_file():
        raise ImportRejected([(0, f"{path} is not a file")])
    if path.stat().st_size > max_bytes:
        raise ImportRejected([(0, f"the file is larger than {max_bytes} bytes")])
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as bad:
        raise ImportRejected([(0, f"not UTF-8 text ({bad.reason} at byte {bad.start})")]) from bad


def apply(
    session: Session,
    *,
    actor: str,
    lines: list[ParsedLine],
    source: str,
    trusted: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create what is new (in the caller's one transaction); re-importing adds nothing."""
    result = ImportResult(lines=len(lines))
    # Audited first: the audit head is locked before the change-feed head (service.decide).
    audit.record(
        session,
        actor=actor,
        action="indicators.imported",
        object_type="import",
        object_id=source[:80],
        details={"lines": len(lines), "trusted": trusted},
    )
    present: set[tuple[str, str]] = set()
    for signal in {line.signal for line in lines}:
        values = [line.value for line in lines if line.signal == signal]
        present |= {
            (signal, value) for value in repository.existing_values(session, signal, values)
        }
    for done, line in enumerate(lines, start=1):
        if (line.signal, line.value) in present:
            result.already_present += 1
        else:
            indicator, _ = service.create(
                session,
                actor=actor,
                source_kind="import",
                source_name=source,
                source_reference=f"line {line.line}",
                candidate=NewCandidate(line.signal, line.value, line.labels),
            )
            result.created += 1
            if trusted:
                if service.verify_trusted(session, actor=actor, indicator=indicator, source=source):
                    result.verified += 1
                else:
                    result.held_by_guard.append(indicator.id)
        if on_progress and done % 500 == 0:
            on_progress(done)
    if on_progress:
        on_progress(len(lines))
    return result
