"""Shamir secret sharing over the prime field of p = 2^127 - 1 (our own small implementation).

A secret s is the constant term of a polynomial f of degree t - 1 with uniformly random other
coefficients; a share is (x, f(x)) for x != 0. Any t shares with distinct x give s back by
Lagrange interpolation at 0; any t - 1 are uniformly distributed whatever s is.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

P = (1 << 127) - 1
ELEMENT_BYTES = 16


def random_element() -> int:
    return secrets.randbelow(P)


def element_from_bytes(data: bytes) -> int:
    """An element from uniform bytes (at least 24, so the bias of the reduction is < 2^-64)."""
    if len(data) < 24:
        raise ValueError("at least 24 bytes are needed for an unbiased element")
    return int.from_bytes(data, "big") % P


def evaluate(coefficients: Sequence[int], x: int) -> int:
    """f(x) for f = coefficients[0] + coefficients[1] x + ... (Horner)."""
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * x + coefficient) % P
    return value


def interpolate_at_zero(shares: Sequence[tuple[int, int]]) -> int:
    """f(0) from shares (x, f(x)) with distinct, non-zero x."""
    xs = [x % P for x, _ in shares]
    if len(set(xs)) != len(xs) or 0 in xs:
        raise ValueError("shares need distinct, non-zero x")
    secret = 0
    for i, (xi, yi) in enumerate(shares):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if j != i:
                numerator = numerator * xj % P
                denominator = denominator * (xj - xi) % P
        secret = (secret + yi * numerator * pow(denominator, P - 2, P)) % P
    return secret


def to_bytes(element: int) -> bytes:
    return element.to_bytes(ELEMENT_BYTES, "big")


def from_bytes(data: bytes) -> int:
    value = int.from_bytes(data, "big")
    if len(data) != ELEMENT_BYTES or value >= P:
        raise ValueError("not a field element")
    return value
