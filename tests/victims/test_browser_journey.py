"""The victims' page in Chromium: a person chooses pictures, their device hashes them, only the
hashes leave it, and the receipt shows the case number and PIN.

First against the loopback site's stand-in API (the page's script on its own: what it sends,
what it reveals, where the focus goes, what happens when the API fails), then the whole journey
against the real server: open a case, follow it with the number and PIN, withdraw it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from eucentre.media import hamming, hash_file
from tests.victims import conftest_js
from tests.victims.conftest_js import Site, pattern

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

chromium = conftest_js.chromium
site = conftest_js.site

JPEG_DISTANCE = 10


def _pictures(directory: Path) -> dict[str, Path]:
    rng = np.random.default_rng(12)
    paths = {
        "png": directory / "garden.png",
        "jpeg": directory / "bench.jpg",
        "flat": directory / "wall.png",
        "empty": directory / "empty.jpg",
    }
    Image.fromarray(pattern(rng, 640, 480)).save(paths["png"])
    Image.fromarray(pattern(rng, 800, 600)).save(paths["jpeg"], quality=85)
    Image.new("RGB", (300, 200), (200, 200, 190)).save(paths["flat"])
    paths["empty"].write_bytes(b"")
    return paths


def _watch(page: Any) -> list[dict[str, Any]]:
    """Every request the page makes, with its body."""
    seen: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        seen.append(
            {"url": request.url, "method": request.method, "body": request.post_data_buffer}
        )

    page.on("request", record)
    return seen


def assert_no_file_bytes(requests: list[dict[str, Any]], paths: list[Path]) -> None:
    """No request carries any file's bytes (a 64-byte window of any non-empty file)."""
    for request in requests:
        body = request["body"] or b""
        for path in paths:
            data = path.read_bytes()
            for start in range(0, max(0, len(data) - 64), max(64, len(data) // 50)):
                assert data[start : start + 64] not in body, (request["url"], path.name)
        assert b"multipart/form-data" not in body


def expected_hashes(path: Path) -> dict[str, Any]:
    record = hash_file(path)
    return {"md5": record["md5"], "sha256": record["sha256"], "pdq": record["pdq"]}


@pytest.fixture
def form_page(chromium: Any, site: Site) -> Any:
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    site.requests.clear()
    site.answer = None
    yield page
    context.close()
    site.answer = None
    assert not errors, errors


def test_the_page_sends_only_hashes_and_shows_the_receipt(form_page, site, tmp_path) -> None:
    pictures = _pictures(tmp_path)
    requests = _watch(form_page)
    form_page.goto(f"{site.url}/form.html")
    # The page renders the form hidden (no use without the script); the script shows it.
    assert form_page.is_visible("#victims-hash-form")
    form_page.set_input_files("#victims-files", [str(p) for p in pictures.values()])
    form_page.click("button[type=submit]")
    form_page.wait_for_selector("#victims-receipt:not([hidden])")

    assert form_page.inner_text('[data-slot="case_number"]') == "VC-7K3M-9QXD-2HFA-Q"
    assert form_page.inner_text('[data-slot="pin"]') == "48213097"
    assert form_page.evaluate("document.activeElement.id") == "victims-receipt"
    visible = form_page.eval_on_selector_all(
        "[data-message]:not([hidden])", "els => els.map(e => e.dataset.message)"
    )
    assert visible == ["low-quality", "degenerate"]  # the flat wall; the empty file
    assert form_page.evaluate("document.querySelector('#victims-files').files.length") == 0

    (posted,) = site.requests
    assert posted["path"] == "/api/v1/victims/cases"
    assert posted["headers"]["Content-Type"] == "application/json"
    assert len(posted["headers"]["Idempotency-Key"]) == 36
    body = json.loads(posted["body"])
    png, jpeg, flat = (expected_hashes(pictures[k]) for k in ("png", "jpeg", "flat"))
    sent_pdq = [h for h in body["hashes"] if h["signal"] == "pdq"]
    assert body["language"] == "de"  # the page's language
    assert [h for h in body["hashes"] if h["signal"] != "pdq"] == [
        {"signal": "md5", "value": png["md5"]},
        {"signal": "sha256", "value": png["sha256"]},
        {"signal": "md5", "value": jpeg["md5"]},
        {"signal": "sha256", "value": jpeg["sha256"]},
        {"signal": "md5", "value": flat["md5"]},
        {"signal": "sha256", "value": flat["sha256"]},
    ]
    # The flat wall's PDQ (quality 0) is not sent; the PNG's is the server's, bit for bit.
    assert [h["value"] for h in sent_pdq][0] == png["pdq"]
    assert hamming(sent_pdq[1]["value"], jpeg["pdq"]) <= JPEG_DISTANCE
    assert len(sent_pdq) == 2 and all(h["quality"] >= 50 for h in sent_pdq)
    assert set(body) == {"hashes", "language"}
    assert_no_file_bytes(requests, list(pictures.values()))
    assert [r["method"] for r in requests if r["method"] != "GET"] == ["POST"]


def test_when_the_api_fails_nothing_is_shown_but_the_failure(form_page, site, tmp_path) -> None:
    pictures = _pictures(tmp_path)
    site.answer = lambda path, payload: (503, {"error": {"code": "unavailable", "message": "x"}})
    form_page.goto(f"{site.url}/form.html")
    form_page.set_input_files("#victims-files", str(pictures["png"]))
    form_page.click("button[type=submit]")
    form_page.wait_for_selector('[data-message="failed"]:not([hidden])')
    assert form_page.is_hidden("#victims-receipt")
    assert form_page.is_hidden('[data-message="working"]')
    assert form_page.evaluate("document.activeElement.dataset.message") == "failed"
    assert form_page.evaluate("document.querySelector('[data-message]').parentElement.ariaLive")
    assert form_page.is_enabled("button[type=submit]")


def test_only_empty_files_open_no_case(form_page, site, tmp_path) -> None:
    empty = tmp_path / "nothing.png"
    empty.write_bytes(b"")
    form_page.goto(f"{site.url}/form.html")
    form_page.set_input_files("#victims-files", str(empty))
    form_page.click("button[type=submit]")
    form_page.wait_for_selector('[data-message="failed"]:not([hidden])')
    assert form_page.is_visible('[data-message="degenerate"]')
    assert site.requests == []


# -- the whole journey, against the real server ------------------------------------------------


@pytest.fixture
def journey_page(chromium: Any) -> Any:
    context = chromium.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Every script, worker and API call answers (the browser's own favicon request aside).
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.slow  # a real server, argon2 PINs, three pages: about 15 s
def test_the_whole_journey_on_the_real_server(live, journey_page, tmp_path) -> None:
    page = journey_page
    pictures = _pictures(tmp_path)
    chosen = [pictures["png"], pictures["jpeg"], pictures["flat"]]
    requests = _watch(page)
    page.goto(f"{live.url}/victims")
    page.get_by_label("Images or videos").set_input_files([str(p) for p in chosen])
    page.get_by_role("button", name="Compute the fingerprints and send them").click()
    page.wait_for_selector("#victims-receipt:not([hidden])", timeout=30_000)
    assert page.get_by_role("heading", name="Your case is open").is_visible()
    assert page.evaluate("document.activeElement.id") == "victims-receipt"
    assert page.is_visible('[data-message="low-quality"]')  # the flat wall's PDQ is not sent
    number = page.inner_text('[data-slot="case_number"]').strip()
    pin = page.inner_text('[data-slot="pin"]').strip()
    assert number.startswith("V-") and len(pin) >= 6

    (post,) = [r for r in requests if r["method"] == "POST"]
    assert post["url"] == f"{live.url}/api/v1/victims/cases"
    sent = json.loads(post["body"])
    assert sent["language"] == "en"
    pdqs = [h["value"] for h in sent["hashes"] if h["signal"] == "pdq"]
    png, jpeg, flat = (hash_file(p) for p in chosen)
    assert len(pdqs) == 2
    assert pdqs[0] == png["pdq"]  # bit for bit
    assert hamming(pdqs[1], jpeg["pdq"]) <= JPEG_DISTANCE  # q85
    digests = {h["value"] for h in sent["hashes"] if h["signal"] != "pdq"}
    assert digests == {r[k] for r in (png, jpeg, flat) for k in ("md5", "sha256")}
    assert_no_file_bytes(requests, chosen)

    # The case as its owner sees it through the API: exactly the hashes sent.
    with live.client() as client:
        case = client.get(f"/api/v1/victims/cases/{number}", headers={"X-Case-PIN": pin})
        assert case.status_code == 200
        stored = {(h["signal"], h["value"]) for h in case.json()["hashes"]}
        assert stored == {(h["signal"], h["value"]) for h in sent["hashes"]}

    # Follow the case with the number and PIN, then withdraw, confirming first.
    page.goto(f"{live.url}/victims/status")
    page.get_by_label("Case number").fill(number)
    page.get_by_label("PIN").fill(pin)
    page.get_by_role("button", name="Show my case").click()
    assert page.inner_text("#case-number") == number
    assert page.get_attribute("#case-status", "data-status") == "open"
    page.get_by_role("button", name="Withdraw my request").click()
    assert page.get_by_role("heading", name="Withdraw your request?").is_visible()
    page.get_by_role("button", name="Yes, withdraw my request").click()
    assert page.get_attribute("#case-status", "data-status") == "withdrawn"
    assert pin not in page.url

    with live.client() as client:
        case = client.get(f"/api/v1/victims/cases/{number}", headers={"X-Case-PIN": pin})
        assert case.json()["status"] == "withdrawn"
    # The status pages are plain forms: nothing after the first POST carried a file either.
    assert_no_file_bytes(requests, chosen)
    assert not [r for r in requests if "/api/" in r["url"] and r["method"] == "POST"][1:]
