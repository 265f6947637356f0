"""The detection API: bundles and their blinding key for providers under a detection order
(`detection:read`), and the public history of published roots."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.detection import repository, service
from eucentre.detection.models import DetectionBundle
from eucentre.detection.schemas import KeyOut, RootHistoryOut, RootOut
from eucentre.kit.time import as_utc

router = APIRouter(tags=["detection"])
READ = allow(organisations={PrincipalKind.provider}, scope="detection:read")
PUBLIC = allow(public=True)
VERSION = Query(None, ge=1, le=2**31 - 1, description="A published version; the latest if none")


def _root(record: DetectionBundle) -> RootOut:
    return RootOut(
        version=record.version,
        root=record.root,
        published_at=as_utc(record.created_at),
        indicators=record.indicators,
        keys=record.keys,
        size=record.size,
        tolerant=record.tolerant,
    )


@router.get(
    "/api/v1/detection/bundle",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The bundle file"},
        **errors.responses(*errors.ACCESS, errors.NotFound, errors.Gone),
    },
)
def bundle(
    request: Request,
    version: int | None = VERSION,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> Response:
    """The blinded list of verified, twice-sourced indicators of known material, for the
    provider's devices. Check its root (`X-Bundle-Root`) against the published history."""
    record = service.bundle_record(session, version)
    data = service.bundle_bytes(request.app.state.blobs, record)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="bundle-{record.version}.bin"',
            "X-Bundle-Version": str(record.version),
            "X-Bundle-Root": record.root,
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/api/v1/detection/bundle/root",
    response_model=RootHistoryOut,
    responses=errors.responses(*errors.ACCESS),
)
def roots(
    session: Session = Depends(get_session), principal: Principal = Depends(PUBLIC)
) -> RootHistoryOut:
    """Every root the Centre published, oldest first: anyone can check that the bundle a
    device holds is one of them, and that every device got the same one."""
    history = [_root(record) for record in repository.history(session)]
    return RootHistoryOut(current=history[-1] if history else None, history=history)


@router.get(
    "/api/v1/detection/bundle/key",
    response_model=KeyOut,
    responses=errors.responses(*errors.ACCESS, errors.NotFound),
)
def key(
    request: Request,
    version: int | None = VERSION,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ),
) -> KeyOut:
    """The bundle's blinding key, for the provider's matching service only (never for
    devices): it opens the vouchers that hit the list, and nothing else. Audited."""
    record = service.bundle_record(session, version)
    audit.record(
        session,
        actor=principal.actor,
        action="detection.key_read",
        object_type="detection_bundle",
        object_id=record.version,
    )
    alpha = service.alpha_for(request.app.state.settings.secret, record.version)
    return KeyOut(version=record.version, root=record.root, alpha=alpha.hex())
