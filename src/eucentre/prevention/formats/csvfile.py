"""CSV: a header row, then one record a row (the export's columns). Lists are separated by
semicolons; titles and summaries in several languages go in title_XX / summary_XX columns."""

from __future__ import annotations

import csv
import io

from eucentre.prevention.formats.common import MAX_LINE, MAX_RECORDS, FormatError, Parsed
from eucentre.prevention.vocabulary import LANGUAGES

LIST_COLUMNS: tuple[str, ...] = ("countries", "languages", "target_groups", "levels", "settings")
LIST_COLUMNS += ("authors", "concepts", "evaluates")
PLAIN_COLUMNS = ("type", "evidence", "evidence_note", "doi", "url", "publisher", "contact")
IGNORED = ("id", "last_reviewed", "demo", "first_published")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unescape(cell: str) -> str:
    # The export writes a cell a spreadsheet would run as a formula with a leading quote.
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START else cell


def _known(header: list[str]) -> set[str]:
    known = {"language", "title", "summary", "year", *LIST_COLUMNS, *PLAIN_COLUMNS, *IGNORED}
    known |= {f"{part}_{lang}" for lang in LANGUAGES for part in ("title", "summary")}
    return known


def read(text: str) -> list[Parsed]:
    csv.field_size_limit(MAX_LINE)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise FormatError(1, "the file is empty") from None
    except csv.Error as bad:
        raise FormatError(1, f"the header row cannot be read ({bad})") from bad
    unknown = [name for name in header if name not in _known(header)]
    if unknown:
        raise FormatError(1, f"unknown column {unknown[0][:40]!r}")
    if "type" not in header:
        raise FormatError(1, "the header has no 'type' column")
    found = []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as bad:
            raise FormatError(start, f"not valid CSV ({bad})") from bad
        if not any(cell.strip() for cell in row):
            start = reader.line_num + 1
            continue
        if len(row) != len(header):
            raise FormatError(start, f"{len(row)} cells where the header has {len(header)}")
        cells = {name: _unescape(value.strip()) for name, value in zip(header, row, strict=True)}
        found.append(Parsed(start, _fields(cells)))
        if len(found) > MAX_RECORDS:
            raise FormatError(start, f"more than {MAX_RECORDS} records")
        start = reader.line_num + 1
    return found


def _fields(cells: dict[str, str]) -> dict[str, object]:
    fields: dict[str, object] = {name: cells[name] for name in PLAIN_COLUMNS if cells.get(name)}
    for name in LIST_COLUMNS:
        if cells.get(name):
            fields[name] = [part.strip() for part in cells[name].split(";") if part.strip()]
    if cells.get("year"):
        year = cells["year"]
        fields["year"] = int(year) if year.isdigit() and len(year) <= 4 else year
    texts = []
    if cells.get("title") or cells.get("summary"):
        texts.append(
            {
                "language": cells.get("language") or "en",
                "title": cells.get("title", ""),
                "summary": cells.get("summary", ""),
            }
        )
    seen = {text["language"] for text in texts}
    for lang in LANGUAGES:
        title, summary = cells.get(f"title_{lang}", ""), cells.get(f"summary_{lang}", "")
        if (title or summary) and lang not in seen:
            texts.append({"language": lang, "title": title, "summary": summary})
    fields["texts"] = texts
    return fields
