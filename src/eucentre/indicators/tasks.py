"""Background checks on the indicator lists."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre.audit import service as audit
from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.kit.time import utcnow
from eucentre.models import IndicatorEvent
from eucentre.platform.tasks import Periodic, TaskContext
from eucentre.rules.indicator_status import OVERBROAD_WINDOW_DAYS, is_overbroad


def flag_overbroad(session: Session) -> list[int]:
    """Flag verified indicators that matched unusually many distinct items (junk hashes that
    catch everything) for an analyst's review; they stay distributed until someone decides."""
    since = utcnow() - timedelta(days=OVERBROAD_WINDOW_DAYS)
    flagged = []
    for indicator_id, distinct in repository.distinct_items_matched(session, since=since).items():
        indicator = repository.get(session, indicator_id)
        if indicator is None or indicator.needs_review or not is_overbroad(distinct):
            continue
        indicator.needs_review = True
        session.add(
            IndicatorEvent(
                indicator_id=indicator_id,
                actor="system",
                kind="flagged_overbroad",
                reason=f"matched {distinct} distinct items in {OVERBROAD_WINDOW_DAYS} days",
            )
        )
        audit.record(
            session,
            actor="system",
            action="indicator.flagged_overbroad",
            object_type="indicator",
            object_id=indicator_id,
            details={"distinct_items": distinct},
        )
        flagged.append(indicator_id)
    session.flush()
    return flagged


def flag_overbroad_indicators(context: TaskContext) -> list[int]:
    """Every quarter hour: send junk-looking indicators to review."""
    with transaction(context.session_factory) as session:
        return flag_overbroad(session)


TASKS = (Periodic("flag_overbroad_indicators", flag_overbroad_indicators, minute="*/15"),)
