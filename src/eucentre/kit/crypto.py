"""Keys, authenticated encryption and constant-time checks."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose, so one leaked purpose key does not expose the others."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret
    )


def seal(key: bytes, plaintext: bytes, *, context: bytes = b"") -> bytes:
    """AES-256-GCM; the nonce travels in front of the ciphertext."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def open_sealed(key: bytes, sealed: bytes, *, context: bytes = b"") -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)


def keyed_digest(key: bytes, value: str) -> str:
    """HMAC-SHA256: a stable pseudonym for a value (an address, an email) without storing it."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def same(a: str | bytes, b: str | bytes) -> bool:
    """Constant-time equality, for secrets and tokens."""
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b, str):
        b = b.encode()
    return hmac.compare_digest(a, b)
