"""What every import reader shares: the bounds, decoding with a line number, errors, and how
a language named in a bibliography becomes a code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import simplemma

MAX_RECORDS = 50_000
MAX_LINE = 100_000  # characters
MAX_ERRORS = 50


class FormatError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Parsed:
    """One record as a reader found it: the line it starts on and its fields (RecordData's
    names; `evaluates` holds DOIs, URLs or record ids)."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)


def decode(raw: bytes) -> str:
    """UTF-8 (a byte-order mark is allowed); anything else is refused with the line of the
    first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = raw.count(b"\n", 0, bad.start) + 1
        raise FormatError(
            line, f"not UTF-8 (byte 0x{raw[bad.start]:02X}); save the file as UTF-8"
        ) from bad
    if "\x00" in text:
        raise FormatError(text.count("\n", 0, text.index("\x00")) + 1, "contains a NUL character")
    return text


LANGUAGE_NAMES = {
    "english": "en", "eng": "en", "en": "en", "german": "de", "deutsch": "de", "ger": "de",
    "deu": "de", "de": "de", "french": "fr", "francais": "fr", "français": "fr", "fre": "fr",
    "fra": "fr", "fr": "fr", "dutch": "nl", "nld": "nl", "dut": "nl", "nl": "nl",
    "spanish": "es", "spa": "es", "es": "es", "italian": "it", "ita": "it", "it": "it",
    "polish": "pl", "pol": "pl", "pl": "pl", "swedish": "sv", "swe": "sv", "sv": "sv",
    "portuguese": "pt", "por": "pt", "pt": "pt",
}  # fmt: skip
DETECTABLE = ("en", "de", "fr", "nl", "es", "it")


def language_of(named: str, sample: str) -> str:
    """A language code from a bibliography's language field, else detected from the text."""
    code = LANGUAGE_NAMES.get(named.strip().lower())
    if code:
        return code
    if sample.strip():
        found = simplemma.langdetect(sample[:2000], lang=DETECTABLE)
        if found and found[0][0] in DETECTABLE and found[0][1] >= 0.3:
            return str(found[0][0])
    return "en"
