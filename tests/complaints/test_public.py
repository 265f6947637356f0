"""The public form and status page over real HTTP: a complaint goes in and is followed; abuse
(rate limits, size limits, junk) gets a clear error and stores nothing; nobody reads another
person's complaint."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from eucentre.db import transaction
from eucentre.models import Complaint, OrganisationKind
from tests.conftest import serving
from tests.factories import make_organisation


@pytest.fixture
def provider(session_factory):
    with transaction(session_factory) as session:
        return make_organisation(session, kind=OrganisationKind.provider, name="Picture Share")


def fields(provider: int, **overrides) -> dict[str, str]:
    data = {
        "provider_id": str(provider),
        "provider_reference": "SOR-2026-0042",
        "decision_date": (date.today() - timedelta(days=3)).isoformat(),
        "content_description": "A photo of my garden.",
        "reason": "There is nobody in it: it is a bench and some flowers.",
        "contact": "",
    }
    data.update(overrides)
    return data


def with_token(client: httpx.Client, data: dict[str, str]) -> dict[str, str]:
    """The form's fields with the CSRF token a browser would have read from the page."""
    page = client.get("/complaints/status").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return {**data, "csrf_token": token}


def stored(session_factory) -> int:
    with transaction(session_factory) as session:
        return session.scalar(select(func.count()).select_from(Complaint))


def test_a_complaint_is_received_and_followed_with_its_secret(live, provider) -> None:
    with live.client() as client:
        page = client.get("/complaints")
        assert page.status_code == 200 and "Picture Share" in page.text
        sent = client.post("/complaints", data=with_token(client, fields(provider.id)))
        # Post/redirect/get: reloading the receipt does not send the form again.
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"].startswith("/complaints/receipt/")
        receipt = client.get(sent.headers["location"])
        assert receipt.status_code == 200
        assert receipt.headers["cache-control"] == "no-store"
        number = receipt.text.split('id="complaint-number">')[1].split("<")[0]
        secret = receipt.text.split('id="complaint-secret">')[1].split("<")[0]
        assert secret not in sent.headers["location"]
        status = client.post(
            "/complaints/status", data=with_token(client, {"number": number, "secret": secret})
        )
        # The secret is shown once: reloading the receipt shows the number only.
        reloaded = client.get(sent.headers["location"])
    assert status.status_code == 200
    assert "We have received your complaint" in status.text and "SOR-2026-0042" in status.text
    assert reloaded.status_code == 200 and number in reloaded.text
    assert secret not in reloaded.text and 'id="secret-shown"' in reloaded.text
    assert stored_once(reloaded)


def stored_once(page) -> bool:
    return "does not send it again" in page.text


def form_token(page) -> str:
    return page.text.split('name="form_token" value="')[1].split('"')[0]


def test_a_form_sent_twice_is_one_complaint(live, provider, session_factory) -> None:
    with live.client() as client:
        token = form_token(client.get("/complaints"))
        first = client.post(
            "/complaints", data=with_token(client, {**fields(provider.id), "form_token": token})
        )
        again = client.post(
            "/complaints", data=with_token(client, {**fields(provider.id), "form_token": token})
        )
        assert first.status_code == again.status_code == 303
        assert again.headers["location"] == first.headers["location"]  # the first receipt
        receipt = client.get(again.headers["location"])
        assert 'id="complaint-secret"' in receipt.text  # shown once, to whoever comes first
        # Sent again after the receipt was shown, even changed: still the first complaint.
        later = client.post(
            "/complaints",
            data=with_token(
                client,
                {**fields(provider.id, reason="Something else entirely."), "form_token": token},
            ),
            follow_redirects=True,
        )
        assert later.status_code == 200 and stored_once(later)
        # A form with problems keeps its token; another form files another complaint.
        invalid = client.post(
            "/complaints",
            data=with_token(client, {**fields(provider.id, reason=""), "form_token": token}),
        )
        assert invalid.status_code == 303  # a used token is a replay, whatever it carries
        fresh = form_token(client.get("/complaints"))
        assert fresh != token
        problem = client.post(
            "/complaints",
            data=with_token(client, {**fields(provider.id, reason="short"), "form_token": fresh}),
        )
        assert problem.status_code == 422 and form_token(problem) == fresh
    assert stored(session_factory) == 1
    with live.client() as client:
        assert client.get("/complaints/receipt/" + "0" * 64).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "short"}, "at least 10 characters"),
        ({"reason": "\x00\x01\x02 binary junk here"}, "not text"),
        ({"reason": "!!!!!!!!!!!!!!!!!!"}, "contains no words"),
        ({"provider_reference": ""}, "please fill this in"),
        ({"decision_date": "yesterday"}, "not a valid date"),
        ({"provider_id": "999999"}, "Choose the service from the list"),
        ({"decision_date": (date.today() - timedelta(days=300)).isoformat()}, "six months"),
        ({"website": "http://spam.example"}, "could not be accepted"),
    ],
)
def test_bad_or_junk_complaints_get_a_clear_error_and_nothing_is_stored(
    live, provider, session_factory, change, message
) -> None:
    with live.client() as client:
        response = client.post(
            "/complaints", data=with_token(client, fields(provider.id, **change))
        )
    assert response.status_code == 422, response.text
    assert message in response.text and "There is a problem" in response.text
    assert stored(session_factory) == 0


