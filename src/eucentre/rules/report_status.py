"""The report state machine.

    awaiting_files --finish--> received --start_assessment--> assessing
    assessing --assess_unfounded--> unfounded
    assessing --assess_review--> awaiting_review
    assessing --assess_refer--> ready_to_refer
    awaiting_review --request_information--> more_information_requested
    more_information_requested --information_received--> awaiting_review
    awaiting_review --approve--> ready_to_refer
    awaiting_review --reject--> unfounded
    ready_to_refer --refer--> referred --acknowledge--> acknowledged --close--> closed
    unfounded --close--> closed

A report created without all its files starts in ``awaiting_files``; one sent whole starts in
``received``. The review exits (``approve``, ``reject``) are how an analyst ends a review;
``closed`` is the single terminal state, so retention has one place to start from. Anything else
raises ``InvalidTransition``, which the database layer maps to its HTTP 409.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Status(StrEnum):
    awaiting_files = "awaiting_files"
    received = "received"
    assessing = "assessing"
    unfounded = "unfounded"
    awaiting_review = "awaiting_review"
    more_information_requested = "more_information_requested"
    ready_to_refer = "ready_to_refer"
    referred = "referred"
    acknowledged = "acknowledged"
    closed = "closed"


class Event(StrEnum):
    finish = "finish"
    start_assessment = "start_assessment"
    assess_unfounded = "assess_unfounded"
    assess_review = "assess_review"
    assess_refer = "assess_refer"
    request_information = "request_information"
    information_received = "information_received"
    approve = "approve"
    reject = "reject"
    refer = "refer"
    acknowledge = "acknowledge"
    close = "close"


EVENTS: tuple[Event, ...] = tuple(Event)
STATUSES: tuple[Status, ...] = tuple(Status)
INITIAL_STATUSES: frozenset[Status] = frozenset({Status.awaiting_files, Status.received})
TERMINAL_STATUSES: frozenset[Status] = frozenset({Status.closed})

TRANSITIONS: MappingProxyType[tuple[Status, Event], Status] = MappingProxyType(
    {
        (Status.awaiting_files, Event.finish): Status.received,
        (Status.received, Event.start_assessment): Status.assessing,
        (Status.assessing, Event.assess_unfounded): Status.unfounded,
        (Status.assessing, Event.assess_review): Status.awaiting_review,
        (Status.assessing, Event.assess_refer): Status.ready_to_refer,
        (Status.awaiting_review, Event.request_information): Status.more_information_requested,
        (Status.more_information_requested, Event.information_received): Status.awaiting_review,
        (Status.awaiting_review, Event.approve): Status.ready_to_refer,
        (Status.awaiting_review, Event.reject): Status.unfounded,
        (Status.ready_to_refer, Event.refer): Status.referred,
        (Status.referred, Event.acknowledge): Status.acknowledged,
        (Status.acknowledged, Event.close): Status.closed,
        (Status.unfounded, Event.close): Status.closed,
    }
)

# Which event records a triage outcome (see rules.triage.Outcome).
TRIAGE_EVENTS: MappingProxyType[str, Event] = MappingProxyType(
    {
        "unfounded": Event.assess_unfounded,
        "review": Event.assess_review,
        "refer": Event.assess_refer,
    }
)


class InvalidTransition(ValueError):
    """An event that is not allowed in the current status (or an unknown status or event)."""

    def __init__(self, current: str, event: str) -> None:
        self.current = str(current)
        self.event = str(event)
        super().__init__(f"cannot {self.event!r} a report that is {self.current!r}")


def transition(current: str, event: str) -> Status:
    """The status after ``event`` happens to a report in ``current``."""
    try:
        key = (Status(current), Event(event))
    except ValueError:
        raise InvalidTransition(current, event) from None
    try:
        return TRANSITIONS[key]
    except KeyError:
        raise InvalidTransition(current, event) from None


def allowed_events(current: str) -> tuple[Event, ...]:
    """Events allowed in ``current``, in declaration order (for buttons and API docs)."""
    status = Status(current)
    return tuple(e for e in EVENTS if (status, e) in TRANSITIONS)


def event_for_triage(outcome: str) -> Event:
    """The event that records a triage outcome ("unfounded", "review" or "refer")."""
    return TRIAGE_EVENTS[outcome]


__all__ = [
    "EVENTS",
    "INITIAL_STATUSES",
    "STATUSES",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Event",
    "InvalidTransition",
    "Status",
    "allowed_events",
    "event_for_triage",
    "transition",
]
