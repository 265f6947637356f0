"""What a person learns from their case is about organisations and dates only: never the
report's content, the reported users, another person's case, or an authority that did not
receive the report; and nothing of the person's request reaches the provider or the authority."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind, Report
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit
from tests.victims.helpers import hashes_of, near_duplicate, open_case, read_case

SECRETS = ("SECRET-DESCRIPTION-42", "secret-user-7781", "198.18.1.10", "SOR-PRIVATE-9")


@pytest.fixture
def world(session_factory):
    with transaction(session_factory) as session:
        mine = make_organisation(session, kind=OrganisationKind.provider, name="Mine Service")
        other = make_organisation(session, kind=OrganisationKind.provider, name="Other Service")
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE", name="DE-A")
        make_organisation(session, kind=OrganisationKind.authority, country="FR", name="FR-A")
        keys = {
            "mine": make_key(session, mine),
            "other": make_key(session, other),
            "de": make_key(session, de),
        }
        for seed in (1, 5):
            verified(session, hash_bytes(png(seed))["pdq"])
    return keys


def test_information_names_organisations_and_dates_only(live, world, session_factory) -> None:
    body = report_body(
        provider_reference="SOR-PRIVATE-9",
        description="SECRET-DESCRIPTION-42",
    )
    body["reported_users"][0]["identifiers"] = ["secret-user-7781"]
    with live.client() as client:
        case = open_case(client, hashes_of(png(1)))
        someone_else = open_case(client, hashes_of(png(5)))
        mine = submit(client, world["mine"], body=body, files=[near_duplicate(1)]).json()
        # Another person's material, reported by another service and forwarded to France.
        french = report_body(provider_reference="other-1")
        french["reported_users"][0]["ip_events"][0]["ip"] = "198.18.200.7"
        french["reported_users"][0]["country"] = "FR"
        submit(client, world["other"], body=french, files=[png(5)])
        answer = read_case(client, case)
        page = client.post(
            "/victims/status",
            data={
                "number": case["case_number"],
                "pin": case["pin"],
                "csrf_token": client.get("/victims/status")
                .text.split('name="csrf_token" value="')[1]
                .split('"')[0],
            },
        )
        feedback = client.get(
            f"/api/v1/reports/{mine['id']}", headers={"Authorization": f"Bearer {world['mine']}"}
        ).text
        inbox = client.get("/api/v1/referrals", headers={"Authorization": f"Bearer {world['de']}"})
        referral = inbox.json()["referrals"][0]
        package = client.get(
            f"/api/v1/referrals/{referral['id']}/package",
            headers={"Authorization": f"Bearer {world['de']}"},
        ).content
    for text in (answer.text, page.text):
        for secret in SECRETS:
            assert secret not in text
        for absent in ("Other Service", "FR-A", someone_else["case_number"], "user:", "analyst"):
            assert absent not in text
        assert "Mine Service" in text and "DE-A" in text
    info = answer.json()["information"]
    assert {e["kind"] for e in info} == {"reported", "removed", "forwarded"}
    allowed = {"kind", "at", "text", "provider", "authority", "country", "europol", "recipient"}
    assert all(set(e) <= allowed for e in info)
    # Nothing of the request leaves the Centre with the report.
    archive = zipfile.ZipFile(io.BytesIO(package))
    everything = " ".join(
        archive.read(n).decode("utf-8", "replace")
        for n in archive.namelist()
        if not n.startswith("files/")
    )
    for text in (feedback, everything):
        # (The report's own Art. 13 data has a "victims" field, empty here.)
        assert "removal request" not in text.lower() and "unverified" not in text.lower()
        assert case["case_number"] not in text
    with transaction(session_factory) as session:
        report = session.get(Report, int(mine["id"]))
        assert not any("victim" in reason.lower() for reason in report.triage_reasons)
        assert json.dumps(report.routing).count("victim") == 0
        assert session.scalars(select(Report)).all()
