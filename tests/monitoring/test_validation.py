"""Each validation rule with a file that breaks it, over the real API: a 4xx naming the row and
the rule, and nothing stored."""

from __future__ import annotations

import pytest

from eucentre.db import transaction
from eucentre.monitoring import repository
from tests.monitoring.helpers import FIREARMS, HEADER, firearms_csv, make_coordinator, open_round

DRUGS_HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,DRUG,SEX,AGE,OBS_VALUE,OBS_STATUS,UNIT_MEASURE"
DRUGS = "dataflow,EUCENTRE:DF_DRUGS(1.0),I"


def drugs_csv(*lines: str) -> bytes:
    return ("\r\n".join([DRUGS_HEADER, *(f"{DRUGS},{line}" for line in lines)]) + "\r\n").encode()


@pytest.fixture
def de(session_factory):
    with transaction(session_factory) as session:
        coordinator = make_coordinator(session, "DE")
    open_round(session_factory, "firearms", "2024")
    open_round(session_factory, "drugs", "2024")
    return coordinator


def send(live, de, body: bytes):
    with live.client() as client:
        return client.post("/api/v1/monitoring/submissions", content=body, headers=de.headers())


CASES = [
    ("unknown indicator", firearms_csv("FA_SEIZURES,DE,2024,_T,1,A", "FA_NOPE,DE,2024,_T,1,A"),
     {"row": 3, "field": "INDICATOR", "rule": "unknown_indicator"}),
    ("another country", firearms_csv("FA_SEIZURES,FR,2024,_T,1,A"),
     {"row": 2, "field": "REF_AREA", "rule": "wrong_country"}),
    ("another period", firearms_csv("FA_SEIZURES,DE,2024,_T,1,A", "FA_CONVICTIONS,DE,2023,_T,1,A"),
     {"row": 3, "field": "TIME_PERIOD", "rule": "wrong_period"}),
    ("negative count", firearms_csv("FA_SEIZURES,DE,2024,_T,-4,A"),
     {"row": 2, "field": "OBS_VALUE", "rule": "negative_count"}),
    ("fraction of a count", firearms_csv("FA_SEIZURES,DE,2024,_T,4.5,A"),
     {"row": 2, "field": "OBS_VALUE", "rule": "not_an_integer"}),
    ("not a number", firearms_csv("FA_SEIZURES,DE,2024,_T,lots,A"),
     {"row": 2, "field": "OBS_VALUE", "rule": "not_a_number"}),
    ("boolean above 1", firearms_csv("FA_FOCAL_POINT,DE,2024,_Z,2,A"),
     {"row": 2, "field": "OBS_VALUE", "rule": "above_maximum"}),
    ("percent above 100", drugs_csv("DR_GPS_PREVALENCE,DE,2024,CANNABIS,_T,_T,101,A,percent"),
     {"row": 2, "field": "OBS_VALUE", "rule": "above_maximum"}),
    ("wrong unit", drugs_csv("DR_SEIZURES_QUANTITY,DE,2024,COCAINE,_Z,_Z,12,A,tonnes"),
     {"row": 2, "field": "UNIT_MEASURE", "rule": "unit_mismatch"}),
    ("unknown breakdown", firearms_csv("FA_SEIZURES,DE,2024,Z,1,A"),
     {"row": 2, "field": "FIREARM_CATEGORY", "rule": "unknown_dimension_value"}),
    ("breakdown not applicable", firearms_csv("FA_PROSECUTIONS,DE,2024,A,1,A"),
     {"row": 2, "field": "FIREARM_CATEGORY", "rule": "dimension_not_applicable"}),
    ("age not allowed for the indicator", drugs_csv("DR_DEATHS,DE,2024,_Z,_T,Y15T34,1,A,"),
     {"row": 2, "field": "AGE", "rule": "unknown_dimension_value"}),
    ("bad status", firearms_csv("FA_SEIZURES,DE,2024,_T,1,X"),
     {"row": 2, "field": "OBS_STATUS", "rule": "invalid_status"}),
    ("duplicate", firearms_csv("FA_SEIZURES,DE,2024,_T,1,A", "FA_SEIZURES,DE,2024,,2,A"),
     {"row": 3, "field": "INDICATOR", "rule": "duplicate_observation"}),
    ("parts over the total",
     firearms_csv("FA_SEIZURES,DE,2024,_T,10,A", "FA_SEIZURES,DE,2024,A,6,A", "FA_SEIZURES,DE,2024,B,5,A"),
     {"row": 3, "field": "FIREARM_CATEGORY", "rule": "parts_exceed_total"}),
    ("platform's own figure", ("\r\n".join([
        "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,OBS_STATUS",
        "dataflow,EUCENTRE:DF_CSA(1.0),I,CSA_REPORTS_FORWARDED,DE,2024,5,A"]) + "\r\n").encode(),
     None),
    ("deletion", firearms_csv("FA_SEIZURES,DE,2024,_T,1,A").replace(b",I,", b",D,"),
     {"row": 2, "field": "ACTION", "rule": "invalid_action"}),
    ("unknown structure", firearms_csv("FA_SEIZURES,DE,2024,_T,1,A", "FA_CONVICTIONS,DE,2024,_Z,1,A").replace(
        b"DF_FIREARMS(1.0),I,FA_CONV", b"DF_FIREARMS(9.9),I,FA_CONV"),
     {"row": 3, "field": "STRUCTURE_ID", "rule": "unknown_structure"}),
]  # fmt: skip


