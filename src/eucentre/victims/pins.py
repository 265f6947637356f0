"""A case's PIN: shown once, kept only as an Argon2id hash, never recoverable.

The PIN is first bound to its case number and peppered with a key derived from the Centre's
secret (HMAC), then hashed with Argon2id: a stolen table alone cannot be searched for PINs, and
a PIN is worthless for any other case. An unknown case number is verified against a dummy hash,
so it costs what a wrong PIN costs. Argon2 is slow on purpose: callers run it outside any
database transaction.
"""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from eucentre.kit.crypto import derive_key
from eucentre.platform import cases

# Argon2id with the library's recommended parameters (RFC 9106's second choice, 64 MiB).
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("no such case")
PIN_GROUPS = 2  # "ABCDE-FGHJK": 10 characters of 31, about 49 bits, with rate limits and pepper


def new_pin() -> str:
    return cases.random_code(PIN_GROUPS)


def normalise_pin(value: str) -> str:
    return cases.normalise_code(value)[:40]


def _peppered(pepper: bytes, number: str, pin: str) -> str:
    key = derive_key(pepper, "victim-case-pins")
    return hmac.new(key, f"{number}:{pin}".encode(), hashlib.sha256).hexdigest()


def hash_pin(pepper: bytes, number: str, pin: str) -> str:
    return _HASHER.hash(_peppered(pepper, number, pin))


def verify_pin(pepper: bytes, number: str, pin: str, stored: str | None) -> bool:
    """Whether the PIN opens the case; `stored` None (unknown number) costs the same work."""
    try:
        matched = _HASHER.verify(stored or _DUMMY, _peppered(pepper, number, pin))
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored is not None
