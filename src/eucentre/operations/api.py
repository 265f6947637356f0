from __future__ import annotations

from ipaddress import ip_address

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.demo_marks import live_demo_records
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.operations.migrations import current_revision, head_revision

router = APIRouter(tags=["operations"])


def from_operations_network(request: Request) -> bool:
    """The caller is on a network the Centre named for its monitoring (the socket's address, or
    a trusted proxy's X-Forwarded-For): what the process reveals about itself is for them."""
    host = request.client.host if request.client else ""
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in request.app.state.settings.operations_network_list)


@router.get("/healthz")
def healthz(_: Principal = Depends(allow(public=True))) -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
def readyz(
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> JSONResponse:
    """The database answers, its schema is at the code's migration head, and the blob store
    can be written to."""
    checks: dict[str, str] = {}
    try:
        # The request's own connection: on SQLite a second one would queue behind its lock.
        connection = session.connection()
        connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current = current_revision(connection)
        head = head_revision(str(connection.engine.url))
        checks["migrations"] = "ok" if current == head else f"at {current}, code expects {head}"
    except Exception as failure:  # noqa: BLE001 - readiness reports any failure, never raises
        checks["database"] = f"unreachable: {type(failure).__name__}"
    expected = 3
    if request.app.state.settings.is_production:
        expected += 1
        checks["demo_data"] = demo_data_check(session)
    try:
        request.app.state.blobs.check()
        checks["blobs"] = "ok"
    except Exception as failure:  # noqa: BLE001 - as above
        checks["blobs"] = f"unreachable: {type(failure).__name__}"
    ready = all(value == "ok" for value in checks.values()) and len(checks) == expected
    body: dict[str, object] = {"status": "ready" if ready else "not_ready"}
    if from_operations_network(request):
        body["checks"] = checks  # which part fails, and how, is for the operators
    return JSONResponse(body, status_code=200 if ready else 503)


def demo_data_check(session: Session) -> str:
    """Production with the published demo keys or accounts is not ready, even though it refuses
    them: they must be retired (`eucentre demo retire`)."""
    try:
        found = live_demo_records(session)
    except Exception as failure:  # noqa: BLE001 - as above
        return f"unreachable: {type(failure).__name__}"
    if not found:
        return "ok"
    listed = ", ".join(f"{count} {kind}" for kind, count in found.items())
    return f"demo records present ({listed}); run `eucentre demo retire`"


@router.get("/metrics", response_class=Response)
def metrics(request: Request, _: Principal = Depends(allow(public=True))) -> Response:
    """Prometheus metrics: counts and latencies by route template, no personal data; only for
    the operations networks (404 elsewhere)."""
    if not from_operations_network(request):
        raise errors.NotFound("Not Found")
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
