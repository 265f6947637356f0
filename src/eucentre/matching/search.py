"""Choosing a kernel per radius and running a batch of queries on several threads."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from eucentre.matching import hamming
from eucentre.matching.codec import DISTANCE_SIGNALS

Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]

# A candidate fetched through a posting list is a random access into the hash array; a row in
# the linear scan is streamed and shared by a block of queries. Measured on the bench machine the
# random access costs roughly this many sequential comparisons.
RANDOM_ACCESS_COST = 8
PROBE_COST = 2

_executors: dict[int, ThreadPoolExecutor] = {}
_executors_lock = threading.Lock()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _executor(workers: int) -> ThreadPoolExecutor:
    with _executors_lock:
        ex = _executors.get(workers)
        if ex is None:
            ex = _executors[workers] = ThreadPoolExecutor(
                workers, thread_name_prefix="eucentre-match"
            )
        return ex


def chunk_radius(n: int, max_distance: int) -> int | None:
    """Per-chunk radius for multi-index hashing, or None when a linear scan is cheaper.

    Pigeonhole: 16 chunks whose distances sum to <= d cannot all exceed floor(d / 16), so
    probing every bucket within floor(d / 16) of each query chunk is exact for any d.
    """
    r = max_distance // hamming.CHUNKS
    if r >= hamming.CHUNK_BITS:
        return None
    probes = hamming.CHUNKS * hamming.mask_count(r)
    expected = probes * (n / hamming.BUCKETS * RANDOM_ACCESS_COST + PROBE_COST)
    return r if expected < n else None


def empty_triplets() -> Triplets:
    return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)


def run_batched(
    kernel: Callable[[np.ndarray], Triplets], queries: np.ndarray, workers: int
) -> Triplets:
    """Split ``queries`` across ``workers`` threads (the kernels release the GIL)."""
    m = queries.shape[0]
    if m == 0:
        return empty_triplets()
    parts = 1 if workers <= 1 or m < 2 else min(m, workers * 4)
    if parts == 1:
        return kernel(queries)
    bounds = np.linspace(0, m, parts + 1).astype(np.int64)
    slices = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    results = list(_executor(workers).map(lambda ab: kernel(queries[ab[0] : ab[1]]), slices))
    q = np.concatenate([r[0] + a for r, (a, _) in zip(results, slices, strict=True)])
    return q, np.concatenate([r[1] for r in results]), np.concatenate([r[2] for r in results])


def search_base(
    snap, flags: np.ndarray, queries: np.ndarray, max_distance: int, workers: int
) -> Triplets:
    """Matches among the snapshot's rows (row numbers are snapshot rows)."""
    n = snap.count
    if n == 0:
        return empty_triplets()
    if snap.signal not in DISTANCE_SIGNALS:
        return run_batched(lambda q: hamming.exact_search(q, snap.hashes, flags), queries, workers)
    radius = chunk_radius(n, max_distance)
    if radius is None:
        return run_batched(
            lambda q: hamming.brute_search(q, snap.hashes, n, max_distance, flags), queries, workers
        )
    masks = hamming.flip_masks(radius)
    offsets, records, hashes = snap.mih_offsets, snap.mih_records, snap.hashes
    return run_batched(
        lambda q: hamming.mih_search(
            q, hashes, offsets, records, masks, max_distance, radius, flags
        ),
        queries,
        workers,
    )


def search_rows(
    words: np.ndarray,
    nrows: int,
    flags: np.ndarray,
    queries: np.ndarray,
    max_distance: int,
    workers: int,
) -> Triplets:
    """Linear scan of a small array (the delta)."""
    if nrows == 0:
        return empty_triplets()
    return run_batched(
        lambda q: hamming.brute_search(q, words, nrows, max_distance, flags), queries, workers
    )
