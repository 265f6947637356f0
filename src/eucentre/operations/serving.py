"""What `eucentre serve` runs: the app under uvicorn with timeouts, connection limits and trusted
proxies; the banner once it listens; a stop on the first SIGINT or SIGTERM that lets requests and
tasks finish. Imported by the command only, so that starting `eucentre` loads neither uvicorn
nor the app.

Uvicorn's defaults trust `X-Forwarded-For` from 127.0.0.1 (so anyone on the machine, or a
proxy that passes the header through, picks their own client address) and never time out a
connection that has not sent its first request. The body's own deadline is the edge's
(web/edge.py): uvicorn has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import Any

import h11
import uvicorn
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from uvicorn.protocols.http.h11_impl import H11Protocol

from eucentre.app import create_app
from eucentre.config import Settings, get_settings
from eucentre.db import transaction
from eucentre.demo import banner as demo_banner
from eucentre.kit import console as copyable
from eucentre.kit import logs
from eucentre.operations import banner

# Requests still running when a stop is asked get this long to finish; the embedded consumer
# then gets platform.tasks.SHUTDOWN_TIMEOUT, and the whole stays under the 10 s before a kill.
REQUEST_GRACE_SECONDS = 4


class HeaderDeadlineProtocol(H11Protocol):
    """Uvicorn's HTTP/1.1 protocol, closing a connection whose request headers do not arrive
    within `header_timeout` of its opening or of the previous response (a client trickling
    header bytes defeats the keep-alive timer, which every byte resets), and closing a new
    connection that stays silent for the keep-alive timeout (uvicorn arms it only after a
    first response)."""

    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        # h11 leaves IDLE once a request's headers are complete: then the body's and the
        # route's time is the edge's business, not this timer's.
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        with contextlib.suppress(h11.LocalProtocolError):  # h11 already knows it is over
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()


def protocol_for(settings: Settings) -> type[H11Protocol]:
    return type(
        "EucentreHTTP",
        (HeaderDeadlineProtocol,),
        {"header_timeout": settings.header_timeout_seconds},
    )


def uvicorn_config(app: Any, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """The server configuration `eucentre serve` runs (tests serve with the same)."""
    trusted = settings.trusted_proxy_list
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=REQUEST_GRACE_SECONDS,
        http=protocol_for(settings),
        # Annotated int by uvicorn, but only ever passed to loop.call_later, which takes a float.
        timeout_keep_alive=settings.keep_alive_seconds,  # type: ignore[arg-type]
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        # Forwarded headers only from the proxies named; with none, the socket's address is the
        # client's whatever a header says.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or [],
    )


class _Server(uvicorn.Server):
    """Uvicorn's server, printing the banner once it listens (after its own startup lines)."""

    def __init__(self, config: uvicorn.Config, banner: Callable[[], None]) -> None:
        super().__init__(config)
        self._banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._banner()


def _demo_loaded(session_factory: sessionmaker[Session]) -> bool:
    try:
        with transaction(session_factory) as session:
            return demo_banner.demo_loaded(session)
    except SQLAlchemyError:
        return False  # not migrated yet: /readyz says so, the banner need not


def _end_quietly(signum: int, frame: FrameType | None) -> None:
    # Uvicorn handles SIGINT/SIGTERM while it runs, shuts down gracefully, then re-raises the
    # signal into the handlers it found: here, where the shutdown is already done, that ends
    # the process normally (exit 0) instead of a KeyboardInterrupt or a kill by SIGTERM. A
    # signal before uvicorn took over also lands here: nothing runs yet, so leave at once.
    raise SystemExit(0)


def run(host: str | None, port: int | None, console: Console) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _end_quietly)
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings, run_worker=settings.embedded_worker)
    lines = banner.addresses(f"http://{host}:{port}")
    if not settings.is_production and _demo_loaded(app.state.session_factory):
        lines += demo_banner.demo_credentials()
    if settings.is_production:
        demo_banner.log_demo_records(app.state.session_factory)

    def show_banner() -> None:
        console.print()
        copyable.show(console, lines)

    _Server(uvicorn_config(app, settings, host=host, port=port), show_banner).run()
