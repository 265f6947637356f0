"""The providers' API over real HTTP: lookup, change feed, export."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eucentre.db import transaction
from eucentre.indicators import service
from eucentre.models import OrganisationKind
from eucentre.rules.indicator_status import Action
from tests.conftest import TEST_SECRET, free_port
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import candidate, near, random_pdq, verified


@pytest.fixture
def provider_key(session_factory) -> str:
    with transaction(session_factory) as session:
        return make_key(session, make_organisation(session, kind=OrganisationKind.provider))


def lookup(client, key, hashes, **extra):
    return client.post(
        "/api/v1/lookup",
        json={"hashes": hashes, **extra},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_lookup_returns_only_verified_indicators(live, session_factory, provider_key) -> None:
    with transaction(session_factory) as session:
        known = verified(session, random_pdq(1))
        candidate(session, random_pdq(2))
        md5 = verified(session, "ab" * 16, signal="md5")
    with live.client() as client:
        response = lookup(
            client,
            provider_key,
            [
                {"signal": "pdq", "value": near(random_pdq(1), 12)},
                {"signal": "pdq", "value": random_pdq(2)},
                {"signal": "md5", "value": "AB" * 16},
                {"signal": "pdq", "value": random_pdq(3)},
            ],
        )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert results[0]["matches"] == [
        {
            "indicator_id": known.id,
            "distance": 12,
            "variant": "original",
            "lists": ["known_material"],
            "labels": [],
        }
    ]
    assert results[1]["matches"] == [] and results[3]["matches"] == []
    assert results[2]["matches"][0]["indicator_id"] == md5.id


def test_lookup_reports_which_variant_matched(live, session_factory, provider_key) -> None:
    with transaction(session_factory) as session:
        known = verified(session, random_pdq(5))
    with live.client() as client:
        response = lookup(
            client,
            provider_key,
            [
                {
                    "signal": "pdq",
                    "value": random_pdq(6),
                    "variants": {"rot90": near(random_pdq(5), 2)},
                }
            ],
        )
    match = response.json()["results"][0]["matches"][0]
    assert (match["indicator_id"], match["variant"], match["distance"]) == (known.id, "rot90", 2)


def test_lookup_respects_max_distance(live, session_factory, provider_key) -> None:
    with transaction(session_factory) as session:
        verified(session, random_pdq(7))
    with live.client() as client:
        far = lookup(
            client,
            provider_key,
            [{"signal": "pdq", "value": near(random_pdq(7), 20)}],
            max_distance=10,
        )
    assert far.json()["results"][0]["matches"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hashes": [{"signal": "pdq", "value": "xyz"}]}, "body.hashes.0.value"),
        ({"hashes": [{"signal": "md5", "value": "a" * 64}]}, "body.hashes.0.value"),
        ({"hashes": [{"signal": "sha1", "value": "a" * 40}]}, "body.hashes.0.signal"),
        ({"hashes": []}, "body.hashes"),
        ({"hashes": [{"signal": "pdq", "value": "a" * 64}] * 1001}, "body.hashes"),
        (
            {"hashes": [{"signal": "pdq", "value": "a" * 64, "colour": "red"}]},
            "body.hashes.0.colour",
        ),
        (
            {"hashes": [{"signal": "md5", "value": "a" * 32, "variants": {"rot90": "a" * 64}}]},
            "body.hashes.0.variants",
        ),
        (
            {"hashes": [{"signal": "pdq", "value": "a" * 64}], "max_distance": 65},
            "body.max_distance",
        ),
    ],
)
def test_malformed_lookups_get_422_naming_the_field(live, provider_key, body, field) -> None:
    with live.client() as client:
        response = client.post(
            "/api/v1/lookup", json=body, headers={"Authorization": f"Bearer {provider_key}"}
        )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert field in [problem["field"] for problem in response.json()["detail"]]


def test_lookup_without_a_key_is_401_and_with_an_authority_key_403(live, session_factory) -> None:
    with transaction(session_factory) as session:
        authority = make_key(session, make_organisation(session, kind=OrganisationKind.authority))
        narrow = make_key(session, make_organisation(session), scopes=["reports:write"])
    body = [{"signal": "pdq", "value": "a" * 64}]
    with live.client() as client:
        assert client.post("/api/v1/lookup", json={"hashes": body}).status_code == 401
        assert lookup(client, authority, body).status_code == 403
        assert lookup(client, narrow, body).status_code == 403  # key without the lookup scope


@pytest.fixture
def second_process(live, database):
    """Another `eucentre serve` process on the same database and data directory."""
    port = free_port()
    env = {
        **os.environ,
        "EUCENTRE_DATABASE_URL": database.url,
        "EUCENTRE_DATA_DIR": str(live.settings.data_dir),
        "EUCENTRE_SECRET_KEY": TEST_SECRET,
        "EUCENTRE_ENVIRONMENT": "test",
        "EUCENTRE_EMBEDDED_WORKER": "false",
    }
    command = Path(sys.executable).parent / "eucentre"
    process = subprocess.Popen(
        [str(command), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the second server did not start")
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_disputing_removes_from_lookups_at_once_in_every_process(
    live, session_factory, provider_key, second_process
) -> None:
    import httpx

    value = random_pdq(11)
    with transaction(session_factory) as session:
        indicator = verified(session, value)
    body = [{"signal": "pdq", "value": value}]
    urls = [live.url, second_process]

    def matched(url: str) -> bool:
        with httpx.Client(base_url=url, timeout=30) as client:
            return bool(lookup(client, provider_key, body).json()["results"][0]["matches"])

    assert all(matched(url) for url in urls)
    with transaction(session_factory) as session:
        service.decide(
            session,
            actor="user:9",
            indicator_id=indicator.id,
            action=Action.dispute,
            reason="complaint upheld",
        )
    assert not any(matched(url) for url in urls)  # at once: no wait, no rebuild
    with transaction(session_factory) as session:
        service.decide(
            session,
            actor="user:8",
            indicator_id=indicator.id,
            action=Action.reinstate,
            reason="re-assessed",
        )
        added = verified(session, random_pdq(12))
    deadline = time.monotonic() + 10
    while not all(matched(url) for url in urls) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(matched(url) for url in urls)
    # A new indicator reaches every process's index within seconds (each catches up with the
    # change feed at most every 0.5 s), without a rebuild.
    fresh_body = [{"signal": "pdq", "value": random_pdq(12)}]
    deadline = time.monotonic() + 10
    with httpx.Client(base_url=second_process, timeout=30) as client:
        fresh = lookup(client, provider_key, fresh_body).json()
        while not fresh["results"][0]["matches"] and time.monotonic() < deadline:
            time.sleep(0.2)
            fresh = lookup(client, provider_key, fresh_body).json()
    assert fresh["results"][0]["matches"][0]["indicator_id"] == added.id


def test_the_change_feed_under_concurrent_writers(live, session_factory, provider_key) -> None:
    writers, per_writer = 4, 12
    seen: list[int] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(per_writer):
                with transaction(session_factory) as session:
                    indicator = verified(session, random_pdq(1000 + worker * 100 + n))
                if n % 3 == 0:
                    with transaction(session_factory) as session:
                        service.decide(
                            session,
                            actor="user:7",
                            indicator_id=indicator.id,
                            action=Action.dispute,
                            reason="test",
                        )
        except BaseException as failure:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(failure)

    def read() -> None:
        cursor = 0
        with live.client(headers={"Authorization": f"Bearer {provider_key}"}) as client:
            while True:
                finished = done.is_set()
                page = client.get(
                    "/api/v1/indicators/changes", params={"cursor": cursor, "limit": 5}
                ).json()
                seen.extend(change["seq"] for change in page["changes"])
                cursor = page["cursor"]
                if finished and not page["changes"]:
                    return

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join(timeout=60)
    assert errors == []
    expected = writers * per_writer + writers * len(range(0, per_writer, 3))
    assert seen == list(range(1, expected + 1))  # every change once, in order, none skipped


def test_export_streams_csv_and_jsonl(live, session_factory, provider_key) -> None:
    import json

    with transaction(session_factory) as session:
        first = verified(session, random_pdq(21))
        verified(session, random_pdq(22))
        candidate(session, random_pdq(23))
    with live.client(headers={"Authorization": f"Bearer {provider_key}"}) as client:
        csv_text = client.get(
            "/api/v1/indicators/export", params={"signal": "pdq", "format": "csv"}
        ).text
        jsonl = client.get(
            "/api/v1/indicators/export", params={"signal": "pdq", "format": "jsonl"}
        ).text
    lines = csv_text.strip().splitlines()
    assert lines[0] == "id,type,indicator,tags,last_updated"
    assert lines[1].startswith(f"{first.id},HASH_PDQ,{random_pdq(21)},known_material,")
    assert len(lines) == 3
    rows = [json.loads(line) for line in jsonl.strip().splitlines()]
    assert [row["value"] for row in rows] == [random_pdq(21), random_pdq(22)]
