"""The Centre's detection API over real HTTP: who gets bundles and keys, what is in a bundle,
the public root history, and a device that detects a bundle other than the published one."""

from __future__ import annotations

import json

from eucentre_client import cli
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.models import AuditEntry, OrganisationKind
from eucentre.psi import keys, reveal
from eucentre.psi.bundle import parse
from tests.detection.helpers import publish, twice_sourced
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import candidate, random_pdq


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_only_verified_twice_sourced_indicators_are_in_the_bundle(live, session_factory) -> None:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        key = make_key(session, provider, ["detection:read"])
        plain = make_key(session, provider, ["reports:write"])
        twice_sourced(session, "pdq", random_pdq(1))
        twice_sourced(session, "md5", "ab" * 16)
        twice_sourced(session, "pdq", random_pdq(2), sources=("Hotline A", "hotline a"))
        candidate(session, random_pdq(3))  # not verified
        publish(session, live.settings, live.app.state.blobs)
    with live.client() as client:
        assert client.get("/api/v1/detection/bundle").status_code == 401
        assert client.get("/api/v1/detection/bundle", headers=bearer(plain)).status_code == 403
        assert client.get("/api/v1/detection/bundle/key", headers=bearer(plain)).status_code == 403
        reply = client.get("/api/v1/detection/bundle", headers=bearer(key))
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "application/octet-stream"
        history = client.get("/api/v1/detection/bundle/root").json()  # public
        alpha = bytes.fromhex(
            client.get("/api/v1/detection/bundle/key", headers=bearer(key)).json()["alpha"]
        )
        missing = client.get("/api/v1/detection/bundle", params={"version": 9}, headers=bearer(key))
    assert missing.status_code == 404
    assert missing.json()["error"] == "unknown_bundle"
    bundle = parse(reply.content, expected_root=history["current"]["root"])
    assert reply.headers["x-bundle-root"] == bundle.root
    assert history["current"]["indicators"] == 2
    assert [item["version"] for item in history["history"]] == [1]

    def listed(signal: str, value: str) -> bool:
        return reveal.member(bundle, alpha, keys.exact_key(signal, value))

    assert listed("pdq", random_pdq(1))
    assert listed("md5", "ab" * 16)
    assert not listed("pdq", random_pdq(2))  # one organisation, twice
    assert not listed("pdq", random_pdq(3))  # a candidate
    with transaction(session_factory) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "detection.bundle_published" in actions
    assert "detection.key_read" in actions


def test_the_root_history_grows_and_every_version_stays_downloadable(live, session_factory) -> None:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        key = make_key(session, provider, ["detection:read"])
        twice_sourced(session, "pdq", random_pdq(10))
        publish(session, live.settings, live.app.state.blobs)
        twice_sourced(session, "pdq", random_pdq(11))
        publish(session, live.settings, live.app.state.blobs)
    with live.client() as client:
        history = client.get("/api/v1/detection/bundle/root").json()["history"]
        first = client.get("/api/v1/detection/bundle", params={"version": 1}, headers=bearer(key))
        latest = client.get("/api/v1/detection/bundle", headers=bearer(key))
    assert [h["version"] for h in history] == [1, 2]
    assert [h["indicators"] for h in history] == [1, 2]
    assert parse(first.content).root == history[0]["root"]
    assert parse(latest.content).root == history[1]["root"] != history[0]["root"]


def test_a_device_given_another_list_than_the_published_one_detects_it(
    live, session_factory, tmp_path, capsys
) -> None:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        key = make_key(session, provider, ["detection:read"])
        twice_sourced(session, "pdq", random_pdq(20))
        publish(session, live.settings, live.app.state.blobs)
        twice_sourced(session, "pdq", random_pdq(21))  # a list with one more entry
        publish(session, live.settings, live.app.state.blobs)
    with live.client() as client:
        published = client.get("/api/v1/detection/bundle/root").json()["history"][0]["root"]
        other = client.get("/api/v1/detection/bundle", headers=bearer(key)).content
    (tmp_path / "bundle.bin").write_bytes(other)
    assert cli.main(["verify", "--bundle", str(tmp_path / "bundle.bin"), "--root", published]) == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "bundle_root_mismatch"
    assert cli.main(["account", str(tmp_path / "state.json")]) == 0
    capsys.readouterr()
    image = tmp_path / "a.png"
    from tests.detection.images import png

    image.write_bytes(png(1))
    status = cli.main([
        "voucher", "--bundle", str(tmp_path / "bundle.bin"), "--root", published,
        "--state", str(tmp_path / "state.json"), "--account", "a", str(image),
    ])  # fmt: skip
    assert status == 2
    assert capsys.readouterr().out == ""  # not one voucher against the wrong list
