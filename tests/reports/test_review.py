"""Analysts decide on reports through the pages; the provider answers questions through the API."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.models import AuditEntry, Indicator, IndicatorStatus, OrganisationKind, Role
from tests.conftest import TEST_SECRET
from tests.factories import csrf_token_of, make_key, make_organisation, make_staff
from tests.reports.helpers import png, report_body, submit

SECRET = TEST_SECRET.encode()
NONCE = "review-nonce"


@pytest.fixture
def setup(live, session_factory):
    with transaction(session_factory) as session:
        provider = make_key(
            session, make_organisation(session, kind=OrganisationKind.provider, country="IE")
        )
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE")
        fr = make_organisation(session, kind=OrganisationKind.authority, country="FR")
        keys = {"de": make_key(session, de), "fr": make_key(session, fr)}
        analyst = make_staff(session, secret=SECRET, role=Role.analyst)
        token = auth_service.open_session(session, user=analyst.user, lifetime=timedelta(hours=1))
    staff = live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
    yield {
        "provider": provider,
        "staff": staff,
        "de": de,
        "fr": fr,
        "keys": keys,
        "analyst": analyst,
    }
    staff.close()


def form(client, **fields):
    return {"csrf_token": csrf_token_of(client, SECRET), **fields}


def test_new_material_is_forwarded_to_the_chosen_authority_and_becomes_candidates(
    live, setup, session_factory
) -> None:
    with live.client() as client:
        report = submit(
            client,
            setup["provider"],
            body=report_body(incident_type="new_material"),
            files=[png(11)],
        ).json()
    staff = setup["staff"]
    queue = staff.get("/staff/reports?queue=review")
    assert f'/staff/reports/{report["id"]}"' in queue.text
    page = staff.get(f"/staff/reports/{report['id']}")
    assert page.status_code == 200 and "user-123" in page.text and "Forward to" in page.text
    forwarded = staff.post(
        f"/staff/reports/{report['id']}/forward",
        data=form(staff, authority=str(setup["fr"].id), confirm_new_material="yes"),
    )
    assert forwarded.status_code == 303
    with live.client() as client:
        fr_inbox = client.get(
            "/api/v1/referrals", headers={"Authorization": f"Bearer {setup['keys']['fr']}"}
        ).json()
        de_inbox = client.get(
            "/api/v1/referrals", headers={"Authorization": f"Bearer {setup['keys']['de']}"}
        ).json()
    assert len(fr_inbox["referrals"]) == 1 and de_inbox["referrals"] == []
    with transaction(session_factory) as session:
        candidates = session.scalars(select(Indicator)).all()
        viewed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "report.viewed")
        ).all()
    assert {i.signal for i in candidates} == {"pdq", "md5"}
    assert all(i.status == IndicatorStatus.candidate for i in candidates)
    assert len(viewed) == 1 and viewed[0].actor == f"user:{setup['analyst'].user.id}"


def test_more_information_is_requested_and_answered(live, setup) -> None:
    with live.client() as client:
        report = submit(
            client,
            setup["provider"],
            body=report_body(incident_type="solicitation"),
            files=[png(12)],
        ).json()
    asked = setup["staff"].post(
        f"/staff/reports/{report['id']}/request-information",
        data=form(setup["staff"], question="Which account sent the first message?"),
    )
    assert asked.status_code == 303
    headers = {"Authorization": f"Bearer {setup['provider']}"}
    with live.client(headers=headers) as client:
        status = client.get(f"/api/v1/reports/{report['id']}").json()
        assert status["status"] == "more_information_requested"
        assert status["feedback"][-1] == {
            **status["feedback"][-1],
            "kind": "more_information_requested",
            "message": "Which account sent the first message?",
        }
        answered = client.post(
            f"/api/v1/reports/{report['id']}/information", json={"message": "user-999"}
        )
        assert answered.status_code == 200 and answered.json()["status"] == "awaiting_review"
        again = client.post(
            f"/api/v1/reports/{report['id']}/information", json={"message": "again"}
        )
        assert again.status_code == 409 and again.json()["error"] == "invalid_transition"


def test_unfounded_needs_a_reason_the_provider_reads(live, setup) -> None:
    with live.client() as client:
        report = submit(
            client,
            setup["provider"],
            body=report_body(incident_type="new_material"),
            files=[png(13)],
        ).json()
    staff = setup["staff"]
    assert (
        staff.post(
            f"/staff/reports/{report['id']}/unfounded", data=form(staff, reason=" ")
        ).status_code
        == 422
    )
    assert (
        staff.post(
            f"/staff/reports/{report['id']}/unfounded",
            data=form(staff, reason="The image is a landscape."),
        ).status_code
        == 303
    )
    with live.client(headers={"Authorization": f"Bearer {setup['provider']}"}) as client:
        status = client.get(f"/api/v1/reports/{report['id']}").json()
    assert status["status"] == "unfounded"
    assert status["feedback"][-1]["message"] == "The report is unfounded: The image is a landscape."


def test_files_are_blurred_by_default(live, setup, session_factory) -> None:
    import io

    from PIL import Image

    from eucentre.models import ReportItem

    with live.client() as client:
        report = submit(
            client,
            setup["provider"],
            body=report_body(incident_type="new_material"),
            files=[png(14)],
        ).json()
    with transaction(session_factory) as session:
        item = session.scalars(select(ReportItem)).one()
    preview = setup["staff"].get(f"/staff/reports/{report['id']}/files/{item.id}")
    assert preview.status_code == 200
    assert Image.open(io.BytesIO(preview.content)).mode == "L"
