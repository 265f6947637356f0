"""The practitioner network: applying with consent per field, approval, the account, what each
viewer sees (a network-only or hidden field never reaches a public page or the API), relayed
contact with its rate limits, re-confirmation, export and deletion."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eucentre import errors
from eucentre.auth import service as auth_service
from eucentre.auth import totp
from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.models import Role, StaffUser
from eucentre.prevention import network, relay
from eucentre.prevention.models import NetworkEntry, NetworkMessage
from eucentre.prevention.network_fields import Problems, Visibility
from tests.prevention.conftest import SECRET, anonymous_token, post, signed_in

PASSWORD = "a long enough password"  # noqa: S105
LIMITS = network.Limits()


def values(**overrides):
    base = {
        "name": "Dr. Ada Example",
        "organisation": "Example Clinic",
        "position": "Therapist",
        "country": "AT",
        "languages": ["de", "en"],
        "expertise": ["therapy"],
        "target_groups": ["fear_offending"],
        "bio": "Secret-ish biography visible to the network only.",
        "website": "https://example.test/ada",
        "email": "ada@example.test",
        "phone": "+43 1 234 5678",
        "visibility_bio": "network",
        "visibility_phone": "network",
        "consent": "yes",
    }
    base.update(overrides)
    return base


def member(session, **overrides):
    """An active member (applied, approved, account opened); returns (entry, user, totp)."""
    token = network.apply(
        session,
        values=values(**overrides),
        form_token=f"form-token-{overrides.get('email', 'ada')}-xxxxxxxxxxxxxxxx",
        client_address=f"10.0.0.{len(overrides)}",
        secret=SECRET,
        limits=LIMITS,
    )
    number, applicant_secret = network.take_receipt(session, receipt_token=token, secret=SECRET)
    entry = session.scalar(select(NetworkEntry).where(NetworkEntry.number == number))
    network.decide(session, actor="user:1", entry_id=entry.id, approve=True)
    done = network.activate(
        session,
        number=number,
        applicant_secret=applicant_secret,
        password=PASSWORD,
        client_address="10.9.9.9",
        secret=SECRET,
        limits=LIMITS,
    )
    return done.entry, session.get(StaffUser, done.entry.user_id), done.totp_secret


def test_the_public_sees_only_public_fields_and_members_see_the_network_ones(session) -> None:
    entry, _, _ = member(session, visibility_country="network")
    public = network.directory(session, level=Visibility.public, filters={}, secret=SECRET)
    assert public == [
        {
            "id": entry.id,
            "name": "Dr. Ada Example",
            "organisation": "Example Clinic",
            "position": "Therapist",
            "languages": ["de", "en"],
            "expertise": ["therapy"],
            "target_groups": ["fear_offending"],
            "website": "https://example.test/ada",
        }
    ]
    [seen] = network.directory(session, level=Visibility.network, filters={}, secret=SECRET)
    assert seen["bio"].startswith("Secret-ish") and seen["phone"] == "+43 1 234 5678"
    assert seen["country"] == "AT" and "email" not in seen  # hidden: nobody sees it
    # A filter cannot reveal a field the viewer may not see.
    by_country = {"country": ["AT"]}
    assert (
        network.directory(session, level=Visibility.public, filters=by_country, secret=SECRET) == []
    )
    assert (
        len(network.directory(session, level=Visibility.network, filters=by_country, secret=SECRET))
        == 1
    )


def test_an_application_needs_consent_a_valid_address_and_one_per_address(session) -> None:
    for bad, field in (
        (values(consent=""), "consent"),
        (values(email="nope"), "email"),
        (values(country="XX"), "country"),
        (values(visibility_name="everyone"), "visibility_name"),
        (values(website="javascript:x"), "website"),
        (values(name="a\x00b"), "name"),
    ):
        with pytest.raises(Problems) as refused:
            network.apply(
                session,
                values=bad,
                form_token="t" * 30,
                client_address="10.1.1.1",
                secret=SECRET,
                limits=network.Limits(applications_per_hour=100),
            )
        assert field in [p["field"] for p in refused.value.problems]
    member(session)
    with pytest.raises(errors.Conflict):
        network.apply(
            session,
            values=values(email="ADA@example.test"),
            form_token="u" * 30,
            client_address="10.1.1.2",
            secret=SECRET,
            limits=LIMITS,
        )
    assert session.scalar(select(func.count()).select_from(NetworkEntry)) == 1


def test_what_a_member_wrote_is_sealed_at_rest(session) -> None:
    entry, _, _ = member(session)
    assert b"Ada" not in entry.profile_sealed and b"ada@example" not in entry.profile_sealed
    assert "ada" not in entry.email_digest


def test_pending_and_rejected_applicants_cannot_open_an_account(session) -> None:
    token = network.apply(
        session,
        values=values(),
        form_token="p" * 30,
        client_address="10.2.2.2",
        secret=SECRET,
        limits=LIMITS,
    )
    number, applicant_secret = network.take_receipt(session, receipt_token=token, secret=SECRET)
    assert network.take_receipt(session, receipt_token=token, secret=SECRET) == (number, None)
    with pytest.raises(errors.InvalidTransition):
        network.activate(
            session,
            number=number,
            applicant_secret=applicant_secret,
            password=PASSWORD,
            client_address="10.2.2.2",
            secret=SECRET,
            limits=LIMITS,
        )
    with pytest.raises(errors.NotFound):
        network.activate(
            session,
            number=number,
            applicant_secret="WRONG-SECRET",
            password=PASSWORD,
            client_address="10.2.2.2",
            secret=SECRET,
            limits=LIMITS,
        )
    assert network.directory(session, level=Visibility.network, filters={}, secret=SECRET) == []


def test_contact_is_relayed_and_rate_limited(session) -> None:
    entry, _, _ = member(session)
    limits = network.Limits(contacts_per_hour=2, contacts_per_member_per_day=3)
    for n in range(2):
        relay.send(
            session,
            entry_id=entry.id,
            sender_name="Bo",
            sender_email="bo@example.test",
            message=f"Hello number {n}, can we talk?",
            client_address="10.3.3.3",
            secret=SECRET,
            limits=limits,
        )
    with pytest.raises(errors.TooManyRequests) as per_address:
        relay.send(
            session,
            entry_id=entry.id,
            sender_name="Bo",
            sender_email="bo@example.test",
            message="A third message, too many.",
            client_address="10.3.3.3",
            secret=SECRET,
            limits=limits,
        )
    assert per_address.value.retry_after == 3600
    relay.send(
        session,
        entry_id=entry.id,
        sender_name="Cy",
        sender_email="cy@example.test",
        message="From another address.",
        client_address="10.4.4.4",
        secret=SECRET,
        limits=limits,
    )
    with pytest.raises(errors.TooManyRequests):  # the member's daily limit, from anyone
        relay.send(
            session,
            entry_id=entry.id,
            sender_name="Di",
            sender_email="di@example.test",
            message="Yet another address.",
            client_address="10.5.5.5",
            secret=SECRET,
            limits=limits,
        )
    stored = session.scalars(select(NetworkMessage)).all()
    assert len(stored) == 3 and all(b"Hello" not in m.content_sealed for m in stored)
    with pytest.raises(errors.UnprocessableEntity):
        relay.send(
            session,
            entry_id=entry.id,
            sender_name="",
            sender_email="x",
            message="short",
            client_address="10.6.6.6",
            secret=SECRET,
            limits=network.Limits(),
        )


def test_entries_not_reconfirmed_are_hidden_until_confirmed(session) -> None:
    entry, user, _ = member(session)
    entry.confirmed_at = utcnow() - timedelta(days=400)
    session.flush()
    assert network.hide_unconfirmed(session, limits=LIMITS) == 1
    assert network.directory(session, level=Visibility.public, filters={}, secret=SECRET) == []
    principal = auth_service.principal_for_session(
        session, auth_service.open_session(session, user=user, lifetime=timedelta(hours=1))
    )
    assert network.level_of(session, principal) is Visibility.public  # hidden: no network view
    network.reconfirm(session, principal=principal)
    assert len(network.directory(session, level=Visibility.public, filters={}, secret=SECRET)) == 1


def test_the_whole_journey_over_http(live, session_factory) -> None:
    anonymous = live.client()
    form = {**values(), "csrf_token": anonymous_token(anonymous), "form_token": "j" * 40}
    sent = anonymous.post("/prevention/network/apply", data=form)
    assert sent.status_code == 303
    again = anonymous.post("/prevention/network/apply", data=form)  # sent twice: one application
    assert again.headers["location"] == sent.headers["location"]
    receipt = anonymous.get(sent.headers["location"])
    number = receipt.text.split("<code>")[1].split("</code>")[0]
    applicant_secret = receipt.text.split("<code>")[2].split("</code>")[0]
    assert "shown only once" in receipt.text and receipt.headers["cache-control"] == "no-store"
    assert applicant_secret not in anonymous.get(sent.headers["location"]).text

    editor, _ = signed_in(live, session_factory, Role.editor)
    with transaction(session_factory) as session:
        entry_id = session.scalar(select(NetworkEntry.id).where(NetworkEntry.number == number))
    queue = editor.get("/staff/prevention/network")
    assert number in queue.text
    asked = post(editor, f"/staff/prevention/network/{entry_id}/approve")
    assert "Are you sure?" in editor.get(asked.headers["location"]).text
    assert (
        post(
            editor, f"/staff/prevention/network/{entry_id}/approve", {"confirmed": "yes"}
        ).status_code
        == 303
    )

    opened = anonymous.post(
        "/prevention/network/activate",
        data={
            "csrf_token": anonymous_token(anonymous, "/prevention/network/activate"),
            "number": number.lower().replace("-", " "),
            "secret": applicant_secret,
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert opened.status_code == 200 and "Your account is open" in opened.text
    key = opened.text.split('<code class="breakable">')[1].split("</code>")[0]

    browser = live.client()
    signed = browser.post(
        "/sign-in",
        data={
            "csrf_token": anonymous_token(browser, "/sign-in"),
            "email": "ada@example.test",
            "password": PASSWORD,
            "code": totp.current_code(key),
        },
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/prevention/network/account"
    account = browser.get("/prevention/network/account", headers={"Accept-Language": "de"})
    assert account.status_code == 200 and '<html lang="de">' in account.text
    assert "Dr. Ada Example" in account.text

    # The public page and API: no network-only or hidden field.
    for page in (
        anonymous.get("/prevention/network"),
        anonymous.get(f"/prevention/network/members/{entry_id}"),
        anonymous.get("/api/v1/prevention/network/members"),
    ):
        assert page.status_code == 200 and "Dr. Ada Example" in page.text
        for private in ("Secret-ish", "234 5678", "ada@example.test"):
            assert private not in page.text, (page.url, private)
    # A signed-in member sees what the network may see, never the hidden address.
    other = live.client(cookies=browser.cookies)
    network_view = other.get(f"/prevention/network/members/{entry_id}")
    assert "Secret-ish" in network_view.text and "ada@example.test" not in network_view.text

    contact = anonymous.post(
        f"/prevention/network/members/{entry_id}/contact",
        data={
            "csrf_token": anonymous_token(anonymous, f"/prevention/network/members/{entry_id}"),
            "sender_name": "Bo Sender",
            "sender_email": "bo@example.test",
            "message": "Could we exchange on your programme?",
        },
    )
    assert contact.status_code == 303 and contact.headers["location"].endswith("?sent=true")
    inbox = browser.get("/prevention/network/account")
    assert "Could we exchange on your programme?" in inbox.text and "bo@example.test" in inbox.text

    exported = browser.get("/prevention/network/account/export")
    assert exported.json()["fields"]["email"] == "ada@example.test"
    assert exported.json()["messages"][0]["message"] == "Could we exchange on your programme?"
    assert (
        "Delete my entry and my account?" in browser.get("/prevention/network/account/delete").text
    )
    deleted = post(browser, "/prevention/network/account/delete")
    assert deleted.status_code == 303
    with transaction(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(NetworkEntry)) == 0
        assert session.scalar(select(func.count()).select_from(NetworkMessage)) == 0
        assert not session.scalar(
            select(StaffUser).where(StaffUser.role == "network_member")
        ).is_active
    assert "Dr. Ada Example" not in anonymous.get("/prevention/network").text
    for client in (anonymous, editor, browser, other):
        client.close()


def test_the_public_forms_refuse_bad_input(live) -> None:
    with live.client() as client:
        token = anonymous_token(client)
        no_consent = client.post(
            "/prevention/network/apply", data={**values(consent=""), "csrf_token": token}
        )
        assert no_consent.status_code == 422 and "There is a problem" in no_consent.text
        assert (
            client.post("/prevention/network/apply", data=values()).status_code == 403
        )  # no CSRF token
        huge = client.post(
            "/prevention/network/apply", data={**values(bio="x" * 40_000), "csrf_token": token}
        )
        assert huge.status_code == 413
        assert (
            client.post(
                "/prevention/network/apply",
                content=b"{}",
                headers={"content-type": "application/json"},
            ).status_code
            == 415
        )
        assert client.get("/prevention/network/members/999").status_code == 404
        assert client.get("/prevention/network/applied/nope").status_code == 404
        wrong = client.post(
            "/prevention/network/activate",
            data={
                "csrf_token": token,
                "number": "N-AAAAA-BBBBB",
                "secret": "x",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        assert wrong.status_code == 404 and "We found no application" in wrong.text


def test_contact_over_http_is_rate_limited(live, session_factory) -> None:
    with transaction(session_factory) as session:
        entry, _, _ = member(session)
    limit = live.settings.prevention_contacts_per_hour
    with live.client() as client:
        page = f"/prevention/network/members/{entry.id}"
        codes = []
        for n in range(limit + 1):
            codes.append(
                client.post(
                    f"{page}/contact",
                    data={
                        "csrf_token": anonymous_token(client, page),
                        "sender_name": "Bo",
                        "sender_email": "bo@example.test",
                        "message": f"Message number {n} here.",
                    },
                )
            )
        assert [r.status_code for r in codes] == [303] * limit + [429]
        assert codes[-1].headers["retry-after"] == "3600"
        assert "too many attempts" in codes[-1].text.lower()
