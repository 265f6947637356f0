"""Exports of the published catalogue, JSON Lines (every field; the import reads it back) and
CSV (a spreadsheet's columns, one language per column pair), written a batch at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from eucentre.prevention import repository
from eucentre.prevention.present import exported

LIST_SEPARATOR = ";"
CSV_LANGUAGES = ("en", "de", "fr")
CSV_COLUMNS = (
    ["id", "type", "language", "title", "summary"]
    + [f"{part}_{lang}" for lang in CSV_LANGUAGES for part in ("title", "summary")]
    + ["countries", "languages", "target_groups", "levels", "settings", "evidence"]
    + ["evidence_note", "evaluates", "doi", "url", "authors", "year", "publisher", "contact"]
    + ["concepts", "last_reviewed", "demo"]
)
# A cell a spreadsheet would run as a formula is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(session: Session) -> Iterator[dict[str, Any]]:
    for batch in repository.published_batches(session):
        targets = sorted({t for _, data in batch for t in data.evaluates})
        identities = repository.identities(session, targets)
        for record, data in batch:
            yield exported(record, data, identities)


def jsonl(session: Session) -> Iterator[str]:
    for row in _rows(session):
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    elif value is None:
        value = ""
    elif isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(row: dict[str, Any]) -> dict[str, str]:
    texts = {text["language"]: text for text in row["texts"]}
    first = row["texts"][0]
    flat = dict(row, language=first["language"], title=first["title"], summary=first["summary"])
    for lang in CSV_LANGUAGES:
        flat[f"title_{lang}"] = texts.get(lang, {}).get("title", "")
        flat[f"summary_{lang}"] = texts.get(lang, {}).get("summary", "")
    return {column: _cell(flat.get(column)) for column in CSV_COLUMNS}


def csv_text(session: Session) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(session):
        writer.writerow(csv_row(row))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
