"""What authorities do with their referrals: read, acknowledge, report an outcome, ask for a
hold. Each acts on the reports forwarded to that authority only, never on the rest of the
bundle (other Member States' reports, or ones not referred)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.indicators import service as indicators
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Referral, ReferralPackage, ReferralReport, Report
from eucentre.referrals import repository
from eucentre.reports import repository as reports
from eucentre.reports.intake import set_status, timeline
from eucentre.rules.report_status import Event, Status

log = logging.getLogger(__name__)
MAX_HOLD = timedelta(days=548)  # 18 months


class Outcome(StrEnum):
    actionable = "actionable"
    not_actionable = "not_actionable"
    not_abuse = "not_abuse"
    investigation_opened = "investigation_opened"


def _own(session: Session, principal: Principal, referral_id: int) -> Referral:
    assert principal.organisation_id is not None
    referral = repository.of_authority(
        session, authority_id=principal.organisation_id, referral_id=referral_id
    )
    if referral is None:
        raise errors.NotFound(f"no referral {referral_id}", code="unknown_referral")
    return referral


def forwarded(session: Session, referral: Referral) -> list[tuple[Report, ReferralReport]]:
    """The reports the referral's current package carries, with when each was added."""
    return repository.forwarded(
        session, authority_id=referral.authority_id, referral_id=referral.id
    )


def versions(session: Session, referral: Referral) -> list[ReferralPackage]:
    return repository.versions(session, authority_id=referral.authority_id, referral_id=referral.id)


def _reports(session: Session, referral: Referral) -> list[Report]:
    return [report for report, _ in forwarded(session, referral)]


def _seen(referral: Referral) -> None:
    if referral.package_version is not None:
        referral.seen_version = max(referral.seen_version or 0, referral.package_version)


def downloaded(session: Session, *, principal: Principal, referral: Referral) -> None:
    """The authority holds the current version now: what it adds is no longer new."""
    _seen(referral)
    audit.record(
        session,
        actor=principal.actor,
        action="referral.package_downloaded",
        object_type="referral",
        object_id=referral.id,
        details={"version": referral.package_version},
    )


def read(session: Session, *, principal: Principal, referral_id: int) -> Referral:
    referral = _own(session, principal, referral_id)
    audit.record(
        session,
        actor=principal.actor,
        action="referral.read",
        object_type="referral",
        object_id=referral.id,
    )
    return referral


def acknowledge(session: Session, *, principal: Principal, referral_id: int) -> Referral:
    referral = _own(session, principal, referral_id)
    fresh = [r for r in _reports(session, referral) if r.status == Status.referred]
    if referral.acknowledged_at is not None and not fresh:
        _seen(referral)
        return referral  # acknowledging twice changes nothing
    # Reports added in a later version are acknowledged in turn; the first acknowledgement's
    # time stays.
    referral.status = "acknowledged"
    referral.acknowledged_at = referral.acknowledged_at or utcnow()
    _seen(referral)
    for report in fresh:
        set_status(session, report, Event.acknowledge, actor=principal.actor)
    audit.record(
        session,
        actor=principal.actor,
        action="referral.acknowledged",
        object_type="referral",
        object_id=referral.id,
        details={"version": referral.package_version},
    )
    return referral


def record_outcome(
    session: Session, *, principal: Principal, referral_id: int, outcome: Outcome, note: str
) -> Referral:
    referral = _own(session, principal, referral_id)
    if referral.acknowledged_at is None:
        raise errors.InvalidTransition(
            "acknowledge the referral before recording an outcome", code="not_acknowledged"
        )
    referral.outcome, referral.outcome_note, referral.outcome_at = (
        outcome.value,
        note[:4000],
        utcnow(),
    )
    disputed = []
    # The authority judged what it was sent: its outcome (and a 'not abuse' dispute) concerns
    # those reports alone.
    for report in _reports(session, referral):
        timeline(
            session,
            report,
            actor=principal.actor,
            kind="authority_outcome",
            details={"outcome": outcome.value, "referral": referral.id},
        )
        if outcome is Outcome.not_abuse:
            for match in reports.matches(session, report.id):
                if indicators.dispute_for(
                    session,
                    indicator_id=match.indicator_id,
                    actor=principal.actor,
                    reason=f"authority outcome 'not abuse' on referral {referral.id}",
                ):
                    disputed.append(match.indicator_id)
    audit.record(
        session,
        actor=principal.actor,
        action="referral.outcome",
        object_type="referral",
        object_id=referral.id,
        details={"outcome": outcome.value, "disputed": disputed},
    )
    return referral


def hold(
    session: Session, *, principal: Principal, referral_id: int, until: datetime, reason: str
) -> Referral:
    """Ask the provider not to inform the user and not to remove the content, up to 18 months."""
    referral = _own(session, principal, referral_id)
    now = utcnow()
    until = as_utc(until)
    if until <= now or until - now > MAX_HOLD:
        raise errors.UnprocessableEntity(
            "a hold ends in the future and within 18 months", code="invalid_hold"
        )
    referral.hold_until = until
    for report in _reports(session, referral):
        report.hold_until = until
        timeline(
            session,
            report,
            actor=principal.actor,
            kind="hold",
            for_provider=True,
            message=f"Law enforcement asks you not to inform the user and not to remove or disable "
            f"the content until {until.date().isoformat()}.",
            details={"referral": referral.id, "reason": reason[:2000]},
        )
    audit.record(
        session,
        actor=principal.actor,
        action="referral.hold",
        object_type="referral",
        object_id=referral.id,
        details={"until": until.isoformat()},
    )
    return referral
