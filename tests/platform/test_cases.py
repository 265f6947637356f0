"""The public-case kernel: numbers, secrets kept only as slow hashes, status machines."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from eucentre.kit.crypto import derive_key, keyed_digest
from eucentre.platform import cases
from eucentre.platform.cases import CaseNumbers, InvalidTransition, StatusMachine

PEPPER = b"p" * 32
NUMBERS = CaseNumbers("V")


def test_numbers_are_random_unambiguous_and_read_back_as_typed() -> None:
    taken = {"V-AAAAA-AAAAA"}
    number = NUMBERS.new(lambda candidate: candidate in taken)
    assert len(number) == 13 and number.startswith("V-") and number not in taken
    assert set(number[2:].replace("-", "")) <= set(cases.ALPHABET)
    assert NUMBERS.normalise(number.lower().replace("-", " ")) == number
    assert NUMBERS.normalise(number[2:].replace("-", "")) == number
    assert not set("01OIL") & set(cases.ALPHABET)


def test_a_secret_is_stored_as_a_salted_scrypt_hash_bound_to_its_case() -> None:
    secret = cases.new_secret()
    stored = cases.hash_secret(PEPPER, "V-ABCDE-FGHJK", secret)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert secret not in stored
    assert stored != cases.hash_secret(PEPPER, "V-ABCDE-FGHJK", secret)  # salted
    assert cases.verify_secret(PEPPER, "V-ABCDE-FGHJK", secret, stored)
    assert not cases.verify_secret(PEPPER, "V-ABCDE-FGHJM", secret, stored)  # another case
    assert not cases.verify_secret(PEPPER, "V-ABCDE-FGHJK", secret + "A", stored)
    assert not cases.verify_secret(b"q" * 32, "V-ABCDE-FGHJK", secret, stored)  # another key
    assert not cases.verify_secret(PEPPER, "V-ABCDE-FGHJK", secret, None)  # unknown number
    assert not cases.verify_secret(PEPPER, "V-ABCDE-FGHJK", secret, "scrypt$garbage")


def test_digests_kept_before_the_kernel_still_open_their_case() -> None:
    legacy = keyed_digest(derive_key(PEPPER, "complaint-secrets"), "C-ABCDE-FGHJK:SECRET")
    assert (
        len(legacy) == 64
        and legacy
        == __import__("hmac")
        .new(derive_key(PEPPER, "complaint-secrets"), b"C-ABCDE-FGHJK:SECRET", hashlib.sha256)
        .hexdigest()
    )
    assert cases.verify_secret(PEPPER, "C-ABCDE-FGHJK", "SECRET", legacy)
    assert not cases.verify_secret(PEPPER, "C-ABCDE-FGHJK", "SECRE7", legacy)


def test_a_status_machine_moves_only_as_declared() -> None:
    machine = StatusMachine(
        {("open", "decide"): "decided", ("open", "withdraw"): "withdrawn"},
        final=frozenset({"decided", "withdrawn"}),
    )
    assert machine.next("open", "decide") == "decided"
    assert machine.allows("open", "withdraw") and not machine.allows("decided", "withdraw")
    with pytest.raises(InvalidTransition, match="cannot decide a case that is decided"):
        machine.next("decided", "decide")
    assert machine.is_final("withdrawn") and not machine.is_final("open")


def test_deadlines() -> None:
    opened = datetime(2026, 12, 1, tzinfo=UTC)
    due = cases.deadline(opened, timedelta(days=14))
    assert due == datetime(2026, 12, 15, tzinfo=UTC)
    assert cases.overdue(deadline_at=due, decided=False, now=due + timedelta(seconds=1))
    assert not cases.overdue(deadline_at=due, decided=True, now=due + timedelta(days=1))
    assert not cases.overdue(deadline_at=due, decided=False, now=due)


def test_a_check_character_catches_a_mistyped_character_or_swapped_neighbours() -> None:
    numbers = CaseNumbers("V", groups=3, check=True)
    number = numbers.new(lambda _: False)
    body = number[2:].replace("-", "")
    assert len(body) == 15 and numbers.random_characters == 14  # 14 x log2(31) > 69 bits
    assert numbers.well_formed(number) and numbers.well_formed(numbers.normalise(body.lower()))
    for position in range(len(body)):
        for other in cases.ALPHABET:
            if other != body[position]:
                typo = body[:position] + other + body[position + 1 :]
                assert not cases.has_valid_check(typo), (position, other)
    for position in range(len(body) - 1):
        a, b = body[position], body[position + 1]
        if a != b:
            swapped = body[:position] + b + a + body[position + 2 :]
            assert not cases.has_valid_check(swapped), position
    assert not numbers.well_formed("V-ABCDE") and not CaseNumbers("C").well_formed("V-ABCDE-FGHJK")
    assert CaseNumbers("C").well_formed("C-ABCDE-FGHJK")
