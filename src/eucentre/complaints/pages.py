"""Analyst pages: the complaint queue with age and deadline, a complaint with its evidence side
by side, the decision (uphold with four eyes, or reject), and the error accounting."""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.complaints import decisions, policy, repository, service
from eucentre.db import after_commit, get_session
from eucentre.indicators import accounting
from eucentre.kit.ids import RecordId
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Role
from eucentre.reports import repository as reports
from eucentre.rules.precision import as_percent
from eucentre.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = ANALYSTS | {Role.auditor}
QUEUES = {
    "open": (policy.Status.open.value, policy.Status.pending_uphold.value),
    "second-opinion": (policy.Status.pending_uphold.value,),
    "decided": (policy.Status.upheld.value, policy.Status.rejected.value),
}


@router.get("/complaints", response_class=HTMLResponse)
def queue(
    request: Request,
    queue: Literal["open", "second-opinion", "decided"] = "open",
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    now = utcnow()
    rows = [
        {
            "complaint": c,
            "age_days": (now - as_utc(c.received_at)).days,
            "days_left": (as_utc(c.deadline_at) - now).days,
            "overdue": service.overdue(c, now),
        }
        for c in repository.queue(session, statuses=QUEUES[queue], limit=200)
    ]
    return render(
        request,
        "complaint_queue.html",
        {
            "rows": rows,
            "queue": queue,
            "queues": list(QUEUES),
            "counts": repository.count_by_status(session),
        },
    )


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def detail(
    complaint_id: RecordId,
    request: Request,
    reveal: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    complaint = repository.get(session, complaint_id)
    if complaint is None:
        raise errors.NotFound(f"no complaint {complaint_id}", code="unknown_complaint")
    audit.record(
        session,
        actor=principal.actor,
        action="complaint.viewed",
        object_type="complaint",
        object_id=complaint.id,
    )
    matches = repository.linked_matches(session, complaint.id)
    indicator_rows = repository.indicators(session, sorted({m.indicator_id for m in matches}))
    items = {
        item.id: item
        for report_id in {m.report_id for m in matches}
        for item in reports.items(session, report_id)
    }
    settings = request.app.state.settings
    status = policy.Status(complaint.status)
    return render(
        request,
        "complaint_detail.html",
        {
            "complaint": complaint,
            "text": service.text_of(complaint, secret=settings.secret),
            "contact": service.contact_of(complaint, secret=settings.secret)
            if principal.role in ANALYSTS
            else None,
            "provider": repository.provider(session, complaint.provider_id),
            "reports": repository.linked_reports(session, complaint.id),
            "duplicates": repository.possible_duplicates(session, complaint),
            "matches": matches,
            "items": items,
            "indicators": {i.id: i for i in indicator_rows},
            "sources": {i.id: repository.indicator_sources(session, i.id) for i in indicator_rows},
            "histories": {i.id: repository.indicator_events(session, i.id) for i in indicator_rows},
            "tallies": {i.id: accounting.for_indicator(session, i.id) for i in indicator_rows},
            "as_percent": as_percent,
            "events": repository.events(session, complaint.id),
            "messages": repository.messages(session, complaint.id),
            "reveal": reveal,
            "needs_second": decisions.needs_second_analyst(session, complaint.id),
            "may_decide": principal.role in ANALYSTS and status not in policy.DECIDED,
            "pending_mine": complaint.pending_by == principal.actor,
            "overdue": service.overdue(complaint),
        },
    )


@router.post("/complaints/{complaint_id}/uphold", response_model=None)
def uphold(
    complaint_id: RecordId,
    request: Request,
    reason: str = Form("", max_length=4000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> RedirectResponse:
    complaint = decisions.uphold(
        session, actor=principal.actor, complaint_id=complaint_id, reason=reason
    )
    if complaint.status == policy.Status.upheld:
        after_commit(request, request.app.state.tasks.relay_outbox)
    return RedirectResponse(f"/staff/complaints/{complaint_id}", status_code=303)


@router.post("/complaints/{complaint_id}/reject", response_model=None)
def reject(
    complaint_id: RecordId,
    reason: str = Form("", max_length=4000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> RedirectResponse:
    decisions.reject(session, actor=principal.actor, complaint_id=complaint_id, reason=reason)
    return RedirectResponse(f"/staff/complaints/{complaint_id}", status_code=303)


@router.get("/accounting", response_class=HTMLResponse)
def accounting_page(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    tables = accounting.everything(session)
    return render(
        request,
        "accounting.html",
        {
            "tables": {name: rows[:200] for name, rows in tables.items()},
            "total": accounting.totals(tables["method"]),
            "as_percent": as_percent,
        },
    )


@router.get("/accounting/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_accounting(
    indicator_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    return render(
        request,
        "accounting_indicator.html",
        {
            "indicator_id": indicator_id,
            "tally": accounting.for_indicator(session, indicator_id),
            "as_percent": as_percent,
        },
    )


@router.get("/accounting/export", response_model=None)
def export(
    format: Literal["csv", "json"] = "csv",
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> Response:
    """For the transparency statistics: every dimension's counts and precision."""
    tables = accounting.everything(session)
    audit.record(
        session,
        actor=principal.actor,
        action="accounting.exported",
        object_type="accounting",
        object_id=format,
    )
    if format == "csv":
        return Response(
            accounting.as_csv(tables),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="error-accounting.csv"'},
        )
    return Response(
        json.dumps(accounting.as_json(tables), indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="error-accounting.json"'},
    )
