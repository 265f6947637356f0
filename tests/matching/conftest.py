"""Shared helpers: a reference brute-force matcher and realistic-ish hash sets."""

from __future__ import annotations

import numpy as np
import pytest

_POP8 = np.array([bin(i).count("1") for i in range(256)], np.int64)


def distances(queries: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """(m, n) Hamming distances of uint64 word rows, computed the slow obvious way."""
    x = queries[:, None, :] ^ stored[None, :, :]
    return _POP8[x.view(np.uint8)].reshape(queries.shape[0], stored.shape[0], -1).sum(axis=2)


def flip_bits(rng: np.random.Generator, row: np.ndarray, k: int) -> np.ndarray:
    """``row`` with exactly ``k`` distinct bits flipped."""
    out = row.copy()
    for bit in rng.choice(64 * row.shape[0], size=k, replace=False):
        out[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
    return out


def clustered(rng: np.random.Generator, n: int, words: int = 4) -> np.ndarray:
    """Random centres plus near-duplicate clusters of uneven size and pairs near distance 31."""
    out = rng.integers(0, 2**64 - 1, size=(n, words), dtype=np.uint64, endpoint=True)
    i = 0
    while i < n:
        size = int(min(n - i, rng.zipf(1.8)))
        for j in range(i + 1, i + size):
            out[j] = flip_bits(rng, out[i], int(rng.integers(0, 40)))
        i += size
    return out


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
