"""`eucentre serve` and `eucentre worker` in their own processes, as an operator starts them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET, free_port

# The contract: an orchestrator kills what has not stopped 10 s after SIGTERM.
STOP_CONTRACT_SECONDS = 10


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    output: Path
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
        return self.output.read_text(errors="replace")


@contextmanager
def eucentre(
    database,
    settings,
    tmp_path: Path,
    *args: str,
    ready: str | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Running]:
    """`eucentre ARGS` in its own process on this test's database and data dir, with the task
    queue in SQLite (so a consumer really runs). Its stdout and stderr go to one file, in the
    order a terminal shows them; `ready`: a line it shows once it runs."""
    env = {
        **os.environ,
        "EUCENTRE_DATABASE_URL": database.url,
        "EUCENTRE_DATA_DIR": str(settings.data_dir),
        "EUCENTRE_SECRET_KEY": TEST_SECRET,
        "EUCENTRE_ENVIRONMENT": "test",
        "EUCENTRE_EMBEDDED_WORKER": "true",
        "EUCENTRE_TASKS_IMMEDIATE": "false",
        "NO_COLOR": "1",
        **(env or {}),
    }
    output = tmp_path / f"{args[0]}.output"
    command = [str(Path(sys.executable).parent / "eucentre"), *args]
    with output.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    running = Running(process, output)
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
def server(database, settings, tmp_path: Path, **env: str) -> Iterator[Running]:
    port = free_port()
    with eucentre(
        database,
        settings,
        tmp_path,
        "serve",
        "--port",
        str(port),
        ready="task consumer started",
        env=env,
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
