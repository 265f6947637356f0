"""BibTeX: @type{key, field = {value} | "value" | number, ...}. Braces nest; LaTeX accents
({\\"a}, \\'e, \\ss) become letters; @comment, @preamble and @string are skipped (a macro
other than a month is refused, since its value is unknown). Everything in BibTeX is research."""

from __future__ import annotations

import re
import unicodedata

from eucentre.prevention import concepts
from eucentre.prevention.formats.common import MAX_RECORDS, FormatError, Parsed, language_of

MAX_DEPTH = 20
MAX_FIELDS = 100
MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
SKIPPED = {"comment", "preamble", "string"}
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-:.]*")
ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "c": "\u0327", "=": "\u0304", "v": "\u030c", "u": "\u0306", "H": "\u030b", ".": "\u0307",
}  # fmt: skip
LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø", "aa": "å"}
LETTERS |= {"AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "&": "&", "%": "%", "_": "_", "$": "$"}


class _Reader:
    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0

    def line(self, at: int | None = None) -> int:
        return self.s.count("\n", 0, self.i if at is None else at) + 1

    def fail(self, message: str, at: int | None = None) -> FormatError:
        return FormatError(self.line(at), message)

    def space(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def expect(self, char: str) -> None:
        self.space()
        if self.i >= len(self.s) or self.s[self.i] != char:
            found = self.s[self.i] if self.i < len(self.s) else "the end of the file"
            raise self.fail(f"expected {char!r}, found {found!r}")
        self.i += 1

    def name(self, what: str) -> str:
        before = self.i
        self.space()
        match = NAME.match(self.s, self.i)
        if match is None:
            # At the end of the file, the line where it was expected, not the last line.
            raise self.fail(f"expected {what}", before if self.i >= len(self.s) else None)
        self.i = match.end()
        return match.group()

    def braced(self) -> str:
        """From just after an opening brace to its matching one."""
        start, depth = self.i, 1
        while self.i < len(self.s):
            char = self.s[self.i]
            if char == "\\":
                self.i += 2
                continue
            if char == "{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise self.fail(f"braces nested more than {MAX_DEPTH} deep")
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return self.s[start : self.i - 1]
            self.i += 1
        raise self.fail("a brace is never closed", start)

    def quoted(self) -> str:
        start, depth = self.i, 0
        while self.i < len(self.s):
            char = self.s[self.i]
            if char == "\\":
                self.i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                self.i += 1
                return self.s[start : self.i - 1]
            self.i += 1
        raise self.fail("a quote is never closed", start)

    def value(self) -> str:
        parts = []
        while True:
            self.space()
            if self.i >= len(self.s):
                raise self.fail("a field has no value")
            char = self.s[self.i]
            if char == "{":
                self.i += 1
                parts.append(self.braced())
            elif char == '"':
                self.i += 1
                parts.append(self.quoted())
            elif char.isdigit():
                match = re.compile(r"\d+").match(self.s, self.i)
                assert match is not None
                self.i = match.end()
                parts.append(match.group())
            else:
                at = self.i
                macro = self.name("a value")
                if macro.lower() not in MONTHS:
                    raise self.fail(f"unknown macro {macro[:40]!r} (use braces)", at)
                parts.append(macro.lower())
            self.space()
            if self.i < len(self.s) and self.s[self.i] == "#":
                self.i += 1
                continue
            return "".join(parts)


def latex(value: str) -> str:
    """LaTeX accents and letters to Unicode; braces and remaining commands dropped."""

    def accent(match: re.Match[str]) -> str:
        mark, letter = match.group(1), match.group(2) or match.group(3)
        return unicodedata.normalize("NFC", letter + ACCENTS[mark])

    value = re.sub(r"\\([\"'`^~=.]|[cvuH](?=[\s{]))\s*(?:\{(\w)\}|(\w))", accent, value)
    value = re.sub(
        r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLi&%_$])(?![A-Za-z])", lambda m: LETTERS[m[1]], value
    )
    value = re.sub(r"\\[A-Za-z]+\s*", "", value)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def read(source: str) -> list[Parsed]:
    reader = _Reader(source)
    found: list[Parsed] = []
    while True:
        at = source.find("@", reader.i)
        if at < 0:
            return found
        reader.i = at + 1
        kind = reader.name("an entry type after '@'").lower()
        start = reader.line(at)
        reader.space()
        if reader.i >= len(source) or source[reader.i] not in "{(":
            raise reader.fail(f"expected '{{' after @{kind}")
        reader.i += 1
        if kind in SKIPPED:
            reader.braced()
            continue
        reader.name("a citation key")
        fields: dict[str, str] = {}
        while True:
            reader.space()
            if reader.i < len(source) and source[reader.i] in "})":
                reader.i += 1
                break
            reader.expect(",")
            reader.space()
            if reader.i < len(source) and source[reader.i] in "})":
                reader.i += 1
                break
            name = reader.name("a field name").lower()
            reader.expect("=")
            fields[name] = reader.value()
            if len(fields) > MAX_FIELDS:
                raise reader.fail(f"more than {MAX_FIELDS} fields in one entry")
        found.append(Parsed(start, _fields(fields, start)))
        if len(found) > MAX_RECORDS:
            raise FormatError(start, f"more than {MAX_RECORDS} records")


def _fields(raw: dict[str, str], line: int) -> dict[str, object]:
    values = {name: latex(value) for name, value in raw.items()}
    title = values.get("title", "")
    if not title:
        raise FormatError(line, "the entry has no title")
    summary = values.get("abstract", "")
    language = language_of(values.get("language", ""), f"{title}. {summary}")
    keywords = values.get("keywords", "")
    fields: dict[str, object] = {
        "type": "research",
        "texts": [{"language": language, "title": title, "summary": summary}],
        "authors": [a.strip() for a in values.get("author", "").split(" and ") if a.strip()][:100],
        "doi": values.get("doi", ""),
        "url": values.get("url", ""),
        "publisher": values.get("journal")
        or values.get("publisher")
        or values.get("institution", ""),
        "concepts": sorted(concepts.in_text(keywords, language)) if keywords else [],
    }
    year = values.get("year", "")[:4]
    if year.isdigit():
        fields["year"] = int(year)
    return fields
