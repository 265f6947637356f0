"""The public pages over real HTTP: the explanation and the hashing form (the script's
elements, never an upload), and the status page without JavaScript: look, add hashes, give and
remove a contact, withdraw after a confirmation; in every language."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.victims.models import VictimCase, VictimHash
from tests.reports.helpers import png
from tests.victims.helpers import hashes_of, open_case


def token_of(client: httpx.Client) -> str:
    page = client.get("/victims/status").text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def post(client: httpx.Client, **fields: str) -> httpx.Response:
    return client.post("/victims/status", data={**fields, "csrf_token": token_of(client)})


def test_the_page_explains_and_hashes_in_the_browser_without_any_upload(live) -> None:
    with live.client() as client:
        home = client.get("/")
        page = client.get("/victims")
    assert 'href="/victims"' in home.text
    html = page.text
    assert page.status_code == 200
    for element in (
        '<form id="victims-hash-form"',
        '<input type="file" id="victims-files" name="files" multiple accept="image/*,video/*"',
        '<section id="victims-receipt" hidden',
        '<span data-slot="case_number">',
        '<span data-slot="pin">',
        '<script type="module" src="/static/victims/victims-page.js"></script>',
    ):
        assert element in html, element
    for message in ("low-quality", "degenerate", "failed", "working"):
        assert f'<p data-message="{message}" hidden>' in html
    # The form has no action and no method: nothing is ever posted from it, only hashes by the
    # script. The page without JavaScript offers the alternatives, never an upload.
    form = html.split('<form id="victims-hash-form"')[1].split("</form>")[0]
    assert "action=" not in form.split(">")[0] and "method=" not in form.split(">")[0]
    assert "multipart" not in html
    noscript = html.split("<noscript>")[1].split("</noscript>")[0]
    assert "support organisation" in noscript and "/api-docs" in noscript
    assert 'type="file"' not in noscript and "<form" not in noscript
    assert "What never happens" in html and "never leave your device" in html


def test_every_public_page_speaks_german_and_french(live) -> None:
    with live.client(headers={"Accept-Language": "de"}) as client:
        german = client.get("/victims").text
        status = client.get("/victims/status").text
    with live.client(headers={"Accept-Language": "fr"}) as client:
        french = client.get("/victims").text
    assert "Was nie geschieht" in german and "Ihre Bilder und Videos verlassen nie" in german
    assert "Fallnummer" in status
    assert "Ce qui n&#39;arrive jamais" in french or "Ce qui n'arrive jamais" in french


def test_the_status_page_works_without_javascript(live, session_factory) -> None:
    with live.client() as client:
        case = open_case(client, hashes_of(png(1))[:1], language="de")
        number, pin = case["case_number"], case["pin"]
        shown = post(client, number=number.lower(), pin=pin, action="show")
        assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
        assert number in shown.text and pin not in shown.text.replace(f'value="{pin}"', "")
        assert "Nothing yet" in shown.text and 'data-status="open"' in shown.text

        md5 = hashes_of(png(2))[1]["value"]
        added = post(
            client, number=number, pin=pin, action="add", hash_signal_0="md5", hash_value_0=md5
        )
        assert "We added 1 fingerprint(s)" in added.text
        bad = post(
            client,
            number=number,
            pin=pin,
            action="add",
            hash_signal_0="pdq",
            hash_value_0="0" * 64,
            hash_signal_2="md5",
            hash_value_2="zz",
        )
        assert bad.status_code == 422
        assert "Fingerprint 1: this fingerprint is of a blank" in bad.text
        assert "Fingerprint 3: this is not a valid fingerprint" in bad.text

        given = post(client, number=number, pin=pin, action="contact", contact="me@example.test")
        assert "We saved your contact" in given.text
        with transaction(session_factory) as session:
            sealed = session.scalar(select(VictimCase.contact_sealed))
            assert sealed is not None and b"me@example.test" not in sealed
        removed = post(client, number=number, pin=pin, action="contact", remove="yes")
        assert "We deleted your contact" in removed.text

        asked = post(client, number=number, pin=pin, action="withdraw")
        assert "Withdraw your request?" in asked.text and 'id="withdraw-confirmed"' in asked.text
        with transaction(session_factory) as session:
            assert session.scalar(select(VictimCase.status)) == "open"  # asked, not done
        done = post(client, number=number, pin=pin, action="withdraw_confirmed")
        assert "Your request is withdrawn." in done.text and 'data-status="withdrawn"' in done.text
        assert "Add fingerprints" not in done.text
    with transaction(session_factory) as session:
        assert all(h.withdrawn_at for h in session.scalars(select(VictimHash)))


def test_wrong_pins_mistypes_and_forged_forms_are_refused_kindly(live) -> None:
    with live.client() as client:
        case = open_case(client, hashes_of(png(1))[:1])
        wrong = post(client, number=case["case_number"], pin="AAAAA-AAAAA")
        typo = post(client, number="V-ABCDE-FGHJK-MNPQR", pin="AAAAA-AAAAA")
        forged = client.post(
            "/victims/status", data={"number": case["case_number"], "pin": case["pin"]}
        )
        not_a_form = client.post("/victims/status", json={"number": case["case_number"]})
    assert wrong.status_code == 404 and "We found no case with this number and PIN" in wrong.text
    assert typo.status_code == 422 and "a character is probably mistyped" in typo.text
    assert forged.status_code == 403 and "The form has expired" in forged.text
    assert not_a_form.status_code == 415
    assert case["case_number"] not in forged.text and case["pin"] not in forged.text
