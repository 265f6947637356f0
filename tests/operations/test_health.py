"""Operator endpoints over real HTTP."""

import httpx
from sqlalchemy import text

from tests.conftest import serving


def test_healthz_and_readyz(live) -> None:
    with live.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "blobs": "ok"},
    }


def test_readyz_is_503_when_migrations_are_behind(settings, database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    with serving(settings, database) as url:
        response = httpx.get(f"{url}/readyz", timeout=30)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("at old")


def test_readyz_is_503_when_the_blob_bucket_does_not_answer(s3_settings, database) -> None:
    missing = s3_settings.model_copy(update={"blob_url": "s3://no-such-bucket-anywhere"})
    with serving(missing, database) as url:
        response = httpx.get(f"{url}/readyz", timeout=30)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["blobs"].startswith("unreachable")


def test_metrics_count_requests_by_route_template(live) -> None:
    with live.client() as client:
        client.get("/healthz")
        client.get("/api/v1/whoami")
        body = client.get("/metrics").text
    assert 'eucentre_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in body
    assert 'route="/api/v1/whoami",status="401"' in body
    assert "eucentre_http_request_seconds_bucket" in body


def test_api_reference_lists_routes_and_who_may_call_them(live) -> None:
    with live.client() as client:
        page = client.get("/api-docs")
        schema = client.get("/openapi.json").json()
    assert page.status_code == 200
    assert "/api/v1/whoami" in page.text and "provider key" in page.text
    assert "/api/v1/whoami" in schema["paths"]
