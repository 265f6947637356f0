"""Every query of the victims domain. The person sees one case, by number and PIN; providers see
the review-first list (hashes only, never a case); analysts see cases. Scopes are in the query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from eucentre.models import (
    AuditEntry,
    Indicator,
    IndicatorChange,
    IndicatorStatus,
    Organisation,
    Referral,
    ReferralReport,
    Report,
    ReportItem,
)
from eucentre.victims.models import (
    VictimAttempt,
    VictimCase,
    VictimCounter,
    VictimEvent,
    VictimFeedback,
    VictimHash,
    VictimHashChange,
    VictimMatch,
    VictimSubmission,
)
from eucentre.victims.timeline import VICTIM_TIMELINE

OPEN = "open"
FEED_HEAD = "feed_head"
INDICATOR_CURSOR = "indicator_cursor"


# --- cases ------------------------------------------------------------------------------------


def case(session: Session, case_id: int) -> VictimCase | None:
    return session.get(VictimCase, case_id)


def case_by_number(session: Session, number: str) -> VictimCase | None:
    return session.scalar(select(VictimCase).where(VictimCase.number == number))


def number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(VictimCase.id).where(VictimCase.number == number)) is not None


def pin_digest_of(session: Session, number: str) -> str | None:
    return session.scalar(select(VictimCase.pin_digest).where(VictimCase.number == number))


def hashes(session: Session, case_id: int) -> list[VictimHash]:
    return list(
        session.scalars(
            select(VictimHash).where(VictimHash.case_id == case_id).order_by(VictimHash.id)
        )
    )


def hash_of_case(session: Session, *, case_id: int, hash_id: int) -> VictimHash | None:
    return session.scalar(
        select(VictimHash).where(VictimHash.id == hash_id, VictimHash.case_id == case_id)
    )


def events(session: Session, case_id: int) -> list[VictimEvent]:
    return VICTIM_TIMELINE.history(session, case_id)


def cases_with_matches(session: Session, *, limit: int) -> list[tuple[VictimCase, int, datetime]]:
    """Cases with at least one match, the most recently matched first, with their count."""
    rows = session.execute(
        select(VictimCase, func.count(VictimMatch.id), func.max(VictimMatch.matched_at))
        .join(VictimMatch, VictimMatch.case_id == VictimCase.id)
        .group_by(VictimCase.id)
        .order_by(func.max(VictimMatch.matched_at).desc(), VictimCase.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).where(VictimCase.status == OPEN)) or 0


# --- the hashes that match ----------------------------------------------------------------------


def active_hashes(session: Session, signal: str) -> list[VictimHash]:
    """Every hash of `signal` still in matching (its case open), in id order."""
    return list(
        session.scalars(
            select(VictimHash)
            .join(VictimCase, VictimCase.id == VictimHash.case_id)
            .where(
                VictimHash.signal == signal,
                VictimHash.withdrawn_at.is_(None),
                VictimCase.status == OPEN,
            )
            .order_by(VictimHash.id)
        )
    )


def active_with_values(session: Session, signal: str, values: Iterable[str]) -> list[VictimHash]:
    wanted = sorted(set(values))
    if not wanted:
        return []
    return list(
        session.scalars(
            select(VictimHash)
            .join(VictimCase, VictimCase.id == VictimHash.case_id)
            .where(
                VictimHash.signal == signal,
                VictimHash.value.in_(wanted),
                VictimHash.withdrawn_at.is_(None),
                VictimCase.status == OPEN,
            )
            .order_by(VictimHash.id)
        )
    )


def unchecked_hashes(session: Session, *, limit: int) -> list[VictimHash]:
    """Active hashes not yet compared with the verified indicators."""
    return list(
        session.scalars(
            select(VictimHash)
            .join(VictimCase, VictimCase.id == VictimHash.case_id)
            .where(
                VictimHash.indicators_checked_at.is_(None),
                VictimHash.withdrawn_at.is_(None),
                VictimCase.status == OPEN,
            )
            .order_by(VictimHash.id)
            .limit(limit)
        )
    )


def verified_indicators(session: Session, signal: str, values: Sequence[str]) -> list[Indicator]:
    from eucentre.indicators.repository import value_digest

    if not values:
        return []
    return list(
        session.scalars(
            select(Indicator).where(
                Indicator.signal == signal,
                Indicator.value_digest.in_([value_digest(v) for v in values]),
                Indicator.status == IndicatorStatus.verified,
            )
        )
    )


def indicator_additions(session: Session, *, cursor: int, limit: int) -> list[IndicatorChange]:
    return list(
        session.scalars(
            select(IndicatorChange)
            .where(IndicatorChange.seq > cursor, IndicatorChange.op == "add")
            .order_by(IndicatorChange.seq)
            .limit(limit)
        )
    )


def last_indicator_change(session: Session) -> int:
    return session.scalar(select(func.max(IndicatorChange.seq))) or 0


def match_exists(
    session: Session, *, hash_id: int, item_id: int | None, indicator_id: int | None
) -> bool:
    query = select(VictimMatch.id).where(VictimMatch.hash_id == hash_id)
    if item_id is not None:
        query = query.where(VictimMatch.item_id == item_id)
    if indicator_id is not None:
        query = query.where(VictimMatch.indicator_id == indicator_id)
    return session.scalar(query.limit(1)) is not None


def matches(session: Session, case_id: int) -> list[VictimMatch]:
    return list(
        session.scalars(
            select(VictimMatch)
            .where(VictimMatch.case_id == case_id)
            .order_by(VictimMatch.matched_at, VictimMatch.id)
        )
    )


def matches_of_report(session: Session, report_id: int) -> list[VictimMatch]:
    return list(
        session.scalars(
            select(VictimMatch).where(VictimMatch.report_id == report_id).order_by(VictimMatch.id)
        )
    )


def items(session: Session, item_ids: Iterable[int]) -> dict[int, ReportItem]:
    wanted = sorted(set(item_ids))
    if not wanted:
        return {}
    rows = session.scalars(select(ReportItem).where(ReportItem.id.in_(wanted)))
    return {row.id: row for row in rows}


# --- what Art. 20 information is made of --------------------------------------------------------


def matched_reports(session: Session, case_id: int) -> list[tuple[Report, Organisation]]:
    """The reports with an item matching the case, each once, with the provider that sent it."""
    report_ids = select(VictimMatch.report_id).where(
        VictimMatch.case_id == case_id, VictimMatch.report_id.is_not(None)
    )
    rows = session.execute(
        select(Report, Organisation)
        .join(Organisation, Organisation.id == Report.provider_id)
        .where(Report.id.in_(report_ids))
        .order_by(Report.received_at, Report.id)
    )
    return [(row[0], row[1]) for row in rows]


def forwardings(
    session: Session, report_ids: Sequence[int]
) -> list[tuple[ReferralReport, Organisation]]:
    """When each of these reports was forwarded, and to which authority (only the authorities
    that received these reports, not others with a referral of the same bundle)."""
    if not report_ids:
        return []
    rows = session.execute(
        select(ReferralReport, Organisation)
        .join(Referral, Referral.id == ReferralReport.referral_id)
        .join(Organisation, Organisation.id == Referral.authority_id)
        .where(ReferralReport.report_id.in_(list(report_ids)))
        .order_by(ReferralReport.forwarded_at, ReferralReport.id)
    )
    return [(row[0], row[1]) for row in rows]


def removals(
    session: Session, signal_values: Sequence[tuple[str, str]]
) -> list[tuple[VictimFeedback, Organisation]]:
    """Providers' statements that they removed material matching these hashes."""
    found: list[tuple[VictimFeedback, Organisation]] = []
    for signal, value in sorted(set(signal_values)):
        rows = session.execute(
            select(VictimFeedback, Organisation)
            .join(Organisation, Organisation.id == VictimFeedback.organisation_id)
            .where(
                VictimFeedback.signal == signal,
                VictimFeedback.value == value,
                VictimFeedback.removed_at.is_not(None),
            )
        )
        found += [(row[0], row[1]) for row in rows]
    return found


