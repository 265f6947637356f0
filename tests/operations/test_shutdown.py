"""Stopping `eucentre serve` and `eucentre worker` with the real signals an operator (Ctrl-C)
or an orchestrator (SIGTERM, then a kill after 10 s) sends: one signal, exit code 0, requests
and tasks finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from eucentre.db import transaction
from eucentre.models import ComplaintAttempt
from tests.conftest import TEST_SECRET, free_port

# The contract: an orchestrator kills what has not stopped 10 s after SIGTERM.
STOP_CONTRACT_SECONDS = 10


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    stderr: Path
    url: str = ""

    def stop(self, signum: int) -> tuple[int, float]:
        """Send one signal; the exit code and how long the process took to end."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=STOP_CONTRACT_SECONDS + 20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return code, time.monotonic() - sent

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")


@contextmanager
def eucentre(
    database, settings, tmp_path: Path, *args: str, ready: str | None = None
) -> Iterator[Running]:
    """`eucentre ARGS` in its own process on this test's database and data dir, with the task
    queue in SQLite (so a consumer really runs). `ready`: a line its stderr shows once it runs."""
    env = {
        **os.environ,
        "EUCENTRE_DATABASE_URL": database.url,
        "EUCENTRE_DATA_DIR": str(settings.data_dir),
        "EUCENTRE_SECRET_KEY": TEST_SECRET,
        "EUCENTRE_ENVIRONMENT": "test",
        "EUCENTRE_EMBEDDED_WORKER": "true",
        "EUCENTRE_TASKS_IMMEDIATE": "false",
    }
    stderr = tmp_path / f"{args[0]}.stderr"
    command = [str(Path(sys.executable).parent / "eucentre"), *args]
    with stderr.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    running = Running(process, stderr)
    try:
        deadline = time.monotonic() + 60
        while not (ready and ready in running.log()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{args[0]} did not start:\n{running.log()}")
            time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


@contextmanager
def server(database, settings, tmp_path: Path) -> Iterator[Running]:
    port = free_port()
    with eucentre(
        database, settings, tmp_path, "serve", "--port", str(port), ready="task consumer started"
    ) as running:
        running.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{running.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or running.process.poll() is not None:
                raise RuntimeError(f"the server did not answer:\n{running.log()}")
            time.sleep(0.1)
        yield running


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
    body = b"number=C-00000-00000&secret=" + b"s" * 60
    started = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield body[:10]
        started.set()
        time.sleep(2)
        yield body[10:]

    answer: dict[str, httpx.Response] = {}

    with server(database, settings, tmp_path) as running:

        def send() -> None:
            answer["response"] = httpx.post(
                f"{running.url}/complaints/status",
                content=slow_body(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Content-Length": str(len(body)),
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
