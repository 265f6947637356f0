"""The providers' notice API (scopes notices:read and notices:write): their notices, and their
answers. A provider reads only the notices of the hosts mapped to it, once sent."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.kit.ids import MAX_ID, RecordId
from eucentre.kit.time import as_utc
from eucentre.notices import intake, repository, service
from eucentre.notices.models import Notice
from eucentre.notices.schemas import NoticeList, NoticeOut

router = APIRouter(tags=["notices"], responses=errors.responses(*errors.ACCESS))
READ = allow(organisations={PrincipalKind.provider}, scope="notices:read")
WRITE = allow(organisations={PrincipalKind.provider}, scope="notices:write")


def _out(session: Session, notice: Notice, *, contact: str) -> NoticeOut:
    items = intake.to_send(repository.items(session, notice.id))
    zone = lambda moment: as_utc(moment) if moment else None  # noqa: E731
    return NoticeOut(
        id=notice.id,
        status=notice.status,
        urls=[item.url for item in items],
        first_sent_at=zone(notice.first_sent_at),
        last_sent_at=zone(notice.last_sent_at),
        sends=notice.sends,
        reupload_of=notice.reupload_of,
        lists=sorted({name for item in items for name in item.lists}),
        contact_point=contact,
        acknowledged_at=zone(notice.acknowledged_at),
        removal_claimed_at=zone(notice.removal_claimed_at),
        removed_at=zone(notice.removed_at),
    )


@router.get("/api/v1/notices", response_model=NoticeList)
def list_notices(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_ID),
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> NoticeList:
    """The notices sent to your organisation about URLs on your service; newest first."""
    assert principal.organisation_id is not None
    rows = repository.for_provider(
        session, organisation_id=principal.organisation_id, limit=limit, offset=offset
    )
    contact = request.app.state.settings.notice_contact
    return NoticeList(notices=[_out(session, n, contact=contact) for n in rows])


@router.get(
    "/api/v1/notices/{notice_id}",
    response_model=NoticeOut,
    responses=errors.responses(errors.NotFound),
)
def read(
    notice_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> NoticeOut:
    notice = service.provider_notice(session, provider=principal, notice_id=notice_id)
    return _out(session, notice, contact=request.app.state.settings.notice_contact)


@router.post(
    "/api/v1/notices/{notice_id}/acknowledge",
    response_model=NoticeOut,
    responses=errors.responses(errors.NotFound),
)
def acknowledge(
    notice_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> NoticeOut:
    """Say you received the notice and are considering it."""
    notice = service.acknowledge(session, provider=principal, notice_id=notice_id)
    return _out(session, notice, contact=request.app.state.settings.notice_contact)


@router.post(
    "/api/v1/notices/{notice_id}/removed",
    response_model=NoticeOut,
    responses=errors.responses(errors.NotFound),
)
def removed(
    notice_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> NoticeOut:
    """Say you removed the URLs. The Centre re-fetches them to verify; the notice is `removed`
    once it has."""
    notice = service.report_removed(session, provider=principal, notice_id=notice_id)
    return _out(session, notice, contact=request.app.state.settings.notice_contact)
