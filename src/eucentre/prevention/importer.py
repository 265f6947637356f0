"""`eucentre prevention import FILE` and the editors' import page: CSV, JSON Lines, RIS or
BibTeX, all or nothing. Every problem is reported with its line; if there is one, nothing is
stored. Records are matched by DOI, else URL, so importing a file again changes nothing;
imported records are drafts, published only through the editorial workflow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.prevention import repository, service
from eucentre.prevention.formats import bibtex, csvfile, jsonl, ris
from eucentre.prevention.formats.common import MAX_ERRORS, FormatError, Parsed, decode
from eucentre.prevention.schemas import RecordData, normalise_doi

READERS: dict[str, Callable[[str], list[Parsed]]] = {
    "csv": csvfile.read,
    "jsonl": jsonl.read,
    "ris": ris.read,
    "bibtex": bibtex.read,
}
EXTENSIONS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(errors.UnprocessableEntity):
    """Problems of a file, each with its line; nothing was stored."""

    code = "import_refused"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class Outcome:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


def format_of(filename: str, chosen: str | None = None) -> str:
    if chosen:
        if chosen not in READERS:
            raise errors.BadRequest(f"unknown format {chosen!r}", code="unknown_format")
        return chosen
    for extension, name in EXTENSIONS.items():
        if filename.lower().endswith(extension):
            return name
    raise errors.BadRequest(
        "cannot tell the format from the file name: use .csv, .jsonl, .ris or .bib",
        code="unknown_format",
    )


def _reference(value: Any) -> str | int:
    """An `evaluates` entry: a record id, or the identity of a DOI or URL."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit() and len(value) < 11):
        return int(value)
    text = str(value).strip()
    if text.startswith("url:"):
        return text
    doi = normalise_doi(text)
    if doi.startswith("10."):
        return f"doi:{doi}"
    return f"url:{text.rstrip('/').lower()}"


@dataclass
class _Row:
    line: int
    data: RecordData  # without `evaluates`, which is resolved once every record has an id
    references: list[str | int]


def _validate(parsed: list[Parsed]) -> list[_Row]:
    rows: list[_Row] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for item in parsed:
        fields = dict(item.fields)
        references = fields.pop("evaluates", []) or []
        if not isinstance(references, list):
            problems.append({"line": item.line, "message": "evaluates: must be a list"})
            continue
        try:
            data = RecordData.model_validate(fields)
        except ValidationError as invalid:
            for error in invalid.errors()[:5]:
                where = ".".join(str(part) for part in error["loc"]) or "record"
                message = error["msg"].removeprefix("Value error, ")
                problems.append({"line": item.line, "message": f"{where}: {message}"})
            continue
        identity = data.identity()
        if identity is None:
            problems.append({"line": item.line, "message": "a record needs a DOI or a URL"})
            continue
        if identity in seen:
            problems.append(
                {"line": item.line, "message": f"the same DOI or URL as line {seen[identity]}"}
            )
            continue
        seen[identity] = item.line
        rows.append(_Row(item.line, data, [_reference(ref) for ref in references[:50]]))
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise ImportRefused(problems[:MAX_ERRORS])
    return rows


def parse(raw: bytes, *, format_name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[_Row]:
    """Read and validate a whole file; nothing is stored."""
    if len(raw) > max_bytes:
        raise errors.PayloadTooLarge(
            f"the file is larger than {max_bytes} bytes", code="import_too_large"
        )
    try:
        parsed = READERS[format_name](decode(raw))
    except FormatError as bad:
        raise ImportRefused([{"line": bad.line, "message": bad.message}]) from bad
    except RecursionError as bad:
        raise ImportRefused([{"line": 1, "message": "the file is nested too deeply"}]) from bad
    if not parsed:
        raise ImportRefused([{"line": 1, "message": "the file holds no record"}])
    return _validate(parsed)


def store(session: Session, rows: list[_Row], *, actor: str) -> Outcome:
    """Create or update every record, in the caller's transaction (all or nothing)."""
    outcome = Outcome()
    ids: dict[str, int] = {}
    fresh: set[int] = set()
    for row in rows:
        identity = row.data.identity()
        assert identity is not None
        existing = repository.by_identity(session, identity)
        if existing is None:
            record = service.create(
                session, actor=actor, data=row.data, event="imported", note=f"line {row.line}"
            )
            fresh.add(record.id)
            ids[identity] = record.id
        else:
            ids[identity] = existing.id
    problems = []
    for row in rows:
        record_id = ids[row.data.identity() or ""]
        targets = []
        for reference in row.references:
            target = reference if isinstance(reference, int) else ids.get(reference)
            if target is None and isinstance(reference, str):
                found = repository.by_identity(session, reference)
                target = found.id if found else None
            if target is None or target == record_id or not repository.existing(session, [target]):
                problems.append({"line": row.line, "message": f"evaluates: no record {reference}"})
                continue
            targets.append(target)
        data = row.data.model_copy(update={"evaluates": sorted(set(targets))})
        if record_id in fresh:
            created = repository.get(session, record_id)
            assert created is not None
            service.working(session, created).data = data.model_dump(mode="json")
            outcome.created.append(record_id)
            continue
        existing_record = repository.get(session, record_id)
        assert existing_record is not None
        if service.working(session, existing_record).data == data.model_dump(mode="json"):
            outcome.unchanged.append(record_id)
        else:
            service.edit(session, actor=actor, record_id=record_id, data=data, event="imported")
            outcome.updated.append(record_id)
    if problems:
        raise ImportRefused(problems[:MAX_ERRORS])
    session.flush()
    return outcome
