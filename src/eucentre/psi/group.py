"""The prime-order group ristretto255, through libsodium (the `rbcl` bindings). Nothing of the
curve is implemented here: these are thin, checked wrappers."""

from __future__ import annotations

import hashlib

import rbcl

POINT_BYTES = 32
SCALAR_BYTES = 32


class InvalidPoint(ValueError):
    """Bytes that are not the canonical encoding of a ristretto255 element (or the identity)."""


def hash_to_point(domain: bytes, message: bytes) -> bytes:
    """H(message): a point with no known discrete logarithm (Elligator on SHA-512)."""
    digest = hashlib.sha512(len(domain).to_bytes(1, "big") + domain + message).digest()
    return rbcl.crypto_core_ristretto255_from_hash(digest)


def random_scalar() -> bytes:
    return rbcl.crypto_core_ristretto255_scalar_random()


def scalar_from_bytes(seed: bytes) -> bytes:
    """A scalar derived from 64 uniform bytes (reduced modulo the group order)."""
    if len(seed) != 64:
        raise ValueError("a scalar is reduced from 64 bytes")
    return rbcl.crypto_core_ristretto255_scalar_reduce(seed)


def mul(scalar: bytes, point: bytes) -> bytes:
    """scalar * point; refuses a point that is not a valid element."""
    try:
        return rbcl.crypto_scalarmult_ristretto255(scalar, point)
    except (RuntimeError, ValueError, TypeError) as exc:
        raise InvalidPoint("not a valid ristretto255 point") from exc


def mul_base(scalar: bytes) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255_base(scalar)


def add(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_sub(p, q)


def random_point() -> bytes:
    return rbcl.crypto_core_ristretto255_random()


def is_point(data: bytes) -> bool:
    return len(data) == POINT_BYTES and bool(rbcl.crypto_core_ristretto255_is_valid_point(data))
