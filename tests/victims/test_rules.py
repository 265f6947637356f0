"""The pure rules: which hashes a case accepts, and a victim match's place in the queue."""

from eucentre.rules import triage
from eucentre.rules import victims as rules
from eucentre.victims.pins import hash_pin, new_pin, verify_pin
from tests.indicators.helpers import random_pdq


def test_pdq_hashes_are_refused_when_flat_patterned_or_of_low_quality() -> None:
    real = random_pdq(1)
    assert rules.pdq_problem(real, 100) is None and rules.pdq_problem(real, None) is None
    assert rules.pdq_problem(real, 49) == "low_quality" and rules.pdq_problem(real, 50) is None
    for value in ("0" * 64, "f" * 64, "0f" * 32, "00ff" * 16, "1" + "0" * 63):
        assert rules.pdq_problem(value, 100) == "degenerate_hash", value
    assert rules.digest_problem("d41d8cd98f00b204e9800998ecf8427e") == "degenerate_hash"
    assert rules.digest_problem("0" * 64) == "degenerate_hash"
    assert rules.digest_problem(random_pdq(2)) is None


def test_a_victim_match_places_a_report_early_but_never_before_urgent() -> None:
    assert rules.priority_with_victim_match(triage.PRIORITY_UNFOUNDED) == 1
    assert rules.priority_with_victim_match(triage.PRIORITY_URGENT) == triage.PRIORITY_URGENT


def test_a_pin_is_an_argon2id_hash_bound_to_its_case_and_the_centres_key() -> None:
    pin = new_pin()
    stored = hash_pin(b"k" * 32, "V-AAAAA-AAAAA-AAAAA", pin)
    assert stored.startswith("$argon2id$") and pin not in stored
    assert verify_pin(b"k" * 32, "V-AAAAA-AAAAA-AAAAA", pin, stored)
    assert not verify_pin(b"k" * 32, "V-AAAAA-AAAAA-AAAAB", pin, stored)
    assert not verify_pin(b"j" * 32, "V-AAAAA-AAAAA-AAAAA", pin, stored)
    assert not verify_pin(b"k" * 32, "V-AAAAA-AAAAA-AAAAA", pin, None)
