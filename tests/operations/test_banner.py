"""The start banner: every address, account, secret and key whole on one line at any terminal
width, and still in view when the first request's log line appears."""

from __future__ import annotations

import io
import signal
import time

import httpx
import pytest
from rich.console import Console

from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.demo import data
from eucentre.demo.banner import demo_credentials
from eucentre.kit.console import show
from eucentre.operations import banner
from tests.operations.helpers import server

BASE = "http://127.0.0.1:8000"


def copyable_values() -> list[str]:
    values = [f"{BASE}/sign-in", f"{BASE}/api-docs", f"{BASE}/openapi.json", data.DEMO_PASSWORD]
    for email in [e for e, _ in data.DEMO_USERS] + [e for e, _ in data.DEMO_OFFICERS]:
        values += [email, data.demo_totp_secret(email)]
    values += [org.key for org in data.DEMO_ORGANISATIONS if org.key]
    return values


@pytest.mark.parametrize("width", [20, 40, 80])
def test_no_value_is_split_across_lines_on_a_narrow_terminal(width: int) -> None:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system=None)
    show(console, banner.addresses(BASE) + demo_credentials())
    lines = out.getvalue().splitlines()
    for value in copyable_values():
        assert any(value in line for line in lines), f"{value} is not whole on one line"
    # On a normal terminal nothing needs the terminal's own wrapping either.
    if width == 80:
        assert max(len(line) for line in lines) <= 80


def test_each_value_is_on_a_line_of_its_own() -> None:
    out = io.StringIO()
    show(Console(file=out, width=80), demo_credentials())
    lines = [line.strip() for line in out.getvalue().splitlines()]
    for email, _ in data.DEMO_USERS:
        assert f"TOTP secret  {data.demo_totp_secret(email)}" in lines
    for org in data.DEMO_ORGANISATIONS:
        if org.key:
            assert org.key in lines


@pytest.mark.slow  # loads the demo data (hashing its media), then starts a server
def test_the_banner_is_the_last_thing_before_the_first_request(
    database, settings, session_factory, tmp_path
) -> None:
    """`make run` as a developer sees it: demo data loaded, text logs, the embedded consumer
    running: uvicorn's and the consumer's start-up lines come before the banner, the first
    request's line right after it."""
    with transaction(session_factory) as session:
        data.load(
            session,
            secret=settings.secret,
            blobs=blob_store(settings),
            media_dir=settings.data_dir / "demo-media",
        )
    with server(
        database, settings, tmp_path, EUCENTRE_ENVIRONMENT="development", COLUMNS="40"
    ) as running:
        httpx.get(f"{running.url}/sign-in", timeout=30)
        deadline = time.monotonic() + 30
        while "route=/sign-in" not in running.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        code, _ = running.stop(signal.SIGTERM)
    assert code == 0
    lines = running.log().splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("EU Centre platform at"))
    last_key = [org.key for org in data.DEMO_ORGANISATIONS if org.key][-1]
    last = next(n for n, line in enumerate(lines) if line.strip() == last_key)
    assert any("Uvicorn running on" in line for line in lines[:first])
    assert any("task consumer started" in line for line in lines[:first])
    assert "INFO     eucentre.http request" in lines[last + 1]  # the readiness poll's request
    for email, _ in data.DEMO_USERS:
        assert any(line.strip().startswith(email) for line in lines[first:last])