def test_oversized_and_non_form_bodies_are_refused_and_nothing_is_stored(
    live, provider, session_factory
) -> None:
    with live.client() as client:
        huge = client.post(
            "/complaints", data=with_token(client, fields(provider.id, reason="garden " * 5000))
        )
        json_body = client.post("/complaints", json=fields(provider.id))
        many = client.post("/complaints", data={f"f{n}": "x" for n in range(50)})
        upload = client.post(
            "/complaints", data=fields(provider.id), files={"file": ("a.png", b"x", "image/png")}
        )
    assert huge.status_code == 413 and "too long" in huge.text
    assert json_body.status_code == 415
    assert many.status_code == 400 and upload.status_code == 400
    assert stored(session_factory) == 0


def test_submissions_are_rate_limited_per_address(live, provider, session_factory) -> None:
    with live.client() as client:
        codes = [
            client.post("/complaints", data=with_token(client, fields(provider.id))).status_code
            for _ in range(6)
        ]
    assert codes == [303] * 5 + [429]
    assert stored(session_factory) == 5


def test_nobody_reads_another_persons_complaint_and_guessing_is_rate_limited(
    live, provider
) -> None:
    with live.client() as client:
        mine = client.post(
            "/complaints", data=with_token(client, fields(provider.id)), follow_redirects=True
        )
        number = mine.text.split('id="complaint-number">')[1].split("<")[0]
        secret = mine.text.split('id="complaint-secret">')[1].split("<")[0]
        theirs = client.post(
            "/complaints",
            data=with_token(client, fields(provider.id, reason="Theirs, not mine.")),
            follow_redirects=True,
        )
        their_number = theirs.text.split('id="complaint-number">')[1].split("<")[0]
        crossed = client.post(
            "/complaints/status",
            data=with_token(client, {"number": their_number, "secret": secret}),
        )
        assert crossed.status_code == 404 and "We found no complaint" in crossed.text
        assert "Theirs, not mine" not in crossed.text
        guesses = [
            client.post(
                "/complaints/status",
                data=with_token(client, {"number": their_number, "secret": f"GUESS-{n}"}),
            ).status_code
            for n in range(5)
        ]
        # The number's limit (5 failures an hour) is reached: even the right secret waits.
        right = client.post(
            "/complaints/status", data=with_token(client, {"number": number, "secret": secret})
        )
        limited = client.post(
            "/complaints/status",
            data=with_token(client, {"number": their_number, "secret": secret}),
        )
    assert guesses[:4] == [404] * 4 and guesses[4] == 429
    assert right.status_code == 200
    assert limited.status_code == 429 and "too many" in limited.text
    assert limited.headers["retry-after"] == "3600"


def test_the_secret_never_appears_in_a_url(live, provider) -> None:
    with live.client() as client:
        form = client.get("/complaints/status")
    assert 'method="post" action="/complaints/status"' in form.text


def test_the_decision_target_and_the_limits_follow_the_settings(
    settings, database, provider, session_factory
) -> None:
    tuned = settings.model_copy(
        update={"complaint_decision_target_days": 7, "complaint_submissions_per_hour": 2}
    )
    with serving(tuned, database) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert "within 7 days" in client.get("/complaints").text
        codes = [
            client.post("/complaints", data=with_token(client, fields(provider.id))).status_code
            for _ in range(3)
        ]
    assert codes == [303, 303, 429]
    with transaction(session_factory) as session:
        complaint = session.scalars(select(Complaint)).first()
        assert complaint.deadline_at - complaint.received_at == timedelta(days=7)


def test_the_public_forms_need_their_csrf_token(live, provider, session_factory) -> None:
    with live.client() as client:
        client.get("/complaints")
        missing = client.post("/complaints", data=fields(provider.id))
        forged = client.post("/complaints", data={**fields(provider.id), "csrf_token": "forged"})
        status = client.post("/complaints/status", data={"number": "C-AAAAA-BBBBB", "secret": "x"})
        theirs = with_token(client, fields(provider.id))
    with live.client() as other:
        # A token read in one browser is worth nothing with another browser's cookie.
        other.get("/complaints")
        foreign = other.post("/complaints", data=theirs)
    assert [r.status_code for r in (missing, forged, status, foreign)] == [403] * 4
    assert "The form has expired" in missing.text
    assert stored(session_factory) == 0


def test_guesses_from_one_connection_never_lock_the_complainant_out(live, provider) -> None:
    def client_from(address: str) -> httpx.Client:
        # Another loopback address is another client to the server, over real HTTP.
        return live.client(transport=httpx.HTTPTransport(local_address=address))

    with client_from("127.0.0.3") as complainant:
        sent = complainant.post(
            "/complaints",
            data=with_token(complainant, fields(provider.id)),
            follow_redirects=True,  # post/redirect/get: the receipt shows number and secret
        )
        number = sent.text.split('id="complaint-number">')[1].split("<")[0]
        secret = sent.text.split('id="complaint-secret">')[1].split("<")[0]
    with client_from("127.0.0.2") as guesser:
        guesses = [
            guesser.post(
                "/complaints/status",
                data=with_token(guesser, {"number": number, "secret": f"GUESS-{n}"}),
            ).status_code
            for n in range(6)
        ]
    assert guesses == [404] * 5 + [429]
    with client_from("127.0.0.3") as complainant:
        status = complainant.post(
            "/complaints/status", data=with_token(complainant, {"number": number, "secret": secret})
        )
    assert status.status_code == 200 and "We have received your complaint" in status.text
