"""End to end over real HTTP: a provider reports, the Centre assesses and refers, the
authority acknowledges and answers."""

import hashlib
import io
import zipfile

import pytest

from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit


@pytest.fixture
def world(session_factory):
    """A provider (IE), authorities for DE and FR, Europol, and one verified indicator."""
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE")
        fr = make_organisation(session, kind=OrganisationKind.authority, country="FR")
        europol = make_organisation(
            session, kind=OrganisationKind.authority, country="NL", europol=True
        )
        keys = {
            "provider": make_key(session, provider),
            "de": make_key(session, de),
            "fr": make_key(session, fr),
            "europol": make_key(session, europol),
        }
        indicator = verified(session, hash_bytes(png(1))["pdq"])
    return {"keys": keys, "indicator": indicator, "de": de, "europol": europol}


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_known_material_is_referred_and_acknowledged(live, world) -> None:
    keys = world["keys"]
    with live.client() as client:
        created = submit(client, keys["provider"], files=[png(1)])
        assert created.status_code == 201, created.text
        report = created.json()
        assert report["files"]["count"] == 1
        status = client.get(
            f"/api/v1/reports/{report['id']}", headers=bearer(keys["provider"])
        ).json()
        assert status["status"] == "referred"
        assert [f["kind"] for f in status["feedback"]] == ["received", "referred"]
        assert all("content" not in str(h) for h in status["files"]["hashes"])

        de_inbox = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"]
        europol_inbox = client.get("/api/v1/referrals", headers=bearer(keys["europol"])).json()[
            "referrals"
        ]
        fr_inbox = client.get("/api/v1/referrals", headers=bearer(keys["fr"])).json()["referrals"]
        assert len(de_inbox) == 1 and len(europol_inbox) == 1 and fr_inbox == []
        referral = de_inbox[0]
        assert referral["status"] == "available" and referral["report_count"] == 1

        package = client.get(
            f"/api/v1/referrals/{referral['id']}/package", headers=bearer(keys["de"])
        )
        assert package.status_code == 200
        assert hashlib.sha256(package.content).hexdigest() == referral["package_sha256"]
        archive = zipfile.ZipFile(io.BytesIO(package.content))
        manifest = dict(
            line.split("  ")[::-1] for line in archive.read("manifest.sha256").decode().splitlines()
        )
        for name, digest in manifest.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        assert any(name.startswith("files/") for name in manifest)

        ack = client.post(
            f"/api/v1/referrals/{referral['id']}/acknowledge", headers=bearer(keys["de"])
        )
        assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
        status = client.get(
            f"/api/v1/reports/{report['id']}", headers=bearer(keys["provider"])
        ).json()
        assert status["status"] == "acknowledged"
        # Another authority cannot see or acknowledge it.
        assert (
            client.post(
                f"/api/v1/referrals/{referral['id']}/acknowledge", headers=bearer(keys["fr"])
            ).status_code
            == 404
        )


def test_a_report_with_nothing_to_assess_is_unfounded_with_reasons(live, world) -> None:
    body = report_body(description="", reported_users=[], incident_type="known_material")
    with live.client() as client:
        created = submit(client, world["keys"]["provider"], body=body).json()
        status = client.get(
            f"/api/v1/reports/{created['id']}", headers=bearer(world["keys"]["provider"])
        ).json()
    assert status["status"] == "unfounded"
    assert "no files, hashes, URLs or description" in status["feedback"][-1]["message"]


def test_new_material_waits_for_an_analyst(live, world) -> None:
    body = report_body(incident_type="new_material")
    with live.client() as client:
        created = submit(client, world["keys"]["provider"], body=body, files=[png(7)]).json()
        status = client.get(
            f"/api/v1/reports/{created['id']}", headers=bearer(world["keys"]["provider"])
        ).json()
    assert status["status"] == "awaiting_review"


def test_viral_content_becomes_one_bundle_and_one_referral(live, world) -> None:
    keys = world["keys"]
    with live.client() as client:
        ids = [
            submit(
                client,
                keys["provider"],
                body=report_body(provider_reference=f"case-{n}"),
                files=[png(1)],
            ).json()["id"]
            for n in range(5)
        ]
        inbox = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"]
    assert len(ids) == 5
    assert len(inbox) == 1 and inbox[0]["report_count"] == 5


def test_hashes_instead_of_files_and_the_authoritys_not_abuse_disputes_the_indicator(
    live, world, session_factory
) -> None:
    keys = world["keys"]
    pdq = world["indicator"].value
    body = report_body(hashes=[{"signal": "pdq", "value": pdq}])
    with live.client() as client:
        submitted = submit(client, keys["provider"], body=body)
        assert submitted.status_code == 201
        referral = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"][
            0
        ]
        client.post(f"/api/v1/referrals/{referral['id']}/acknowledge", headers=bearer(keys["de"]))
        outcome = client.post(
            f"/api/v1/referrals/{referral['id']}/outcome",
            headers=bearer(keys["de"]),
            json={"outcome": "not_abuse", "note": "a drawing"},
        )
        assert outcome.status_code == 200
        lookup = client.post(
            "/api/v1/lookup",
            headers=bearer(keys["provider"]),
            json={"hashes": [{"signal": "pdq", "value": pdq}]},
        ).json()
    assert lookup["results"][0]["matches"] == []  # the disputed indicator left lookups at once


def test_a_hold_reaches_the_provider_and_is_bounded(live, world) -> None:
    from datetime import UTC, datetime, timedelta

    keys = world["keys"]
    with live.client() as client:
        report = submit(client, keys["provider"], files=[png(1)]).json()
        referral = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"][
            0
        ]
        too_long = (datetime.now(UTC) + timedelta(days=600)).isoformat()
        refused = client.post(
            f"/api/v1/referrals/{referral['id']}/hold",
            headers=bearer(keys["de"]),
            json={"until": too_long, "reason": "investigation"},
        )
        assert refused.status_code == 422 and refused.json()["error"] == "invalid_hold"
        until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
        held = client.post(
            f"/api/v1/referrals/{referral['id']}/hold",
            headers=bearer(keys["de"]),
            json={"until": until, "reason": "investigation"},
        )
        assert held.status_code == 200
        status = client.get(
            f"/api/v1/reports/{report['id']}", headers=bearer(keys["provider"])
        ).json()
    assert "not to inform the user and not to remove" in status["feedback"][-1]["message"]


def test_provider_keys_never_read_referrals_and_providers_only_their_own_reports(
    live, world, session_factory
) -> None:
    with transaction(session_factory) as session:
        other = make_key(session, make_organisation(session, kind=OrganisationKind.provider))
    with live.client() as client:
        report = submit(client, world["keys"]["provider"], files=[png(1)]).json()
        assert (
            client.get("/api/v1/referrals", headers=bearer(world["keys"]["provider"])).status_code
            == 403
        )
        assert (
            client.get(f"/api/v1/reports/{report['id']}", headers=bearer(other)).status_code == 404
        )
        assert (
            client.get(
                f"/api/v1/reports/{report['id']}", headers=bearer(world["keys"]["de"])
            ).status_code
            == 403
        )
