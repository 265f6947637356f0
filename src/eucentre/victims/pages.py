"""Analysts' pages: the queue of cases with matches, and a case with its hashes (each with its
precision from providers' verdicts), matches and timeline; proposing a hash as a candidate
indicator. A case page never shows the person's contact unless they gave one, and only on an
explicit, audited request."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import Role
from eucentre.rules.precision import as_percent
from eucentre.victims import feedback, proposals, repository, service
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/victims", include_in_schema=False)
ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = ANALYSTS | {Role.auditor}


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    rows = repository.cases_with_matches(session, limit=200)
    return render(
        request,
        "victims_queue.html",
        {"rows": rows, "open_cases": repository.count_open(session)},
    )


def _case(session: Session, case_id: int):  # type: ignore[no-untyped-def]
    case = repository.case(session, case_id)
    if case is None:
        raise errors.NotFound(f"no case {case_id}", code="unknown_case")
    return case


@router.get("/{case_id}", response_class=HTMLResponse)
def detail(
    case_id: RecordId,
    request: Request,
    contact: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    case = _case(session, case_id)
    audit.record(
        session,
        actor=principal.actor,
        action="victim_case.viewed",
        object_type="victim_case",
        object_id=case.id,
    )
    shown_contact = None
    if contact and case.contact_sealed is not None and principal.role in ANALYSTS:
        shown_contact = service.contact_of(case, secret=request.app.state.settings.secret)
        audit.record(
            session,
            actor=principal.actor,
            action="victim_case.contact_read",
            object_type="victim_case",
            object_id=case.id,
        )
    held = repository.hashes(session, case.id)
    matches = repository.matches(session, case.id)
    scores = feedback.scores(session, [(h.signal, h.value) for h in held])
    return render(
        request,
        "victims_case.html",
        {
            "case": case,
            "hashes": held,
            "scores": {h.id: scores[(h.signal, h.value)] for h in held},
            "as_percent": as_percent,
            "matches": matches,
            "items": repository.items(session, [m.item_id for m in matches if m.item_id]),
            "events": repository.events(session, case.id),
            "seen": proposals.seen_items(session, actor=principal.actor, case_id=case.id),
            "may_propose": principal.role in ANALYSTS,
            "has_contact": case.contact_sealed is not None,
            "contact": shown_contact,
        },
    )


@router.post("/{case_id}/hashes/{hash_id}/propose", response_model=None)
def propose(
    case_id: RecordId,
    hash_id: RecordId,
    request: Request,
    confirm: str = Form("", max_length=8),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=ANALYSTS, page=True)),
) -> HTMLResponse | RedirectResponse:
    """Asks first (a page with a confirming button); then puts the hash through the four-eyes
    flow as a candidate indicator."""
    case = _case(session, case_id)
    victim_hash = repository.hash_of_case(session, case_id=case.id, hash_id=hash_id)
    if victim_hash is None:
        raise errors.NotFound("no such hash in this case", code="unknown_hash")
    if confirm != "yes":
        return render(request, "victims_propose_confirm.html", {"case": case, "hash": victim_hash})
    indicator, _created = proposals.propose(
        session, actor=principal.actor, case_id=case.id, hash_id=victim_hash.id
    )
    return RedirectResponse(f"/staff/indicators/{indicator.id}", status_code=303)