# --- providers' verdicts ------------------------------------------------------------------------


def feedback_of(
    session: Session, *, signal: str, value: str, organisation_id: int
) -> VictimFeedback | None:
    return session.scalar(
        select(VictimFeedback).where(
            VictimFeedback.signal == signal,
            VictimFeedback.value == value,
            VictimFeedback.organisation_id == organisation_id,
        )
    )


def verdict_counts(
    session: Session, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (signal, value), how many providers gave each verdict."""
    counts: dict[tuple[str, str], dict[str, int]] = {pair: {} for pair in pairs}
    for signal, value in set(pairs):
        rows = session.execute(
            select(VictimFeedback.verdict, func.count())
            .where(VictimFeedback.signal == signal, VictimFeedback.value == value)
            .group_by(VictimFeedback.verdict)
        )
        counts[(signal, value)] = {verdict: count for verdict, count in rows}
    return counts


# --- the review-first list's feed ---------------------------------------------------------------


def next_seq(session: Session) -> int:
    """The next number of the feed, under the head's row lock (held until commit)."""
    session.execute(
        update(VictimCounter)
        .where(VictimCounter.name == FEED_HEAD)
        .values(value=VictimCounter.value + 1)
    )
    seq = session.scalar(select(VictimCounter.value).where(VictimCounter.name == FEED_HEAD))
    if seq is None:
        raise RuntimeError("victim_counters has no feed head: run `eucentre db upgrade`")
    return seq


def changes_since(
    session: Session, *, signal: str | None, cursor: int, limit: int
) -> list[VictimHashChange]:
    query = select(VictimHashChange).where(VictimHashChange.seq > cursor)
    if signal:
        query = query.where(VictimHashChange.signal == signal)
    return list(session.scalars(query.order_by(VictimHashChange.seq).limit(limit)))


def counter(session: Session, name: str) -> int:
    return session.scalar(select(VictimCounter.value).where(VictimCounter.name == name)) or 0


def set_counter(session: Session, name: str, value: int) -> None:
    session.execute(update(VictimCounter).where(VictimCounter.name == name).values(value=value))


# --- rate limits and replays ----------------------------------------------------------------------


def attempts_since(session: Session, subject: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(VictimAttempt.subject == subject, VictimAttempt.at >= since)
        )
        or 0
    )


