"""The complaint rules in plain functions (DSA Art. 20): when a complaint may be made, when it
must be decided, and who decides an uphold. No database, no web."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from eucentre.kit.time import as_utc
from eucentre.platform import cases
from eucentre.platform.cases import StatusMachine

# Art. 20(1): complaints are possible for at least six months after the decision.
COMPLAINT_WINDOW = timedelta(days=183)
# The Centre's own target for deciding a complaint ("without undue delay").
DECISION_TARGET = timedelta(days=14)


class Status(StrEnum):
    open = "open"
    pending_uphold = "pending_uphold"  # one analyst upheld; a second must confirm
    upheld = "upheld"
    rejected = "rejected"


DECIDED = frozenset({Status.upheld, Status.rejected})
# The moves a complaint makes (the four-eyes choice between them is `uphold` below).
STATUSES = StatusMachine(
    {
        (Status.open, "propose_uphold"): Status.pending_uphold,
        (Status.open, "uphold"): Status.upheld,
        (Status.pending_uphold, "uphold"): Status.upheld,
        (Status.open, "reject"): Status.rejected,
        (Status.pending_uphold, "reject"): Status.rejected,
    },
    final=frozenset(DECIDED),
)


class Refused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def deadline(received_at: datetime, target: timedelta = DECISION_TARGET) -> datetime:
    return cases.deadline(received_at, target)


def check_window(
    decision_date: datetime, now: datetime, window: timedelta = COMPLAINT_WINDOW
) -> None:
    """A complaint about a decision in the future, or older than the window, is refused."""
    if decision_date > now + timedelta(days=1):
        raise Refused("the date of the decision cannot be in the future", "decision_in_future")
    if now - decision_date > window:
        raise Refused(
            "complaints must be made within six months of the decision; this decision is older",
            "complaint_too_late",
        )


@dataclass(frozen=True)
class UpholdStep:
    status: Status
    apply_effects: bool


def uphold(
    status: Status, *, actor: str, pending_by: str | None, needs_second_analyst: bool
) -> UpholdStep:
    """Upholding reverses a removal. When a verified indicator is disputed by it, two different
    analysts must agree: the first uphold waits, the second (someone else) confirms."""
    if status in DECIDED:
        raise Refused(f"the complaint is already {status.value}", "already_decided")
    if status is Status.pending_uphold:
        if pending_by == actor:
            raise Refused(
                "you proposed upholding this complaint; a second, different analyst must confirm",
                "second_analyst_required",
            )
        return UpholdStep(Status(STATUSES.next(status, "uphold")), apply_effects=True)
    if needs_second_analyst:
        return UpholdStep(Status(STATUSES.next(status, "propose_uphold")), apply_effects=False)
    return UpholdStep(Status(STATUSES.next(status, "uphold")), apply_effects=True)


# The indicator history's events that move its status, and where to (indicators/service.py
# writes them); "confirmed" alone does not verify, the "verified" event that follows does.
STATUS_AFTER_EVENT = {
    "created": "candidate",
    "verified": "verified",
    "rejected": "rejected",
    "disputed": "disputed",
    "reinstated": "verified",
    "retired": "retired",
}


@dataclass(frozen=True)
class IndicatorRecord:
    """What the four-eyes rule needs of one indicator behind a complaint."""

    status: str  # now
    history: Sequence[tuple[datetime, str]]  # (at, event kind), oldest first
    matched_as: frozenset[str] = field(default_factory=frozenset)  # as the report matched it


def removal_window(
    decision_date: datetime, received: Iterable[datetime]
) -> tuple[datetime, datetime]:
    """When the removal was decided: the decision's day (a date, so the whole day) and the
    moments its reports reached us."""
    day = datetime.combine(as_utc(decision_date).date(), time(0), tzinfo=UTC)
    moments = [day, day + timedelta(days=1)]
    moments += [as_utc(moment) for moment in received]
    return min(moments), max(moments)


def verified_during(record: IndicatorRecord, start: datetime, end: datetime) -> bool:
    """Whether the indicator was verified at any moment from start to end, by its history."""
    status_changes = [
        (as_utc(at), STATUS_AFTER_EVENT[kind])
        for at, kind in record.history
        if kind in STATUS_AFTER_EVENT
    ]
    if not status_changes:
        # Without a history we cannot show it was not verified then: assume what it is now.
        return record.status == "verified"
    status_at_start = None
    for at, status in status_changes:
        if at <= start:
            status_at_start = status
        elif at <= end and status == "verified":
            return True
    return status_at_start == "verified"


def needs_second_analyst(
    records: Iterable[IndicatorRecord], *, start: datetime, end: datetime
) -> bool:
    """Upholding overrides two analysts' verification when any indicator behind the removal
    was verified, then or now. Its status since (one analyst's dispute, say) does not lift
    that: otherwise one person could dispute and then uphold alone."""
    return any(
        record.status == "verified"
        or "verified" in record.matched_as
        or verified_during(record, start, end)
        for record in records
    )


def reject(status: Status) -> Status:
    """Any analyst may reject an open complaint, or one waiting for a second opinion (the
    second analyst disagrees)."""
    if status in DECIDED:
        raise Refused(f"the complaint is already {status.value}", "already_decided")
    return Status(STATUSES.next(status, "reject"))
