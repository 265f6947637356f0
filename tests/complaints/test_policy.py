"""The pure rules: the six-month window, the deadline, four eyes, and precision."""

from datetime import UTC, datetime, timedelta

import pytest

from eucentre.complaints import policy
from eucentre.complaints.policy import Status
from eucentre.rules.precision import Tally, as_percent, precision

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_window_and_deadline() -> None:
    policy.check_window(NOW - timedelta(days=182), NOW)
    with pytest.raises(policy.Refused):
        policy.check_window(NOW - timedelta(days=184), NOW)
    with pytest.raises(policy.Refused):
        policy.check_window(NOW + timedelta(days=2), NOW)
    assert policy.deadline(NOW) == NOW + timedelta(days=14)


def test_four_eyes() -> None:
    first = policy.uphold(Status.open, actor="a", pending_by=None, needs_second_analyst=True)
    assert first == policy.UpholdStep(Status.pending_uphold, apply_effects=False)
    second = policy.uphold(
        Status.pending_uphold, actor="b", pending_by="a", needs_second_analyst=True
    )
    assert second == policy.UpholdStep(Status.upheld, apply_effects=True)
    with pytest.raises(policy.Refused):
        policy.uphold(Status.pending_uphold, actor="a", pending_by="a", needs_second_analyst=True)
    alone = policy.uphold(Status.open, actor="a", pending_by=None, needs_second_analyst=False)
    assert alone.apply_effects
    for decided in (Status.upheld, Status.rejected):
        with pytest.raises(policy.Refused):
            policy.uphold(decided, actor="a", pending_by=None, needs_second_analyst=False)
        with pytest.raises(policy.Refused):
            policy.reject(decided)


def test_precision() -> None:
    assert precision(0, 0) is None
    assert precision(100, 1) == pytest.approx(0.99)
    assert precision(2, 5) == 0.0
    with pytest.raises(ValueError):
        precision(-1, 0)
    tally = Tally(10, 1, 1) + Tally(10, 0, 0)
    assert tally.errors == 2 and tally.precision == pytest.approx(0.9)
    assert as_percent(None) == "—" and as_percent(0.9) == "90.0 %"


def test_an_indicator_verified_at_the_removal_needs_a_second_analyst_whatever_it_is_now() -> None:
    day = timedelta(days=1)
    history = [(NOW - 10 * day, "created"), (NOW - 9 * day, "verified"), (NOW, "disputed")]
    disputed_since = policy.IndicatorRecord(status="disputed", history=history)
    # Decision dates are stored at noon: the whole day counts.
    start, end = policy.removal_window(NOW - 5 * day + timedelta(hours=12), [NOW - 4 * day])
    assert (start, end) == (NOW - 5 * day, NOW - 4 * day)
    assert policy.needs_second_analyst([disputed_since], start=start, end=end)
    # Verified only after the removal, or a candidate throughout: one analyst decides.
    later = policy.IndicatorRecord(
        status="disputed", history=[(NOW - 10 * day, "created"), (NOW - day, "verified")]
    )
    assert not policy.verified_during(later, start, end)
    assert not policy.needs_second_analyst(
        [policy.IndicatorRecord(status="candidate", history=history[:1])], start=start, end=end
    )
    # Verified during the removal's window (between the decision and the report) counts too.
    briefly = policy.IndicatorRecord(
        status="retired",
        history=[
            (NOW - 6 * day, "created"),
            (NOW - 5 * day + timedelta(hours=3), "verified"),
            (NOW - 5 * day + timedelta(hours=4), "retired"),
        ],
    )
    assert policy.needs_second_analyst([briefly], start=start, end=end)
    # A match recorded against a verified indicator says so even without a history.
    matched = policy.IndicatorRecord(
        status="disputed", history=[], matched_as=frozenset({"verified"})
    )
    assert policy.needs_second_analyst([matched], start=start, end=end)
