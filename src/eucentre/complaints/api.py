"""The providers' complaint API (forward a complaint, read outcomes, acknowledge
reinstatement) and the authorities' notices of upheld complaints about what they received."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.complaints import repository, service
from eucentre.complaints.schemas import (
    ComplaintList,
    ComplaintOut,
    MessageOut,
    NoticeList,
    NoticeOut,
    ProviderComplaintIn,
)
from eucentre.db import get_session
from eucentre.kit.ids import MAX_ID, RecordId
from eucentre.kit.time import as_utc
from eucentre.models import Complaint, ComplaintMessage

router = APIRouter(tags=["complaints"], responses=errors.responses(*errors.ACCESS))
# Providers forward complaints and acknowledge reinstatement with "complaints:write", and read
# the complaints about their own service with "complaints:read" (which "complaints:write"
# includes).
PROVIDER = allow(organisations={PrincipalKind.provider}, scope="complaints:write")
PROVIDER_READ = allow(organisations={PrincipalKind.provider}, scope="complaints:read")
AUTHORITY_READ = allow(organisations={PrincipalKind.authority}, scope="referrals:read")
AUTHORITY_WRITE = allow(organisations={PrincipalKind.authority}, scope="referrals:write")


def _zone(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment else None


def _out(session: Session, complaint: Complaint, organisation_id: int) -> ComplaintOut:
    return ComplaintOut(
        id=complaint.id,
        number=complaint.number,
        channel=complaint.channel,
        status=complaint.status,
        provider_reference=complaint.provider_reference,
        complaint_reference=complaint.external_reference,
        received_at=as_utc(complaint.received_at),
        deadline_at=as_utc(complaint.deadline_at),
        decided_at=_zone(complaint.decided_at),
        decision_reason=complaint.decision_reason,
        linked_reports=repository.linked_report_ids(session, complaint.id),
        messages=[
            MessageOut(
                id=m.id,
                kind=m.kind,
                message=m.message,
                available_at=_zone(m.available_at),
                acknowledged_at=_zone(m.acknowledged_at),
            )
            for m in repository.messages(session, complaint.id, organisation_id=organisation_id)
        ],
    )


@router.post(
    "/api/v1/complaints",
    status_code=201,
    response_model=ComplaintOut,
    responses={
        200: {"description": "A replay with the same complaint_reference"},
        **errors.responses(errors.UnprocessableEntity),
    },
)
def forward(
    body: ProviderComplaintIn,
    request: Request,
    response: Response,
    session: Session = Depends(get_session),
    principal: Principal = Depends(PROVIDER),
) -> ComplaintOut:
    """Forward a complaint your user made about your decision (DSA Art. 20) when it rests on
    the Centre's indicators. A replay with the same `complaint_reference` returns the first."""
    complaint, created = service.submit_from_provider(
        session,
        provider=principal,
        data=body,
        secret=request.app.state.settings.secret,
        limits=service.limits_from(request.app.state.settings),
    )
    if not created:
        response.status_code = 200
    assert principal.organisation_id is not None
    return _out(session, complaint, principal.organisation_id)


@router.get("/api/v1/complaints", response_model=ComplaintList)
def list_complaints(
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_ID),
    session: Session = Depends(get_session),
    principal: Principal = Depends(PROVIDER_READ),
) -> ComplaintList:
    """Complaints about your service, from your users through you or through the Centre's public
    form; newest first."""
    assert principal.organisation_id is not None
    rows = repository.for_provider(
        session, provider_id=principal.organisation_id, limit=limit, offset=offset
    )
    return ComplaintList(complaints=[_out(session, c, principal.organisation_id) for c in rows])


@router.get(
    "/api/v1/complaints/{complaint_id}",
    response_model=ComplaintOut,
    responses=errors.responses(errors.NotFound),
)
def read(
    complaint_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(PROVIDER_READ),
) -> ComplaintOut:
    """The complaint's outcome and, when upheld, the Centre's request to reinstate."""
    complaint = service.provider_complaint(session, provider=principal, complaint_id=complaint_id)
    assert principal.organisation_id is not None
    return _out(session, complaint, principal.organisation_id)


@router.post(
    "/api/v1/complaints/{complaint_id}/acknowledge",
    response_model=ComplaintOut,
    responses=errors.responses(errors.NotFound, errors.InvalidTransition),
)
def acknowledge(
    complaint_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(PROVIDER),
) -> ComplaintOut:
    """Confirm you reinstated the content of an upheld complaint."""
    complaint = service.acknowledge_reinstatement(
        session, provider=principal, complaint_id=complaint_id
    )
    assert principal.organisation_id is not None
    return _out(session, complaint, principal.organisation_id)


def _notice(message: ComplaintMessage) -> NoticeOut:
    return NoticeOut(
        id=message.id,
        referral_id=message.referral_id,
        message=message.message,
        available_at=_zone(message.available_at),
        acknowledged_at=_zone(message.acknowledged_at),
    )


@router.get("/api/v1/complaint-notices", response_model=NoticeList)
def notices(
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_ID),
    session: Session = Depends(get_session),
    principal: Principal = Depends(AUTHORITY_READ),
) -> NoticeList:
    """Upheld complaints about reports your authority received through a referral: the report
    was erroneous."""
    assert principal.organisation_id is not None
    rows = repository.notices_for_authority(
        session, authority_id=principal.organisation_id, limit=limit, offset=offset
    )
    return NoticeList(notices=[_notice(row) for row in rows])


@router.post(
    "/api/v1/complaint-notices/{notice_id}/acknowledge",
    response_model=NoticeOut,
    responses=errors.responses(errors.NotFound),
)
def acknowledge_notice(
    notice_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(AUTHORITY_WRITE),
) -> NoticeOut:
    return _notice(service.acknowledge_notice(session, authority=principal, notice_id=notice_id))
