"""Value types and a JSON reader for everything the API accepts from outside.

Crafted values must be client errors, never server errors: a time whose conversion to UTC
leaves the range of ``datetime`` (``0001-01-01T00:00:00+14:00``) raises ``OverflowError`` the
first time it is compared or stored; an integer of thousands of digits raises ``ValueError``
inside ``json.loads`` (Python's int-string conversion limit); NUL cannot be stored in PostgreSQL
text; bidi overrides make a reviewer read text in another order than it is stored (and than it
matches); and a JSON object with a key twice means one of the two values is silently lost.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

# Nothing the Centre handles happened before 1900 or is planned beyond 2199; outside that, a
# value is a mistake or an attack, and the database engines disagree about it anyway.
MIN_YEAR = 1900
MAX_YEAR = 2199
# The longest integer a JSON body may carry: every integer field is far smaller (ids are
# 64-bit at most), and converting more digits costs quadratic time.
MAX_INT_DIGITS = 30
# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FREE_TEXT_CONTROLS = frozenset("\t\n\r")


def _bounded_moment(moment: datetime) -> datetime:
    try:
        in_utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if in_utc is None or not MIN_YEAR <= in_utc.year <= MAX_YEAR:
        raise PydanticCustomError(
            "datetime_out_of_range",
            "must be between the years {low} and {high} (in UTC)",
            {"low": MIN_YEAR, "high": MAX_YEAR},
        )
    return moment


def _bounded_day(day: date) -> date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            "must be between the years {low} and {high}",
            {"low": MIN_YEAR, "high": MAX_YEAR},
        )
    return day


def refused_character(value: str, *, allowed: frozenset[str] = FREE_TEXT_CONTROLS) -> str | None:
    """The first character text must not carry (control or bidi override), or None."""
    for ch in value:
        if ch in allowed:
            continue
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def _clean(allowed: frozenset[str]):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        found = refused_character(value, allowed=allowed)
        if found is not None:
            raise PydanticCustomError(
                "invalid_characters",
                "must not contain control or bidirectional-override characters (found {char})",
                {"char": f"U+{ord(found):04X}"},
            )
        return value

    return check


BoundedDatetime = Annotated[AwareDatetime, AfterValidator(_bounded_moment)]
"""A timezone-aware moment between MIN_YEAR and MAX_YEAR whose UTC conversion cannot overflow."""
BoundedDate = Annotated[date, AfterValidator(_bounded_day)]
FreeText = Annotated[str, AfterValidator(_clean(FREE_TEXT_CONTROLS))]
"""Text that may span lines (tab, newline, carriage return) but carries no other control."""
LineText = Annotated[str, AfterValidator(_clean(frozenset()))]
"""A single value (a reference, an identifier, a name): no control character at all."""
BoundedInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class JsonRefused(ValueError):
    """A JSON document refused before validation; ``field`` is the dotted path, ``code`` why."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        self.code, self.message, self.field = code, message, field
        super().__init__(f"{field}: {message}" if field else message)


class _Duplicates(dict):
    """An object that had a key more than once (found again by ``_first_duplicate``)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    again = []
    for key, value in pairs:
        if key in result:
            again.append(key)
        result[key] = value
    if again:
        marked = _Duplicates(result)
        marked.duplicates = again
        return marked
    return result


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonRefused("number_too_large", f"an integer of {digits} digits is too large")
    return int(text)


def _first_duplicate(value: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    # Iterative, so a deep document cannot exhaust the stack here after json.loads accepted it.
    stack = [(value, path)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, _Duplicates):
            return (*at, node.duplicates[0])
        if isinstance(node, dict):
            stack.extend((child, (*at, str(key))) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((child, (*at, str(i))) for i, child in reversed(list(enumerate(node))))
    return None


def load_json(raw: bytes | str, *, prefix: str = "") -> Any:
    """``json.loads`` that refuses duplicate keys, integers beyond MAX_INT_DIGITS digits and
    NaN/Infinity (not JSON), raising ``JsonRefused``; malformed text still raises
    ``json.JSONDecodeError``."""

    def constant(name: str) -> Any:
        raise JsonRefused("malformed_json", f"{name} is not a JSON number")

    data = json.loads(raw, object_pairs_hook=_pairs, parse_int=_parse_int, parse_constant=constant)
    duplicate = _first_duplicate(data, (prefix,) if prefix else ())
    if duplicate is not None:
        raise JsonRefused("duplicate_key", "this key appears more than once", ".".join(duplicate))
    return data


__all__ = [
    "BIDI_CONTROLS",
    "MAX_INT_DIGITS",
    "MAX_YEAR",
    "MIN_YEAR",
    "BoundedDate",
    "BoundedDatetime",
    "BoundedInt",
    "FreeText",
    "JsonRefused",
    "LineText",
    "load_json",
    "refused_character",
]
