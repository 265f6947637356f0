"""create_app(): routers, middleware, error handlers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from eucentre.audit.service import record_event
from eucentre.auth import csrf
from eucentre.blobs import blob_store
from eucentre.config import Settings, get_settings
from eucentre.db import engine_for, make_session_factory, transaction
from eucentre.domains import installed
from eucentre.kit.logs import request_id
from eucentre.kit.metrics import HttpMetrics
from eucentre.platform.manifest import Domains
from eucentre.platform.resources import Resources
from eucentre.web import errors as web_errors
from eucentre.web.edge import BodyTiming, Edge
from eucentre.web.templating import PACKAGE_ROOT, Templates
from eucentre.worker import TaskQueue

log = logging.getLogger("eucentre.http")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Nothing is ever loaded from elsewhere (which is why FastAPI's CDN-based /docs is off).
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'"
    ),
}


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    run_worker: bool = False,
    domains: Domains | None = None,
) -> FastAPI:
    """The web application of the installed domains (or of `domains`, for a test's own)."""
    settings = settings or get_settings()
    engine = engine or engine_for(settings)
    domains = domains or installed()
    domains.import_models()
    queue = TaskQueue(settings, session_factory=make_session_factory(engine), domains=domains)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if run_worker:
            queue.start_consumer()
        try:
            yield
        finally:
            queue.stop_consumer()

    app = FastAPI(
        title="EU Centre API",
        version="1",
        description="Reports, indicators, referrals and complaints of the EU Centre.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.domains = domains
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.templates = Templates()
    app.state.metrics = HttpMetrics()
    app.state.tasks = queue
    app.state.blobs = blob_store(settings)
    app.state.resources = Resources()

    web_errors.install(app)
    web_errors.document_errors(app)
    # Kept as data so the API reference and the access tests can walk all routes (FastAPI's own
    # route list nests included routers in private types).
    app.state.routers = domains.routers
    for router in domains.routers:
        app.include_router(router)
    # A domain's own scripts first: the shell's `/static` mount would answer their paths too.
    for prefix, folder in domains.static_folders():
        app.mount(prefix, StaticFiles(directory=folder), name=f"static-{prefix.rsplit('/', 1)[1]}")
    app.mount("/static", StaticFiles(directory=PACKAGE_ROOT / "web" / "static"), name="static")

    # Added first, so it runs inside the request middleware (whose id, headers, metrics and
    # audit of refusals its answers get) and outside the routes, which it lets read a body
    # only once the caller is admitted.
    app.add_middleware(
        Edge,
        timing=BodyTiming(settings.body_timeout_seconds, settings.body_min_bytes_per_second),
    )

    @app.middleware("http")
    async def request_transaction(request: Request, call_next):  # type: ignore[no-untyped-def]
        return await _handle(request, call_next)

    return app


async def _handle(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
    """Request id, CSRF nonce, the request's transaction, metrics and security headers.

    The transaction commits when the handler succeeded (a page that renders its own 4xx, such as
    a failed sign-in, has succeeded at recording it) and rolls back when an error was raised.
    """
    app = request.app
    if "\x00" in request.url.path or "%00" in request.url.query:
        # No identifier or parameter of ours contains a NUL; PostgreSQL cannot even store one.
        return JSONResponse(
            {"error": "invalid_characters", "detail": "NUL in the URL"}, status_code=400
        )
    rid = request.headers.get("x-request-id", "")
    rid = rid if rid.isalnum() and len(rid) <= 64 else uuid.uuid4().hex
    token = request_id.set(rid)
    nonce = request.cookies.get(csrf.COOKIE)
    new_nonce = nonce is None
    request.state.csrf_nonce = nonce or csrf.new_nonce()
    request.state.failed = False
    session = app.state.session_factory()
    request.state.db = session
    committed = False
    started = time.perf_counter()
    try:
        try:
            response = await call_next(request)
            committed = not (request.state.failed or response.status_code >= 500)
            # Database work happens in worker threads, never on the event loop: a loop blocked
            # on SQLite's lock would stall the very request that holds it.
            await run_in_threadpool(session.commit if committed else session.rollback)
        except Exception:
            await run_in_threadpool(session.rollback)
            committed = False
            log.exception("unhandled error")
            response = JSONResponse(
                {"error": "internal_error", "detail": f"something went wrong; reference {rid}"},
                status_code=500,
            )
        finally:
            await run_in_threadpool(session.close)
        if committed:
            await run_in_threadpool(_run_after_commit, request)
        await run_in_threadpool(_persist_security_events, request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        app.state.metrics.requests.labels(template, request.method, str(response.status_code)).inc()
        elapsed = time.perf_counter() - started
        app.state.metrics.latency.labels(template, request.method).observe(elapsed)
        # The route template, not the path (paths carry ids), and never the client's address.
        log.info(
            "request",
            extra={
                "method": request.method,
                "route": template,
                "status": response.status_code,
                "ms": round(elapsed * 1000, 1),
            },
        )
        response.headers["X-Request-ID"] = rid
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if new_nonce or getattr(request.state, "rotate_csrf", False):
            response.set_cookie(
                csrf.COOKIE,
                csrf.new_nonce() if not new_nonce else request.state.csrf_nonce,
                httponly=True,
                samesite="strict",
                secure=app.state.settings.is_production,
                path="/",
            )
        if not _cacheable(request, response):
            response.headers["Cache-Control"] = "no-store"
        return response
    finally:
        request_id.reset(token)


def _cacheable(request: Request, response: Response) -> bool:
    """Static assets and the landing page as anyone sees it; everything else may carry personal
    data (a name, a case, a CSRF token) and must stay out of every cache, shared or not."""
    if "set-cookie" in response.headers:
        return False  # a cached cookie would be handed to everyone (a shared CSRF nonce)
    path = request.url.path
    if path.startswith("/static/"):
        return True
    principal = getattr(request.state, "principal", None)
    return path == "/" and not (principal is not None and principal.signed_in)


def _run_after_commit(request: Request) -> None:
    """Side effects that must only happen once the data is there (enqueueing a task that reads
    it); durable work goes through the outbox instead."""
    for callback in getattr(request.state, "after_commit", []):
        try:
            callback()
        except Exception:  # the sweeper redoes what a failed callback started
            log.exception("after-commit callback failed")


def _persist_security_events(request: Request) -> None:
    events = getattr(request.state, "security_events", None)
    if not events:
        return
    with transaction(request.app.state.session_factory) as session:
        for event in events:
            record_event(session, event)
