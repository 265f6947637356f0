"""Highlighted snippets: a window of a record's summary around the first word the query
matched, each matching word in <mark>. Everything else is escaped, so a summary can never
inject markup: the result is safe HTML built from escaped pieces."""

from __future__ import annotations

from markupsafe import Markup, escape

from eucentre.prevention import text
from eucentre.prevention.query import Plan

WINDOW = 32  # words
BEFORE = 6  # words shown before the first match
ELLIPSIS = "\u2026"


def _hit(word: str, language: str, keys: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    found = text.index_keys(word, language)
    if keys.intersection(found):
        return True
    return any(key.startswith(prefix) for key in found for prefix in prefixes)


def snippet(value: str, language: str, plan: Plan | None) -> Markup:
    matches = list(text.WORD.finditer(value[:20_000]))
    if not matches:
        return Markup("")
    keys = plan.highlight_keys() if plan else frozenset()
    prefixes = plan.highlight_prefixes() if plan else ()
    hits = [_hit(m.group(), language, keys, prefixes) for m in matches] if plan else []
    first = hits.index(True) if True in hits else 0
    start = max(0, first - BEFORE)
    end = min(len(matches), start + WINDOW)
    begin_at = matches[start].start() if start else 0
    end_at = matches[end - 1].end() if end < len(matches) else len(value)
    out = [escape(ELLIPSIS + " ") if start else Markup("")]
    cursor = begin_at
    for index in range(start, end):
        match = matches[index]
        out.append(escape(value[cursor : match.start()]))
        word = escape(match.group())
        out.append(Markup("<mark>%s</mark>") % word if hits and hits[index] else word)
        cursor = match.end()
    out.append(escape(value[cursor:end_at]))
    if end < len(matches):
        out.append(escape(" " + ELLIPSIS))
    return Markup("").join(out)
