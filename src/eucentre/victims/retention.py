"""Retention: a case and everything derived from it is deleted once `victims_retention_days`
(EUCENTRE_VICTIMS_RETENTION_DAYS, default 365) have passed since its withdrawal or, for an open
case, since its last activity (the person's last look or change, or the last match).

An open case that expires first leaves the review-first list like a withdrawn one (`remove`
changes). `remove` changes outlive the case by another retention period, so a provider that
reads the list late still removes; `add` changes go with the case. Rate-limit records go after
a day; the sealed PINs kept for replays after 15 minutes, replay records after a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from eucentre.audit import service as audit
from eucentre.kit.time import utcnow
from eucentre.victims import repository, service
from eucentre.victims.submissions import PIN_REPLAY, REPLAY_WINDOW

ACTOR = "system:retention"
BATCH = 200


def delete_expired(session: Session, *, retention: timedelta, now: datetime | None = None) -> int:
    """Delete one batch of expired cases; how many."""
    now = now or utcnow()
    expired = repository.expired_cases(
        session, withdrawn_before=now - retention, inactive_before=now - retention, limit=BATCH
    )
    for case in expired:
        service.withdraw(session, case=case)  # an open case leaves the list first
        case_id = case.id
        session.expunge(case)
        repository.delete_case_rows(session, case_id)
        audit.record(
            session,
            actor=ACTOR,
            action="victim_case.deleted",
            object_type="victim_case",
            object_id=case_id,
        )
    session.flush()
    return len(expired)


def tidy(session: Session, *, retention: timedelta, now: datetime | None = None) -> int:
    """Old removals, rate-limit records, replayed PINs and replay records; how many removals."""
    now = now or utcnow()
    removed = repository.prune_removals(session, now - retention)
    repository.prune_attempts(session, now - timedelta(days=1), pins_before=now - PIN_REPLAY)
    repository.old_submissions(session, now - REPLAY_WINDOW)
    orphans = repository.orphan_feedback(session, limit=1000)
    for row in orphans:
        session.delete(row)
    session.flush()
    return removed
