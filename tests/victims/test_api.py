"""The hash-only API over real HTTP: a case is opened, read, added to and withdrawn; every bad
input is a clear 4xx with a code that names the item, and nothing is stored; a wrong PIN and
an unknown case answer alike; replays create nothing; guessing is limited without locking the
person out."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eucentre.db import transaction
from eucentre.platform import cases
from eucentre.victims.models import VictimCase, VictimHash, VictimHashChange
from eucentre.victims.service import NUMBERS
from tests.reports.helpers import png
from tests.victims.helpers import hashes_of, open_case, read_case

CASES = "/api/v1/victims/cases"


def stored(session_factory) -> tuple[int, int, int]:
    with transaction(session_factory) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (VictimCase, VictimHash, VictimHashChange)
        )


def test_a_case_is_opened_read_added_to_and_withdrawn(live, session_factory) -> None:
    with live.client() as client:
        case = open_case(client, hashes_of(png(1)), language="fr")
        number, pin = case["case_number"], case["pin"]
        assert NUMBERS.well_formed(number) and number.startswith("V-") and len(number) == 19
        assert cases.has_valid_check(number[2:]) and case["status"] == "open"
        read = read_case(client, case)
        assert read.status_code == 200 and read.headers["cache-control"] == "no-store"
        body = read.json()
        assert body["case_number"] == number and body["language"] == "fr"
        assert [h["signal"] for h in body["hashes"]] == ["pdq", "md5", "sha256"]
        assert body["information"] == []
        # Typed by hand, in lower case without dashes, the number still opens the case.
        typed = client.get(
            f"{CASES}/{number.lower().replace('-', '')}", headers={"X-Case-PIN": pin.lower()}
        )
        assert typed.status_code == 200
        added = client.post(
            f"{CASES}/{number}/hashes",
            json={"hashes": [*hashes_of(png(2)), hashes_of(png(1))[1]]},
            headers={"X-Case-PIN": pin},
        )
        assert added.status_code == 200, added.text
        assert added.json() == {"case_number": number, "added": 3, "hashes": 6}
        withdrawn = client.post(f"{CASES}/{number}/withdraw", headers={"X-Case-PIN": pin})
        assert withdrawn.status_code == 200
        assert withdrawn.json()["status"] == "withdrawn"
        assert all(h["withdrawn"] for h in withdrawn.json()["hashes"])
        again = client.post(f"{CASES}/{number}/withdraw", headers={"X-Case-PIN": pin})
        assert again.status_code == 200
        late = client.post(
            f"{CASES}/{number}/hashes",
            json={"hashes": hashes_of(png(3))},
            headers={"X-Case-PIN": pin},
        )
    assert late.status_code == 409 and late.json()["error"] == "case_withdrawn"
    with transaction(session_factory) as session:
        stored_case = session.scalar(select(VictimCase))
        # The PIN is kept only as an Argon2id hash.
        assert stored_case.pin_digest.startswith("$argon2id$") and pin not in stored_case.pin_digest
        ops = [
            c.op for c in session.scalars(select(VictimHashChange).order_by(VictimHashChange.seq))
        ]
    assert ops == ["add"] * 6 + ["remove"] * 6


def flat_pdq(value: str, quality: int = 100) -> dict:
    return {"signal": "pdq", "value": value, "quality": quality}


GOOD = hashes_of(png(1))
BAD_INPUTS = [
    ({"hashes": [GOOD[0], {"signal": "pdq", "value": "xyz"}]}, "invalid_hash", "hashes.1.value"),
    ({"hashes": [{"signal": "phash", "value": "ab" * 32}]}, "invalid_hash", "hashes.0.signal"),
    ({"hashes": [{"signal": "md5", "value": "ab" * 15}]}, "invalid_hash", "hashes.0.value"),
    ({"hashes": [GOOD[1], flat_pdq("0" * 64)]}, "degenerate_hash", "hashes.1.value"),
    ({"hashes": [flat_pdq("f" * 64)]}, "degenerate_hash", "hashes.0.value"),
    ({"hashes": [flat_pdq("0f" * 32)]}, "degenerate_hash", "hashes.0.value"),
    ({"hashes": [flat_pdq("8" + "0" * 63)]}, "degenerate_hash", "hashes.0.value"),
    (
        {"hashes": [{"signal": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}]},
        "degenerate_hash",
        "hashes.0.value",
    ),
    ({"hashes": [{**GOOD[0], "quality": 49}]}, "low_quality", "hashes.0.quality"),
]


@pytest.mark.parametrize(("body", "code", "field"), BAD_INPUTS)
def test_bad_hashes_are_refused_by_item_and_nothing_is_stored(
    live, session_factory, body, code, field
) -> None:
    with live.client() as client:
        response = client.post(CASES, json=body)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["error"] == code
    assert [problem["field"] for problem in answer["detail"]] == [field]
    assert stored(session_factory) == (0, 0, 0)


def some_hashes(count: int) -> list[dict]:
    return [{"signal": "sha256", "value": f"{n:064x}".replace("0", "a", 3)} for n in range(count)]


def test_too_many_none_malformed_json_and_oversized_bodies_store_nothing(
    live, session_factory
) -> None:
    with live.client() as client:
        too_many = client.post(CASES, json={"hashes": some_hashes(101)})
        none = client.post(CASES, json={"hashes": []})
        not_json = client.post(CASES, content=b"{", headers={"Content-Type": "application/json"})
        extra = client.post(CASES, json={"hashes": GOOD, "name": "Alice"})
        huge = client.post(CASES, json={"hashes": GOOD, "language": "en", "pad": "x" * 40_000})
        quality = client.post(CASES, json={"hashes": [{**GOOD[0], "quality": 101}]})
        case = open_case(client, some_hashes(98))
        over = client.post(
            f"{CASES}/{case['case_number']}/hashes",
            json={"hashes": GOOD},
            headers={"X-Case-PIN": case["pin"]},
        )
    assert (too_many.status_code, too_many.json()["error"]) == (422, "too_many_hashes")
    assert (none.status_code, none.json()["error"]) == (422, "no_hashes")
    assert not_json.status_code == 422 and extra.status_code == 422 and quality.status_code == 422
    assert huge.status_code == 413
    assert (over.status_code, over.json()["error"]) == (422, "too_many_hashes")
    assert stored(session_factory)[:2] == (1, 98)  # only the one good case, unchanged


def test_a_wrong_pin_and_an_unknown_case_answer_alike(live) -> None:
    unknown = NUMBERS.new(lambda _: False)
    with live.client() as client:
        case = open_case(client, GOOD)
        wrong = read_case(client, case, pin="AAAAA-AAAAA")
        missing = client.get(f"{CASES}/{unknown}", headers={"X-Case-PIN": "AAAAA-AAAAA"})
        typo = client.get(
            f"{CASES}/{case['case_number'][:-1]}{'A' if case['case_number'][-1] != 'A' else 'B'}",
            headers={"X-Case-PIN": case["pin"]},
        )
        for response in (wrong, missing):
            assert response.status_code == 404
        withdraw_wrong = client.post(
            f"{CASES}/{case['case_number']}/withdraw", headers={"X-Case-PIN": "BBBBB-BBBBB"}
        )
        still = read_case(client, case)
    assert wrong.json() == missing.json() == withdraw_wrong.json()
    assert wrong.json()["error"] == "unknown_case"
    assert set(wrong.headers) - {"date", "x-request-id", "content-length"} == set(
        missing.headers
    ) - {"date", "x-request-id", "content-length"}
    # A mistyped character is caught by the check character, before any look-up.
    assert typo.status_code == 422 and typo.json()["error"] == "invalid_case_number"
    assert still.json()["status"] == "open"


def test_replayed_creation_makes_one_case(live, session_factory) -> None:
    key = {"Idempotency-Key": "retry-0123456789abcdef"}
    with live.client() as client:
        first = client.post(CASES, json={"hashes": GOOD}, headers=key)
        again = client.post(CASES, json={"hashes": GOOD}, headers=key)
        other_body = client.post(CASES, json={"hashes": hashes_of(png(2))}, headers=key)
        bad_key = client.post(CASES, json={"hashes": GOOD}, headers={"Idempotency-Key": "x"})
        # Without a key, the same hashes from the same client soon after are a duplicate.
        plain = client.post(CASES, json={"hashes": hashes_of(png(3))})
        duplicate = client.post(CASES, json={"hashes": hashes_of(png(3))})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()  # the PIN again, for a client whose answer was lost
    assert (other_body.status_code, other_body.json()["error"]) == (422, "idempotency_key_reused")
    assert (bad_key.status_code, bad_key.json()["error"]) == (422, "invalid_idempotency_key")
    assert plain.status_code == 201
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "duplicate_case")
    assert plain.json()["case_number"] not in duplicate.text
    assert stored(session_factory)[0] == 2


def test_guessing_is_limited_per_client_and_the_owner_is_never_locked_out(
    live, session_factory
) -> None:
    with live.client() as client:
        case = open_case(client, GOOD)
        number = case["case_number"]
        answers = [
            client.get(f"{CASES}/{number}", headers={"X-Case-PIN": f"WRONG-PIN{n:02d}"}).status_code
            for n in range(7)
        ]
    assert answers[:5] == [404] * 5
    # The case is under attack: the guessing client now waits (429 with Retry-After)...
    assert answers[5:] == [429, 429]
    # ...while the owner, from elsewhere, still gets in with the right PIN.
    from eucentre.victims import limits
    from eucentre.victims.models import VictimAttempt

    with transaction(session_factory) as session:
        subjects = {a.subject for a in session.scalars(select(VictimAttempt))}
        assert all(":" in s and number not in s for s in subjects)  # pseudonyms only
        owner = limits.check_lookup(
            session,
            secret=live.settings.secret,
            number=number,
            client="203.0.113.9",
            limits=limits.limits_from(live.settings),
        )
    assert owner.client.startswith("lookup:")


def test_creations_are_limited_per_client(live, settings, database) -> None:
    from tests.conftest import serving

    strict = settings.model_copy(update={"victims_cases_per_hour": 2})
    with serving(strict, database) as url:
        import httpx

        with httpx.Client(base_url=url) as client:
            answers = [
                client.post(CASES, json={"hashes": hashes_of(png(10 + n))[1:2]}) for n in range(3)
            ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert (
        answers[2].json()["error"] == "victims_rate_limited" and answers[2].headers["retry-after"]
    )
