"""End to end over real HTTP: a person opens a case with the hashes of a (benign, generated)
image; a provider then reports a near-duplicate of it through the reports API; the report is
matched, placed earlier for analysts and forwarded; the case's information lists the provider,
the forwarding and the authority's country; providers review the list and give verdicts; the
person withdraws and the hashes leave the review-first list as `remove` changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind, Report
from eucentre.rules.victims import PRIORITY_VICTIM_MATCH
from eucentre.victims.models import VictimMatch
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit
from tests.victims.helpers import hashes_of, near_duplicate, open_case, read_case

FEED = "/api/v1/indicators/changes"


@pytest.fixture
def world(session_factory):
    """A provider (IE) that opted in to the review-first list, one that did not, authorities
    of DE and FR, Europol, and a verified indicator of the person's image."""
    with transaction(session_factory) as session:
        provider = make_organisation(
            session, kind=OrganisationKind.provider, country="IE", name="Picture Share"
        )
        other = make_organisation(session, kind=OrganisationKind.provider, name="Other Service")
        de = make_organisation(
            session, kind=OrganisationKind.authority, country="DE", name="BKA test"
        )
        make_organisation(session, kind=OrganisationKind.authority, country="FR", name="OFMIN")
        make_organisation(
            session, kind=OrganisationKind.authority, country="NL", europol=True, name="Europol"
        )
        keys = {
            "provider": make_key(session, provider),
            "reviewer": make_key(session, provider, scopes=["indicators:read", "victims:read"]),
            "plain": make_key(session, other, scopes=["indicators:read"]),
        }
        verified(session, hash_bytes(png(1))["pdq"])
    return {"keys": keys, "de": de}


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_victims_request_follows_a_report_to_the_police_and_is_withdrawn(
    live, world, session_factory
) -> None:
    keys = world["keys"]
    with live.client() as client:
        case = open_case(client, hashes_of(png(1)), language="de")
        # The provider reports a near-duplicate (blurred, re-encoded) of the person's image.
        created = submit(client, keys["provider"], body=report_body(), files=[near_duplicate(1)])
        assert created.status_code == 201, created.text
        report_id = int(created.json()["id"])
        status = client.get(f"/api/v1/reports/{report_id}", headers=bearer(keys["provider"]))
        assert status.json()["status"] == "referred"
        # Nothing of the victim's request reaches the provider's feedback.
        assert "victim" not in status.text.lower()
        info = read_case(client, case).json()["information"]

        listed = client.get(
            FEED, params={"list": "victim_requests"}, headers=bearer(keys["reviewer"])
        )
        refused = client.get(
            FEED, params={"list": "victim_requests"}, headers=bearer(keys["plain"])
        )
        unknown = client.get(FEED, params={"list": "nope"}, headers=bearer(keys["reviewer"]))
        verified_feed = client.get(FEED, headers=bearer(keys["reviewer"]))

        pdq = hashes_of(png(1))[0]["value"]
        verdict = client.post(
            "/api/v1/victims/feedback",
            json={"signal": "pdq", "value": pdq, "verdict": "removed"},
            headers=bearer(keys["reviewer"]),
        )
        without_scope = client.post(
            "/api/v1/victims/feedback",
            json={"signal": "pdq", "value": pdq, "verdict": "removed"},
            headers=bearer(keys["plain"]),
        )
        after_verdict = read_case(client, case).json()["information"]

        withdrawn = client.post(
            f"/api/v1/victims/cases/{case['case_number']}/withdraw",
            headers={"X-Case-PIN": case["pin"]},
        )
        assert withdrawn.status_code == 200
        cursor = listed.json()["cursor"]
        removals = client.get(
            FEED,
            params={"list": "victim_requests", "cursor": cursor},
            headers=bearer(keys["reviewer"]),
        ).json()
        # After withdrawal, the same image reported again matches nothing of the case.
        second = submit(
            client,
            keys["provider"],
            body=report_body(provider_reference="case-2"),
            files=[near_duplicate(1)],
        ).json()
        late_verdict = client.post(
            "/api/v1/victims/feedback",
            json={"signal": "pdq", "value": pdq, "verdict": "removed"},
            headers=bearer(keys["reviewer"]),
        )

    # Information, oldest first: reported by the provider (which had removed it), forwarded to
    # the German authority and to Europol.
    kinds = [(e["kind"], e.get("provider"), e.get("country"), e["europol"]) for e in info]
    assert kinds[:2] == [
        ("reported", "Picture Share", None, False),
        ("removed", "Picture Share", None, False),
    ]
    assert sorted(kinds[2:]) == [("forwarded", None, "DE", False), ("forwarded", None, "NL", True)]
    german = next(e for e in info if e["country"] == "DE")
    assert german["authority"] == "BKA test"
    assert german["text"] == (
        "Die Meldung wurde an BKA test weitergeleitet, die Polizeibehörde von Deutschland."
    )
    assert [e["at"] for e in info] == sorted(e["at"] for e in info)
    assert after_verdict[-1]["kind"] == "removed" and len(after_verdict) == len(info) + 1

    # The review-first list: the three hashes as additions, then as removals once withdrawn.
    assert listed.status_code == 200
    assert [(c["op"], c["signal"]) for c in listed.json()["changes"]] == [
        ("add", "pdq"),
        ("add", "md5"),
        ("add", "sha256"),
    ]
    assert [c["op"] for c in removals["changes"]] == ["remove"] * 3
    assert {c["value"] for c in removals["changes"]} == {h["value"] for h in hashes_of(png(1))}
    assert refused.status_code == 403 and refused.json()["error"] == "scope_missing"
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_list"
    # The verified list does not carry victims' hashes.
    assert all(c["value"] != hashes_of(png(1))[1]["value"] for c in verified_feed.json()["changes"])
    assert verdict.status_code == 201 and without_scope.status_code == 403
    assert late_verdict.status_code == 404

    with transaction(session_factory) as session:
        report = session.get(Report, report_id)
        # Known material would be priority 3; the victim's request places it earlier.
        assert report.priority == PRIORITY_VICTIM_MATCH
        matches = session.scalars(
            select(VictimMatch).where(VictimMatch.report_id.is_not(None))
        ).all()
        assert {m.report_id for m in matches} == {report_id}
        pdq_match = next(m for m in matches if m.signal == "pdq")
        assert 0 < pdq_match.distance <= 31
        assert session.get(Report, int(second["id"])).priority != PRIORITY_VICTIM_MATCH
