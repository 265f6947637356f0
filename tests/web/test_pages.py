"""The web shell over real HTTP: landing page, sign-in with TOTP and CSRF, errors."""

import json
import logging
import re
import time

from eucentre.db import transaction
from eucentre.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import make_staff

SECRET = TEST_SECRET.encode()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def staff_account(session_factory, role: Role = Role.analyst):
    with transaction(session_factory) as session:
        return make_staff(session, secret=SECRET, role=role)


def sign_in(client, account, *, code: str | None = None, password: str | None = None):
    token = csrf_token_from(client.get("/sign-in").text)
    return client.post(
        "/sign-in",
        data={
            "email": account.email,
            "password": password or account.password,
            "code": code or account.code(),
            "csrf_token": token,
            "next": "/staff",
        },
    )


def test_landing_page_says_what_the_centre_is_and_links_public_services(live) -> None:
    with live.client() as client:
        response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert "European Centre to prevent and counter child sexual abuse" in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert "<nav" in html and 'role="banner"' in html and 'role="contentinfo"' in html
    assert '<a href="/complaints">Complain about a removal</a>' in html
    assert "<script" not in html  # works without JavaScript
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_sign_in_with_password_and_totp_opens_a_session(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as client:
        response = sign_in(client, account)
        assert response.status_code == 303 and response.headers["location"] == "/staff"
        cookie = response.headers["set-cookie"]
        assert "eucentre_session=" in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("samesite", "SameSite")
        overview = client.get("/staff")
        assert overview.status_code == 200 and "analyst" in overview.text
        assert "Audit log" not in overview.text  # an analyst's navigation has no audit link
        token = csrf_token_from(overview.text)
        out = client.post("/sign-out", data={"csrf_token": token})
        assert out.status_code == 303
        after = client.get("/staff")
        assert after.status_code == 303 and after.headers["location"].startswith("/sign-in")


def test_wrong_credentials_get_401_and_the_failure_is_committed(live, session_factory) -> None:
    from sqlalchemy import select

    from eucentre.models import AuditEntry

    account = staff_account(session_factory)
    with live.client() as client:
        response = sign_in(client, account, password="not the password at all")
    assert response.status_code == 401
    assert "wrong email, password or code" in response.text
    with transaction(session_factory) as session:
        failed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.sign_in_failed")
        ).all()
    assert len(failed) == 1


def test_a_replayed_code_is_refused(live, session_factory) -> None:
    account = staff_account(session_factory)
    code = account.code()
    with live.client() as first:
        assert sign_in(first, account, code=code).status_code == 303
    with live.client() as second:
        assert sign_in(second, account, code=code).status_code == 401


def test_sign_in_is_rate_limited_over_http(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as client:
        statuses = [
            sign_in(client, account, password="wrong wrong wrong").status_code
            for _ in range(live.settings.sign_in_max_failures_per_account + 1)
        ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as client:
        client.get("/sign-in")
        form = {"email": account.email, "password": account.password, "code": account.code()}
        missing = client.post("/sign-in", data=form)
        wrong = client.post("/sign-in", data={**form, "csrf_token": "forged"})
    assert missing.status_code == 403 and wrong.status_code == 403
    assert "csrf_failed" in missing.text


def test_a_signed_in_form_needs_its_csrf_token(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as client:
        sign_in(client, account)
        refused = client.post("/sign-out", data={})
        assert refused.status_code == 403
        assert client.get("/staff").status_code == 200  # still signed in


def test_next_only_redirects_within_the_site(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as client:
        token = csrf_token_from(client.get("/sign-in").text)
        response = client.post(
            "/sign-in",
            data={
                "email": account.email,
                "password": account.password,
                "code": account.code(),
                "csrf_token": token,
                "next": "//evil.example/",
            },
        )
    assert response.headers["location"] == "/staff"


def test_api_errors_are_json_with_a_code_and_no_trace(live) -> None:
    with live.client() as client:
        missing = client.get("/api/v1/nothing-here")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        page = client.get("/nothing-here", headers={"accept": "text/html"})
        assert page.status_code == 404 and "Page not found" in page.text
        assert "Traceback" not in page.text


def test_validation_errors_name_the_field(live) -> None:
    with live.client() as client:
        token = csrf_token_from(client.get("/sign-in").text)
        response = client.post(
            "/sign-in",
            data={"csrf_token": token, "password": "x", "code": "1"},
            headers={"accept": "application/json"},
        )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert {"field": "body.email", "message": "Field required", "type": "missing"} in body["detail"]


def test_logs_are_json_with_request_ids_and_no_personal_data(live, session_factory, capfd) -> None:
    from eucentre.kit.logs import configure

    configure("INFO")  # what `eucentre serve` does
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the test's own client
    account = staff_account(session_factory)
    capfd.readouterr()
    with live.client() as client:
        sign_in(client, account, password="wrong wrong wrong")
        client.get("/", headers={"x-request-id": "abc123"})
    formatted = capfd.readouterr().err
    assert account.email not in formatted and "127.0.0.1" not in formatted
    lines = [json.loads(line) for line in formatted.splitlines()]
    tagged = [line for line in lines if line.get("request_id") == "abc123"]
    assert tagged and tagged[0]["route"] == "/" and tagged[0]["status"] == 200


def test_a_signed_in_csrf_token_is_bound_to_its_session(live, session_factory) -> None:
    account = staff_account(session_factory)
    with live.client() as first, live.client() as second:
        assert sign_in(first, account).status_code == 303
        assert sign_in(second, account, code=account.code(at=time.time() + 30)).status_code == 303
        first_token = csrf_token_from(first.get("/staff").text)
        # The second session with the first one's token, and with its own nonce cookie.
        refused = second.post("/sign-out", data={"csrf_token": first_token})
        assert refused.status_code == 403 and "csrf_failed" in refused.text
        assert second.get("/staff").status_code == 200  # still signed in
        # Even with the first browser's nonce cookie (all a cookie-nonce token depended on).
        second.cookies.set("eucentre_csrf", first.cookies.get("eucentre_csrf"))
        assert second.post("/sign-out", data={"csrf_token": first_token}).status_code == 403
        assert first.post("/sign-out", data={"csrf_token": first_token}).status_code == 303
