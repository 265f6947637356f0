"""Authority officers sign in as people and work their inbox in the browser pages."""

from datetime import UTC, datetime, timedelta

import pytest

from eucentre import errors
from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind
from eucentre.models.staff import AUTHORITY_OFFICER
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, csrf_token_of, make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit

SECRET = TEST_SECRET.encode()
NONCE = "officer-nonce"


@pytest.fixture
def officer(live, session_factory):
    with transaction(session_factory) as session:
        provider = make_key(
            session, make_organisation(session, kind=OrganisationKind.provider, country="IE")
        )
        make_organisation(session, kind=OrganisationKind.authority, country="DE", name="BKA")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        verified(session, hash_bytes(png(1))["pdq"])
        account = auth_service.create_user(
            session,
            actor="test",
            secret=SECRET,
            email="o@bka.test",
            role=AUTHORITY_OFFICER,
            password=PASSWORD,
            organisation_name="BKA",
        )
        token = auth_service.open_session(session, user=account.user, lifetime=timedelta(hours=1))
    with live.client() as client:
        submit(client, provider, body=report_body(), files=[png(1)])
    browser = live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
    yield browser
    browser.close()


def form(client, **fields):
    return {"csrf_token": csrf_token_of(client, SECRET), **fields}


def test_an_officer_reads_acknowledges_and_answers(officer) -> None:
    inbox = officer.get("/authority/referrals")
    assert inbox.status_code == 200 and "Referrals to your authority" in inbox.text
    assert 'href="/authority/referrals"' in inbox.text  # the officer's navigation
    referral_id = int(inbox.text.split('href="/authority/referrals/')[1].split('"')[0])
    page = officer.get(f"/authority/referrals/{referral_id}")
    assert "user-123" in page.text and "Download the package" in page.text
    assert (
        officer.post(f"/authority/referrals/{referral_id}/acknowledge", data={}).status_code == 403
    )  # CSRF
    assert (
        officer.post(
            f"/authority/referrals/{referral_id}/acknowledge",
            data=form(officer),
        ).status_code
        == 303
    )
    until = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    assert (
        officer.post(
            f"/authority/referrals/{referral_id}/hold",
            data=form(officer, until=until, reason="ongoing"),
        ).status_code
        == 303
    )
    assert (
        officer.post(
            f"/authority/referrals/{referral_id}/outcome",
            data=form(officer, outcome="investigation_opened", note=""),
        ).status_code
        == 303
    )
    page = officer.get(f"/authority/referrals/{referral_id}")
    assert "acknowledged" in page.text and 'value="investigation_opened" selected' in page.text
    package = officer.get(f"/api/v1/referrals/{referral_id}/package")
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"


def test_an_officer_cannot_use_staff_pages(officer) -> None:
    assert officer.get("/staff/reports").status_code == 403
    assert officer.get("/staff/indicators").status_code == 403


def test_an_officer_needs_an_authority(session) -> None:
    make_organisation(session, kind=OrganisationKind.provider, name="Shop")
    with pytest.raises(errors.UnprocessableEntity):
        auth_service.create_user(
            session,
            actor="t",
            secret=SECRET,
            email="x@y.test",
            role=AUTHORITY_OFFICER,
            password=PASSWORD,
            organisation_name="Shop",
        )


def test_an_officer_works_in_their_own_language(officer) -> None:
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    inbox = officer.get("/authority/referrals", headers=german)
    assert '<html lang="de">' in inbox.text and "Weiterleitungen an Ihre Behörde" in inbox.text
    assert ">verfügbar<" in inbox.text  # the status, not its stored value
    referral_id = int(inbox.text.split('href="/authority/referrals/')[1].split('"')[0])
    officer.post(
        f"/authority/referrals/{referral_id}/acknowledge",
        data=form(officer),
        headers=german,
    )
    page = officer.get(f"/authority/referrals/{referral_id}", headers=german)
    assert "Ergebnis erfassen" in page.text
    assert '<option value="not_abuse">kein Missbrauch</option>' in page.text
