"""JSON Lines: one record object a line (the export's format)."""

from __future__ import annotations

import json

from eucentre.kit.inputs import JsonRefused, load_json
from eucentre.prevention.formats.common import MAX_LINE, MAX_RECORDS, FormatError, Parsed

# Written by the export, ignored on import.
EXPORT_ONLY = ("id", "last_reviewed", "first_published", "demo")


def read(text: str) -> list[Parsed]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise FormatError(number, f"longer than {MAX_LINE} characters")
        try:
            value = load_json(line)
        except JsonRefused as bad:
            raise FormatError(number, f"not accepted JSON ({bad})") from bad
        except (json.JSONDecodeError, RecursionError) as bad:
            raise FormatError(number, "not valid JSON") from bad
        if not isinstance(value, dict):
            raise FormatError(number, "each line must be a JSON object")
        for key in EXPORT_ONLY:
            value.pop(key, None)
        found.append(Parsed(number, value))
        if len(found) > MAX_RECORDS:
            raise FormatError(number, f"more than {MAX_RECORDS} records")
    return found
