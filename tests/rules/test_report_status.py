"""The report state machine: every allowed transition, and every other pair refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucentre.rules.report_status import (
    EVENTS,
    INITIAL_STATUSES,
    STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Event,
    InvalidTransition,
    Status,
    allowed_events,
    event_for_triage,
    transition,
)

ALLOWED = [
    ("awaiting_files", "finish", "received"),
    ("received", "start_assessment", "assessing"),
    ("assessing", "assess_unfounded", "unfounded"),
    ("assessing", "assess_review", "awaiting_review"),
    ("assessing", "assess_refer", "ready_to_refer"),
    ("awaiting_review", "request_information", "more_information_requested"),
    ("more_information_requested", "information_received", "awaiting_review"),
    ("awaiting_review", "approve", "ready_to_refer"),
    ("awaiting_review", "reject", "unfounded"),
    ("ready_to_refer", "refer", "referred"),
    ("referred", "acknowledge", "acknowledged"),
    ("acknowledged", "close", "closed"),
    ("unfounded", "close", "closed"),
]


@pytest.mark.parametrize(("current", "event", "new"), ALLOWED)
def test_allowed_transitions(current, event, new):
    assert transition(current, event) == new
    assert transition(Status(current), Event(event)) is Status(new)


def test_the_table_is_exactly_the_documented_one():
    assert {(s.value, e.value): n.value for (s, e), n in TRANSITIONS.items()} == {
        (c, e): n for c, e, n in ALLOWED
    }


@given(st.sampled_from(STATUSES), st.sampled_from(EVENTS))
def test_disallowed_transitions_raise(status, event):
    if (status, event) in TRANSITIONS:
        assert transition(status, event) == TRANSITIONS[status, event]
    else:
        with pytest.raises(InvalidTransition) as info:
            transition(status, event)
        assert (info.value.current, info.value.event) == (status.value, event.value)
        assert str(info.value) == f"cannot {event.value!r} a report that is {status.value!r}"


@pytest.mark.parametrize(
    ("current", "event"), [("lost", "finish"), ("received", "explode"), ("", "")]
)
def test_unknown_names_raise(current, event):
    with pytest.raises(InvalidTransition):
        transition(current, event)


def test_closed_is_terminal_and_reachable_from_everywhere():
    assert {Status.closed} == TERMINAL_STATUSES
    assert allowed_events("closed") == ()
    reachable = set().union(*(_reachable_from(s) for s in INITIAL_STATUSES))
    assert reachable == set(STATUSES)
    for status in STATUSES:
        # every status can still end in closed: no report gets stuck for ever
        assert Status.closed in _reachable_from(status)


def _reachable_from(start):
    seen, todo = {start}, [start]
    while todo:
        status = todo.pop()
        for event in allowed_events(status):
            new = transition(status, event)
            if new not in seen:
                seen.add(new)
                todo.append(new)
    return seen


def test_allowed_events_in_review():
    assert allowed_events("awaiting_review") == (
        Event.request_information,
        Event.approve,
        Event.reject,
    )


def test_triage_outcomes_map_to_events():
    assert [
        transition("assessing", event_for_triage(o)) for o in ("unfounded", "review", "refer")
    ] == [
        "unfounded",
        "awaiting_review",
        "ready_to_refer",
    ]
    with pytest.raises(KeyError):
        event_for_triage("maybe")


def test_invalid_transition_is_a_value_error_not_an_http_error():
    # rules/ is pure: the database layer maps this to eucentre.errors.InvalidTransition (409).
    assert issubclass(InvalidTransition, ValueError)
    assert InvalidTransition.__module__ == "eucentre.rules.report_status"
