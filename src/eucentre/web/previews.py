"""Sensitive images for staff: blurred greyscale previews unless revealed, every reveal audited."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.kit.blobstore import BlobNotFound
from eucentre.kit.imaging import preview_jpeg


def preview_response(
    request: Request,
    session: Session,
    *,
    principal: Principal,
    blob_id: str,
    reveal: bool,
    audit_action: str,
    object_type: str,
    object_id: int,
    details: dict[str, Any] | None = None,
) -> Response:
    try:
        data = request.app.state.blobs.get(blob_id)
    except BlobNotFound as gone:
        raise errors.NotFound("the file is no longer kept", code="media_deleted") from gone
    if reveal:
        audit.record(
            session,
            actor=principal.actor,
            action=audit_action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    return Response(
        preview_jpeg(data, revealed=reveal),
        media_type="image/jpeg",
        headers={"Cache-Control": "no-store"},
    )
