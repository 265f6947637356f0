"""Analysts' decisions on reports, and the provider's answers to their questions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.indicators import service as indicators
from eucentre.indicators.service import NewCandidate
from eucentre.kit.crypto import derive_key, open_sealed, seal
from eucentre.models import Report, ReportEvent
from eucentre.reports import intake, referring, repository
from eucentre.reports.intake import set_status, timeline
from eucentre.reports.timeline import REPORT_TIMELINE
from eucentre.rules.report_status import Event
from eucentre.signals import Hashed


def _report(session: Session, report_id: int) -> Report:
    report = repository.get(session, report_id)
    if report is None:
        raise errors.NotFound(f"no report {report_id}", code="unknown_report")
    return report


def forward(
    session: Session,
    *,
    actor: str,
    report_id: int,
    authority_ids: Sequence[int],
    new_material_confirmed: bool,
) -> Report:
    """An analyst forwards the report to the authorities they chose. Confirmed new material
    becomes candidate indicators (which two analysts must still verify)."""
    report = _report(session, report_id)
    if not authority_ids:
        raise errors.UnprocessableEntity("choose at least one authority", code="no_authority")
    set_status(session, report, Event.approve, actor=actor)
    if new_material_confirmed:
        _candidates_from(session, report, actor=actor)
    referring.refer(session, report=report, authority_ids=authority_ids, actor=actor)
    return report


def _candidates_from(session: Session, report: Report, *, actor: str) -> None:
    made = 0
    for item in repository.items(session, report.id):
        if item.kind != "file":
            continue
        found = {h.signal: Hashed(h.value, h.quality, h.details) for h in item.hashes}
        for signal, value, quality in indicators.media_candidates(found):
            if value:
                indicators.create(
                    session,
                    actor=actor,
                    source_kind="assessment",
                    source_name="report assessment",
                    source_reference=f"report {report.id}",
                    candidate=NewCandidate(signal, value, quality=quality, blob_id=item.blob_id),
                )
                made += 1
    timeline(session, report, actor=actor, kind="candidates_created", details={"count": made})


def unfounded(session: Session, *, actor: str, report_id: int, reason: str) -> Report:
    report = _report(session, report_id)
    if not reason.strip():
        raise errors.UnprocessableEntity(
            "the provider is told why: give a reason", code="reason_required"
        )
    set_status(session, report, Event.reject, actor=actor)
    timeline(
        session,
        report,
        actor=actor,
        kind="unfounded",
        for_provider=True,
        message=f"The report is unfounded: {reason.strip()[:4000]}",
    )
    audit.record(
        session, actor=actor, action="report.unfounded", object_type="report", object_id=report.id
    )
    return report


def request_information(session: Session, *, actor: str, report_id: int, question: str) -> Report:
    report = _report(session, report_id)
    if not question.strip():
        raise errors.UnprocessableEntity(
            "write what the provider should send", code="question_required"
        )
    set_status(session, report, Event.request_information, actor=actor)
    timeline(
        session,
        report,
        actor=actor,
        kind="information_requested",
        for_provider=True,
        message=question.strip()[:4000],
    )
    audit.record(
        session,
        actor=actor,
        action="report.information_requested",
        object_type="report",
        object_id=report.id,
    )
    return report


ANSWER_CONTEXT = b"report-answer"


def _answer_key(secret: bytes) -> bytes:
    return derive_key(secret, "report-answers")


def event_messages(events: Iterable[ReportEvent], *, secret: bytes) -> dict[int, str]:
    """The opened text of the events whose message is sealed (providers' answers), by id."""
    return {
        event.id: open_sealed(
            _answer_key(secret), event.message_sealed, context=ANSWER_CONTEXT
        ).decode()
        for event in events
        if event.message_sealed is not None
    }


def seal_old_answers(session: Session, *, secret: bytes, limit: int = 500) -> int:
    """Seal providers' answers stored before they were sealed on write; how many."""
    events = repository.plain_answers(session, limit=limit)
    for event in events:
        event.message_sealed = seal(
            _answer_key(secret), event.message.encode(), context=ANSWER_CONTEXT
        )
        event.message = ""
    session.flush()
    return len(events)


def provider_answers(
    session: Session, *, provider: Principal, report_id: int, message: str, secret: bytes
) -> Report:
    report = intake.provider_report(session, provider=provider, report_id=report_id)
    set_status(session, report, Event.information_received, actor=provider.actor)
    # The answer is free text about people (the user, the child): sealed like the payload.
    REPORT_TIMELINE.append(
        session,
        report.id,
        actor=provider.actor,
        kind="information_received",
        message="",
        message_sealed=seal(_answer_key(secret), message[:10_000].encode(), context=ANSWER_CONTEXT),
    )
    audit.record(
        session,
        actor=provider.actor,
        action="report.information_received",
        object_type="report",
        object_id=report.id,
    )
    return report
