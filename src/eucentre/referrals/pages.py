"""Pages for authority officers: their inbox, a referral, and what they do with it."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.referrals import repository, service
from eucentre.reports import repository as reports
from eucentre.reports.intake import payload_of
from eucentre.web.i18n import N_
from eucentre.web.templating import render

router = APIRouter(prefix="/authority/referrals", include_in_schema=False)
# What officers read for the stored values (the API keeps the values).
STATUS_LABELS = {
    "pending": N_("being prepared"),
    "available": N_("available"),
    "acknowledged": N_("acknowledged"),
}
OUTCOME_LABELS = {
    service.Outcome.actionable: N_("actionable"),
    service.Outcome.not_actionable: N_("not actionable"),
    service.Outcome.not_abuse: N_("not abuse"),
    service.Outcome.investigation_opened: N_("investigation opened"),
}
AUTHORITIES = {PrincipalKind.authority}
READ = allow(organisations=AUTHORITIES, scope="referrals:read", page=True)
WRITE = allow(organisations=AUTHORITIES, scope="referrals:write", page=True)


@router.get("", response_class=HTMLResponse)
def inbox(
    request: Request, session: Session = Depends(get_session), principal: Principal = Depends(READ)
) -> HTMLResponse:
    assert principal.organisation_id is not None
    rows = repository.inbox(
        session, authority_id=principal.organisation_id, status=None, limit=200, offset=0
    )
    ids = [row.id for row in rows]
    authority_id = principal.organisation_id
    return render(
        request,
        "referral_inbox.html",
        {
            "rows": rows,
            "counts": repository.counts(session, authority_id=authority_id, referral_ids=ids),
            "unseen": repository.unseen(session, authority_id=authority_id, referral_ids=ids),
            "status_labels": STATUS_LABELS,
            "outcome_labels": OUTCOME_LABELS,
        },
    )


@router.get("/{referral_id}", response_class=HTMLResponse)
def detail(
    referral_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> HTMLResponse:
    referral = service.read(session, principal=principal, referral_id=referral_id)
    secret = request.app.state.settings.secret
    seen = referral.seen_version
    carried = service.forwarded(session, referral)
    bundle = [
        {
            "report": report,
            "payload": payload_of(report, secret=secret),
            "matches": reports.matches(session, report.id),
            "content": reports.items(session, report.id),
            "version": row.package_version,
            # New to the officer: added after the version they last downloaded or acknowledged.
            "new": seen is not None and (row.package_version or 0) > seen,
        }
        for report, row in carried
    ]
    return render(
        request,
        "referral_detail.html",
        {
            "referral": referral,
            "bundle": bundle,
            "new_count": sum(1 for entry in bundle if entry["new"]),
            "to_acknowledge": any(report.status == "referred" for report, _ in carried),
            "versions": service.versions(session, referral),
            "outcomes": [o.value for o in service.Outcome],
            "status_labels": STATUS_LABELS,
            "outcome_labels": OUTCOME_LABELS,
        },
    )


def _back(referral_id: int) -> RedirectResponse:
    return RedirectResponse(f"/authority/referrals/{referral_id}", status_code=303)


@router.post("/{referral_id}/acknowledge", response_model=None)
def acknowledge(
    referral_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> RedirectResponse:
    service.acknowledge(session, principal=principal, referral_id=referral_id)
    return _back(referral_id)


@router.post("/{referral_id}/outcome", response_model=None)
def outcome(
    referral_id: RecordId,
    outcome: str = Form(..., max_length=32),
    note: str = Form("", max_length=4000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> RedirectResponse:
    try:
        chosen = service.Outcome(outcome)
    except ValueError as bad:
        raise errors.UnprocessableEntity(
            "choose one of the outcomes", code="invalid_outcome"
        ) from bad
    service.record_outcome(
        session, principal=principal, referral_id=referral_id, outcome=chosen, note=note
    )
    return _back(referral_id)


@router.post("/{referral_id}/hold", response_model=None)
def hold(
    referral_id: RecordId,
    until: str = Form(..., max_length=10),
    reason: str = Form(..., max_length=2000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> RedirectResponse:
    try:
        day = datetime.strptime(until, "%Y-%m-%d").date()
    except ValueError as bad:
        raise errors.UnprocessableEntity(
            "give the date as YYYY-MM-DD", code="invalid_date"
        ) from bad
    if not reason.strip():
        raise errors.UnprocessableEntity("give a reason for the hold", code="reason_required")
    service.hold(
        session,
        principal=principal,
        referral_id=referral_id,
        until=datetime.combine(day, time(23, 59), tzinfo=UTC),
        reason=reason,
    )
    return _back(referral_id)
