"""The pages over real HTTP: coordinators fill in one screen per indicator and see what their
Member State still owes; Centre staff open rounds and sign figures off after confirming."""

from __future__ import annotations

import pytest

from eucentre.db import transaction
from eucentre.models import Role
from eucentre.monitoring import repository, service
from eucentre.monitoring.observations import RawObservation
from tests.monitoring.helpers import (
    browser,
    firearms_csv,
    make_coordinator,
    open_round,
    staff_user,
)


@pytest.fixture
def de(session_factory):
    with transaction(session_factory) as session:
        return make_coordinator(session, "DE")


def publish(session_factory, period: str, value: int, de) -> None:
    """DE's published FA_SEIZURES total for `period`."""
    round_id = open_round(session_factory, "firearms", period)
    with transaction(session_factory) as session:
        found = service.get_round(session, round_id)
        [made] = service.submit(
            session,
            sender=service.Sender(actor="key:1", organisation_id=de.organisation_id, country="DE"),
            round_=found,
            rows=[
                RawObservation(
                    row=1, indicator="FA_SEIZURES", ref_area="DE", time_period=period, value=value
                )
            ],
            channel="csv",
        )
        service.decide(session, actor="user:9", submission_id=made.id, publish=True)


def test_one_screen_per_indicator_shows_last_periods_value(live, session_factory, de) -> None:
    publish(session_factory, "2023", 100, de)
    round_id = open_round(session_factory, "firearms", "2024")
    with browser(live, session_factory, de.user) as client:
        page = client.get(f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES")
        assert page.status_code == 200
        assert "Last period: 100" in page.text
        sent = client.post(
            f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES",
            data={"cell-0": "110", "cell-1": "30", "status": "A"},
        )
        assert sent.status_code == 303
        owed = client.get(sent.headers["location"])
    assert "Thank you: your figures were received" in owed.text
    with transaction(session_factory) as session:
        [made] = repository.submissions(session, round_id=round_id)
        values = repository.observations_of(session, made.id)
    assert (made.channel, made.status) == ("web", "pending")
    assert [(o.dimensions, o.value) for o in values] == [
        ((), 110.0),
        ((("FIREARM_CATEGORY", "A"),), 30.0),
    ]


def test_a_jump_must_be_confirmed_on_the_form(live, session_factory, de) -> None:
    publish(session_factory, "2023", 100, de)
    round_id = open_round(session_factory, "firearms", "2024")
    path = f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES"
    with browser(live, session_factory, de.user) as client:
        asked = client.post(path, data={"cell-0": "900", "status": "A"})
        assert asked.status_code == 422
        assert "Please check these values" in asked.text
        confirmed = client.post(path, data={"cell-0": "900", "status": "A", "confirm": "yes"})
    assert confirmed.status_code == 303
    with transaction(session_factory) as session:
        [made] = repository.submissions(session, round_id=round_id)
    assert made.warnings[0]["rule"] == "jump"


def test_a_bad_value_is_named_on_the_form_and_nothing_is_stored(live, session_factory, de) -> None:
    round_id = open_round(session_factory, "firearms", "2024")
    with browser(live, session_factory, de.user) as client:
        refused = client.post(
            f"/monitoring/rounds/{round_id}/indicators/FA_SEIZURES",
            data={"cell-0": "10", "cell-1": "-3", "status": "A"},
        )
    assert refused.status_code == 422
    assert "A count cannot be negative." in refused.text
    assert 'aria-invalid="true"' in refused.text
    with transaction(session_factory) as session:
        assert repository.submissions(session) == []


def test_staff_sign_off_asks_first_then_publishes(live, session_factory, de) -> None:
    round_id = open_round(session_factory)
    with live.client() as client:
        client.post(
            "/api/v1/monitoring/submissions",
            content=firearms_csv("FA_SEIZURES,DE,2024,_T,120,A"),
            headers=de.headers(),
        )
    with transaction(session_factory) as session:
        [made] = repository.submissions(session, round_id=round_id)
    analyst = staff_user(session_factory, Role.analyst)
    with browser(live, session_factory, analyst) as client:
        page = client.get(f"/staff/monitoring/submissions/{made.id}")
        assert "Sign off and publish" in page.text
        asked = client.post(
            f"/staff/monitoring/submissions/{made.id}/decision", data={"outcome": "publish"}
        )
        assert asked.status_code == 200 and "Please confirm" in asked.text
        with transaction(session_factory) as session:
            assert repository.submission(session, made.id).status == "pending"
        done = client.post(
            f"/staff/monitoring/submissions/{made.id}/decision",
            data={"outcome": "publish", "confirmed": "yes"},
        )
        assert done.status_code == 303
        shown = client.get(done.headers["location"])
    assert "Signed off: these figures are published." in shown.text
    with transaction(session_factory) as session:
        assert repository.submission(session, made.id).status == "published"
        kinds = [e.kind for e in service.ROUND_TIMELINE.history(session, round_id)]
    assert kinds == ["opened", "submitted", "published"]


def test_staff_open_a_round_on_the_page(live, session_factory) -> None:
    senior = staff_user(session_factory, Role.senior_analyst)
    with browser(live, session_factory, senior) as client:
        opened = client.post(
            "/staff/monitoring/rounds",
            data={"framework": "drugs", "period": "2025", "deadline": "2026-06-30"},
        )
        assert opened.status_code == 303
        page = client.get(opened.headers["location"])
    assert "The round is open." in page.text and "drugs-2025" in page.text


def test_the_owed_page_lists_what_the_member_state_has_not_sent(live, session_factory, de) -> None:
    open_round(session_factory, "firearms", "2024")
    with live.client() as client:
        client.post(
            "/api/v1/monitoring/submissions",
            content=firearms_csv("FA_SEIZURES,DE,2024,_T,120,A"),
            headers=de.headers(),
        )
    with browser(live, session_factory, de.user) as client:
        page = client.get("/monitoring/owed")
    assert "What DE still owes" in page.text
    assert "1 of 11 indicators reported." in page.text
    owed_part = page.text.split("Still owed")[1].split("Reported (")[0]
    assert "FA_PROSECUTIONS" in owed_part and "FA_SEIZURES" not in owed_part


def test_a_workbook_sent_on_the_page(live, session_factory, de) -> None:
    from eucentre.monitoring import xlsx
    from eucentre.monitoring.registry import registry

    round_id = open_round(session_factory, "firearms", "2024")
    with browser(live, session_factory, de.user) as client:
        template = client.get(f"/monitoring/rounds/{round_id}/template.xlsx")
        assert template.headers["content-type"] == xlsx.MEDIA_TYPE
        refused = client.post(
            f"/monitoring/rounds/{round_id}/upload",
            files={"workbook": ("figures.xlsx", b"not a workbook", xlsx.MEDIA_TYPE)},
        )
        assert refused.status_code == 422
        assert "The workbook was not accepted" in refused.text
        assert "not an XLSX file" in refused.text
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(template.content))
        book[xlsx.SHEET].cell(row=3, column=5).value = 12
        out = io.BytesIO()
        book.save(out)
        sent = client.post(
            f"/monitoring/rounds/{round_id}/upload",
            files={"workbook": ("figures.xlsx", out.getvalue(), xlsx.MEDIA_TYPE)},
        )
    assert sent.status_code == 303, sent.text
    with transaction(session_factory) as session:
        [made] = repository.submissions(session)
    assert (made.channel, made.ref_area) == ("xlsx", "DE")
    assert registry().frameworks["firearms"].indicators["FA_SEIZURES"]
