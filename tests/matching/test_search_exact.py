"""Recall and precision are both 100 %: every kernel path agrees with brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eucentre.matching import HashIndex, hamming, search
from eucentre.matching.snapshot import mih_tables

from .conftest import clustered, distances, flip_bits

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def hash_sets(draw, max_n=400):
    """Stored hashes with near-duplicate clusters, and queries at chosen distances from them."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, max_n))
    rng = np.random.default_rng(seed)
    stored = clustered(rng, n)
    # Query distances concentrate around the thresholds that matter: 0, d, d +- 1, 16k +- 1.
    ks = draw(st.lists(st.integers(0, 80), min_size=1, max_size=12))
    queries = np.stack([flip_bits(rng, stored[rng.integers(n)], k) for k in ks])
    return stored, queries


def expected(stored, queries, max_d):
    dist = distances(queries, stored)
    return [
        sorted(zip(dist[i][dist[i] <= max_d].tolist(), np.flatnonzero(dist[i] <= max_d).tolist()))
        for i in range(queries.shape[0])
    ]


def as_lists(triplets, m):
    q, r, d = triplets
    out = [[] for _ in range(m)]
    for qi, row, dist in zip(q.tolist(), r.tolist(), d.tolist()):
        out[qi].append((dist, row))
    return [sorted(x) for x in out]


@SETTINGS
@given(data=hash_sets(), max_d=st.integers(0, 64))
def test_mih_kernel_matches_brute_force_at_every_radius(data, max_d):
    stored, queries = data
    offsets, records = mih_tables(stored)
    flags = np.zeros(stored.shape[0], np.uint8)
    radius = max_d // 16
    got = hamming.mih_search(
        queries, stored, offsets, records, hamming.flip_masks(radius), max_d, radius, flags
    )
    assert as_lists(got, len(queries)) == expected(stored, queries, max_d)


@SETTINGS
@given(data=hash_sets(), max_d=st.integers(0, 256))
def test_brute_kernel_matches_reference(data, max_d):
    stored, queries = data
    flags = np.zeros(stored.shape[0], np.uint8)
    got = hamming.brute_search(queries, stored, stored.shape[0], max_d, flags)
    assert as_lists(got, len(queries)) == expected(stored, queries, max_d)


@SETTINGS
@given(data=hash_sets(), max_d=st.integers(0, 64), hidden=st.sets(st.integers(0, 399)))
def test_flags_hide_rows_in_both_kernels(data, max_d, hidden):
    stored, queries = data
    flags = np.zeros(stored.shape[0], np.uint8)
    hide = [h for h in hidden if h < stored.shape[0]]
    flags[hide] = 1
    want = [
        [(d, r) for d, r in row if r not in set(hide)] for row in expected(stored, queries, max_d)
    ]
    offsets, records = mih_tables(stored)
    radius = max_d // 16
    mih = hamming.mih_search(
        queries, stored, offsets, records, hamming.flip_masks(radius), max_d, radius, flags
    )
    brute = hamming.brute_search(queries, stored, stored.shape[0], max_d, flags)
    assert as_lists(mih, len(queries)) == want
    assert as_lists(brute, len(queries)) == want


