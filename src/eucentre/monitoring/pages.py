"""Centre staff pages: rounds (open, close, fill in the platform's figures), and each
submission with last period's values beside it, to sign off (publish) or reject."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import ALL_STAFF, allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import Role
from eucentre.monitoring import autofill, repository, service, status
from eucentre.monitoring.registry import ROUND_FRAMEWORKS, registry
from eucentre.monitoring.timeline import ROUND_TIMELINE
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/monitoring", include_in_schema=False)

# Opening and closing rounds, and signing figures off, are the Centre's statisticians' work.
DECIDERS = {Role.analyst, Role.senior_analyst, Role.administrator}
MANAGERS = {Role.senior_analyst, Role.administrator}


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    done: str | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ALL_STAFF, page=True)),
) -> HTMLResponse:
    rounds = repository.rounds(session)
    pending = repository.submissions(session, status="pending", limit=200)
    return render(
        request,
        "monitoring_staff_index.html",
        {
            "rounds": rounds,
            "labels": {r.id: service.round_label(r) for r in rounds},
            "pending": pending,
            "frameworks": ROUND_FRAMEWORKS,
            "registry": registry(),
            "may_manage": principal.role in MANAGERS,
            "done": done,
            "this_year": date.today().year,
        },
    )


@router.post("/rounds", response_model=None)
def open_round(
    framework: str = Form(..., max_length=20),
    period: str = Form(..., max_length=4),
    deadline: date | None = Form(None),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=MANAGERS, page=True)),
) -> RedirectResponse:
    found = service.open_round(
        session, actor=principal.actor, framework=framework, period=period, deadline=deadline
    )
    autofill.fill(session, round_=found)
    return _to(f"/staff/monitoring/rounds/{found.id}?done=opened")


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    round_id: RecordId,
    request: Request,
    done: str | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ALL_STAFF, page=True)),
) -> HTMLResponse:
    found = service.get_round(session, round_id)
    return render(
        request,
        "monitoring_staff_round.html",
        {
            "round": found,
            "label": service.round_label(found),
            "framework": registry().frameworks[found.framework],
            "areas": status.by_member_state(session, found),
            "submissions": repository.submissions(session, round_id=found.id),
            "events": ROUND_TIMELINE.history(session, found.id),
            "waiting": [
                ind.code
                for ind in registry().frameworks[found.framework].indicators.values()
                if ind.by_platform and (ind.autofill or "") not in autofill.SOURCES
            ],
            "may_manage": principal.role in MANAGERS,
            "done": done,
        },
    )


@router.post("/rounds/{round_id}/close", response_model=None)
def close(
    round_id: RecordId,
    request: Request,
    confirmed: str = Form("", max_length=3),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=MANAGERS, page=True)),
) -> HTMLResponse | RedirectResponse:
    found = service.get_round(session, round_id)
    if confirmed != "yes":
        return render(
            request,
            "monitoring_confirm.html",
            {
                "action": f"/staff/monitoring/rounds/{round_id}/close",
                "back": f"/staff/monitoring/rounds/{round_id}",
                "question": "close",
                "label": service.round_label(found),
                "fields": {},
            },
        )
    service.close_round(session, actor=principal.actor, round_id=round_id)
    return _to(f"/staff/monitoring/rounds/{round_id}?done=closed")


@router.post("/rounds/{round_id}/autofill", response_model=None)
def fill(
    round_id: RecordId,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=DECIDERS, page=True)),
) -> RedirectResponse:
    found = service.get_round(session, round_id)
    if found.status != "open":
        raise service.NoOpenRound(f"the round {service.round_label(found)} is closed")
    filled = autofill.fill(session, round_=found)
    return _to(f"/staff/monitoring/rounds/{round_id}?done=filled-{len(filled.submissions)}")


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(
    submission_id: RecordId,
    request: Request,
    done: str | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ALL_STAFF, page=True)),
) -> HTMLResponse:
    found = repository.submission(session, submission_id)
    if found is None:
        raise errors.NotFound(f"no submission {submission_id}", code="unknown_submission")
    round_ = service.get_round(session, found.round_id)
    return render(
        request,
        "monitoring_staff_submission.html",
        {
            "submission": found,
            "round": round_,
            "label": service.round_label(round_),
            "rows": status.compared(session, found, round_),
            "organisation": repository.organisation(session, found.organisation_id),
            "may_decide": principal.role in DECIDERS
            and found.status == "pending"
            and found.submitted_by != principal.actor,
            "done": done,
        },
    )


@router.post("/submissions/{submission_id}/decision", response_model=None)
def decision(
    submission_id: RecordId,
    request: Request,
    outcome: Literal["publish", "reject"] = Form(...),
    note: str = Form("", max_length=2000),
    confirmed: str = Form("", max_length=3),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=DECIDERS, page=True)),
) -> HTMLResponse | RedirectResponse:
    found = repository.submission(session, submission_id)
    if found is None:
        raise errors.NotFound(f"no submission {submission_id}", code="unknown_submission")
    if confirmed != "yes":
        round_ = service.get_round(session, found.round_id)
        return render(
            request,
            "monitoring_confirm.html",
            {
                "action": f"/staff/monitoring/submissions/{submission_id}/decision",
                "back": f"/staff/monitoring/submissions/{submission_id}",
                "question": outcome,
                "label": f"{service.round_label(round_)} {found.ref_area} v{found.vintage}",
                "fields": {"outcome": outcome, "note": note},
            },
        )
    service.decide(
        session,
        actor=principal.actor,
        submission_id=submission_id,
        publish=outcome == "publish",
        note=note,
    )
    done = "published" if outcome == "publish" else "rejected"
    return _to(f"/staff/monitoring/submissions/{submission_id}?done={done}")
