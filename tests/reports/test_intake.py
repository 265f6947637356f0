"""Bad input at intake: a precise 4xx with a code, and nothing stored."""

import json

import pytest
from sqlalchemy import func, select

from eucentre.db import transaction
from eucentre.models import Organisation, OrganisationKind, Report, ReportItem
from tests.factories import make_key, make_organisation
from tests.reports.helpers import jpeg, png, report_body, submit


@pytest.fixture
def provider_key(session_factory) -> str:
    with transaction(session_factory) as session:
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        return make_key(
            session, make_organisation(session, kind=OrganisationKind.provider, country="IE")
        )


def stored(session_factory) -> tuple[int, int]:
    with transaction(session_factory) as session:
        return (
            session.scalar(select(func.count()).select_from(Report)),
            session.scalar(select(func.count()).select_from(ReportItem)),
        )


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    ("body", "files", "status", "code", "field"),
    [
        (report_body(colour="red"), [], 422, "validation_error", "report.colour"),
        (report_body(incident_type="gossip"), [], 422, "validation_error", "report.incident_type"),
        (
            report_body(incident_time="2026-01-01T10:00:00"),
            [],
            422,
            "validation_error",
            "report.incident_time",
        ),
        (
            report_body(
                reported_users=[
                    {
                        "identifiers": ["u"],
                        "ip_events": [{"ip": "999.1.1.1", "time": "2026-01-01T10:00:00Z"}],
                    }
                ]
            ),
            [],
            422,
            "validation_error",
            "report.reported_users.0.ip_events.0.ip",
        ),
        (
            report_body(hashes=[{"signal": "pdq", "value": "abc"}]),
            [],
            422,
            "validation_error",
            "report.hashes.0.value",
        ),
        (report_body(), [b""], 422, "empty_file", None),
        (report_body(), [b"this is not an image at all" * 10], 422, "unsupported_media_type", None),
        (report_body(), [png(1)] * 21, 422, "too_many_files", None),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_stored(
    live, provider_key, session_factory, body, files, status, code, field
) -> None:
    with live.client() as client:
        response = submit(client, provider_key, body=body, files=files)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    if field:
        assert field in [problem["field"] for problem in response.json()["detail"]]
    assert stored(session_factory) == (0, 0)


def test_malformed_json_and_missing_parts(live, provider_key, session_factory) -> None:
    with live.client(headers=bearer(provider_key)) as client:
        broken = client.post(
            "/api/v1/reports", files=[("report", (None, "{not json", "application/json"))]
        )
        missing = client.post("/api/v1/reports", files=[("files", ("a.png", png(1), "image/png"))])
        extra = client.post(
            "/api/v1/reports",
            files=[("report", (None, json.dumps(report_body()))), ("colour", (None, "red"))],
        )
        wrong_type = client.post(
            "/api/v1/reports", content=b"hello", headers={"content-type": "text/plain"}
        )
    assert (broken.status_code, broken.json()["error"]) == (422, "malformed_json")
    assert (missing.status_code, missing.json()["error"]) == (422, "missing_report")
    assert (extra.status_code, extra.json()["error"]) == (422, "unknown_field")
    assert (wrong_type.status_code, wrong_type.json()["error"]) == (415, "unsupported_content_type")
    assert stored(session_factory) == (0, 0)


def test_malformed_xml_names_the_bad_element(live, provider_key, session_factory) -> None:
    bad_ip = """<report><incidentSummary><incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>
      <incidentDateTime>2026-01-01T10:00:00Z</incidentDateTime></incidentSummary>
      <personOrUserReported><ipCaptureEvent><ipAddress>not-an-ip</ipAddress><eventName>Upload</eventName>
      <dateTime>2026-01-01T09:00:00Z</dateTime></ipCaptureEvent></personOrUserReported></report>"""
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><report>&x;</report>'
    with live.client(headers=bearer(provider_key)) as client:
        wrong_ip = client.post(
            "/api/v1/reports", content=bad_ip, headers={"content-type": "application/xml"}
        )
        entity = client.post(
            "/api/v1/reports", content=xxe, headers={"content-type": "application/xml"}
        )
        truncated = client.post(
            "/api/v1/reports", content=bad_ip[:80], headers={"content-type": "application/xml"}
        )
    assert wrong_ip.status_code == 422 and wrong_ip.json()["error"] == "malformed_xml"
    assert "ipCaptureEvent" in wrong_ip.json()["detail"][0]["field"]
    assert entity.status_code == 422 and truncated.status_code == 422
    assert "passwd" not in entity.text
    assert stored(session_factory) == (0, 0)


def test_an_oversized_request_is_refused_before_it_is_read(live, provider_key) -> None:
    import socket
    from urllib.parse import urlsplit

    # A raw socket: HTTP clients refuse to declare more than they send.
    address = urlsplit(live.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {provider_key}\r\nContent-Length: {10**10}\r\n\r\n".encode()
            + b"{"
        )
        # Headers and body may arrive in separate segments: read until the body is in.
        reply = ""
        while '"request_too_large"' not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk.decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413") and '"request_too_large"' in reply


def test_an_idempotency_key_replay_returns_the_same_report(
    live, provider_key, session_factory
) -> None:
    body = report_body()
    with live.client() as client:
        first = submit(
            client, provider_key, body=body, files=[jpeg(3)], headers={"Idempotency-Key": "k-1"}
        )
        again = submit(
            client, provider_key, body=body, files=[jpeg(3)], headers={"Idempotency-Key": "k-1"}
        )
        changed = submit(
            client,
            provider_key,
            body=report_body(provider_reference="other"),
            files=[jpeg(3)],
            headers={"Idempotency-Key": "k-1"},
        )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert changed.status_code == 409 and changed.json()["error"] == "idempotency_key_reused"
    assert stored(session_factory) == (1, 1)


def test_concurrent_replays_create_one_report(live, provider_key, session_factory) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = report_body()

    def send(_):
        with live.client() as client:
            return submit(
                client, provider_key, body=body, headers={"Idempotency-Key": "same"}
            ).json()["id"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(send, range(8)))
    assert len(ids) == 1
    assert stored(session_factory)[0] == 1


def test_files_can_follow_and_the_report_is_finished(live, provider_key) -> None:
    with live.client(headers=bearer(provider_key)) as client:
        created = client.post(
            "/api/v1/reports",
            params={"files_follow": "true"},
            files=[("report", (None, json.dumps(report_body())))],
        ).json()
        assert created["status"] == "awaiting_files"
        added = client.post(
            f"/api/v1/reports/{created['id']}/files",
            files=[("files", ("a.png", png(2), "image/png"))],
        )
        assert added.status_code == 200 and added.json()["files"]["count"] == 1
        bad = client.post(
            f"/api/v1/reports/{created['id']}/files",
            files=[("files", ("b.png", b"junk", "image/png"))],
        )
        assert bad.status_code == 422
        finished = client.post(f"/api/v1/reports/{created['id']}/finish")
        assert finished.status_code == 200
        late = client.post(
            f"/api/v1/reports/{created['id']}/files",
            files=[("files", ("c.png", png(3), "image/png"))],
        )
        assert late.status_code == 409 and late.json()["error"] == "report_finished"
        final = client.get(f"/api/v1/reports/{created['id']}").json()
    assert final["status"] not in ("awaiting_files", "received", "assessing")


def test_wrong_keys(live, session_factory) -> None:
    with transaction(session_factory) as session:
        authority = make_key(session, make_organisation(session, kind=OrganisationKind.authority))
        read_only = make_key(session, make_organisation(session), scopes=["reports:read"])
    with live.client() as client:
        assert submit(client, "euc_nope_nope").status_code == 401
        assert submit(client, authority).status_code == 403
        assert submit(client, read_only).status_code == 403


def test_a_corrupt_image_is_kept_and_flagged_not_crashed(
    live, provider_key, session_factory
) -> None:
    truncated = png(4)[:400]  # a PNG header, then nothing
    with live.client(headers=bearer(provider_key)) as client:
        created = submit(client, provider_key, files=[truncated]).json()
    with transaction(session_factory) as session:
        item = session.scalars(select(ReportItem)).one()
    assert item.hashed and item.error_code in ("truncated", "corrupt")
    assert created["id"]
    _ = Organisation


def test_concurrent_submissions_neither_deadlock_nor_fail(
    live, provider_key, session_factory
) -> None:
    """Regression: the submit endpoint once used the database from the event loop; two
    concurrent reports then deadlocked the server (PostgreSQL) or timed out (SQLite)."""
    from concurrent.futures import ThreadPoolExecutor

    def send(n: int) -> int:
        with live.client(timeout=20) as client:
            body = report_body(provider_reference=f"concurrent-{n}")
            return submit(client, provider_key, body=body, files=[png(n % 3)]).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(send, range(18)))
    assert statuses == [201] * 18
    assert stored(session_factory) == (18, 18)
