"""An authority sees exactly the reports forwarded to it, alike on its page, through the API and
in the package; a report forwarded later is a new package version, marked as new."""

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.complaints import repository as complaints
from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind
from eucentre.models.staff import AUTHORITY_OFFICER
from eucentre.reports import review
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, csrf_token_of, make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit

SECRET = TEST_SECRET.encode()
NONCE = "scope-nonce"
# Each report's reported user, and the address of their upload (DE and FR ranges of the
# synthetic IP table).
USERS = {
    "de": ("de-suspect-1", "198.18.1.10", "DE"),
    "fr": ("fr-suspect-7", "198.18.200.77", "FR"),
    "unfounded": ("unfounded-user-3", "198.18.3.3", "DE"),
    "review": ("in-review-user-4", "198.18.4.4", "DE"),
    "de2": ("de-suspect-2", "198.18.2.20", "DE"),
}


def body(name: str, incident_type: str = "known_material") -> dict:
    identifier, ip, country = USERS[name]
    now = datetime.now(UTC)
    return report_body(
        provider_reference=f"case-{name}",
        incident_type=incident_type,
        reported_users=[
            {
                "identifiers": [identifier],
                "country": country,
                "ip_events": [
                    {"ip": ip, "time": (now - timedelta(hours=3)).isoformat(), "event": "upload"}
                ],
            }
        ],
    )


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def world(live, session_factory):
    """A provider (IE), German and French authorities, Europol, a German officer, and one
    bundle (the same image) holding a DE report, an FR report, an unfounded report and one
    still in review."""
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE", name="BKA")
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
        verified(session, hash_bytes(png(1))["pdq"])
        officer = auth_service.create_user(
            session,
            actor="test",
            secret=SECRET,
            email="officer@bka.test",
            role=AUTHORITY_OFFICER,
            password=PASSWORD,
            organisation_name="BKA",
        )
        token = auth_service.open_session(session, user=officer.user, lifetime=timedelta(hours=1))
    ids = {}
    with live.client() as client:
        for name, kind in [
            ("de", "known_material"),
            ("fr", "known_material"),
            ("unfounded", "new_material"),
            ("review", "new_material"),
        ]:
            created = submit(client, keys["provider"], body=body(name, kind), files=[png(1)])
            assert created.status_code == 201, created.text
            ids[name] = int(created.json()["id"])
    with transaction(session_factory) as session:
        review.unfounded(
            session, actor="user:1", report_id=ids["unfounded"], reason="a drawing, not abuse"
        )
    browser = live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
    yield {"keys": keys, "ids": ids, "officer": browser, "de": de, "fr": fr, "europol": europol}
    browser.close()


def referral_of(client, key: str) -> dict:
    inbox = client.get("/api/v1/referrals", headers=bearer(key)).json()["referrals"]
    assert len(inbox) == 1
    return inbox[0]


def package_of(client, key: str, referral: dict) -> tuple[bytes, dict, dict]:
    """The package's bytes, its referral.json, and every member's bytes uncompressed."""
    response = client.get(f"/api/v1/referrals/{referral['id']}/package", headers=bearer(key))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    members = {name: archive.read(name) for name in archive.namelist()}
    return response.content, json.loads(members["referral.json"]), members


def assert_absent(texts: list[bytes | str], *names: str) -> None:
    for name in names:
        for secret in USERS[name][:2]:
            for text in texts:
                data = text.encode() if isinstance(text, str) else text
                assert secret.encode() not in data, f"{secret} ({name}) leaked"


def test_each_authority_sees_exactly_the_reports_forwarded_to_it(live, world) -> None:
    keys, ids = world["keys"], world["ids"]
    with live.client() as client:
        de = referral_of(client, keys["de"])
        fr = referral_of(client, keys["fr"])
        europol = referral_of(client, keys["europol"])
        assert de["id"] != fr["id"] != europol["id"]
        assert (de["report_count"], fr["report_count"], europol["report_count"]) == (1, 1, 2)

        for key, referral, expected, hidden in [
            ("de", de, [ids["de"]], ("fr", "unfounded", "review")),
            ("fr", fr, [ids["fr"]], ("de", "unfounded", "review")),
            ("europol", europol, [ids["de"], ids["fr"]], ("unfounded", "review")),
        ]:
            data, described, members = package_of(client, keys[key], referral)
            assert hashlib.sha256(data).hexdigest() == referral["package_sha256"]
            assert [r["report_id"] for r in described["reports"]] == expected
            manifest = dict(
                line.split("  ")[::-1] for line in members["manifest.sha256"].decode().splitlines()
            )
            assert set(manifest) == set(members) - {"manifest.sha256"}
            assert_absent([data, *members.values()], *hidden)
        # Europol's package holds what the German and the French authority were each sent.
        _, described, _ = package_of(client, keys["europol"], europol)
        identifiers = [
            r["report"]["reported_users"][0]["identifiers"] for r in described["reports"]
        ]
        assert identifiers == [["de-suspect-1"], ["fr-suspect-7"]]
        # The API names the reports, as the package does.
        assert [r["report_id"] for r in de["reports"]] == [ids["de"]]
        assert [r["report_id"] for r in fr["reports"]] == [ids["fr"]]
        assert [r["report_id"] for r in europol["reports"]] == [ids["de"], ids["fr"]]
        single = client.get(f"/api/v1/referrals/{de['id']}", headers=bearer(keys["de"])).json()
        assert [r["report_id"] for r in single["reports"]] == [ids["de"]]

    officer = world["officer"]
    inbox = officer.get("/authority/referrals")
    assert f'href="/authority/referrals/{de["id"]}"' in inbox.text
    assert f'href="/authority/referrals/{fr["id"]}"' not in inbox.text
    page = officer.get(f"/authority/referrals/{de['id']}")
    assert page.status_code == 200 and "de-suspect-1" in page.text and "198.18.1.10" in page.text
    assert f"Report {ids['de']}<" in page.text
    for name in ("fr", "unfounded", "review"):
        assert f"Report {ids[name]}<" not in page.text
    assert_absent([page.text, inbox.text], "fr", "unfounded", "review")
    assert officer.get(f"/authority/referrals/{fr['id']}").status_code == 404
    assert (
        officer.get(f"/api/v1/referrals/{fr['id']}/package").status_code == 404
    )  # another authority's referral of the same bundle


