"""Deciding complaints: people decide, a verified indicator needs two analysts, and an upheld
complaint disputes the indicators, asks the provider to reinstate, marks the reports erroneous
and tells the authorities."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.complaints import outbox, policy, repository
from eucentre.complaints.policy import Status
from eucentre.complaints.service import add_event, get_complaint
from eucentre.indicators import service as indicators
from eucentre.kit.time import utcnow
from eucentre.models import (
    Complaint,
    ComplaintMessage,
)
from eucentre.platform import outbox as platform_outbox
from eucentre.reports.intake import timeline


def indicator_ids(session: Session, complaint_id: int) -> list[int]:
    return sorted({m.indicator_id for m in repository.linked_matches(session, complaint_id)})


def needs_second_analyst(session: Session, complaint_id: int) -> bool:
    """Whether any indicator behind the removal was verified when it was removed (or is now)."""
    complaint = get_complaint(session, complaint_id)
    matches = repository.linked_matches(session, complaint_id)
    ids = sorted({m.indicator_id for m in matches})
    histories = repository.indicator_histories(session, ids)
    records = [
        policy.IndicatorRecord(
            status=str(indicator.status),
            history=histories[indicator.id],
            matched_as=frozenset(
                m.indicator_status for m in matches if m.indicator_id == indicator.id
            ),
        )
        for indicator in repository.indicators(session, ids)
    ]
    start, end = policy.removal_window(
        complaint.decision_date,
        [report.received_at for report in repository.linked_reports(session, complaint_id)],
    )
    return policy.needs_second_analyst(records, start=start, end=end)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise errors.UnprocessableEntity(
            "the complainant reads the reason: write one", code="reason_required"
        )
    return reason[:4000]


def uphold(session: Session, *, actor: str, complaint_id: int, reason: str) -> Complaint:
    """The removal was a mistake. With a verified indicator behind it, the first analyst's
    uphold waits for a second, different analyst; then the effects follow."""
    complaint = get_complaint(session, complaint_id)
    reason = _reason(reason)
    try:
        step = policy.uphold(
            Status(complaint.status),
            actor=actor,
            pending_by=complaint.pending_by,
            needs_second_analyst=needs_second_analyst(session, complaint.id),
        )
    except policy.Refused as refused:
        raise errors.Conflict(str(refused), code=refused.code) from refused
    if not step.apply_effects:
        complaint.status = step.status.value
        complaint.pending_by, complaint.pending_reason = actor, reason
        add_event(session, complaint, actor=actor, kind="uphold_proposed", message=reason)
        audit.record(
            session,
            actor=actor,
            action="complaint.uphold_proposed",
            object_type="complaint",
            object_id=complaint.id,
        )
        return complaint
    audit.record(
        session,
        actor=actor,
        action="complaint.upheld",
        object_type="complaint",
        object_id=complaint.id,
        details={"proposed_by": complaint.pending_by} if complaint.pending_by else {},
    )
    complaint.status = Status.upheld.value
    complaint.decided_by, complaint.decided_at, complaint.decision_reason = actor, utcnow(), reason
    add_event(session, complaint, actor=actor, kind="upheld", message=reason)
    _apply_uphold(session, complaint, actor=actor)
    return complaint


def _apply_uphold(session: Session, complaint: Complaint, *, actor: str) -> None:
    """Dispute the indicators (they leave lookups at once), tell the provider to reinstate, mark
    the reports erroneous, and tell the authorities that received them."""
    disputed = [
        indicator_id
        for indicator_id in indicator_ids(session, complaint.id)
        if indicators.dispute_for(
            session,
            indicator_id=indicator_id,
            actor=actor,
            reason=f"complaint {complaint.number} upheld",
        )
    ]
    _send(
        session,
        complaint,
        kind=outbox.REINSTATE,
        organisation_id=complaint.provider_id,
        message=(
            f"Complaint {complaint.number} about your decision {complaint.provider_reference} was "
            f"upheld: please reinstate the content without undue delay and acknowledge. "
            f"Reason: {complaint.decision_reason}"
        ),
    )
    reports = repository.linked_reports(session, complaint.id)
    referrals = repository.referrals_of_reports(session, [r.id for r in reports])
    for report in reports:
        timeline(
            session,
            report,
            actor=actor,
            kind="erroneous",
            for_provider=True,
            message=f"A complaint ({complaint.number}) was upheld: this report was erroneous.",
            details={
                "complaint": complaint.id,
                "disputed_indicators": disputed,
                "authorities_told": sorted(
                    {r.authority_id for r in referrals if r.bundle_id == report.bundle_id}
                ),
            },
        )
    for referral in referrals:
        _send(
            session,
            complaint,
            kind=outbox.AUTHORITY_NOTE,
            organisation_id=referral.authority_id,
            referral_id=referral.id,
            message=(
                f"A complaint against the removal behind referral {referral.id} was upheld: the "
                "Centre found the content was not child sexual abuse material and the report was "
                "erroneous. Please take this into account."
            ),
        )
    add_event(
        session,
        complaint,
        actor="system",
        kind="effects",
        details={
            "disputed_indicators": disputed,
            "reports_erroneous": [r.id for r in reports],
            "referrals_told": [r.id for r in referrals],
        },
    )


def _send(
    session: Session,
    complaint: Complaint,
    *,
    kind: str,
    organisation_id: int,
    message: str,
    referral_id: int | None = None,
) -> None:
    note = ComplaintMessage(
        complaint_id=complaint.id,
        organisation_id=organisation_id,
        kind=outbox.MESSAGE_KIND[kind],
        referral_id=referral_id,
        message=message,
    )
    session.add(note)
    session.flush()
    platform_outbox.put(session, kind, {"message_id": note.id})


def reject(session: Session, *, actor: str, complaint_id: int, reason: str) -> Complaint:
    complaint = get_complaint(session, complaint_id)
    reason = _reason(reason)
    try:
        after = policy.reject(Status(complaint.status))
    except policy.Refused as refused:
        raise errors.Conflict(str(refused), code=refused.code) from refused
    complaint.status = after.value
    complaint.decided_by, complaint.decided_at, complaint.decision_reason = actor, utcnow(), reason
    add_event(session, complaint, actor=actor, kind="rejected", message=reason)
    audit.record(
        session,
        actor=actor,
        action="complaint.rejected",
        object_type="complaint",
        object_id=complaint.id,
    )
    return complaint
