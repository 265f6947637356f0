"""The submission API over real HTTP: SDMX-CSV and JSON in, all or nothing, the round it goes
to, coordinators writing only for their own Member State, sign-off before publication."""

from __future__ import annotations

import json

import pytest

from eucentre.db import transaction
from eucentre.monitoring import repository, service
from tests.monitoring.helpers import Coordinator, firearms_csv, make_coordinator, open_round


@pytest.fixture
def coordinators(session_factory) -> dict[str, Coordinator]:
    with transaction(session_factory) as session:
        return {cc: make_coordinator(session, cc) for cc in ("DE", "FR")}


def post(live, coordinator: Coordinator, body: bytes, kind: str = "text/csv", **params):
    with live.client() as client:
        return client.post(
            "/api/v1/monitoring/submissions",
            content=body,
            headers=coordinator.headers(kind),
            params=params,
        )


def count_submissions(session_factory) -> int:
    with transaction(session_factory) as session:
        return len(repository.submissions(session))


def test_a_csv_submission_is_stored_as_vintage_1_awaiting_sign_off(
    live, session_factory, coordinators
) -> None:
    open_round(session_factory)
    body = firearms_csv("FA_SEIZURES,DE,2024,_T,120,A", "FA_SEIZURES,DE,2024,A,20,E")
    response = post(live, coordinators["DE"], body)
    assert response.status_code == 201, response.text
    [made] = response.json()["submissions"]
    assert (made["round"], made["ref_area"], made["vintage"], made["status"]) == (
        "firearms-2024",
        "DE",
        1,
        "pending",
    )
    assert made["observations"] == 2
    with live.client() as client:
        public = client.get("/api/v1/monitoring/data", params={"framework": "firearms"})
    # Not published before the Centre signs it off.
    assert public.text.splitlines()[1:] == []


def test_json_submission_exactly_as_documented(live, session_factory, coordinators) -> None:
    open_round(session_factory, "drugs", "2024")
    body = {
        "round": "drugs-2024",
        "observations": [
            {"indicator": "DR_DEATHS", "ref_area": "FR", "time_period": "2024", "value": 40},
            {
                "indicator": "DR_DEATHS",
                "ref_area": "FR",
                "time_period": "2024",
                "value": 10,
                "status": "P",
                "dimensions": {"SEX": "F"},
            },
        ],
    }
    response = post(live, coordinators["FR"], json.dumps(body).encode(), "application/json")
    assert response.status_code == 201, response.text
    with transaction(session_factory) as session:
        [made] = repository.submissions(session)
        values = repository.observations_of(session, made.id)
    assert [(o.dimensions, o.value, o.status) for o in values] == [
        ((), 40.0, "A"),
        ((("SEX", "F"),), 10.0, "P"),
    ]


def test_no_open_round_is_a_409(live, session_factory, coordinators) -> None:
    response = post(live, coordinators["DE"], firearms_csv("FA_SEIZURES,DE,2024,_T,120,A"))
    assert response.status_code == 409
    assert response.json()["error"] == "no_open_round"
    round_id = open_round(session_factory)
    with transaction(session_factory) as session:
        service.close_round(session, actor="test", round_id=round_id)
    response = post(live, coordinators["DE"], firearms_csv("FA_SEIZURES,DE,2024,_T,120,A"))
    assert response.status_code == 409
    assert response.json() == {
        "error": "no_open_round",
        "detail": "the round firearms-2024 is closed",
    }
    assert count_submissions(session_factory) == 0


def test_a_coordinator_writes_only_for_its_own_member_state(
    live, session_factory, coordinators
) -> None:
    open_round(session_factory)
    body = firearms_csv("FA_SEIZURES,DE,2024,_T,120,A", "FA_SEIZURES,FR,2024,_T,99,A")
    response = post(live, coordinators["DE"], body)
    assert response.status_code == 422
    assert response.json()["detail"]["problems"] == [
        {
            "row": 3,
            "field": "REF_AREA",
            "rule": "wrong_country",
            "message": "you report for DE only, not 'FR'",
        }
    ]
    # Nothing half-stored: the good row went with the bad.
    assert count_submissions(session_factory) == 0


def test_sign_off_publishes_and_a_correction_is_a_new_vintage(
    live, session_factory, coordinators
) -> None:
    open_round(session_factory)
    first = post(live, coordinators["DE"], firearms_csv("FA_SEIZURES,DE,2024,_T,120,A"))
    second = post(live, coordinators["DE"], firearms_csv("FA_SEIZURES,DE,2024,_T,125,A"))
    ids = [r.json()["submissions"][0]["id"] for r in (first, second)]
    assert [r.json()["submissions"][0]["vintage"] for r in (first, second)] == [1, 2]
    with transaction(session_factory) as session:
        for submission_id in ids:
            service.decide(session, actor="user:999", submission_id=submission_id, publish=True)
    with live.client() as client:
        latest = client.get(
            "/api/v1/monitoring/data", params={"framework": "firearms", "format": "json"}
        ).json()
        earlier = client.get(
            "/api/v1/monitoring/data",
            params={"framework": "firearms", "format": "json", "vintage": 1},
        ).json()
    assert [(o["value"], o["vintage"]) for o in latest["observations"]] == [(125.0, 2)]
    assert [(o["value"], o["vintage"]) for o in earlier["observations"]] == [(120.0, 1)]