def test_a_report_joining_later_is_a_new_version_marked_new(live, world, session_factory) -> None:
    keys, ids, officer = world["keys"], world["ids"], world["officer"]
    with live.client() as client:
        first = referral_of(client, keys["de"])
        assert first["package_version"] == 1 and first["new_in_version"] == [ids["de"]]
        # The officer takes version 1.
        downloaded = officer.get(f"/api/v1/referrals/{first['id']}/package")
        assert downloaded.headers["X-Package-Version"] == "1"
        assert officer.get(f"/authority/referrals/{first['id']}").text.count(">NEW<") == 0

        later = submit(client, keys["provider"], body=body("de2"), files=[png(1)])
        assert later.status_code == 201
        ids["de2"] = int(later.json()["id"])
        second = referral_of(client, keys["de"])
        assert second["id"] == first["id"] and second["package_version"] == 2
        assert second["package_sha256"] != first["package_sha256"]
        assert second["new_in_version"] == [ids["de2"]]
        assert [(r["report_id"], r["added_in_version"], r["new"]) for r in second["reports"]] == [
            (ids["de"], 1, False),
            (ids["de2"], 2, True),
        ]
        assert [
            (v["version"], v["sha256"], v["report_count"]) for v in second["package_versions"]
        ] == [
            (1, first["package_sha256"], 1),
            (2, second["package_sha256"], 2),
        ]
        data, described, members = package_of(client, keys["de"], second)
        assert hashlib.sha256(data).hexdigest() == second["package_sha256"]
        assert described["package_version"] == 2
        assert described["new_report_ids"] == [ids["de2"]]
        assert described["previous_package_sha256"] == first["package_sha256"]
        assert [r["report_id"] for r in described["reports"]] == [ids["de"], ids["de2"]]
        assert_absent([data, *members.values()], "fr", "unfounded", "review")
        # Europol, which also receives it, gets its own next version; France nothing.
        europol = referral_of(client, keys["europol"])
        assert europol["new_in_version"] == [ids["de2"]]
        assert [r["report_id"] for r in referral_of(client, keys["fr"])["reports"]] == [ids["fr"]]

    with live.client() as client:
        again = referral_of(client, keys["de"])
    # The API's download above took version 2, so it is no longer new to the authority.
    assert [r["new"] for r in again["reports"]] == [False, False]


def test_the_officers_page_says_what_a_new_version_adds(live, world) -> None:
    keys, ids, officer = world["keys"], world["ids"], world["officer"]
    with live.client() as client:
        first = referral_of(client, keys["de"])
    ack = officer.post(
        f"/authority/referrals/{first['id']}/acknowledge",
        data={"csrf_token": csrf_token_of(officer, SECRET)},
    )
    assert ack.status_code == 303
    with live.client() as client:
        later = int(submit(client, keys["provider"], body=body("de2"), files=[png(1)]).json()["id"])
        status = client.get(f"/api/v1/reports/{later}", headers=bearer(keys["provider"])).json()
        assert status["status"] == "referred"
    inbox = officer.get("/authority/referrals")
    assert "1 new<" in inbox.text
    page = officer.get(f"/authority/referrals/{first['id']}")
    assert "version 2" in page.text and "de-suspect-2" in page.text
    assert "(version 1): 1 report(s)" in page.text
    new_section = page.text.split(f'id="report-{later}"')[1]
    assert new_section.startswith(">Report ") and ">NEW<" in new_section.split("</h2>")[0]
    old_section = page.text.split(f'id="report-{ids["de"]}"')[1].split("</h2>")[0]
    assert ">NEW<" not in old_section
    assert "Added in version 2 of the package." in page.text
    assert "Acknowledge the new reports" in page.text
    german = officer.get(
        f"/authority/referrals/{first['id']}", headers={"Accept-Language": "de-DE"}
    ).text
    assert "Version 2" in german and "NEU" in german
    # Acknowledging takes in the new report, which moves on for the provider.
    officer.post(
        f"/authority/referrals/{first['id']}/acknowledge",
        data={"csrf_token": csrf_token_of(officer, SECRET)},
    )
    page = officer.get(f"/authority/referrals/{first['id']}")
    assert ">NEW<" not in page.text and "Acknowledge the new reports" not in page.text
    with live.client() as client:
        status = client.get(f"/api/v1/reports/{later}", headers=bearer(keys["provider"])).json()
    assert status["status"] == "acknowledged"


def test_complaints_reach_only_the_authorities_a_report_was_forwarded_to(
    live, world, session_factory
) -> None:
    ids = world["ids"]
    with transaction(session_factory) as session:
        told = {
            name: {r.authority_id for r in complaints.referrals_of_reports(session, [ids[name]])}
            for name in ("de", "fr", "unfounded", "review")
        }
    de, fr, europol = world["de"].id, world["fr"].id, world["europol"].id
    assert told == {
        "de": {de, europol},
        "fr": {fr, europol},
        "unfounded": set(),
        "review": set(),
    }
