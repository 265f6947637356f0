"""Stopping `eucentre serve` and `eucentre worker` with the real signals an operator (Ctrl-C)
or an orchestrator (SIGTERM, then a kill after 10 s) sends: one signal, exit code 0, requests
and tasks finished."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from eucentre.auth import csrf
from eucentre.db import transaction
from eucentre.models import ComplaintAttempt
from tests.operations.helpers import STOP_CONTRACT_SECONDS, eucentre, server


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_one_signal_stops_the_server_with_exit_code_0(signum, database, settings, tmp_path) -> None:
    with server(database, settings, tmp_path) as running:
        code, took = running.stop(signum)
    log = running.log()
    assert code == 0, log
    assert took < STOP_CONTRACT_SECONDS, log
    assert "Traceback" not in log and "Aborted" not in log
    # The embedded consumer was stopped by the server's shutdown, not cut off.
    assert "task consumer stopped" in log


def test_a_request_in_flight_when_the_signal_arrives_gets_its_full_response(
    database, settings, session_factory, tmp_path
) -> None:
    """A complaint-status look-up whose body is still arriving when SIGTERM comes: the server
    stops accepting, but this request is answered in full and its transaction (the failed
    look-up it counts) is committed."""
    started = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield body[:10]
        started.set()
        time.sleep(2)
        yield body[10:]

    answer: dict[str, httpx.Response] = {}

    with server(database, settings, tmp_path) as running:
        # The form's CSRF token and cookie, as a browser has them from the page.
        page = httpx.get(f"{running.url}/complaints/status", timeout=30)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        nonce = page.cookies[csrf.COOKIE]
        body = b"number=C-00000-00000&secret=" + b"s" * 60 + f"&csrf_token={token}".encode()

        def send() -> None:
            answer["response"] = httpx.post(
                f"{running.url}/complaints/status",
                content=slow_body(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Content-Length": str(len(body)),
                    "Cookie": f"{csrf.COOKIE}={nonce}",
                },
                timeout=30,
            )

        client = threading.Thread(target=send)
        client.start()
        assert started.wait(30)
        time.sleep(0.5)  # the server has read the request line and headers by now
        code, _ = running.stop(signal.SIGTERM)
        client.join(timeout=30)
    assert code == 0, running.log()
    response = answer["response"]
    assert response.status_code == 404  # no such complaint: the page says so
    assert response.text.rstrip().endswith("</html>")
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ComplaintAttempt)) >= 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_one_signal_stops_the_worker_with_exit_code_0(signum, database, settings, tmp_path) -> None:
    with eucentre(
        database, settings, tmp_path, "worker", "--threads", "1", ready="task consumer started"
    ) as running:
        code, took = running.stop(signum)
    log = running.log()
    assert code == 0, log
    assert took < STOP_CONTRACT_SECONDS, log
    assert "Traceback" not in log
    assert "task consumer stopped" in log
