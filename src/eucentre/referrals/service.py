"""Referring bundles to authorities, relaying packages through the outbox, and what authorities
do with them: acknowledge, report an outcome, ask for a hold."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.complaints import outbox as complaint_outbox
from eucentre.db import transaction
from eucentre.indicators import service as indicators
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Organisation, OutboxMessage, Referral, Report
from eucentre.referrals import package, repository
from eucentre.reports import repository as reports
from eucentre.reports.intake import set_status, timeline
from eucentre.rules.report_status import Event, Status

log = logging.getLogger(__name__)
MAX_HOLD = timedelta(days=548)  # 18 months
PUBLISH = "referral.publish"
MAX_BACKOFF = timedelta(hours=1)


class Outcome(StrEnum):
    actionable = "actionable"
    not_actionable = "not_actionable"
    not_abuse = "not_abuse"
    investigation_opened = "investigation_opened"


def targets(session: Session, member_states: Sequence[str]) -> list[Organisation]:
    """The authorities of the Member States, plus Europol, which receives every referral."""
    found = reports.authorities_for(session, tuple(member_states))
    europol = reports.europol(session)
    return found + ([europol] if europol is not None else [])


def refer(
    session: Session,
    *,
    report: Report,
    member_states: Sequence[str] = (),
    authority_ids: Sequence[int] | None = None,
    actor: str,
) -> list[Referral]:
    """Refer the report's bundle to the authorities (one referral per bundle and authority, so a
    viral item is one referral however many reports join it)."""
    assert report.bundle_id is not None
    if authority_ids is not None:
        chosen = [org for org in reports.authorities(session) if org.id in set(authority_ids)]
    else:
        chosen = targets(session, member_states)
    if not chosen:
        raise errors.UnprocessableEntity("no authority to refer to", code="no_authority")
    made = []
    for authority in chosen:
        referral = repository.for_bundle(
            session, bundle_id=report.bundle_id, authority_id=authority.id
        )
        if referral is None:
            referral = Referral(
                bundle_id=report.bundle_id, authority_id=authority.id, urgent=report.urgent
            )
            session.add(referral)
            session.flush()
        referral.urgent = referral.urgent or report.urgent
        session.add(OutboxMessage(kind=PUBLISH, payload={"referral_id": referral.id}))
        made.append(referral)
    set_status(session, report, Event.refer, actor=actor)
    timeline(
        session,
        report,
        actor=actor,
        kind="referred",
        for_provider=True,
        message="The report was forwarded to the competent law-enforcement authorities.",
        details={"authorities": [org.id for org in chosen]},
    )
    audit.record(
        session,
        actor=actor,
        action="report.referred",
        object_type="report",
        object_id=report.id,
        details={"authorities": [org.id for org in chosen], "bundle": report.bundle_id},
    )
    return made


def relay_outbox(
    factory: sessionmaker[Session], *, blobs: BlobStore, secret: bytes, limit: int = 50
) -> int:
    """Deliver due outbox messages, each in its own transaction; failures wait and retry."""
    with transaction(factory) as session:
        due = [message.id for message in repository.due_outbox(session, now=utcnow(), limit=limit)]
    delivered = 0
    for message_id in due:
        try:
            with transaction(factory) as session:
                message = session.get(OutboxMessage, message_id)
                if message is None or message.delivered_at is not None:
                    continue
                _deliver(session, message, blobs=blobs, secret=secret)
                message.delivered_at = utcnow()
                delivered += 1
        except Exception as failure:  # noqa: BLE001 - recorded on the message and retried
            log.warning(
                "outbox delivery failed",
                extra={"message_id": message_id, "error": type(failure).__name__},
            )
            with transaction(factory) as session:
                message = session.get(OutboxMessage, message_id)
                if message is not None:
                    message.attempts += 1
                    message.last_error = f"{type(failure).__name__}: {failure}"[:2000]
                    message.next_attempt_at = utcnow() + min(
                        MAX_BACKOFF, timedelta(seconds=2**message.attempts)
                    )
    return delivered


def _deliver(session: Session, message: OutboxMessage, *, blobs: BlobStore, secret: bytes) -> None:
    if complaint_outbox.handles(message.kind):
        complaint_outbox.deliver(session, message)
        return
    if message.kind != PUBLISH:
        raise ValueError(f"unknown outbox message kind {message.kind!r}")
    referral = session.get(Referral, message.payload["referral_id"])
    if referral is None:
        return
    built = package.build(session, referral=referral, blobs=blobs, secret=secret)
    old = referral.package_blob_id
    referral.package_blob_id = blobs.put(built.data)
    referral.package_sha256 = built.sha256
    if referral.status == "pending":
        referral.status = "available"
        referral.available_at = utcnow()
    if old:
        blobs.delete(old)


def _own(session: Session, principal: Principal, referral_id: int) -> Referral:
    assert principal.organisation_id is not None
    referral = repository.of_authority(
        session, authority_id=principal.organisation_id, referral_id=referral_id
    )
    if referral is None:
        raise errors.NotFound(f"no referral {referral_id}", code="unknown_referral")
    return referral


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
    if referral.acknowledged_at is not None:
        return referral  # acknowledging twice changes nothing
    referral.status = "acknowledged"
    referral.acknowledged_at = utcnow()
    for report in reports.reports_in_bundle(session, referral.bundle_id):
        if report.status == Status.referred:
            set_status(session, report, Event.acknowledge, actor=principal.actor)
    audit.record(
        session,
        actor=principal.actor,
        action="referral.acknowledged",
        object_type="referral",
        object_id=referral.id,
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
    for report in reports.reports_in_bundle(session, referral.bundle_id):
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
    for report in reports.reports_in_bundle(session, referral.bundle_id):
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
