"""Four-eyes verification, the benign guard, disputes and the change feed, in a database."""

import pytest

from eucentre import errors
from eucentre.indicators import repository, service
from eucentre.indicators.service import NewCandidate
from eucentre.models import IndicatorStatus
from eucentre.rules.indicator_status import Action
from tests.indicators.helpers import candidate, near, random_pdq, verified


def test_two_different_analysts_verify(session) -> None:
    indicator = candidate(session, random_pdq(1))
    service.decide(session, actor="user:1", indicator_id=indicator.id, action=Action.confirm)
    assert indicator.status == IndicatorStatus.candidate
    service.decide(session, actor="user:2", indicator_id=indicator.id, action=Action.confirm)
    assert indicator.status == IndicatorStatus.verified
    kinds = [event.kind for event in repository.events(session, indicator.id)]
    assert kinds == ["created", "confirmed", "confirmed", "verified"]
    changes = repository.changes_since(session, signal="pdq", cursor=0, limit=10)
    assert [(c.op, c.indicator_id) for c in changes] == [("add", indicator.id)]


def test_the_same_analyst_cannot_confirm_twice(session) -> None:
    indicator = candidate(session, random_pdq(2))
    service.decide(session, actor="user:1", indicator_id=indicator.id, action=Action.confirm)
    with pytest.raises(errors.Conflict) as refused:
        service.decide(session, actor="user:1", indicator_id=indicator.id, action=Action.confirm)
    assert refused.value.code == "same_analyst"
    assert indicator.status == IndicatorStatus.candidate


def test_a_benign_corpus_hit_blocks_verification_and_says_why(session) -> None:
    value = random_pdq(3)
    service.add_benign(session, actor="test", signal="pdq", value=near(value, 10), label="cat.jpg")
    indicator = candidate(session, value)
    with pytest.raises(errors.Conflict) as refused:
        service.decide(session, actor="user:1", indicator_id=indicator.id, action=Action.confirm)
    assert refused.value.code == "benign_corpus_hit"
    assert "cat.jpg at distance 10" in str(refused.value.detail)
    assert "guard_hit" in [e.kind for e in repository.events(session, indicator.id)]


def test_a_benign_hash_added_later_disputes_verified_indicators(session) -> None:
    value = random_pdq(4)
    indicator = verified(session, value)
    far = verified(session, random_pdq(5))
    caught = service.add_benign(
        session, actor="test", signal="pdq", value=near(value, 3), label="dog.png"
    )
    assert caught == [indicator.id]
    assert indicator.status == IndicatorStatus.disputed and far.status == IndicatorStatus.verified
    ops = [
        (c.op, c.indicator_id)
        for c in repository.changes_since(session, signal="pdq", cursor=0, limit=10)
    ]
    assert ops[-1] == ("remove", indicator.id)


def test_low_quality_pdq_is_refused(session) -> None:
    with pytest.raises(errors.UnprocessableEntity) as refused:
        candidate(session, random_pdq(6), quality=20)
    assert refused.value.code == "low_quality"


def test_dispute_and_reinstate_need_reasons_and_move_the_feed(session) -> None:
    indicator = verified(session, random_pdq(7))
    with pytest.raises(errors.Conflict) as refused:
        service.decide(session, actor="user:3", indicator_id=indicator.id, action=Action.dispute)
    assert refused.value.code == "reason_required"
    service.decide(
        session,
        actor="user:3",
        indicator_id=indicator.id,
        action=Action.dispute,
        reason="complaint upheld",
    )
    service.decide(
        session,
        actor="user:4",
        indicator_id=indicator.id,
        action=Action.reinstate,
        reason="complaint was wrong",
    )
    ops = [c.op for c in repository.changes_since(session, signal="pdq", cursor=0, limit=10)]
    assert ops == ["add", "remove", "add"]
    assert indicator.status == IndicatorStatus.verified


def test_retired_is_final(session) -> None:
    indicator = candidate(session, random_pdq(8))
    service.decide(
        session, actor="user:1", indicator_id=indicator.id, action=Action.reject, reason="not CSAM"
    )
    assert indicator.status == IndicatorStatus.retired
    with pytest.raises(errors.Conflict) as refused:
        service.decide(session, actor="user:2", indicator_id=indicator.id, action=Action.confirm)
    assert refused.value.code == "invalid_transition"


def test_creating_the_same_value_twice_changes_nothing(session) -> None:
    value = random_pdq(9)
    first, created = service.create(
        session,
        actor="a",
        source_kind="import",
        source_name="x",
        candidate=NewCandidate("pdq", value.upper()),
    )
    again, created_again = service.create(
        session,
        actor="b",
        source_kind="import",
        source_name="y",
        candidate=NewCandidate("pdq", value),
    )
    assert created and not created_again and first.id == again.id and first.value == value


@pytest.mark.parametrize(
    ("signal", "value"), [("pdq", "xyz"), ("md5", "a" * 31), ("url", "ftp://x"), ("nope", "a")]
)
def test_bad_values_are_refused(session, signal, value) -> None:
    with pytest.raises(errors.UnprocessableEntity):
        service.create(
            session,
            actor="a",
            source_kind="import",
            source_name="x",
            candidate=NewCandidate(signal, value),
        )


def test_overbroad_indicators_are_flagged(session) -> None:
    from eucentre.indicators.tasks import flag_overbroad
    from eucentre.models import IndicatorMatch
    from eucentre.rules.indicator_status import OVERBROAD_DISTINCT_ITEMS

    junk = verified(session, random_pdq(10))
    normal = verified(session, random_pdq(11))
    for n in range(OVERBROAD_DISTINCT_ITEMS + 1):
        session.add(IndicatorMatch(indicator_id=junk.id, item_key=f"item-{n}"))
    for _ in range(5):
        session.add(IndicatorMatch(indicator_id=normal.id, item_key="same-item"))
    session.flush()
    assert flag_overbroad(session) == [junk.id]
    assert junk.needs_review and not normal.needs_review
    assert flag_overbroad(session) == []  # flagged once