def last_attempt(session: Session, subject: str, since: datetime) -> datetime | None:
    return session.scalar(
        select(func.max(VictimAttempt.at)).where(
            VictimAttempt.subject == subject, VictimAttempt.at >= since
        )
    )


def forget_attempts(session: Session, subject: str) -> None:
    session.execute(delete(VictimAttempt).where(VictimAttempt.subject == subject))


def submission_by_key(session: Session, key_digest: str) -> VictimSubmission | None:
    return session.scalar(select(VictimSubmission).where(VictimSubmission.key_digest == key_digest))


def recent_submission(
    session: Session, client_request_digest: str, since: datetime
) -> VictimSubmission | None:
    return session.scalar(
        select(VictimSubmission)
        .where(
            VictimSubmission.client_request_digest == client_request_digest,
            VictimSubmission.created_at >= since,
        )
        .limit(1)
    )


# --- analysts -------------------------------------------------------------------------------------


def revealed_items(session: Session, *, actor: str, item_ids: Iterable[int]) -> set[int]:
    """Which of these report items the analyst has looked at unblurred (the audited reveal)."""
    wanted = [str(i) for i in sorted(set(item_ids))]
    if not wanted:
        return set()
    found = session.scalars(
        select(AuditEntry.object_id).where(
            AuditEntry.action == "report.media_revealed",
            AuditEntry.actor == actor,
            AuditEntry.object_type == "report_item",
            AuditEntry.object_id.in_(wanted),
        )
    )
    return {int(object_id) for object_id in found}


# --- retention ------------------------------------------------------------------------------------


def expired_cases(
    session: Session, *, withdrawn_before: datetime, inactive_before: datetime, limit: int
) -> list[VictimCase]:
    return list(
        session.scalars(
            select(VictimCase)
            .where(
                (
                    VictimCase.withdrawn_at.is_not(None)
                    & (VictimCase.withdrawn_at < withdrawn_before)
                )
                | ((VictimCase.status == OPEN) & (VictimCase.last_activity_at < inactive_before))
            )
            .order_by(VictimCase.id)
            .limit(limit)
        )
    )


def delete_case_rows(session: Session, case_id: int) -> None:
    """Everything the case holds, then the case."""
    hash_ids = select(VictimHash.id).where(VictimHash.case_id == case_id)
    session.execute(
        delete(VictimHashChange).where(
            VictimHashChange.hash_id.in_(hash_ids), VictimHashChange.op == "add"
        )
    )
    for model in (VictimMatch, VictimEvent, VictimSubmission, VictimHash):
        session.execute(delete(model).where(model.case_id == case_id))  # type: ignore[attr-defined]
    session.execute(delete(VictimCase).where(VictimCase.id == case_id))


def orphan_feedback(session: Session, *, limit: int) -> list[VictimFeedback]:
    """Verdicts on values that no case holds any more."""
    held = select(VictimHash.id).where(
        VictimHash.signal == VictimFeedback.signal, VictimHash.value == VictimFeedback.value
    )
    return list(session.scalars(select(VictimFeedback).where(~held.exists()).limit(limit)))


def prune_removals(session: Session, before: datetime) -> int:
    """`remove` changes older than `before` whose hash is gone with its case."""
    gone = ~select(VictimHash.id).where(VictimHash.id == VictimHashChange.hash_id).exists()
    result = session.execute(
        delete(VictimHashChange).where(
            VictimHashChange.op == "remove", VictimHashChange.at < before, gone
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def prune_attempts(session: Session, before: datetime, *, pins_before: datetime) -> None:
    session.execute(delete(VictimAttempt).where(VictimAttempt.at < before))
    session.execute(
        update(VictimSubmission)
        .where(VictimSubmission.created_at < pins_before, VictimSubmission.pin_sealed.is_not(None))
        .values(pin_sealed=None)
    )


def old_submissions(session: Session, before: datetime) -> None:
    session.execute(delete(VictimSubmission).where(VictimSubmission.created_at < before))