def test_each_rule_refuses_the_whole_file(live, session_factory, de) -> None:
    """One server for every case (each its own file): the row, the field and the rule."""
    found = {}
    for case, body, expected in CASES:
        response = send(live, de, body)
        if expected is None:  # the CSA round is not open: the figure is the platform's anyway
            found[case] = response.status_code
            continue
        problem = response.json()["detail"]["problems"][0]
        assert problem["message"], case
        found[case] = (response.status_code, {k: problem[k] for k in ("row", "field", "rule")})
    assert found == {
        case: 409 if expected is None else (422, expected) for case, _, expected in CASES
    }
    with transaction(session_factory) as session:
        assert repository.submissions(session) == []


def test_the_platforms_own_figures_are_refused_from_a_coordinator(live, session_factory, de):
    open_round(session_factory, "csa", "2024")
    body = CASES[15][1]
    response = send(live, de, body)
    assert response.status_code == 422
    assert response.json()["detail"]["problems"][0]["rule"] == "filled_by_platform"


def test_a_jump_is_a_warning_to_confirm(live, session_factory, de) -> None:
    from eucentre.monitoring import service

    open_round(session_factory, "firearms", "2023")
    first = send(live, de, firearms_csv("FA_SEIZURES,DE,2023,_T,100,A"))
    with transaction(session_factory) as session:
        service.decide(
            session,
            actor="user:9",
            submission_id=first.json()["submissions"][0]["id"],
            publish=True,
        )
    body = firearms_csv("FA_SEIZURES,DE,2024,_T,400,A")
    asked = send(live, de, body)
    assert asked.status_code == 422
    assert asked.json()["error"] == "confirmation_required"
    assert asked.json()["detail"]["warnings"][0]["rule"] == "jump"
    assert asked.json()["detail"]["warnings"][0]["row"] == 2
    with live.client() as client:
        confirmed = client.post(
            "/api/v1/monitoring/submissions",
            content=body,
            headers=de.headers(),
            params={"confirm": "true"},
        )
    assert confirmed.status_code == 201
    assert confirmed.json()["submissions"][0]["warnings"][0]["rule"] == "jump"


MALFORMED = [
    ("empty", b"", 400, "malformed_csv", 1),
    ("no structure columns", b"INDICATOR,REF_AREA\r\nX,DE\r\n", 400, "malformed_csv", 1),
    ("short line", (HEADER + "\r\n" + FIREARMS + ",FA_SEIZURES,DE\r\n").encode(), 400,
     "malformed_csv", 2),
    ("open quote", (HEADER + "\r\n" + FIREARMS + ',"FA_SEIZURES,DE,2024,_T,1,A\r\n').encode(),
     400, "malformed_csv", 2),
    ("latin-1", HEADER.encode() + b"\r\n" + FIREARMS.encode() + b",FA_SEIZURES,D\xc9,2024,_T,1,A\r\n",
     400, "wrong_encoding", 2),
    ("foreign dimension", (HEADER.replace("FIREARM_CATEGORY", "DRUG") + "\r\n" + FIREARMS
     + ",FA_SEIZURES,DE,2024,_T,1,A\r\n").encode(), 400, "malformed_csv", 1),
]  # fmt: skip


def test_malformed_files_are_refused_with_the_line(live, session_factory, de) -> None:
    found = {}
    for case, body, *_ in MALFORMED:
        response = send(live, de, body)
        found[case] = (
            response.status_code,
            response.json()["error"],
            response.json()["detail"]["row"],
        )
    assert found == {case: (status, code, row) for case, _, status, code, row in MALFORMED}
    with transaction(session_factory) as session:
        assert repository.submissions(session) == []


def test_malformed_json_and_other_media_types(live, de) -> None:
    with live.client() as client:
        bad = client.post(
            "/api/v1/monitoring/submissions",
            content=b'{"round": "firearms-2024", "observations": [',
            headers=de.headers("application/json"),
        )
        twice = client.post(
            "/api/v1/monitoring/submissions",
            content=b'{"round": "firearms-2024", "round": 1, "observations": []}',
            headers=de.headers("application/json"),
        )
        quoted = client.post(
            "/api/v1/monitoring/submissions",
            content=b'{"round": "firearms-2024", "observations": [{"indicator": "FA_SEIZURES",'
            b' "ref_area": "DE", "time_period": "2024", "value": "12"}]}',
            headers=de.headers("application/json"),
        )
        other = client.post(
            "/api/v1/monitoring/submissions", content=b"x", headers=de.headers("text/plain")
        )
    assert (bad.status_code, bad.json()["error"]) == (400, "malformed_json")
    assert (twice.status_code, twice.json()["error"]) == (422, "duplicate_key")
    assert quoted.status_code == 422
    assert quoted.json()["detail"]["problems"][0]["rule"] == "not_a_number"
    assert (other.status_code, other.json()["error"]) == (415, "unsupported_media_type")


def test_too_many_rows_are_refused(live, session_factory, de) -> None:
    live.app.state.settings.monitoring_max_rows = 3
    lines = [f"FA_SEIZURES,DE,2024,{c},1,A" for c in ("_T", "A", "B", "C")]
    response = send(live, de, firearms_csv(*lines))
    assert response.status_code == 400
    assert response.json()["detail"] == {
        "row": 5,
        "message": "more than 3 observations in one file",
    }
