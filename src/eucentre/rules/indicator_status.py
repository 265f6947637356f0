"""The indicator life cycle, as data and pure functions.

candidate --confirm--> candidate (first analyst) --confirm by another analyst--> verified
candidate --reject--> retired
verified --dispute--> disputed --reinstate (with a reason)--> verified
candidate, verified, disputed --retire--> retired

Only verified indicators are distributed and matched. Verification needs two different analysts,
no benign-corpus hit and, for PDQ from media, quality of at least MIN_PDQ_QUALITY.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MIN_PDQ_QUALITY = 50
CONFIRMATIONS_NEEDED = 2
# A verified indicator matching more distinct items than this within the window goes to review.
OVERBROAD_DISTINCT_ITEMS = 50
OVERBROAD_WINDOW_DAYS = 30


class Status(StrEnum):
    candidate = "candidate"
    verified = "verified"
    disputed = "disputed"
    retired = "retired"


class Action(StrEnum):
    confirm = "confirm"
    reject = "reject"
    dispute = "dispute"
    reinstate = "reinstate"
    retire = "retire"


ALLOWED: dict[Action, frozenset[Status]] = {
    Action.confirm: frozenset({Status.candidate}),
    Action.reject: frozenset({Status.candidate}),
    Action.dispute: frozenset({Status.verified}),
    Action.reinstate: frozenset({Status.disputed}),
    Action.retire: frozenset({Status.candidate, Status.verified, Status.disputed}),
}

REASON_REQUIRED = frozenset({Action.reject, Action.dispute, Action.reinstate, Action.retire})


class TransitionRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Facts:
    status: Status
    confirmed_by: frozenset[str]
    guard_hits: tuple[str, ...] = ()
    quality: int | None = None


def next_status(facts: Facts, action: Action, *, actor: str, reason: str = "") -> Status:
    """The status after `actor` takes `action`, or TransitionRefused saying why not."""
    if facts.status not in ALLOWED[action]:
        raise TransitionRefused(
            "invalid_transition", f"cannot {action.value} an indicator that is {facts.status.value}"
        )
    if action in REASON_REQUIRED and not reason.strip():
        raise TransitionRefused("reason_required", f"a reason is required to {action.value}")
    if action is not Action.confirm:
        return {
            Action.reject: Status.retired,
            Action.dispute: Status.disputed,
            Action.reinstate: Status.verified,
            Action.retire: Status.retired,
        }[action]
    if actor in facts.confirmed_by:
        raise TransitionRefused(
            "same_analyst", "you have already confirmed this indicator; a different analyst must"
        )
    if facts.guard_hits:
        raise TransitionRefused(
            "benign_corpus_hit",
            "it matches known-benign media ("
            + ", ".join(facts.guard_hits)
            + ") and cannot be verified",
        )
    if facts.quality is not None and facts.quality < MIN_PDQ_QUALITY:
        raise TransitionRefused(
            "low_quality", f"PDQ quality {facts.quality} is under {MIN_PDQ_QUALITY}"
        )
    if len(facts.confirmed_by | {actor}) >= CONFIRMATIONS_NEEDED:
        return Status.verified
    return Status.candidate


def distributed(status: Status) -> bool:
    return status is Status.verified


def is_overbroad(distinct_items: int) -> bool:
    return distinct_items > OVERBROAD_DISTINCT_ITEMS
