"""Retention: a case and everything derived from it goes 12 months (the setting) after its
withdrawal or last activity; an open case leaves the review-first list first; late readers of
the list still get the removals for another period; nothing else is touched."""

from __future__ import annotations

from datetime import timedelta

from huey import MemoryHuey
from sqlalchemy import func, select

from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.victims import retention, service
from eucentre.victims.hashes import SubmittedHash
from eucentre.victims.models import (
    VictimCase,
    VictimEvent,
    VictimHash,
    VictimHashChange,
    VictimSubmission,
)
from eucentre.worker import TaskQueue
from tests.victims.test_matching import new_case


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def digest(n: int) -> SubmittedHash:
    return SubmittedHash("sha256", f"{n:02d}" + "ab" * 31)


def test_cases_go_a_year_after_withdrawal_or_last_activity(settings, session_factory) -> None:
    year = timedelta(days=settings.victims_retention_days)
    assert settings.victims_retention_days == 365
    with transaction(session_factory) as session:
        withdrawn_long_ago = new_case(session, [digest(1)])
        service.withdraw(session, case=withdrawn_long_ago)
        withdrawn_long_ago.withdrawn_at = utcnow() - year - timedelta(days=1)
        idle = new_case(session, [digest(2)])
        idle.last_activity_at = utcnow() - year - timedelta(days=1)
        recent = new_case(session, [digest(3)])
        service.withdraw(session, case=recent)
        active = new_case(session, [digest(4)])
        kept = {recent.id, active.id}
    queue = TaskQueue(settings, session_factory=session_factory, huey=MemoryHuey())
    assert queue.run("victims_retention") == 2
    with transaction(session_factory) as session:
        assert set(session.scalars(select(VictimCase.id))) == kept
        assert {h.case_id for h in session.scalars(select(VictimHash))} == kept
        assert {e.case_id for e in session.scalars(select(VictimEvent))} == kept
        changes = [(c.op, c.value[:2]) for c in session.scalars(select(VictimHashChange))]
    # The idle case left the list before going; the deleted cases' additions went with them.
    assert sorted(changes) == sorted(
        [("remove", "01"), ("remove", "02"), ("add", "03"), ("remove", "03"), ("add", "04")]
    )
    # A year later still, the removals of deleted cases are pruned too.
    with transaction(session_factory) as session:
        retention.tidy(session, retention=year, now=utcnow() + year + timedelta(days=1))
        assert [c.value[:2] for c in session.scalars(select(VictimHashChange))].count("01") == 0
        assert count(session, VictimSubmission) == 0 and count(session, VictimCase) == 2
