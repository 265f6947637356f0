"""A detectable hash function, in the spirit of the one in Apple's PSI system: the service
can tell real shares from synthetic ones, but only once it holds at least `threshold` real ones.

A real voucher of an account carries d(x) = (P_1(x), ..., P_s(x)) for the secret polynomials
P_j of degree threshold - 2 (over F_q, q = 2^31 - 1) at its share's x; a synthetic voucher
carries s uniform elements. Extend each to e = (1, x, ..., x^(threshold-2), d): the real
vectors lie in a subspace of dimension threshold - 1, synthetic ones are in general position.
With r real and at most s synthetic vectors, the left kernel of the matrix of all e is
(r - threshold + 1)-dimensional and supported only on real vectors; with r < threshold it is
empty. Below the threshold each real d is uniform (r <= threshold - 1 evaluations of a random
polynomial of degree threshold - 2), so real and synthetic look alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Q = (1 << 31) - 1
ELEMENT_BYTES = 4


def evaluate(polynomials: np.ndarray, x: int) -> list[int]:
    """(P_1(x), ..., P_s(x)) for the coefficient matrix `polynomials` (s rows, low degree
    first)."""
    x %= Q
    values = np.zeros(polynomials.shape[0], dtype=np.int64)
    for column in range(polynomials.shape[1] - 1, -1, -1):
        values = (values * x + polynomials[:, column]) % Q
    return [int(v) for v in values]


def extended(x: int, d: Sequence[int], threshold: int) -> list[int]:
    x %= Q
    powers = [1]
    for _ in range(threshold - 2):
        powers.append(powers[-1] * x % Q)
    return powers + [v % Q for v in d]


def real_rows(vectors: Sequence[Sequence[int]]) -> set[int]:
    """The indices of the vectors in the support of the left kernel: the real ones, when there
    are enough of them (empty otherwise). Gaussian elimination over F_q."""
    n = len(vectors)
    if n == 0:
        return set()
    # Left kernel of M (n x D) = kernel of M^T; eliminate [M | I] by rows and read the rows of
    # I that sit next to zero rows of M.
    m = np.array(vectors, dtype=np.int64) % Q
    width = m.shape[1]
    a = np.concatenate([m, np.eye(n, dtype=np.int64)], axis=1)
    row = 0
    for column in range(width):
        pivot = next((r for r in range(row, n) if a[r, column] != 0), None)
        if pivot is None:
            continue
        if pivot != row:
            a[[row, pivot]] = a[[pivot, row]]
        inverse = pow(int(a[row, column]), Q - 2, Q)
        a[row] = a[row] * inverse % Q
        factors = a[:, column].copy()
        factors[row] = 0
        nonzero = np.nonzero(factors)[0]
        if nonzero.size:
            a[nonzero] = (a[nonzero] - (factors[nonzero, None] * a[row]) % Q) % Q
        row += 1
        if row == n:
            break
    kernel = a[row:, width:]
    return {int(i) for i in np.nonzero(kernel.any(axis=0))[0]}
