"""The edge: who may call a route, and how much body they may send, decided before the route
reads a byte of it.

FastAPI reads (and Starlette spools to disk) a route's body parameters before its dependencies
run, so `Depends(allow(...))` alone would refuse an anonymous upload only after storing it. This
pure ASGI middleware matches the route itself, runs its access declaration on the headers (the
caller is identified in a worker thread, as the dependency does), and then hands the route a
`receive` that counts bytes against the route's `body_limit` and the time the body takes. Over
either, the caller gets 413 (`request_too_large` when the Content-Length said so, `body_too_large`
when a chunked body grew past it) or 408 `request_timeout` at once, the connection is closed, and
the route sees a disconnected client: nothing more is read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eucentre import errors
from eucentre.auth.access import DEFAULT_BODY_LIMIT, AccessGuard, api_routes, guard_of
from eucentre.web.errors import render_error

log = logging.getLogger("eucentre.http")

DISCONNECT: Message = {"type": "http.disconnect"}


class BodyTooLarge(errors.PayloadTooLarge):
    """The body grew past the route's limit while arriving (chunked: no length was declared)."""

    code = "body_too_large"


class RequestTooLarge(errors.PayloadTooLarge):
    """The declared Content-Length is over the route's limit: refused before reading (the code
    the report intake always answered this with)."""

    code = "request_too_large"


@dataclass(frozen=True)
class BodyTiming:
    """A body must arrive within `timeout` seconds, plus one second per `min_rate` bytes
    received: small bodies get `timeout`, large uploads as long as they keep a useful pace."""

    timeout: float
    min_rate: float

    def allowed(self, received: int) -> float:
        return self.timeout + received / self.min_rate


class Edge:
    def __init__(self, app: ASGIApp, *, timing: BodyTiming) -> None:
        self.app = app
        self.timing = timing
        self._routes: list[tuple[APIRoute, AccessGuard | None]] | None = None

    def _match(self, scope: Scope) -> tuple[APIRoute | None, AccessGuard | None]:
        if self._routes is None:
            # The routes the app was built from, in the router's order (FastAPI's own list
            # nests included routers in private types).
            app: FastAPI = scope["app"]
            self._routes = [(route, guard_of(route)) for route in api_routes(app)]
        for route, guard in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route, guard
        return None, None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        route, guard = self._match(scope)
        request = Request(scope)
        limit = guard.access.body_limit if guard else DEFAULT_BODY_LIMIT
        may_have_body = _may_have_body(scope)
        try:
            if guard is not None:
                # Set as the router would, so a refusal is audited and counted under its route.
                scope["route"] = route
                await guard.admit(request)
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise RequestTooLarge(f"the request is larger than {limit} bytes")
        except errors.AppError as refused:
            await _refuse(request, refused, send, close=may_have_body)
            return

        received = 0
        complete = not may_have_body
        cut = False  # the edge ended the body: the route sees a disconnected client
        answered = False  # the edge answered: what the route still sends is dropped
        app_started = False

        async def cut_off(error: errors.AppError) -> Message:
            nonlocal cut, answered
            cut = True
            if not app_started:
                await _refuse(request, error, send, close=True)
                answered = True
            return DISCONNECT

        async def guarded_receive() -> Message:
            nonlocal received, complete
            if cut:
                return DISCONNECT
            if complete:
                return await receive()
            remaining = started + self.timing.allowed(received) - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0))
            except TimeoutError:
                return await cut_off(errors.RequestTimeout("the body did not arrive in time"))
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return await cut_off(BodyTooLarge(f"the body may be at most {limit} bytes"))
                complete = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal app_started
            if answered:
                return
            if message["type"] == "http.response.start":
                app_started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Exception:
            if not answered:
                raise
            # The route failed on the disconnected body the edge gave it; the caller has its
            # answer already.
            log.debug("route failed after the edge refused its body", exc_info=True)


def _may_have_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value != b"0"
        if name == b"transfer-encoding":
            return True
    return False


async def _refuse(request: Request, error: errors.AppError, send: Send, *, close: bool) -> None:
    response = render_error(request, error)
    if close:
        # The rest of the body is never read: the connection cannot carry another request.
        response.headers["Connection"] = "close"
    await response(request.scope, _no_body, send)


async def _no_body() -> Message:
    return DISCONNECT
