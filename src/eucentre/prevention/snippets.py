"""Highlighted snippets: a window of a record's summary around the first word the query
matched, each matching word in <mark>. Everything else is escaped, so a summary can never
inject markup: the result is built from escaped pieces and our own <mark> elements only."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from eucentre.prevention import text
from eucentre.prevention.query import Plan

WINDOW = 32  # words
BEFORE = 6  # words shown before the first match
ELLIPSIS = "\u2026"
MAX_SOURCE = 20_000


def _hit(word: str, language: str, keys: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    found = text.index_keys(word, language)
    if keys.intersection(found):
        return True
    return any(key.startswith(prefix) for key in found for prefix in prefixes)


def snippet(value: str, language: str, plan: Plan | None) -> Markup:
    value = value[:MAX_SOURCE]
    matches = list(text.WORD.finditer(value))
    if not matches:
        return Markup("")
    keys = plan.highlight_keys() if plan else frozenset()
    prefixes = plan.highlight_prefixes() if plan else ()
    first = 0
    if plan:
        first = next(
            (i for i, m in enumerate(matches) if _hit(m.group(), language, keys, prefixes)), 0
        )
    start = max(0, first - BEFORE)
    end = min(len(matches), start + WINDOW)
    out = [ELLIPSIS + " "] if start else []
    cursor = matches[start].start() if start else 0
    for match in matches[start:end]:
        out.append(escape(value[cursor : match.start()], quote=True))
        word = escape(match.group(), quote=True)
        marked = plan is not None and _hit(match.group(), language, keys, prefixes)
        out.append(f"<mark>{word}</mark>" if marked else word)
        cursor = match.end()
    out.append(escape(value[cursor : matches[end - 1].end() if end < len(matches) else len(value)]))
    if end < len(matches):
        out.append(" " + ELLIPSIS)
    return Markup("".join(out))  # noqa: S704 - every piece but our <mark> tags is escaped
