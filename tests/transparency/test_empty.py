"""On an empty database every output answers, with zeros where a count is zero and "not yet
collected" where the records are not kept; bad parameters get a 422 naming them."""

import pytest


def test_the_api_on_an_empty_database_shows_zeros_not_errors(live) -> None:
    with live.client() as client:
        response = client.get("/api/v1/statistics", params={"period": "2025"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2025" and body["status"] == "provisional" and body["vintage"] is None
    figures = {f["code"]: f for f in body["figures"]}
    received = figures["reports_received"]
    assert received["total"] == {"value": 0, "suppressed": False}
    assert [c["category"] for c in received["breakdowns"]["month"]] == [
        f"2025-{m:02d}" for m in range(1, 13)
    ]
    assert {c["value"] for c in received["breakdowns"]["month"]} == {0}
    assert received["breakdowns"]["provider"] == []
    assert figures["notices_sent"]["collected"] is False
    assert figures["notices_sent"]["total"] is None
    assert figures["victims_assisted"]["collected"] is False


def test_the_page_on_an_empty_database_answers(live) -> None:
    with live.client() as client:
        response = client.get("/transparency", params={"period": "2025-02"})
    assert response.status_code == 200
    assert "not yet collected" in response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2025-13"}, "query.period"),
        ({"period": "25"}, "query.period"),
        ({"period": "1999"}, "query.period"),
        ({"period": "2025-1"}, "query.period"),
        ({"period": "next year"}, "query.period"),
        ({"breakdown": "colour"}, "query.breakdown"),
        ({"vintage": "0"}, "query.vintage"),
        ({"vintage": "x"}, "query.vintage"),
        ({"period": "2025", "vintage": "3"}, "query.vintage"),
    ],
)
def test_unknown_parameters_get_a_422_naming_them(live, params, field) -> None:
    with live.client() as client:
        response = client.get("/api/v1/statistics", params=params)
        page = client.get("/transparency", params=params, headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["detail"]] == [field]
    # The page has no breakdown filter (it shows them all).
    assert page.status_code == (200 if field == "query.breakdown" else 422)
