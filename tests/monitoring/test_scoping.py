"""A coordinator sees and sends only its own Member State's figures, in every route: FR's
pending figures are absent from everything DE's coordinator (key or account) can read, and the
public sees no figure before sign-off."""

from __future__ import annotations

import io

import openpyxl
import pytest

from eucentre.db import transaction
from eucentre.monitoring import repository, xlsx
from eucentre.monitoring.registry import registry
from tests.monitoring.helpers import browser, firearms_csv, make_coordinator, open_round

FR_VALUE = "98765"


@pytest.fixture
def world(live, session_factory):
    with transaction(session_factory) as session:
        de, fr = make_coordinator(session, "DE"), make_coordinator(session, "FR")
    round_id = open_round(session_factory)
    with live.client() as client:
        sent = client.post(
            "/api/v1/monitoring/submissions",
            content=firearms_csv(f"FA_SEIZURES,FR,2024,_T,{FR_VALUE},A"),
            headers=fr.headers(),
        )
    assert sent.status_code == 201
    return de, fr, round_id, sent.json()["submissions"][0]["id"]


def test_the_api_shows_a_coordinator_only_its_own(live, world) -> None:
    de, fr, round_id, fr_submission = world
    with live.client(headers={"Authorization": f"Bearer {de.key}"}) as client:
        assert client.get(f"/api/v1/monitoring/submissions/{fr_submission}").status_code == 404
        assert client.get("/api/v1/monitoring/submissions").json() == {"submissions": []}
        pending = client.get(
            "/api/v1/monitoring/data",
            params={"framework": "firearms", "status": "pending", "format": "json"},
        )
        assert pending.status_code == 200 and pending.json()["observations"] == []
        template = client.get(
            f"/api/v1/monitoring/rounds/{round_id}/template.xlsx", params={"ref_area": "FR"}
        )
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))[xlsx.SHEET]
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"DE"}
    with live.client(headers={"Authorization": f"Bearer {fr.key}"}) as client:
        own = client.get(
            "/api/v1/monitoring/data",
            params={"framework": "firearms", "status": "pending", "format": "json"},
        ).json()
        assert [o["value"] for o in own["observations"]] == [float(FR_VALUE)]
        assert client.get(f"/api/v1/monitoring/submissions/{fr_submission}").status_code == 200
    with live.client() as anonymous:
        refused = anonymous.get(
            "/api/v1/monitoring/data", params={"framework": "firearms", "status": "pending"}
        )
        public = anonymous.get("/api/v1/monitoring/data", params={"framework": "firearms"})
    assert (refused.status_code, refused.json()["error"]) == (403, "unpublished_not_allowed")
    assert FR_VALUE not in public.text


def test_a_workbook_with_another_countrys_rows_is_refused(live, session_factory, world) -> None:
    de, _, round_id, _ = world
    framework_sheet = xlsx.template(
        registry().frameworks["firearms"],
        round_label="firearms-2024",
        period="2024",
        ref_area="FR",
        previous={},
    )
    book = openpyxl.load_workbook(io.BytesIO(framework_sheet))
    book[xlsx.SHEET].cell(row=3, column=5).value = 5  # OBS_VALUE of FA_SEIZURES, FR
    out = io.BytesIO()
    book.save(out)
    with live.client(headers={"Authorization": f"Bearer {de.key}"}) as client:
        refused = client.post(
            f"/api/v1/monitoring/rounds/{round_id}/xlsx",
            content=out.getvalue(),
            headers={"Content-Type": xlsx.MEDIA_TYPE},
        )
    assert refused.status_code == 422
    assert refused.json()["detail"]["problems"][0]["rule"] == "wrong_country"
    with transaction(session_factory) as session:
        assert len(repository.submissions(session)) == 1  # FR's only


def test_the_pages_show_a_coordinator_only_its_own(live, session_factory, world) -> None:
    de, _, round_id, _ = world
    with browser(live, session_factory, de.user) as client:
        owed = client.get("/monitoring/owed", params={"ref_area": "FR"})
        screen = client.get(f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES")
        template = client.get(
            f"/monitoring/rounds/{round_id}/template.xlsx", params={"ref_area": "FR"}
        )
        sent = client.post(
            f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES", data={"cell-0": "7"}
        )
        staff_page = client.get("/staff/monitoring")
    assert "What DE still owes" in owed.text and "FR" not in owed.text.split("<main")[1]
    assert FR_VALUE not in screen.text and "DE" in screen.text
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))[xlsx.SHEET]
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"DE"}
    assert sent.status_code == 303
    assert staff_page.status_code == 403
    with transaction(session_factory) as session:
        areas = sorted(s.ref_area for s in repository.submissions(session))
    assert areas == ["DE", "FR"]


def test_staff_see_every_member_state(live, session_factory, world) -> None:
    from eucentre.models import Role
    from tests.monitoring.helpers import staff_user

    _, _, round_id, fr_submission = world
    auditor = staff_user(session_factory, Role.auditor)
    with browser(live, session_factory, auditor) as client:
        owed = client.get("/monitoring/owed", params={"ref_area": "FR"})
        detail = client.get(f"/staff/monitoring/submissions/{fr_submission}")
        pending = client.get(
            "/api/v1/monitoring/data",
            params={"framework": "firearms", "status": "pending", "format": "json"},
        )
        decide = client.post(
            f"/staff/monitoring/submissions/{fr_submission}/decision",
            data={"outcome": "publish", "confirmed": "yes"},
        )
    assert "What FR still owes" in owed.text
    assert FR_VALUE in detail.text and "Sign off and publish" not in detail.text
    assert [o["value"] for o in pending.json()["observations"]] == [float(FR_VALUE)]
    assert decide.status_code == 403  # auditors read, they do not sign off
