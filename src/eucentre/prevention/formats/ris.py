"""RIS (the reference managers' exchange format): TY starts a record, ER ends it, each line
"XX  - value". Everything in RIS is research; the fields kept are title, abstract, authors,
year, DOI, URL, journal or publisher, keywords (matched against the concept scheme) and
language."""

from __future__ import annotations

import re

from eucentre.prevention import concepts, text
from eucentre.prevention.formats.common import (
    MAX_LINE,
    MAX_RECORDS,
    FormatError,
    Parsed,
    language_of,
)

TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
TITLE = ("TI", "T1", "CT", "BT")
ABSTRACT = ("AB", "N2")
AUTHORS = ("AU", "A1", "A2")
PUBLISHER = ("JO", "JF", "T2", "PB")
MAX_VALUES = 200


def read(source: str) -> list[Parsed]:
    found: list[Parsed] = []
    current: dict[str, list[str]] | None = None
    start = 0
    last_tag = ""
    for number, line in enumerate(source.splitlines(), start=1):
        if len(line) > MAX_LINE:
            raise FormatError(number, f"longer than {MAX_LINE} characters")
        match = TAG.match(line)
        if match is None:
            if not line.strip():
                continue
            if current is None:
                raise FormatError(number, "not an RIS line (expected 'TY  - ' to start a record)")
            if last_tag in ABSTRACT or last_tag in TITLE:
                current[last_tag][-1] += " " + line.strip()
                continue
            raise FormatError(number, "not an RIS line ('XX  - value')")
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                raise FormatError(number, "a new record starts before 'ER  - ' ended the last")
            current, start = {}, number
        elif current is None:
            raise FormatError(number, f"'{tag}' outside a record (records start with 'TY  - ')")
        elif tag == "ER":
            found.append(Parsed(start, _fields(current, start)))
            if len(found) > MAX_RECORDS:
                raise FormatError(number, f"more than {MAX_RECORDS} records")
            current = None
        else:
            values = current.setdefault(tag, [])
            if len(values) >= MAX_VALUES:
                raise FormatError(number, f"more than {MAX_VALUES} '{tag}' lines in one record")
            values.append(value)
        last_tag = tag
    if current is not None:
        raise FormatError(start, "the record is not ended by 'ER  - '")
    return found


def _first(record: dict[str, list[str]], tags: tuple[str, ...]) -> str:
    for tag in tags:
        for value in record.get(tag, ()):
            if value:
                return value
    return ""


def _fields(record: dict[str, list[str]], line: int) -> dict[str, object]:
    title = _first(record, TITLE)
    if not title:
        raise FormatError(line, "the record has no title (TI or T1)")
    summary = _first(record, ABSTRACT)
    language = language_of(_first(record, ("LA",)), f"{title}. {summary}")
    year_text = _first(record, ("PY", "Y1", "DA"))[:4]
    keywords = " ; ".join(record.get("KW", []))
    fields: dict[str, object] = {
        "type": "research",
        "texts": [{"language": language, "title": title, "summary": summary}],
        "authors": [a for tag in AUTHORS for a in record.get(tag, []) if a][:100],
        "doi": _first(record, ("DO",)),
        "url": _first(record, ("UR", "L2")),
        "publisher": _first(record, PUBLISHER),
        "concepts": sorted(concepts.in_text(keywords, language)) if keywords else [],
    }
    if year_text.isdigit():
        fields["year"] = int(year_text)
    if not text.words(title):
        raise FormatError(line, "the title has no words")
    return fields
