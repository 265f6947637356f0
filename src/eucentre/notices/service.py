"""What providers, the re-checks and the schedules do to notices: acknowledge, report removed
(the Centre then verifies), verified removals and reappearances, escalation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.kit.time import as_utc, utcnow
from eucentre.notices import intake, repository
from eucentre.notices.models import Host, Notice, NoticeItem
from eucentre.notices.timeline import NOTICE_TIMELINE

# After a verified removal: re-checks for reappearance 1, 7 and 30 days later.
REAPPEARANCE_CHECKS = (timedelta(days=1), timedelta(days=7), timedelta(days=30))
# A check that could not tell (a 5xx, a time-out): tried again this much later.
INCONCLUSIVE_RETRY = timedelta(hours=1)
GONE = ("gone_404", "gone_410", "host_gone", "no_longer_matching")


def provider_notice(session: Session, *, provider: Principal, notice_id: int) -> Notice:
    assert provider.organisation_id is not None
    notice = repository.provider_notice(
        session, organisation_id=provider.organisation_id, notice_id=notice_id
    )
    if notice is None:
        raise errors.NotFound(f"no notice {notice_id} for your organisation", code="unknown_notice")
    return notice


def acknowledge(session: Session, *, provider: Principal, notice_id: int) -> Notice:
    notice = provider_notice(session, provider=provider, notice_id=notice_id)
    if notice.acknowledged_at is None:
        notice.acknowledged_at = utcnow()
        NOTICE_TIMELINE.append(session, notice.id, actor=provider.actor, kind="acknowledged")
        audit.record(
            session,
            actor=provider.actor,
            action="notice.acknowledged",
            object_type="notice",
            object_id=notice.id,
        )
        intake.refresh(session, notice)
    return notice


def report_removed(session: Session, *, provider: Principal, notice_id: int) -> Notice:
    """The provider says it removed the URLs: believed only once the re-fetch confirms."""
    notice = provider_notice(session, provider=provider, notice_id=notice_id)
    if notice.status == "removed":
        return notice
    now = utcnow()
    if notice.removal_claimed_at is None:
        notice.removal_claimed_at = now
        NOTICE_TIMELINE.append(session, notice.id, actor=provider.actor, kind="removal_claimed")
        audit.record(
            session,
            actor=provider.actor,
            action="notice.removal_claimed",
            object_type="notice",
            object_id=notice.id,
        )
    for item in repository.items(session, notice.id):
        if item.status == repository.ONLINE:
            item.next_check_at = now  # verify at the next re-check
    intake.refresh(session, notice)
    return notice


@dataclass(frozen=True)
class CheckResult:
    """What re-fetching an item's URL found: `outcome` is one of GONE (removed), "present"
    (still serving matching media), or anything else (inconclusive)."""

    outcome: str
    detail: str = ""


def record_check(session: Session, item: NoticeItem, result: CheckResult) -> None:
    now = utcnow()
    item.checks += 1
    item.last_checked_at = now
    item.last_check_result = (result.outcome + (f": {result.detail}" if result.detail else ""))[:40]
    notice = session.get(Notice, item.notice_id) if item.notice_id else None
    if item.status == repository.ONLINE:
        if result.outcome in GONE:
            item.status = repository.REMOVED
            item.removed_at = now
            item.removal_reason = result.outcome
            item.reappearance_stage = 0
            item.next_check_at = now + REAPPEARANCE_CHECKS[0]
            if notice is not None:
                NOTICE_TIMELINE.append(
                    session,
                    notice.id,
                    actor=intake.SYSTEM,
                    kind="url_removed",
                    details={"item": item.id, "reason": result.outcome},
                )
                intake.refresh(session, notice)
                if notice.status == "removed":
                    NOTICE_TIMELINE.append(session, notice.id, actor=intake.SYSTEM, kind="removed")
        elif result.outcome == "present":
            item.next_check_at = now + intake.RECHECK_ONLINE
        else:
            item.next_check_at = now + INCONCLUSIVE_RETRY
        return
    # Removed: a reappearance check.
    if result.outcome == "present":
        item.reappeared_at = now
        item.next_check_at = None
        if notice is not None:
            NOTICE_TIMELINE.append(
                session,
                notice.id,
                actor=intake.SYSTEM,
                kind="reappeared",
                details={"item": item.id},
            )
        intake.add_sighting(
            session,
            intake.Sighting(
                url=item.url,
                host_name=item.host_name,
                page_url=item.page_url,
                address=item.address,
                indicator_ids=item.indicator_ids,
                lists=item.lists,
                md5=item.md5,
                pdq=item.pdq,
                source=f"notices:reappeared:{item.id}",
            ),
        )
        return
    if result.outcome in GONE:
        item.reappearance_stage += 1
        if item.reappearance_stage < len(REAPPEARANCE_CHECKS):
            removed = as_utc(item.removed_at or now)
            item.next_check_at = removed + REAPPEARANCE_CHECKS[item.reappearance_stage]
        else:
            item.next_check_at = None
    else:
        item.next_check_at = now + INCONCLUSIVE_RETRY


def escalate_due(
    session: Session, *, escalate_after: timedelta, now: datetime | None = None
) -> int:
    """Notices not acted on (not removed, no removal reported) `escalate_after` after their first
    send go to the authority of the host's country (an authority organisation of that country)."""
    now = now or utcnow()
    done = 0
    for notice in repository.to_escalate(session, sent_before=now - escalate_after):
        host = session.get(Host, notice.host_id)
        if host is None or not host.country:
            continue
        authority = repository.authority_of_country(session, host.country)
        if authority is None:
            continue
        notice.escalated_at = now
        notice.escalated_to = authority.id
        NOTICE_TIMELINE.append(
            session,
            notice.id,
            actor=intake.SYSTEM,
            kind="escalated",
            details={"authority_id": authority.id, "country": host.country},
        )
        audit.record(
            session,
            actor=intake.SYSTEM,
            action="notice.escalated",
            object_type="notice",
            object_id=notice.id,
            details={"authority_id": authority.id},
        )
        done += 1
    return done
