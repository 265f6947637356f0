"""Analyst pages: the candidate queue, an indicator's page, and the decisions on it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.indicators import accounting, guard, repository, service
from eucentre.kit.ids import RecordId
from eucentre.models import IndicatorStatus, Role
from eucentre.rules.indicator_status import Action
from eucentre.web.previews import preview_response
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/indicators", include_in_schema=False)

ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = ANALYSTS | {Role.auditor}
# Reinstating a disputed indicator or retiring one overrides another person's or the system's
# decision, so it is for senior analysts.
WHO_MAY = {
    Action.confirm: ANALYSTS,
    Action.reject: ANALYSTS,
    Action.dispute: ANALYSTS,
    Action.reinstate: {Role.senior_analyst},
    Action.retire: {Role.senior_analyst},
}


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    status: IndicatorStatus = IndicatorStatus.candidate,
    review: bool = False,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    rows = repository.queue(
        session,
        status=IndicatorStatus.verified if review else status,
        limit=200,
        needs_review=True if review else None,
    )
    return render(
        request,
        "indicator_queue.html",
        {
            "rows": rows,
            "status": status,
            "review": review,
            "counts": repository.count_by_status(session),
            "statuses": list(IndicatorStatus),
        },
    )


@router.get("/{indicator_id}", response_class=HTMLResponse)
def detail(
    indicator_id: RecordId,
    request: Request,
    reveal: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    indicator = repository.get(session, indicator_id)
    if indicator is None:
        raise errors.NotFound(f"no indicator {indicator_id}", code="unknown_indicator")
    audit.record(
        session,
        actor=principal.actor,
        action="indicator.viewed",
        object_type="indicator",
        object_id=indicator.id,
    )
    return render(
        request,
        "indicator_detail.html",
        {
            "indicator": indicator,
            "sources": repository.sources(session, indicator.id),
            "events": repository.events(session, indicator.id),
            "matches": repository.matches_of(session, indicator.id),
            "match_count": repository.match_count(session, indicator.id),
            "confirmed_by": sorted(repository.confirmers(session, indicator.id)),
            "guard_hits": guard.hits(session, indicator.signal, indicator.value),
            "accounting": accounting.for_indicator(session, indicator.id),
            "reveal": reveal,
            "may": {action.value: principal.role in roles for action, roles in WHO_MAY.items()},
        },
    )


@router.get("/{indicator_id}/media")
def media(
    indicator_id: RecordId,
    request: Request,
    reveal: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> Response:
    """The source media: blurred greyscale by default; revealed on request, and every reveal
    is audited."""
    indicator = repository.get(session, indicator_id)
    if indicator is None or not indicator.source_blob_id:
        raise errors.NotFound("this indicator has no source media", code="no_media")
    return preview_response(
        request,
        session,
        principal=principal,
        blob_id=indicator.source_blob_id,
        reveal=reveal,
        audit_action="indicator.media_revealed",
        object_type="indicator",
        object_id=indicator.id,
    )


def _decision_route(action: Action):  # type: ignore[no-untyped-def]
    def decide(
        indicator_id: RecordId,
        reason: str = Form("", max_length=2000),
        session: Session = Depends(get_session),
        principal: Principal = Depends(allow(roles=WHO_MAY[action], page=True)),
    ) -> RedirectResponse:
        service.decide(
            session, actor=principal.actor, indicator_id=indicator_id, action=action, reason=reason
        )
        return RedirectResponse(f"/staff/indicators/{indicator_id}", status_code=303)

    decide.__name__ = f"{action.value}_indicator"
    return decide


for _action in Action:
    router.add_api_route(
        f"/{{indicator_id}}/{_action.value}",
        _decision_route(_action),
        methods=["POST"],
        response_model=None,
    )


@router.post("/{indicator_id}/clear-review", response_model=None)
def clear_review(
    indicator_id: RecordId,
    reason: str = Form("", max_length=2000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles={Role.senior_analyst}, page=True)),
) -> RedirectResponse:
    service.clear_review(session, actor=principal.actor, indicator_id=indicator_id, reason=reason)
    return RedirectResponse(f"/staff/indicators/{indicator_id}", status_code=303)
