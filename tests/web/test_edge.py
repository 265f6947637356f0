"""The edge over real HTTP: callers are refused from the headers, before their body is read;
every route's body has a limit and a deadline, enforced on the stream."""

from __future__ import annotations

import json

import httpx
import pytest

from eucentre.auth.access import DEFAULT_BODY_LIMIT
from eucentre.db import transaction
from eucentre.models import OrganisationKind
from eucentre.reports.parsing import MAX_REQUEST_BYTES
from tests.conftest import serving
from tests.factories import make_key, make_organisation
from tests.rawhttp import chunk, connect, head, read_reply
from tests.reports.helpers import jpeg, report_body, submit

MULTIPART = "multipart/form-data; boundary=b0undary"
PART = (
    b'--b0undary\r\nContent-Disposition: form-data; name="files"; filename="a.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
)
TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture
def provider_key(session_factory) -> str:
    with transaction(session_factory) as session:
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        return make_key(
            session, make_organisation(session, kind=OrganisationKind.provider, country="IE")
        )


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/reports/1/files", 401, "unauthenticated"),
        ("/sign-in", 413, "request_too_large"),
    ],
)
def test_an_anonymous_upload_is_refused_before_its_body_is_sent(live, path, status, code) -> None:
    # The first 64 KiB of a declared 20 MB upload, then silence: a server that reads (spools)
    # the body before deciding would wait for the rest, and never answer.
    with connect(live.url) as sock:
        sock.sendall(
            head(
                "POST",
                path,
                {
                    "Content-Type": MULTIPART,
                    "Content-Length": str(TWENTY_MB),
                    "Accept": "application/json",
                },
            )
            + PART
            + b"x" * 65536
        )
        reply = read_reply(sock)
    assert reply.status == status and json.loads(reply.body)["error"] == code
    assert reply.headers["connection"] == "close"


def test_a_whole_anonymous_upload_gets_its_refusal(live) -> None:
    # An ordinary client sending all of it gets the answer too (the server closes at once).
    upload = {"files": ("a.bin", b"x" * TWENTY_MB, "application/octet-stream")}
    with live.client() as client:
        files = client.post("/api/v1/reports/1/files", files=upload)
        sign_in = client.post("/sign-in", files=upload, headers={"Accept": "text/html"})
    assert files.status_code == 401 and files.json()["error"] == "unauthenticated"
    assert sign_in.status_code == 413 and "request_too_large" in sign_in.text
    assert sign_in.headers["content-type"].startswith("text/html")


def test_a_chunked_body_over_the_limit_is_cut_off_where_it_passes_the_limit(live) -> None:
    with connect(live.url) as sock:
        sock.sendall(
            head(
                "POST",
                "/sign-in",
                {"Content-Type": MULTIPART, "Transfer-Encoding": "chunked", "Accept": "*/json"},
            )
        )
        # Past the limit, unfinished: the refusal cannot wait for the end.
        sock.sendall(chunk(PART) + chunk(b"x" * (DEFAULT_BODY_LIMIT + 1)))
        reply = read_reply(sock)
    assert reply.status == 413 and json.loads(reply.body)["error"] == "body_too_large"


def test_a_chunked_report_over_the_intake_limit_is_refused(live, provider_key) -> None:
    sent = 0
    with connect(live.url) as sock:
        sock.sendall(
            head(
                "POST",
                "/api/v1/reports",
                {
                    "Content-Type": MULTIPART,
                    "Transfer-Encoding": "chunked",
                    "Authorization": f"Bearer {provider_key}",
                },
            )
        )
        block = chunk(b"x" * (4 * 1024 * 1024))
        try:
            sock.sendall(chunk(PART))
            while sent <= MAX_REQUEST_BYTES:
                sock.sendall(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed
        reply = read_reply(sock)
    assert reply.status == 413 and json.loads(reply.body)["error"] == "body_too_large"


def test_a_json_body_over_the_default_limit_is_refused_on_a_small_route(live, provider_key) -> None:
    body = {"message": "x" * (DEFAULT_BODY_LIMIT + 10)}
    with live.client(headers={"Authorization": f"Bearer {provider_key}"}) as client:
        declared = client.post("/api/v1/reports/1/information", json=body)
        streamed = client.post(
            "/api/v1/reports/1/information",
            content=iter([json.dumps(body).encode()]),
            headers={"Content-Type": "application/json"},
        )
    assert declared.status_code == 413 and declared.json()["error"] == "request_too_large"
    assert streamed.status_code == 413 and streamed.json()["error"] == "body_too_large"


def test_routes_declaring_larger_bodies_take_them(live, provider_key) -> None:
    # A lookup of 1 000 PDQ hashes is over the default limit and within the lookup's own.
    hashes = [{"signal": "pdq", "value": f"{n:064x}"} for n in range(1000)]
    body = json.dumps({"hashes": hashes}).encode()
    assert len(body) > DEFAULT_BODY_LIMIT
    with live.client() as client:
        lookup = client.post(
            "/api/v1/lookup",
            content=body,
            headers={"Authorization": f"Bearer {provider_key}", "Content-Type": "application/json"},
        )
        report = submit(client, provider_key, body=report_body(), files=[jpeg(1)])
    assert lookup.status_code == 200 and len(lookup.json()["results"]) == 1000
    assert report.status_code == 201


def test_a_body_slower_than_the_deadline_gets_408(settings, database) -> None:
    slow = settings.model_copy(update={"body_timeout_seconds": 1.0})
    with serving(slow, database) as url, connect(url) as sock:
        sock.sendall(
            head(
                "POST",
                "/sign-in",
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Content-Length": "1000",
                    "Accept": "application/json",
                },
            )
            + b"email=a"
        )
        reply = read_reply(sock)
    assert reply.status == 408 and json.loads(reply.body)["error"] == "request_timeout"
    assert reply.headers["connection"] == "close"


def test_an_admitted_caller_with_a_bad_key_is_told_at_once(live) -> None:
    with connect(live.url) as sock:
        sock.sendall(
            head(
                "POST",
                "/api/v1/reports",
                {
                    "Content-Type": MULTIPART,
                    "Content-Length": str(TWENTY_MB),
                    "Authorization": "Bearer euc_1_wrong",
                },
            )
        )
        reply = read_reply(sock)
    assert reply.status == 401


def test_pages_and_api_answers_are_not_cached_static_files_may_be(live) -> None:
    with live.client() as client:
        client.get("/")  # takes the CSRF cookie, whose first setting is never cacheable
        landing = client.get("/")
        css = client.get("/static/site.css")
        sign_in = client.get("/sign-in")
        api = client.get("/api/v1/whoami")
        missing = client.get("/nowhere")
    assert "no-store" not in landing.headers.get("cache-control", "")
    assert "no-store" not in css.headers.get("cache-control", "")
    for response in (sign_in, api, missing):
        assert response.headers["cache-control"] == "no-store"


def test_a_not_found_page_links_only_within_the_site(live) -> None:
    # Not through base_url, which would read "//evil.example/x" as another host.
    page = httpx.get(live.url + "//evil.example/x", headers={"Accept": "text/html"})
    backslash = httpx.get(live.url + "/%5Cevil.example/x", headers={"Accept": "text/html"})
    assert page.status_code == 404 and backslash.status_code == 404
    for html in (page.text, backslash.text):
        assert "evil.example" in html  # the language links keep the page, on this site
        assert 'href="//' not in html and 'href="/\\' not in html
