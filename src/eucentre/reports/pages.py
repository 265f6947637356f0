"""Analyst pages for reports: queues by priority and age, the report page, decisions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import after_commit, get_session
from eucentre.kit.ids import RecordId
from eucentre.models import Role
from eucentre.reports import repository, review
from eucentre.reports.intake import payload_of
from eucentre.rules.report_status import Status, allowed_events
from eucentre.signals import registry
from eucentre.web.previews import preview_response
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/reports", include_in_schema=False)
ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = ANALYSTS | {Role.auditor}

QUEUES = {
    "review": (Status.awaiting_review,),
    "waiting": (Status.more_information_requested,),
    "assessing": (Status.received, Status.assessing, Status.awaiting_files),
    "referred": (Status.ready_to_refer, Status.referred, Status.acknowledged),
    "unfounded": (Status.unfounded,),
}


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    queue: str = "review",
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    if queue not in QUEUES:
        raise errors.NotFound(f"no queue {queue!r}", code="unknown_queue")
    rows = repository.queue(session, statuses=QUEUES[queue], limit=200)
    return render(
        request, "report_queue.html", {"rows": rows, "queue": queue, "queues": list(QUEUES)}
    )


@router.get("/{report_id}", response_class=HTMLResponse)
def detail(
    report_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    report = repository.get(session, report_id)
    if report is None:
        raise errors.NotFound(f"no report {report_id}", code="unknown_report")
    # The report's data holds personal data: every read is audited.
    audit.record(
        session,
        actor=principal.actor,
        action="report.viewed",
        object_type="report",
        object_id=report.id,
    )
    events = repository.events(session, report.id)
    return render(
        request,
        "report_detail.html",
        {
            "report": report,
            "payload": payload_of(report, secret=request.app.state.settings.secret),
            "items": repository.items(session, report.id),
            "signal_labels": {s.name: s.label for s in registry.in_reports()},
            "matches": repository.matches(session, report.id),
            "events": events,
            "opened": review.event_messages(events, secret=request.app.state.settings.secret),
            "authorities": repository.authorities(session),
            "suggested": set(report.routing.get("member_states", [])),
            "events_allowed": {e.value for e in allowed_events(report.status)},
            "may_decide": principal.role in ANALYSTS,
        },
    )


@router.get("/{report_id}/files/{item_id}")
def file_preview(
    report_id: RecordId,
    item_id: RecordId,
    request: Request,
    reveal: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> Response:
    """A file of the report: blurred greyscale unless revealed; each reveal is audited."""
    item = repository.item(session, report_id=report_id, item_id=item_id)
    if item is None or not item.blob_id or item.media_type != "image":
        raise errors.NotFound("no image with this id in the report", code="no_media")
    return preview_response(
        request,
        session,
        principal=principal,
        blob_id=item.blob_id,
        reveal=reveal,
        audit_action="report.media_revealed",
        object_type="report_item",
        object_id=item.id,
        details={"report": report_id},
    )


def _back(report_id: RecordId) -> RedirectResponse:
    return RedirectResponse(f"/staff/reports/{report_id}", status_code=303)


@router.post("/{report_id}/forward", response_model=None)
async def forward(
    report_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> RedirectResponse:
    form = await request.form()
    try:
        authority_ids = [
            int(value) for value in form.getlist("authority") if isinstance(value, str)
        ]
    except ValueError as bad:
        raise errors.UnprocessableEntity(
            "authorities are chosen by id", code="invalid_authority"
        ) from bad
    await run_in_threadpool(
        review.forward,
        session,
        actor=principal.actor,
        report_id=report_id,
        authority_ids=authority_ids,
        new_material_confirmed=form.get("confirm_new_material") == "yes",
    )
    after_commit(request, request.app.state.tasks.relay_outbox)
    return _back(report_id)


@router.post("/{report_id}/unfounded", response_model=None)
def unfounded(
    report_id: RecordId,
    reason: str = Form("", max_length=4000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> RedirectResponse:
    review.unfounded(session, actor=principal.actor, report_id=report_id, reason=reason)
    return _back(report_id)


@router.post("/{report_id}/request-information", response_model=None)
def request_information(
    report_id: RecordId,
    question: str = Form("", max_length=4000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> RedirectResponse:
    review.request_information(
        session, actor=principal.actor, report_id=report_id, question=question
    )
    return _back(report_id)
