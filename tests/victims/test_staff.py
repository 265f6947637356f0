"""Analysts over real HTTP: the queue of cases with matches, a case page with hashes, matches,
precision and timeline; proposing a hash as a candidate indicator only after seeing the
matching material (the audited reveal), through the four-eyes flow; the contact only when the
person gave one, on request, audited."""

from __future__ import annotations

from sqlalchemy import select

from eucentre.db import transaction
from eucentre.models import AuditEntry, Indicator, IndicatorStatus, OrganisationKind, Role
from tests.factories import make_key, make_organisation
from tests.indicators.test_pages import post_form, staff_client
from tests.reports.helpers import png, report_body, submit
from tests.victims.helpers import hashes_of, near_duplicate, open_case


def test_an_analyst_sees_the_case_and_proposes_a_hash_after_seeing_the_material(
    live, session_factory
) -> None:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, name="Pics")
        key = make_key(session, provider)
    with live.client() as public:
        case = open_case(public, hashes_of(png(1)), contact="call me: +49 30 1234")
        report = submit(
            public, key, body=report_body(incident_type="new_material"), files=[near_duplicate(1)]
        ).json()
    analyst, _ = staff_client(live, session_factory, Role.analyst)
    auditor, _ = staff_client(live, session_factory, Role.auditor)
    with analyst, auditor:
        queue = analyst.get("/staff/victims")
        assert queue.status_code == 200
        case_link = queue.text.split('href="/staff/victims/')[1].split('"')[0]
        page = analyst.get(f"/staff/victims/{case_link}")
        assert page.status_code == 200
        assert f"/staff/reports/{report['id']}" in page.text
        assert "Reveal matching material in a report first." in page.text
        # Not shown unless asked for, and never to an auditor.
        assert "+49 30 1234" not in page.text and case["case_number"] not in page.text
        assert "+49 30 1234" not in auditor.get(f"/staff/victims/{case_link}?contact=true").text
        shown = analyst.get(f"/staff/victims/{case_link}?contact=true")
        assert 'id="victim-contact">call me: +49 30 1234<' in shown.text
        hash_id = page.text.split("/hashes/")[1].split("/")[0] if "/hashes/" in page.text else "1"
        refused = post_form(
            analyst, f"/staff/victims/{case_link}/hashes/{hash_id}/propose", confirm="yes"
        )
        assert refused.status_code == 409

        item = page.text.split(f"/staff/reports/{report['id']}/files/")[1].split('"')[0]
        assert (
            analyst.get(f"/staff/reports/{report['id']}/files/{item}?reveal=true").status_code
            == 200
        )
        page = analyst.get(f"/staff/victims/{case_link}")
        hash_id = page.text.split("/hashes/")[1].split("/")[0]
        asked = post_form(analyst, f"/staff/victims/{case_link}/hashes/{hash_id}/propose")
        assert (
            asked.status_code == 200 and "Propose this hash as a candidate indicator?" in asked.text
        )
        done = post_form(
            analyst, f"/staff/victims/{case_link}/hashes/{hash_id}/propose", confirm="yes"
        )
        assert done.status_code == 303 and done.headers["location"].startswith("/staff/indicators/")
        by_auditor = post_form(
            auditor, f"/staff/victims/{case_link}/hashes/{hash_id}/propose", confirm="yes"
        )
        assert by_auditor.status_code == 403
    with transaction(session_factory) as session:
        indicator = session.scalar(select(Indicator))
        # A candidate only: verification needs two analysts, as for any indicator.
        assert indicator.status == IndicatorStatus.candidate
        assert indicator.labels == ["victim_request"]
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert "victim_case.contact_read" in actions and "victim_hash.proposed" in actions
    assert actions.count("victim_case.contact_read") == 1
