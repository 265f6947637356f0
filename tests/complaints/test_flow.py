"""A complaint through the API and the analysts' pages over real HTTP: four eyes, then the
indicator leaves lookups, the provider is told to reinstate and acknowledges, the authority is
told, and the error accounting counts it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.models import OrganisationKind, ReportEvent, Role
from tests.complaints.helpers import refer, removal
from tests.conftest import TEST_SECRET
from tests.factories import csrf_token_of, make_key, make_organisation, make_staff
from tests.indicators.helpers import random_pdq, verified

SECRET = TEST_SECRET.encode()
NONCE = "complaints-nonce"


@pytest.fixture
def setup(live, session_factory):
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        other = make_organisation(session, kind=OrganisationKind.provider)
        authority = make_organisation(session, kind=OrganisationKind.authority)
        indicator = verified(session, random_pdq(404))
        report = removal(session, provider=provider, reference="sor-77", indicator=indicator)
        refer(session, report, authority)
        staff = {}
        for name, role in (("a", Role.analyst), ("b", Role.senior_analyst), ("c", Role.auditor)):
            account = make_staff(session, secret=SECRET, role=role)
            staff[name] = auth_service.open_session(
                session, user=account.user, lifetime=timedelta(hours=1)
            )
        setup = {
            "provider": make_key(session, provider),
            "other": make_key(session, other),
            "authority": make_key(session, authority),
            "indicator": indicator,
            "report": report,
        }
    clients = {
        name: live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
        for name, token in staff.items()
    }
    yield {**setup, **clients}
    for client in clients.values():
        client.close()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def form(client, **fields):
    return {"csrf_token": csrf_token_of(client, SECRET), **fields}


def complaint_body(**overrides):
    body = {
        "provider_reference": "sor-77",
        "complaint_reference": "their-complaint-1",
        "decision_date": (date.today() - timedelta(days=1)).isoformat(),
        "content_description": "A drawing of a cat.",
        "reason": "The user says it is their own drawing of a cat.",
    }
    body.update(overrides)
    return body


def pdq_lookup(client, key, value):
    response = client.post(
        "/api/v1/lookup",
        json={"hashes": [{"signal": "pdq", "value": value}]},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["matches"]


def test_an_upheld_complaint_removes_the_indicator_from_lookups_and_tells_everyone(
    live, setup, session_factory
) -> None:
    pdq = setup["indicator"].value
    with live.client() as client:
        assert pdq_lookup(client, setup["provider"], pdq)  # verified: it matches
        sent = client.post(
            "/api/v1/complaints", json=complaint_body(), headers=bearer(setup["provider"])
        )
        assert sent.status_code == 201, sent.text
        replay = client.post(
            "/api/v1/complaints", json=complaint_body(), headers=bearer(setup["provider"])
        )
        assert replay.status_code == 200 and replay.json()["id"] == sent.json()["id"]
        complaint = sent.json()
        assert complaint["linked_reports"] == [setup["report"].id]
        # Another provider cannot read it; nothing to acknowledge before a decision.
        assert (
            client.get(f"/api/v1/complaints/{complaint['id']}", headers=bearer(setup["other"]))
        ).status_code == 404
        early = client.post(
            f"/api/v1/complaints/{complaint['id']}/acknowledge", headers=bearer(setup["provider"])
        )
        assert early.status_code == 409

    cid = complaint["id"]
    queue = setup["a"].get("/staff/complaints")
    assert complaint["number"] in queue.text and "days left" in queue.text
    page = setup["a"].get(f"/staff/complaints/{cid}")
    assert page.status_code == 200 and "a second analyst must confirm" in page.text
    assert f"/staff/indicators/{setup['indicator'].id}" in page.text and "blurred" in page.text
    first = setup["a"].post(
        f"/staff/complaints/{cid}/uphold", data=form(setup["a"], reason="A cat drawing.")
    )
    assert first.status_code == 303
    again = setup["a"].post(
        f"/staff/complaints/{cid}/uphold", data=form(setup["a"], reason="Really.")
    )
    assert again.status_code == 409
    assert (
        setup["c"]
        .post(f"/staff/complaints/{cid}/uphold", data=form(setup["c"], reason="x"))
        .status_code
        == 403
    )
    with live.client() as client:
        assert pdq_lookup(client, setup["provider"], pdq)  # still verified while pending
    second = setup["b"].post(
        f"/staff/complaints/{cid}/uphold", data=form(setup["b"], reason="It is a drawing of a cat.")
    )
    assert second.status_code == 303

    with live.client() as client:
        assert pdq_lookup(client, setup["provider"], pdq) == []  # gone from lookups at once
        outcome = client.get(f"/api/v1/complaints/{cid}", headers=bearer(setup["provider"])).json()
        assert outcome["status"] == "upheld"
        assert outcome["decision_reason"] == "It is a drawing of a cat."
        [reinstate] = outcome["messages"]
        assert reinstate["kind"] == "reinstate" and reinstate["available_at"]
        acked = client.post(
            f"/api/v1/complaints/{cid}/acknowledge", headers=bearer(setup["provider"])
        ).json()
        assert acked["messages"][0]["acknowledged_at"]
        notices = client.get("/api/v1/complaint-notices", headers=bearer(setup["authority"]))
        [notice] = notices.json()["notices"]
        assert "erroneous" in notice["message"]
        assert client.post(
            f"/api/v1/complaint-notices/{notice['id']}/acknowledge",
            headers=bearer(setup["authority"]),
        ).json()["acknowledged_at"]
        assert (
            client.get("/api/v1/complaint-notices", headers=bearer(setup["provider"])).status_code
            == 403
        )

    with transaction(session_factory) as session:
        kinds = session.scalars(
            select(ReportEvent.kind).where(ReportEvent.report_id == setup["report"].id)
        ).all()
    assert "erroneous" in kinds
    with live.client() as client:
        feedback = client.get(
            f"/api/v1/reports/{setup['report'].id}", headers=bearer(setup["provider"])
        ).json()["feedback"]
    assert feedback[-1]["kind"] == "erroneous"  # the provider learns its report was erroneous
    indicator_page = setup["c"].get(f"/staff/indicators/{setup['indicator'].id}")
    assert "Upheld complaints</dt><dd>1</dd>" in indicator_page.text.replace("\n", "")
    accounting = setup["c"].get("/staff/accounting")
    assert accounting.status_code == 200 and "By detection method" in accounting.text
    exported = setup["c"].get("/staff/accounting/export?format=json").json()
    [by_indicator] = exported["tables"]["indicator"]
    assert by_indicator["key"] == str(setup["indicator"].id)
    # Two of the provider's lookups matched (before and while the uphold was pending), and the
    # report's item did; the lookup after the uphold found nothing.
    assert by_indicator["upheld_complaints"] == 1 and by_indicator["matches"] == 3
    csv_text = setup["c"].get("/staff/accounting/export?format=csv").text
    assert csv_text.startswith("dimension,key,matches,upheld_complaints,not_abuse,errors,precision")
    indicator_page = setup["c"].get(f"/staff/indicators/{setup['indicator'].id}")
    assert f"/staff/accounting/indicators/{setup['indicator'].id}" in indicator_page.text
    figures = setup["c"].get(f"/staff/accounting/indicators/{setup['indicator'].id}")
    assert "Upheld complaints</dt><dd>1<" in figures.text


def test_a_provider_complaint_about_an_old_decision_is_refused(live, setup) -> None:
    with live.client() as client:
        response = client.post(
            "/api/v1/complaints",
            json=complaint_body(decision_date=(date.today() - timedelta(days=400)).isoformat()),
            headers=bearer(setup["provider"]),
        )
    assert response.status_code == 422 and response.json()["error"] == "complaint_too_late"


def test_an_analyst_who_disputed_the_indicator_still_cannot_uphold_alone(live, setup) -> None:
    with live.client() as client:
        sent = client.post(
            "/api/v1/complaints", json=complaint_body(), headers=bearer(setup["provider"])
        )
    cid = sent.json()["id"]
    indicator_id = setup["indicator"].id
    disputed = setup["a"].post(
        f"/staff/indicators/{indicator_id}/dispute",
        data=form(setup["a"], reason="Looks like a cat."),
    )
    assert disputed.status_code == 303
    page = setup["a"].get(f"/staff/complaints/{cid}")
    assert "a second analyst must confirm" in page.text
    assert (
        setup["a"]
        .post(f"/staff/complaints/{cid}/uphold", data=form(setup["a"], reason="A cat drawing."))
        .status_code
        == 303
    )
    again = setup["a"].post(
        f"/staff/complaints/{cid}/uphold", data=form(setup["a"], reason="Really.")
    )
    assert again.status_code == 409
    with live.client() as client:
        outcome = client.get(f"/api/v1/complaints/{cid}", headers=bearer(setup["provider"])).json()
    assert outcome["status"] == "pending_uphold" and outcome["messages"] == []


def test_complaints_about_the_same_decision_are_shown_as_possible_duplicates(live, setup) -> None:
    with live.client() as client:
        ids = [
            client.post(
                "/api/v1/complaints",
                json=complaint_body(complaint_reference=f"theirs-{n}"),
                headers=bearer(setup["provider"]),
            ).json()
            for n in range(2)
        ]
        other = client.post(
            "/api/v1/complaints",
            json=complaint_body(provider_reference="sor-78", complaint_reference="theirs-9"),
            headers=bearer(setup["provider"]),
        ).json()
    page = setup["a"].get(f"/staff/complaints/{ids[0]['id']}").text
    assert "Possible duplicates" in page
    assert f'href="/staff/complaints/{ids[1]["id"]}">{ids[1]["number"]}' in page
    assert other["number"] not in page
    alone = setup["a"].get(f"/staff/complaints/{other['id']}").text
    assert "Possible duplicates" not in alone
