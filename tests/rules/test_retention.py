"""The retention rule, without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from eucentre.rules.retention import StoredFile, Verdict, retention_ends, verdict

YEAR = timedelta(days=365)
RECEIVED = datetime(2025, 1, 10, tzinfo=UTC)


def test_a_file_is_kept_for_the_retention_period_and_deleted_after_it() -> None:
    stored = StoredFile(RECEIVED)
    assert verdict(stored, now=RECEIVED + YEAR - timedelta(seconds=1), retention=YEAR) == "keep"
    assert verdict(stored, now=RECEIVED + YEAR, retention=YEAR) == Verdict.delete


def test_a_hold_keeps_the_file_until_it_ends() -> None:
    hold = RECEIVED + YEAR + timedelta(days=100)
    stored = StoredFile(RECEIVED, holds=(hold,))
    assert retention_ends(stored, retention=YEAR) == hold
    assert verdict(stored, now=hold - timedelta(days=1), retention=YEAR) == Verdict.keep
    assert verdict(stored, now=hold, retention=YEAR) == Verdict.delete


def test_a_hold_that_ends_before_the_retention_shortens_nothing() -> None:
    stored = StoredFile(RECEIVED, holds=(RECEIVED + timedelta(days=30),))
    assert retention_ends(stored, retention=YEAR) == RECEIVED + YEAR


def test_an_indicator_in_use_keeps_its_file_for_as_long_as_it_is_used() -> None:
    stored = StoredFile(RECEIVED, used_by_live_indicator=True)
    assert verdict(stored, now=RECEIVED + 10 * YEAR, retention=YEAR) == Verdict.keep


def test_a_file_shared_by_several_records_counts_from_the_earliest_and_keeps_every_hold() -> None:
    hold = RECEIVED + 2 * YEAR
    merged = StoredFile.merged(
        [
            StoredFile(RECEIVED + timedelta(days=20)),
            StoredFile(RECEIVED, holds=(hold,)),
            StoredFile(RECEIVED + timedelta(days=5), used_by_live_indicator=False),
        ]
    )
    assert merged.received_at == RECEIVED
    assert merged.holds == (hold,)
    assert verdict(merged, now=RECEIVED + YEAR + timedelta(days=30), retention=YEAR) == "keep"
    with pytest.raises(ValueError):
        StoredFile.merged([])


def test_the_retention_period_must_be_positive() -> None:
    with pytest.raises(ValueError):
        verdict(StoredFile(RECEIVED), now=RECEIVED, retention=timedelta(0))
