"""A person signs in through the real page in Chromium, with JavaScript off."""

import pytest

from eucentre.db import transaction
from eucentre.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_an_auditor_signs_in_sees_their_navigation_and_signs_out(
    live, session_factory, page
) -> None:
    with transaction(session_factory) as session:
        account = make_staff(session, secret=TEST_SECRET.encode(), role=Role.auditor)
    page.goto(f"{live.url}/staff/audit")
    assert page.url.endswith("/sign-in?next=/staff/audit")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_label("Code from your authenticator app").fill(account.code())
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/staff/audit")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    navigation = page.get_by_role("navigation", name="Main")
    assert navigation.get_by_role("link", name="Audit log").is_visible()
    assert page.locator("td", has_text="auth.signed_in").count() == 1
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role(
        "heading", name="European Centre to prevent and counter child sexual abuse"
    ).is_visible()


def test_a_wrong_code_shows_an_error_summary(live, session_factory, page) -> None:
    with transaction(session_factory) as session:
        account = make_staff(session, secret=TEST_SECRET.encode(), role=Role.analyst)
    page.goto(f"{live.url}/sign-in")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_label("Code from your authenticator app").fill(
        "123456" if account.code() != "123456" else "654321"
    )
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "wrong email, password or code" in alert.inner_text()


def test_the_skip_link_is_first_and_visible_on_focus(live, page) -> None:
    page.goto(f"{live.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement && document.activeElement.textContent")
    assert focused is None or "Skip to main content" in (focused or "")
    skip = page.get_by_role("link", name="Skip to main content")
    skip.focus()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0
