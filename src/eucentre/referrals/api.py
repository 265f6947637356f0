"""The authorities' API: their inbox, the package, acknowledgement, outcome and holds."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.kit.blobstore import BlobNotFound
from eucentre.kit.ids import MAX_ID, RecordId
from eucentre.kit.inputs import BoundedDatetime
from eucentre.kit.time import as_utc
from eucentre.models import Referral
from eucentre.referrals import repository, service

router = APIRouter(
    prefix="/api/v1/referrals", tags=["referrals"], responses=errors.responses(*errors.ACCESS)
)
AUTHORITIES = {PrincipalKind.authority}
READ = allow(organisations=AUTHORITIES, scope="referrals:read")
WRITE = allow(organisations=AUTHORITIES, scope="referrals:write")


class ForwardedReportOut(BaseModel):
    report_id: int
    forwarded_at: datetime
    # The package version that first carried the report: 1 for the first package, a later
    # one for a report forwarded after the authority received the package.
    added_in_version: int
    # Added after the version you last downloaded or acknowledged (every report until you did).
    new: bool


class PackageVersionOut(BaseModel):
    # 0 is a package built before referrals carried only their own reports (superseded).
    version: int
    sha256: str
    built_at: datetime
    report_count: int | None


class ReferralOut(BaseModel):
    id: int
    status: str
    urgent: bool
    created_at: datetime
    available_at: datetime | None
    acknowledged_at: datetime | None
    outcome: str | None
    hold_until: datetime | None
    report_count: int
    package_sha256: str | None
    # Set once the package was deleted at the end of its retention (downloads then get 410).
    package_deleted_at: datetime | None = None
    # The version package_sha256 belongs to; a report forwarded later makes a new version.
    package_version: int | None = None
    # The last version you downloaded or acknowledged.
    seen_version: int | None = None
    # Exactly the reports forwarded to your authority that the current package carries.
    reports: list[ForwardedReportOut] = []
    # The reports the current version adds to the previous one.
    new_in_version: list[int] = []
    # Every version built, oldest first, with its checksum.
    package_versions: list[PackageVersionOut] = []


def _out(session: Session, referral: Referral) -> ReferralOut:
    def zone(moment: datetime | None) -> datetime | None:
        return as_utc(moment) if moment else None

    carried = service.forwarded(session, referral)
    seen = referral.seen_version

    return ReferralOut(
        id=referral.id,
        status=referral.status,
        urgent=referral.urgent,
        created_at=as_utc(referral.created_at),
        available_at=zone(referral.available_at),
        acknowledged_at=zone(referral.acknowledged_at),
        outcome=referral.outcome,
        hold_until=zone(referral.hold_until),
        report_count=len(carried),
        package_sha256=referral.package_sha256,
        package_deleted_at=zone(referral.package_deleted_at),
        package_version=referral.package_version,
        seen_version=seen,
        reports=[
            ForwardedReportOut(
                report_id=report.id,
                forwarded_at=as_utc(row.forwarded_at),
                added_in_version=row.package_version or 0,
                new=seen is None or (row.package_version or 0) > seen,
            )
            for report, row in carried
        ],
        new_in_version=[
            report.id
            for report, row in carried
            if referral.package_version and row.package_version == referral.package_version
        ],
        package_versions=[
            PackageVersionOut(
                version=v.version,
                sha256=v.sha256,
                built_at=as_utc(v.built_at),
                report_count=v.report_count,
            )
            for v in service.versions(session, referral)
        ],
    )


class ReferralList(BaseModel):
    referrals: list[ReferralOut]


@router.get("", response_model=ReferralList)
def inbox(
    status: str | None = Query(None, max_length=20),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_ID),
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> ReferralList:
    """Referrals for your authority: urgent first, then oldest first."""
    assert principal.organisation_id is not None
    rows = repository.inbox(
        session, authority_id=principal.organisation_id, status=status, limit=limit, offset=offset
    )
    return ReferralList(referrals=[_out(session, row) for row in rows])


@router.get(
    "/{referral_id}", response_model=ReferralOut, responses=errors.responses(errors.NotFound)
)
def read(
    referral_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> ReferralOut:
    return _out(session, service.read(session, principal=principal, referral_id=referral_id))


@router.get(
    "/{referral_id}/package",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The package"},
        **errors.responses(errors.NotFound, errors.Conflict, errors.Gone),
    },
)
def download(
    referral_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> Response:
    """The package: a ZIP with referral.json, the files, and manifest.sha256."""
    referral = service.read(session, principal=principal, referral_id=referral_id)
    if referral.package_deleted_at:
        raise errors.Gone(
            "the package was deleted at the end of its retention "
            f"on {referral.package_deleted_at:%Y-%m-%d}",
            code="package_deleted",
        )
    if not referral.package_blob_id:
        raise errors.Conflict(
            "the package is being prepared; try again shortly", code="package_not_ready"
        )
    try:
        data = request.app.state.blobs.get(referral.package_blob_id)
    except BlobNotFound as gone:
        raise errors.Gone("the package is no longer kept", code="package_deleted") from gone
    service.downloaded(session, principal=principal, referral=referral)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="referral-{referral.id}.zip"',
            "X-Package-SHA256": referral.package_sha256 or "",
            "X-Package-Version": str(referral.package_version or ""),
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/{referral_id}/acknowledge",
    response_model=ReferralOut,
    responses=errors.responses(errors.NotFound),
)
def acknowledge(
    referral_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> ReferralOut:
    return _out(session, service.acknowledge(session, principal=principal, referral_id=referral_id))


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: service.Outcome
    note: str = Field("", max_length=4000)


@router.post(
    "/{referral_id}/outcome",
    response_model=ReferralOut,
    responses=errors.responses(
        errors.NotFound, errors.InvalidTransition, errors.UnprocessableEntity
    ),
)
def outcome(
    referral_id: RecordId,
    body: OutcomeIn,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> ReferralOut:
    """What came of it. `not_abuse` disputes the indicators that matched, at once."""
    return _out(
        session,
        service.record_outcome(
            session,
            principal=principal,
            referral_id=referral_id,
            outcome=body.outcome,
            note=body.note,
        ),
    )


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: BoundedDatetime
    reason: str = Field(min_length=1, max_length=2000)


@router.post(
    "/{referral_id}/hold",
    response_model=ReferralOut,
    responses=errors.responses(errors.NotFound, errors.UnprocessableEntity),
)
def hold(
    referral_id: RecordId,
    body: HoldIn,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> ReferralOut:
    """Ask the provider not to inform the user and not to remove the content (up to 18 months)."""
    return _out(
        session,
        service.hold(
            session,
            principal=principal,
            referral_id=referral_id,
            until=body.until,
            reason=body.reason,
        ),
    )
