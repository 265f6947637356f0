"""What `eucentre serve` runs: the app under uvicorn, the banner once it listens, and a stop on
the first SIGINT or SIGTERM that lets requests and tasks finish. Imported by the command only,
so that starting `eucentre` loads neither uvicorn nor the app."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from eucentre.app import create_app
from eucentre.config import get_settings
from eucentre.db import transaction
from eucentre.demo import banner as demo_banner
from eucentre.kit import console as copyable
from eucentre.kit import logs
from eucentre.operations import banner

# Requests still running when a stop is asked get this long to finish; the embedded consumer
# then gets platform.tasks.SHUTDOWN_TIMEOUT, and the whole stays under the 10 s before a kill.
REQUEST_GRACE_SECONDS = 4


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

    def show_banner() -> None:
        console.print()
        copyable.show(console, lines)

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=REQUEST_GRACE_SECONDS,
    )
    _Server(config, show_banner).run()
