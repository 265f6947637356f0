"""Bundling: exact and perceptual content, the 7-day window from the first report, and choosing
among several candidate bundles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucentre.rules.bundling import (
    BUNDLE_WINDOW,
    Bundle,
    BundlingSignal,
    ContentHashes,
    choose_bundle,
    exact_key,
    hamming_distance,
    should_join,
)
from eucentre.signals import registry

# What the reports domain passes: the registered signal types that bundle, strongest first.
SIGNALS = tuple(BundlingSignal(s.name, s.label, s.bundle_threshold) for s in registry.bundling())

T0 = datetime(2025, 5, 1, tzinfo=UTC)
SHA_A = "a" * 64
SHA_B = "b" * 64
MD5_A = "c" * 32
PDQ_A = "f" * 64


def flip(pdq: str, bits: int) -> str:
    """PDQ_A with its lowest ``bits`` bits flipped."""
    return format(int(pdq, 16) ^ ((1 << bits) - 1), "064x")


def bundle(bid="b1", **hashes):
    return Bundle(id=bid, opened_at=T0, hashes=ContentHashes(**hashes))


def test_constants():
    assert timedelta(days=7) == BUNDLE_WINDOW
    assert [(s.name, s.threshold) for s in SIGNALS] == [("sha256", 0), ("md5", 0), ("pdq", 31)]


def test_hamming_distance():
    assert hamming_distance(PDQ_A, PDQ_A) == 0
    assert hamming_distance(PDQ_A, flip(PDQ_A, 5)) == 5
    assert hamming_distance("0" * 64, "f" * 64) == 256


@pytest.mark.parametrize(
    ("existing", "new", "after", "join", "distance"),
    [
        ({"sha256": frozenset({SHA_A})}, {"sha256": frozenset({SHA_A, SHA_B})}, 0, True, 0),
        ({"sha256": frozenset({SHA_A})}, {"sha256": frozenset({SHA_B})}, 0, False, None),
        ({"md5": frozenset({MD5_A})}, {"md5": frozenset({MD5_A})}, 3, True, 0),
        ({"pdq": frozenset({PDQ_A})}, {"pdq": frozenset({flip(PDQ_A, 31)})}, 0, True, 31),
        ({"pdq": frozenset({PDQ_A})}, {"pdq": frozenset({flip(PDQ_A, 32)})}, 0, False, None),
        (
            {"pdq": frozenset({PDQ_A})},
            {"pdq": frozenset({flip(PDQ_A, 20), flip(PDQ_A, 4)})},
            0,
            True,
            4,
        ),
        # an md5 does not match a sha256 even when the strings were somehow equal
        ({"sha256": frozenset({SHA_A})}, {"md5": frozenset({MD5_A})}, 0, False, None),
        # the window: exactly 7 days joins, a second more does not; earlier times count too
        ({"sha256": frozenset({SHA_A})}, {"sha256": frozenset({SHA_A})}, 7 * 86400, True, 0),
        (
            {"sha256": frozenset({SHA_A})},
            {"sha256": frozenset({SHA_A})},
            7 * 86400 + 1,
            False,
            None,
        ),
        ({"sha256": frozenset({SHA_A})}, {"sha256": frozenset({SHA_A})}, -8 * 86400, False, None),
        # nothing to compare
        ({"sha256": frozenset({SHA_A})}, {}, 0, False, None),
        ({}, {"sha256": frozenset({SHA_A})}, 0, False, None),
    ],
)
def test_should_join(existing, new, after, join, distance):
    decision = should_join(
        bundle=bundle(**existing),
        hashes=ContentHashes(**new),
        signals=SIGNALS,
        received_at=T0 + timedelta(seconds=after),
    )
    assert (decision.join, decision.distance) == (join, distance)
    assert decision.reason


def test_reasons():
    exact = should_join(
        bundle=bundle(sha256=frozenset({SHA_A})),
        hashes=ContentHashes(sha256=frozenset({SHA_A})),
        signals=SIGNALS,
        received_at=T0,
    )
    assert exact.reason == "Shares the same file (sha256 aaaaaaaaaaaa...) with bundle b1."
    near = should_join(
        bundle=bundle(pdq=frozenset({PDQ_A})),
        hashes=ContentHashes(pdq=frozenset({flip(PDQ_A, 3)})),
        signals=SIGNALS,
        received_at=T0,
    )
    assert near.reason == (
        "Shares a visually matching image (PDQ ffffffffffff..., distance 3) with bundle b1."
    )
    late = should_join(
        bundle=bundle(sha256=frozenset({SHA_A})),
        hashes=ContentHashes(sha256=frozenset({SHA_A})),
        signals=SIGNALS,
        received_at=T0 + timedelta(days=9),
    )
    assert late.reason == "Received 9 day(s) from the bundle's first report; the window is 7."
    empty = should_join(bundle=bundle(), hashes=ContentHashes(), signals=SIGNALS, received_at=T0)
    assert empty.reason == "The report has no hashes to compare."


def test_content_hashes_of_pairs():
    hashes = ContentHashes.of(
        [("sha256", SHA_A.upper()), ("md5", MD5_A), ("vpdq", "x"), ("pdq", PDQ_A)]
    )
    assert hashes == ContentHashes(
        sha256=frozenset({SHA_A}), md5=frozenset({MD5_A}), pdq=frozenset({PDQ_A}), vpdq={"x"}
    )
    assert not ContentHashes.of([])
    assert hashes.union(ContentHashes(sha256=frozenset({SHA_B})))["sha256"] == {SHA_A, SHA_B}


def test_signals_that_do_not_bundle_are_ignored():
    video = ContentHashes(vpdq={"x"})
    decision = should_join(bundle=bundle(vpdq={"x"}), hashes=video, signals=SIGNALS, received_at=T0)
    assert not decision.join and exact_key(video, SIGNALS) is None


def test_exact_key():
    one = exact_key(
        ContentHashes(sha256=frozenset({SHA_A, SHA_B}), md5=frozenset({MD5_A})), SIGNALS
    )
    assert one == exact_key(ContentHashes(sha256=frozenset({SHA_B, SHA_A})), SIGNALS)
    assert one is not None and one.startswith("sha256:") and len(one) == 7 + 64
    assert exact_key(ContentHashes(md5=frozenset({MD5_A})), SIGNALS).startswith("md5:")
    assert exact_key(ContentHashes(pdq=frozenset({PDQ_A})), SIGNALS) is None
    assert exact_key(ContentHashes(sha256=frozenset({SHA_A})), SIGNALS) != one


def test_choose_bundle_prefers_exact_then_oldest_then_id():
    report = ContentHashes(sha256=frozenset({SHA_A}), pdq=frozenset({PDQ_A}))
    near = Bundle("near", T0 - timedelta(days=1), ContentHashes(pdq=frozenset({flip(PDQ_A, 2)})))
    exact_new = Bundle("z-exact", T0, ContentHashes(sha256=frozenset({SHA_A})))
    exact_old = Bundle("y-exact", T0 - timedelta(hours=1), ContentHashes(sha256=frozenset({SHA_A})))
    too_old = Bundle("old", T0 - timedelta(days=30), ContentHashes(sha256=frozenset({SHA_A})))
    chosen = choose_bundle(
        candidates=[near, exact_new, too_old, exact_old],
        hashes=report,
        signals=SIGNALS,
        received_at=T0,
    )
    assert chosen is not None and chosen[0].id == "y-exact" and chosen[1].distance == 0
    same_time = Bundle("a-exact", T0 - timedelta(hours=1), exact_old.hashes)
    chosen = choose_bundle(
        candidates=[exact_old, same_time], hashes=report, signals=SIGNALS, received_at=T0
    )
    assert chosen is not None and chosen[0].id == "a-exact"
    chosen = choose_bundle(
        candidates=[near, too_old], hashes=report, signals=SIGNALS, received_at=T0
    )
    assert chosen is not None and chosen[0].id == "near" and chosen[1].distance == 2
    assert (
        choose_bundle(candidates=[too_old], hashes=report, signals=SIGNALS, received_at=T0) is None
    )
    assert choose_bundle(candidates=[], hashes=report, signals=SIGNALS, received_at=T0) is None


hex64 = st.integers(0, 2**256 - 1).map(lambda n: format(n, "064x"))
content = st.builds(
    ContentHashes,
    sha256=st.frozensets(st.sampled_from([SHA_A, SHA_B]), max_size=2),
    pdq=st.frozensets(hex64, max_size=3),
)


@given(content, content, st.integers(-10 * 86400, 10 * 86400))
def test_join_is_symmetric_in_content(left, right, seconds):
    # Which report came first must not change whether two reports share content.
    at = T0 + timedelta(seconds=seconds)
    one = should_join(bundle=Bundle("x", T0, left), hashes=right, signals=SIGNALS, received_at=at)
    other = should_join(bundle=Bundle("x", T0, right), hashes=left, signals=SIGNALS, received_at=at)
    assert (one.join, one.distance) == (other.join, other.distance)
    if one.join:
        assert abs(at - T0) <= BUNDLE_WINDOW


@given(content)
def test_a_report_joins_a_bundle_of_its_own_content(hashes):
    decision = should_join(
        bundle=Bundle("x", T0, hashes), hashes=hashes, signals=SIGNALS, received_at=T0
    )
    assert decision.join == bool(hashes)
    assert decision.distance == (0 if hashes else None)
