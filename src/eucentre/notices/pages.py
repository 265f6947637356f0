"""Staff pages of the notices: the notices (held ones say why), one notice with its URLs, sends
and timeline, the hosts (and the unknown hosts to resolve), and the measures of removal."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth import repository as organisations
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import OrganisationKind, Role
from eucentre.notices import holds, hosts, measures, repository
from eucentre.notices.models import Host, Notice
from eucentre.notices.timeline import NOTICE_TIMELINE
from eucentre.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)
ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = allow(roles=ANALYSTS | {Role.auditor}, page=True)
ACT = allow(roles=ANALYSTS, page=True)
STATUSES = ("pending", "sent", "acknowledged", "removal_claimed", "held", "removed")


def _hosts_by_id(session: Session, notices: list[Notice]) -> dict[int, Host]:
    return {h.id: h for h in repository.hosts(session, limit=10_000)} if notices else {}


@router.get("/notices", response_class=HTMLResponse)
def index(
    request: Request,
    status: str = "",
    session: Session = Depends(get_session),
    _: Principal = Depends(READERS),
) -> HTMLResponse:
    chosen = status if status in STATUSES else ""
    rows = repository.notices(session, statuses=[chosen] if chosen else None)
    return render(
        request,
        "notices_index.html",
        {
            "rows": rows,
            "hosts": _hosts_by_id(session, rows),
            "label": hosts.label,
            "statuses": STATUSES,
            "status": chosen,
            "counts": repository.count_by_status(session),
            "unknown": len(repository.unknown_host_items(session)),
        },
    )


@router.get("/notices/measures", response_class=HTMLResponse)
def measures_page(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(READERS),
) -> HTMLResponse:
    return render(
        request,
        "notices_measures.html",
        {
            "by_host": measures.removal_times(session, by="host"),
            "by_country": measures.removal_times(session, by="country"),
            "overall": measures.removal_times(session, by="all"),
            "reuploads": measures.reupload_rate(session),
        },
    )


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
def detail(
    notice_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(READERS),
) -> HTMLResponse:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise errors.NotFound(f"no notice {notice_id}", code="unknown_notice")
    items = repository.items(session, notice.id)
    held = repository.holds_by_ids(session, [i.hold_id for i in items if i.hold_id])
    secret = request.app.state.settings.secret
    message = repository.open_message(session, notice)
    return render(
        request,
        "notices_detail.html",
        {
            "notice": notice,
            "host": session.get(Host, notice.host_id),
            "label": hosts.label,
            "items": items,
            "holds": {
                i: (
                    h,
                    repository.organisation(session, h.authority_id),
                    holds.reason_of(h, secret=secret),
                )
                for i, h in held.items()
            },
            "sends": repository.sends(session, notice.id),
            "events": NOTICE_TIMELINE.history(session, notice.id),
            "escalated_to": repository.organisation(session, notice.escalated_to),
            "last_error": message.last_error if message is not None else "",
        },
    )


@router.get("/hosts", response_class=HTMLResponse)
def hosts_page(
    request: Request,
    added: int | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READERS),
) -> HTMLResponse:
    providers = [
        o for o in organisations.organisations(session) if o.kind == OrganisationKind.provider
    ]
    return render(
        request,
        "notices_hosts.html",
        {
            "hosts": repository.hosts(session),
            "label": hosts.label,
            "names": {o.id: o.name for o in providers},
            "providers": providers,
            "unknown": repository.unknown_host_items(session),
            "may_act": principal.role in ANALYSTS,
            "added": added,
        },
    )


@router.post("/hosts", response_model=None)
def add_host(
    domain: str = Form(..., max_length=253),
    organisation: str = Form("", max_length=200),
    abuse_email: str = Form("", max_length=320),
    country: str = Form("", max_length=2),
    session: Session = Depends(get_session),
    principal: Principal = Depends(ACT),
) -> RedirectResponse:
    host = hosts.add(
        session,
        actor=principal.actor,
        domain=domain,
        organisation_name=organisation or None,
        abuse_email=abuse_email or None,
        country=country or None,
    )
    return RedirectResponse(f"/staff/hosts?added={host.id}", status_code=303)
