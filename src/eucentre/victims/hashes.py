"""The hashes a case accepts: well formed, detailed enough, not degenerate (rules/victims.py),
at most 100 a case. A refusal names every item that is wrong, and nothing is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eucentre import errors
from eucentre.kit.signals import InvalidValue
from eucentre.rules import victims as rules
from eucentre.signals import registry

SIGNALS = ("pdq", "md5", "sha256")
# The order codes win in when items are wrong in different ways: the worst first.
CODES = ("invalid_hash", "degenerate_hash", "low_quality")
MESSAGES = {
    "degenerate_hash": "this hash is degenerate (a blank or patterned picture, or an empty "
    "file) and would match countless unrelated files",
    "low_quality": f"PDQ quality under {rules.PDQ_MIN_QUALITY}: the picture has too little "
    "detail to be recognised reliably",
}


@dataclass(frozen=True)
class SubmittedHash:
    signal: str
    value: str
    quality: int | None = None


def checked(hashes: Sequence[SubmittedHash], *, field: str = "hashes") -> list[SubmittedHash]:
    """The hashes in canonical form (lowercase hex), each once, in the order given; or a 422
    naming each item that is malformed, degenerate or of too low a quality."""
    problems: list[dict[str, str]] = []
    accepted: dict[tuple[str, str], SubmittedHash] = {}
    for position, item in enumerate(hashes):
        at = f"{field}.{position}"
        if item.signal not in SIGNALS:
            problems.append(
                _problem(at + ".signal", "invalid_hash", f"one of {', '.join(SIGNALS)}")
            )
            continue
        try:
            value = registry[item.signal].normalise(item.value)
        except InvalidValue as bad:
            problems.append(_problem(at + ".value", "invalid_hash", str(bad)))
            continue
        if item.signal == "pdq":
            why = rules.pdq_problem(value, item.quality)
        else:
            why = rules.digest_problem(value)
        if why is not None:
            where = at + (".quality" if why == "low_quality" else ".value")
            problems.append(_problem(where, why, MESSAGES[why]))
            continue
        quality = item.quality if item.signal == "pdq" else None
        accepted.setdefault((item.signal, value), SubmittedHash(item.signal, value, quality))
    if problems:
        code = next(c for c in CODES if any(p["type"] == c for p in problems))
        raise errors.UnprocessableEntity(problems, code=code)
    return list(accepted.values())


def _problem(field: str, kind: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message, "type": kind}


def check_count(count: int) -> None:
    if count == 0:
        raise errors.UnprocessableEntity("send at least one hash", code="no_hashes")
    if count > rules.MAX_HASHES_PER_CASE:
        raise errors.UnprocessableEntity(
            f"a case holds at most {rules.MAX_HASHES_PER_CASE} hashes ({count} sent or held)",
            code="too_many_hashes",
        )