def test_radius_choice_keeps_every_distance_exact_through_the_index(tmp_path, rng, monkeypatch):
    # 3000 rows is large enough for the cost model to pick MIH at d <= 31 and a scan above.
    stored = clustered(rng, 3000)
    queries = np.stack([flip_bits(rng, stored[rng.integers(3000)], k) for k in range(0, 72, 3)])
    index = HashIndex.build(tmp_path / "idx", "pdq", [f"r{i}" for i in range(3000)], stored)
    assert search.chunk_radius(3000, 31) == 1
    assert search.chunk_radius(3000, 64) is None
    for max_d in [0, 1, 15, 16, 17, 30, 31, 32, 33, 47, 48, 63, 64, 100]:
        got = [
            sorted((m.distance, int(m.id[1:])) for m in ms) for ms in index.search(queries, max_d)
        ]
        assert got == expected(stored, queries, max_d), max_d
    # Force MIH at radii the cost model would scan, to cover chunk radii 2..4 end to end.
    monkeypatch.setattr(search, "RANDOM_ACCESS_COST", 0)
    monkeypatch.setattr(search, "PROBE_COST", 0)
    for max_d in [40, 50, 64]:
        assert search.chunk_radius(3000, max_d) == max_d // 16
        got = [
            sorted((m.distance, int(m.id[1:])) for m in ms) for ms in index.search(queries, max_d)
        ]
        assert got == expected(stored, queries, max_d), max_d


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_split_across_threads_give_identical_results(tmp_path, rng, workers):
    stored = clustered(rng, 2000)
    near = stored[:300].copy()
    near[:, 0] ^= np.uint64(0xF0F)
    queries = np.concatenate([near, rng.integers(0, 2**63, (50, 4)).astype(np.uint64)])
    index = HashIndex.build(tmp_path / "idx", "pdq", [f"r{i}" for i in range(2000)], stored)
    one = index.search(queries, 31, workers=1)
    assert index.search(queries, 31, workers=workers) == one
    assert sum(len(m) for m in one) >= 300


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(0, 256))
def test_fold_distance_never_exceeds_the_true_distance(seed, k):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**64 - 1, 4, dtype=np.uint64, endpoint=True)
    b = flip_bits(rng, a, k)
    fa, fb = hamming.fold_words(*a), hamming.fold_words(*b)
    fold_d = sum(bin(int(x) ^ int(y)).count("1") for x, y in zip(fa, fb))
    assert fold_d <= k
    # The packed record keeps the row in the low half, away from the fold.
    assert int(fa[1]) & 0xFFFFFFFF == 0


def test_records_pack_fold_and_row_per_bucket(rng):
    stored = clustered(rng, 700)
    offsets, records = mih_tables(stored)
    assert offsets.dtype == np.uint32 and records.shape == (16, 700, 2)
    for j in (0, 5, 15):
        rows = (records[j, :, 1] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        assert sorted(rows.tolist()) == list(range(700))
        chunk = (stored[rows, j >> 2] >> np.uint64(48 - 16 * (j & 3))) & np.uint64(0xFFFF)
        # Bucket v holds exactly the rows whose chunk j is v, ascending.
        assert np.all(np.diff(chunk.astype(np.int64)) >= 0)
        v = int(chunk[0])
        bucket = rows[offsets[j, v] : offsets[j, v + 1]]
        assert bucket.tolist() == sorted(bucket.tolist()) and np.all(chunk[: len(bucket)] == v)
        f0, f1 = hamming.fold_words(*stored[rows].T)
        assert np.array_equal(records[j, :, 0], f0)
        assert np.array_equal(records[j, :, 1] >> np.uint64(32), f1 >> np.uint64(32))


def test_mih_kernel_grows_its_output_for_queries_with_thousands_of_matches(rng):
    centre = rng.integers(0, 2**64 - 1, 4, dtype=np.uint64, endpoint=True)
    stored = np.stack([flip_bits(rng, centre, int(k)) for k in rng.integers(0, 12, 3000)])
    offsets, records = mih_tables(stored)
    queries = np.stack([centre, flip_bits(rng, centre, 20), centre])
    flags = np.zeros(3000, np.uint8)
    got = hamming.mih_search(queries, stored, offsets, records, hamming.flip_masks(1), 31, 1, flags)
    assert len(got[0]) > 6000
    assert as_lists(got, 3) == expected(stored, queries, 31)


def test_popcount_intrinsic():
    assert hamming.popcount64(np.uint64(0)) == 0
    assert hamming.popcount64(np.uint64(2**64 - 1)) == 64
    assert hamming.popcount64(np.uint64(0x8000000000000001)) == 2


def test_flip_masks_cover_exactly_the_ball():
    for r in range(4):
        masks = hamming.flip_masks(r)
        assert len(masks) == hamming.mask_count(r) == len(set(masks.tolist()))
        assert max(bin(int(m)).count("1") for m in masks) == r
