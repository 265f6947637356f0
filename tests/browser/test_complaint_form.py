"""A person complains about a removal and follows the complaint through the real pages in
Chromium, with JavaScript off."""

from datetime import date, timedelta

import pytest

from eucentre.complaints import decisions, service
from eucentre.db import transaction
from eucentre.models import OrganisationKind
from tests.factories import make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_complaint_is_filled_in_and_followed_to_its_decision(live, session_factory, page) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, kind=OrganisationKind.provider, name="Picture Share")
    page.goto(live.url)
    page.get_by_role("link", name="Complain about a removal").click()
    assert page.get_by_role("heading", name="Complain about a removal").is_visible()

    # First a mistake: the reason is left empty. The form says what is wrong and keeps the rest.
    page.get_by_label("The online service").select_option(label="Picture Share")
    page.get_by_label("The reference of the service's decision").fill("SOR-2026-0042")
    page.get_by_label("The date of the decision").fill(
        (date.today() - timedelta(days=4)).isoformat()
    )
    page.get_by_label("What was removed").fill("A photo of my garden.")
    page.get_by_role("button", name="Send the complaint").click()
    alert = page.get_by_role("alert")
    assert "Why you think it was a mistake: please fill this in." in alert.inner_text()
    assert page.get_by_label("What was removed").input_value() == "A photo of my garden."

    page.get_by_label("Why you think it was a mistake").fill(
        "It shows a bench and flowers, nobody is in the picture."
    )
    page.get_by_role("button", name="Send the complaint").click()
    assert page.get_by_role("heading", name="We have received your complaint").is_visible()
    number = page.locator("#complaint-number").inner_text()
    secret = page.locator("#complaint-secret").inner_text()

    page.get_by_role("link", name="Follow your complaint").click()
    page.get_by_label("Complaint number").fill(number.lower())
    page.get_by_label("Secret").fill(secret)
    page.get_by_role("button", name="Show my complaint").click()
    assert "We have received your complaint" in page.locator("#complaint-status").inner_text()
    assert "?" not in page.url and secret not in page.url

    with transaction(session_factory) as session:
        complaint = service.repository.by_number(session, number)
        decisions.reject(
            session,
            actor="user:1",
            complaint_id=complaint.id,
            reason="The removal was not based on the Centre's lists.",
        )
    page.goto(f"{live.url}/complaints/status")
    page.get_by_label("Complaint number").fill(number)
    page.get_by_label("Secret").fill("WRONG-" + secret[6:])
    page.get_by_role("button", name="Show my complaint").click()
    assert "We found no complaint" in page.get_by_role("alert").inner_text()
    page.get_by_label("Secret").fill(secret)
    page.get_by_role("button", name="Show my complaint").click()
    assert "was not upheld" in page.locator("#complaint-status").inner_text()
    assert "not based on the Centre's lists" in page.locator("#decision-reason").inner_text()
