"""Providers' verdicts on the review-first list, and each hash's precision.

A provider that reviewed material matching a listed hash says what it found: `removed` (it was
the person's material and it is gone), `not_matching` (the match was wrong) or `not_abuse`.
One verdict per provider and hash value counts, the latest. A hash's precision is the share of
providers that removed what it matched (rules/precision.py: errors are the other verdicts),
shown to analysts to judge a hash before proposing it as an indicator, as StopNCII's partners
report Blocked/NotBlocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.time import utcnow
from eucentre.rules.precision import precision
from eucentre.victims import repository
from eucentre.victims.models import VictimFeedback

VERDICTS = ("removed", "not_matching", "not_abuse")


class NotListed(errors.NotFound):
    code = "unknown_hash"


def give(
    session: Session, *, organisation_id: int, actor: str, signal: str, value: str, verdict: str
) -> tuple[VictimFeedback, bool]:
    """Record a provider's verdict on a hash now on the review-first list (a hash no open case
    holds is not on it: 404). Returns the verdict and whether it is new."""
    if not repository.active_with_values(session, signal, [value]):
        raise NotListed("this hash is not on the review-first list (any more)")
    now = utcnow()
    row = repository.feedback_of(
        session, signal=signal, value=value, organisation_id=organisation_id
    )
    created = row is None
    if row is None:
        row = VictimFeedback(
            signal=signal, value=value, organisation_id=organisation_id, first_at=now
        )
        session.add(row)
    row.verdict = verdict
    row.at = now
    if verdict == "removed" and row.removed_at is None:
        row.removed_at = now
    audit.record(
        session,
        actor=actor,
        action="victim_hash.feedback",
        object_type="victim_hash_value",
        object_id=f"{signal}:{value[:16]}",
        details={"verdict": verdict},
    )
    session.flush()
    return row, created


@dataclass(frozen=True)
class Score:
    removed: int = 0
    not_matching: int = 0
    not_abuse: int = 0

    @property
    def verdicts(self) -> int:
        return self.removed + self.not_matching + self.not_abuse

    @property
    def precision(self) -> float | None:
        return precision(self.verdicts, self.not_matching + self.not_abuse)


def scores(session: Session, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Score]:
    counts = repository.verdict_counts(session, pairs)
    return {
        pair: Score(
            removed=found.get("removed", 0),
            not_matching=found.get("not_matching", 0),
            not_abuse=found.get("not_abuse", 0),
        )
        for pair, found in counts.items()
    }
