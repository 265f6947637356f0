"""The provider report schema: what it accepts, how it normalises, and what it refuses (by name)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from eucentre.reports.schemas import (
    CLOCK_SKEW,
    MAX_DESCRIPTION_CHARS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REPORT_JSON_BYTES,
    MAX_URLS,
    FeedbackOut,
    FilesOut,
    HashOut,
    ReportIn,
    ReportStatusOut,
    validation_context,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def minimal(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "provider_reference": "case-1",
        "incident_type": "known_material",
        "incident_time": "2025-03-01T10:00:00+01:00",
    }
    body.update(overrides)
    return body


def full() -> dict[str, Any]:
    return minimal(
        urgent=True,
        content_removed=True,
        description="Shared in a group chat",
        urls=["https://example.org/x?id=1", "http://example.net/"],
        reported_users=[
            {
                "identifiers": ["user42", "u42@example.org", "acct:991"],
                "country": "fr",
                "ip_events": [
                    {"ip": "10.1.2.3", "time": "2025-03-01T09:00:00Z", "event": "upload"},
                    {"ip": "2001:DB8:0:0::1", "time": "2025-02-28T09:00:00Z", "event": "login"},
                ],
            }
        ],
        victims=[{"age_estimate": 12, "country": "de"}, {}],
        also_reported_to=["NCMEC"],
        hashes=[
            {"signal": "pdq", "value": PDQ.upper()},
            {"signal": "sha256", "value": SHA},
            {"signal": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E"},
        ],
        file_descriptions=[{"file_name": "a.jpg", "hash": {"signal": "sha256", "value": SHA}}],
    )


def parse(body: dict[str, Any]) -> ReportIn:
    return ReportIn.model_validate(body, context=validation_context(NOW))


def error_locs(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as info:
        parse(body)
    return [e["loc"] for e in info.value.errors()]


def test_limits_are_the_documented_values():
    assert (MAX_FILES, MAX_URLS, MAX_DESCRIPTION_CHARS) == (20, 1000, 10_000)
    assert MAX_FILE_BYTES == 50 * 1024 * 1024
    assert MAX_REPORT_JSON_BYTES == 1024 * 1024
    assert timedelta(minutes=5) == CLOCK_SKEW


def test_minimal_report_has_safe_defaults():
    report = parse(minimal())
    assert report.incident_time == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert report.incident_time.tzinfo is UTC
    assert report.urgent is False and report.content_removed is False
    assert report.urls == [] and report.hashes == [] and report.reported_users == []
    assert report.description == ""


def test_full_report_is_normalised():
    report = parse(full())
    user = report.reported_users[0]
    assert user.country == "FR"
    assert [e.ip for e in user.ip_events] == ["10.1.2.3", "2001:db8::1"]
    assert user.ip_events[0].event == "upload"
    assert user.ip_events[1].time == datetime(2025, 2, 28, 9, 0, tzinfo=UTC)
    assert [(h.signal, h.value) for h in report.hashes] == [
        ("pdq", PDQ),
        ("sha256", SHA),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
    ]
    assert report.victims[0].country == "DE" and report.victims[0].age_estimate == 12
    assert report.victims[1].age_estimate is None
    assert report.also_reported_to == ["NCMEC"]
    assert report.file_descriptions[0].hash is not None
    assert report.urls[0] == "https://example.org/x?id=1"


def test_round_trips_through_json():
    report = parse(full())
    again = ReportIn.model_validate_json(report.model_dump_json(), context={"now": NOW})
    assert again == report


def test_duplicate_hashes_are_dropped_in_order():
    body = minimal(
        hashes=[
            {"signal": "sha256", "value": SHA.upper()},
            {"signal": "sha256", "value": SHA},
            {"signal": "pdq", "value": PDQ},
        ]
    )
    assert [h.signal for h in parse(body).hashes] == ["sha256", "pdq"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (minimal(colour="red"), ("colour",)),
        (
            minimal(reported_users=[{"identifiers": ["a"], "nickname": "b"}]),
            ("reported_users", 0, "nickname"),
        ),
        (minimal(hashes=[{"signal": "md5", "value": "0" * 32, "x": 1}]), ("hashes", 0, "x")),
        (minimal(victims=[{"age": 3}]), ("victims", 0, "age")),
    ],
)
def test_unknown_fields_are_named(body, loc):
    assert loc in error_locs(body)


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"provider_reference": ""}, ("provider_reference",)),
        ({"provider_reference": "x" * 201}, ("provider_reference",)),
        ({"provider_reference": 17}, ("provider_reference",)),
        ({"incident_type": "other"}, ("incident_type",)),
        ({"incident_time": "yesterday"}, ("incident_time",)),
        ({"incident_time": "2025-03-01T10:00:00"}, ("incident_time",)),
        ({"incident_time": "2025-03-01T12:06:00Z"}, ("incident_time",)),
        ({"urgent": [True]}, ("urgent",)),
        ({"urgent": "perhaps"}, ("urgent",)),
        ({"description": "x" * (MAX_DESCRIPTION_CHARS + 1)}, ("description",)),
        ({"urls": "https://example.org"}, ("urls",)),
        ({"urls": ["ftp://example.org/a"]}, ("urls", 0)),
        ({"urls": ["javascript:alert(1)"]}, ("urls", 0)),
        ({"urls": ["https://"]}, ("urls", 0)),
        ({"urls": ["https://exa mple.org/"]}, ("urls", 0)),
        ({"urls": ["https://ex\tample.org/a"]}, ("urls", 0)),
        ({"urls": ["https://example.org:99999/"]}, ("urls", 0)),
        ({"urls": ["https://example.org/" + "a" * 2048]}, ("urls", 0)),
        ({"urls": ["https://example.org/"] * (MAX_URLS + 1)}, ("urls",)),
        ({"hashes": [{"signal": "md5", "value": "0" * 31}]}, ("hashes", 0, "value")),
        ({"hashes": [{"signal": "md5", "value": "g" * 32}]}, ("hashes", 0, "value")),
        ({"hashes": [{"signal": "pdq", "value": "0" * 32}]}, ("hashes", 0, "value")),
        ({"hashes": [{"signal": "sha256", "value": "0" * 65}]}, ("hashes", 0, "value")),
        ({"hashes": [{"signal": "sha1", "value": "0" * 40}]}, ("hashes", 0, "signal")),
        ({"victims": [{"age_estimate": -1}]}, ("victims", 0, "age_estimate")),
        ({"victims": [{"country": "DEU"}]}, ("victims", 0, "country")),
        ({"victims": [{"country": "1A"}]}, ("victims", 0, "country")),
        ({"also_reported_to": [""]}, ("also_reported_to", 0)),
        ({"reported_users": [{}]}, ("reported_users", 0)),
        ({"reported_users": [{"identifiers": [""]}]}, ("reported_users", 0, "identifiers", 0)),
        (
            {"reported_users": [{"identifiers": ["x" * 321]}]},
            ("reported_users", 0, "identifiers", 0),
        ),
    ],
)
def test_bad_values_are_named(overrides, loc):
    assert loc in error_locs(minimal(**overrides))


@pytest.mark.parametrize(
    "ip",
    ["256.1.1.1", "1.2.3", "10.0.0.1/8", "::g", "2001:db8::1::1", "localhost", "", "01.2.3.4 "],
)
def test_bad_ips_are_refused(ip):
    event = {"ip": ip, "time": "2025-03-01T09:00:00Z", "event": "upload"}
    locs = error_locs(minimal(reported_users=[{"ip_events": [event]}]))
    assert ("reported_users", 0, "ip_events", 0, "ip") in locs


def test_ip_event_time_must_be_aware_and_known_event():
    event = {"ip": "10.0.0.1", "time": "2025-03-01T09:00:00", "event": "teleport"}
    locs = error_locs(minimal(reported_users=[{"ip_events": [event]}]))
    assert ("reported_users", 0, "ip_events", 0, "time") in locs
    assert ("reported_users", 0, "ip_events", 0, "event") in locs


def test_clock_skew_is_tolerated_up_to_the_limit():
    inside = (NOW + CLOCK_SKEW).isoformat()
    assert parse(minimal(incident_time=inside)).incident_time == NOW + CLOCK_SKEW
    beyond = (NOW + CLOCK_SKEW + timedelta(seconds=1)).isoformat()
    assert ("incident_time",) in error_locs(minimal(incident_time=beyond))


def test_without_context_now_is_the_real_clock():
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError):
        ReportIn.model_validate(minimal(incident_time=future))
    assert ReportIn.model_validate(minimal()).incident_type == "known_material"


def test_huge_lists_are_refused_without_validating_every_item():
    body = minimal(hashes=[{"signal": "md5", "value": "0" * 32}] * 100_000)
    assert ("hashes",) in error_locs(body)


def test_a_full_report_fits_the_json_limit():
    assert len(json.dumps(full()).encode()) < MAX_REPORT_JSON_BYTES


def test_status_out_never_carries_content():
    out = ReportStatusOut(
        id="r-1",
        status="received",
        provider_reference="case-1",
        received_at=NOW,
        feedback=[FeedbackOut(at=NOW, kind="received", message="Thank you")],
        files=FilesOut(count=1, hashes=[HashOut(signal="sha256", value=SHA)]),
    )
    dumped = out.model_dump(mode="json")
    assert dumped["files"] == {"count": 1, "hashes": [{"signal": "sha256", "value": SHA}]}
    assert dumped["feedback"][0]["kind"] == "received"
    assert set(dumped) == {"id", "status", "provider_reference", "received_at", "feedback", "files"}
    assert (
        ReportStatusOut(
            id="r", status="received", provider_reference="p", received_at=NOW
        ).files.count
        == 0
    )
    with pytest.raises(ValidationError):
        FilesOut(count=1, content=b"...")  # type: ignore[call-arg]
