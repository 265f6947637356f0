# ruff: noqa: F811 - the fixtures imported below are redefined as test parameters, as pytest wants
"""Crafted values at intake and on the hold endpoint, over real HTTP: a 422 naming the field,
never a 500, and nothing stored."""

import json

import pytest

from tests.reports.helpers import report_body, submit
from tests.reports.test_flow import bearer, world  # noqa: F401 - the fixture
from tests.reports.test_intake import provider_key, stored  # noqa: F401 - the fixture

HUGE = "9" * 5000
OVERFLOWING = "0001-01-01T00:00:00+14:00"
XML_TYPE = "Child Pornography (possession, manufacture, and distribution)"


def post_json(client, key: str, raw: str):
    return client.post(
        "/api/v1/reports",
        content=raw.encode(),
        headers={**bearer(key), "Content-Type": "application/json"},
    )


def fields(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


def ip_user(time: str) -> list[dict]:
    return [{"identifiers": ["u-1"], "ip_events": [{"ip": "198.18.0.1", "time": time}]}]


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        (
            json.dumps(report_body(victims=[{"age_estimate": 7}])).replace(
                '"age_estimate": 7', f'"age_estimate": {HUGE}'
            ),
            "number_too_large",
            "report",
        ),
        (
            json.dumps(report_body(incident_time=OVERFLOWING)),
            "validation_error",
            "report.incident_time",
        ),
        (
            json.dumps(report_body(incident_time="9999-12-31T23:59:59-14:00")),
            "validation_error",
            "report.incident_time",
        ),
        (
            json.dumps(report_body(reported_users=ip_user(OVERFLOWING))),
            "validation_error",
            "report.reported_users.0.ip_events.0.time",
        ),
        (
            json.dumps(report_body(reported_users=ip_user("0001-01-01T00:00:00Z"))),
            "validation_error",
            "report.reported_users.0.ip_events.0.time",
        ),
        (
            '{"provider_reference": "a", "provider_reference": "b", "incident_type": '
            '"new_material", "incident_time": "2020-01-01T00:00:00Z"}',
            "duplicate_key",
            "report.provider_reference",
        ),
        (
            json.dumps(report_body(reported_users=[{"country": "DE"}])).replace(
                '"country": "DE"', '"country": "DE", "country": "FR"'
            ),
            "duplicate_key",
            "report.reported_users.0.country",
        ),
        ('{"incident_time": NaN}', "malformed_json", "report"),
    ],
    ids=[
        "huge-int",
        "year1+14",
        "year9999-14",
        "ip-year1+14",
        "ip-year1",
        "dup",
        "dup-nested",
        "nan",
    ],
)
def test_crafted_json_values_are_a_422_naming_the_field(
    live, provider_key, session_factory, raw, code, field
) -> None:
    with live.client() as client:
        response = post_json(client, provider_key, raw)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == code
    assert field in fields(response)
    assert stored(session_factory) == (0, 0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "a\x00b"}, "report.description"),
        ({"description": "a\x1bb"}, "report.description"),
        ({"description": "abc \u202eexe.gnp"}, "report.description"),
        ({"description": "isolated \u2066text\u2069"}, "report.description"),
        ({"provider_reference": "case\x00-1"}, "report.provider_reference"),
        ({"provider_reference": "case\n1"}, "report.provider_reference"),
        ({"also_reported_to": ["NCMEC\u202d"]}, "report.also_reported_to.0"),
        (
            {"reported_users": [{"identifiers": ["user\x07"]}]},
            "report.reported_users.0.identifiers.0",
        ),
        (
            {"file_descriptions": [{"file_name": "a\u202egpj.exe"}]},
            "report.file_descriptions.0.file_name",
        ),
        (
            {"file_descriptions": [{"description": "x\x00"}]},
            "report.file_descriptions.0.description",
        ),
        ({"urls": ["https://example.test/\u202ea"]}, "report.urls.0"),
    ],
)
def test_control_and_bidi_characters_in_report_text_are_refused(
    live, provider_key, session_factory, overrides, field
) -> None:
    with live.client() as client:
        response = submit(client, provider_key, body=report_body(**overrides))
    assert response.status_code == 422, response.text
    problems = {p["field"]: p["type"] for p in response.json()["detail"]}
    assert field in problems
    if field != "report.urls.0":
        assert problems[field] == "invalid_characters"
    assert stored(session_factory) == (0, 0)


def test_free_text_keeps_tabs_and_line_breaks(live, provider_key) -> None:
    with live.client() as client:
        response = submit(
            client, provider_key, body=report_body(description="line one\n\tline two\r\n")
        )
    assert response.status_code == 201, response.text


def xml_report(incident: str, ip_time: str = "2024-01-01T09:00:00Z", info: str = "") -> str:
    return f"""<report><incidentSummary><incidentType>{XML_TYPE}</incidentType>
      <incidentDateTime>{incident}</incidentDateTime></incidentSummary>
      <personOrUserReported><screenName>u-1</screenName><ipCaptureEvent>
      <ipAddress>198.18.0.1</ipAddress><dateTime>{ip_time}</dateTime></ipCaptureEvent>
      </personOrUserReported><additionalInfo>{info}</additionalInfo></report>"""


@pytest.mark.parametrize(
    ("xml", "field"),
    [
        (xml_report(OVERFLOWING), "report/incidentSummary/incidentDateTime"),
        (xml_report("9999-12-31T23:59:59-14:00"), "report/incidentSummary/incidentDateTime"),
        (
            xml_report("2024-01-01T10:00:00Z", ip_time=OVERFLOWING),
            "report/personOrUserReported[1]/ipCaptureEvent[1]/dateTime",
        ),
        (xml_report("2024-01-01T10:00:00Z", info="a \u202e b"), "report/additionalInfo"),
    ],
)
def test_crafted_xml_values_are_a_422_naming_the_element(
    live, provider_key, session_factory, xml, field
) -> None:
    with live.client(headers=bearer(provider_key)) as client:
        response = client.post(
            "/api/v1/reports", content=xml.encode(), headers={"content-type": "application/xml"}
        )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "malformed_xml"
    assert fields(response) == [field]
    assert stored(session_factory) == (0, 0)


def test_a_provider_answer_with_control_characters_is_refused(live, provider_key) -> None:
    with live.client(headers=bearer(provider_key)) as client:
        report = submit(client, provider_key, body=report_body()).json()
        response = client.post(
            f"/api/v1/reports/{report['id']}/information", json={"message": "see \x00 here"}
        )
    assert response.status_code == 422, response.text
    assert fields(response) == ["body.message"]


@pytest.mark.parametrize(
    "until",
    [OVERFLOWING, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "9999-12-31T00:00:00Z"],
)
def test_a_hold_until_outside_the_calendar_is_a_422(live, world, until) -> None:
    keys = world["keys"]
    with live.client() as client:
        # Hashes, not a file: the referral without hashing an image.
        hashes = [{"signal": "pdq", "value": world["indicator"].value}]
        submit(client, keys["provider"], body=report_body(hashes=hashes))
        referral = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"][
            0
        ]
        response = client.post(
            f"/api/v1/referrals/{referral['id']}/hold",
            headers=bearer(keys["de"]),
            json={"until": until, "reason": "investigation"},
        )
    assert response.status_code == 422, response.text
    assert fields(response) == ["body.until"]
