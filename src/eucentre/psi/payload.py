"""What a voucher's body and inner layer hold, and the key derivations both sides share.

Body (under the voucher key): x 8 B | share 16 B | detectable hash s x 4 B | inner.
Inner (AES-256-GCM under the account key, which only `threshold` real shares give):
MD5 16 B | SHA-256 32 B | eight PDQs 8 x 32 B | PDQ quality 1 B. Never the image.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import dhf, shamir
from .keys import DIHEDRAL

X_BYTES = 8
INNER_PLAIN_BYTES = 16 + 32 + 32 * len(DIHEDRAL) + 1
INNER_BYTES = INNER_PLAIN_BYTES + 16
ZERO_NONCE = bytes(12)  # every key below encrypts exactly one message


def _sha(label: bytes, *parts: bytes) -> bytes:
    digest = hashlib.sha256(b"eucentre/psi/v1/" + label)
    for part in parts:
        digest.update(struct.pack(">H", len(part)) + part)
    return digest.digest()


def mask(voucher_id: bytes, index: int, shared: bytes) -> bytes:
    return _sha(b"mask", voucher_id, bytes([index]), shared)[:16]


def check(voucher_id: bytes, voucher_key: bytes) -> bytes:
    return _sha(b"check", voucher_id, voucher_key)[:8]


def body_key(voucher_key: bytes) -> bytes:
    return _sha(b"body", voucher_key)


def inner_key(account_secret: int) -> bytes:
    return _sha(b"inner", shamir.to_bytes(account_secret))


def xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Inner:
    md5: str
    sha256: str
    pdq: tuple[str, ...]  # in DIHEDRAL order, the original first
    quality: int

    def to_bytes(self) -> bytes:
        raw = bytes.fromhex(self.md5) + bytes.fromhex(self.sha256)
        raw += b"".join(bytes.fromhex(v) for v in self.pdq)
        return raw + bytes([max(0, min(100, self.quality))])

    @classmethod
    def from_bytes(cls, raw: bytes) -> Inner:
        pdq = tuple(raw[48 + 32 * i : 80 + 32 * i].hex() for i in range(len(DIHEDRAL)))
        return cls(md5=raw[:16].hex(), sha256=raw[16:48].hex(), pdq=pdq, quality=raw[-1])


def seal_inner(key: bytes, voucher_id: bytes, inner: Inner) -> bytes:
    return AESGCM(key).encrypt(voucher_id[:12], inner.to_bytes(), voucher_id)


def open_inner(key: bytes, voucher_id: bytes, sealed: bytes) -> Inner | None:
    try:
        return Inner.from_bytes(AESGCM(key).decrypt(voucher_id[:12], sealed, voucher_id))
    except InvalidTag:
        return None


@dataclass(frozen=True)
class Body:
    x: int
    share: int
    detect: tuple[int, ...]
    inner: bytes

    def to_bytes(self) -> bytes:
        return (
            self.x.to_bytes(X_BYTES, "big")
            + shamir.to_bytes(self.share)
            + b"".join(v.to_bytes(dhf.ELEMENT_BYTES, "big") for v in self.detect)
            + self.inner
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> Body:
        fixed = X_BYTES + shamir.ELEMENT_BYTES
        rest = len(raw) - fixed - INNER_BYTES
        if rest < 0 or rest % dhf.ELEMENT_BYTES:
            raise ValueError("body has the wrong length")
        detect = tuple(
            int.from_bytes(raw[fixed + i : fixed + i + dhf.ELEMENT_BYTES], "big") % dhf.Q
            for i in range(0, rest, dhf.ELEMENT_BYTES)
        )
        return cls(
            x=int.from_bytes(raw[:X_BYTES], "big"),
            share=int.from_bytes(raw[X_BYTES:fixed], "big") % shamir.P,
            detect=detect,
            inner=raw[fixed + rest :],
        )


def seal_body(voucher_key: bytes, header: bytes, body: Body) -> bytes:
    return AESGCM(body_key(voucher_key)).encrypt(ZERO_NONCE, body.to_bytes(), header)


def open_body(voucher_key: bytes, header: bytes, sealed: bytes) -> Body | None:
    try:
        raw = AESGCM(body_key(voucher_key)).decrypt(ZERO_NONCE, sealed, header)
    except InvalidTag:
        return None
    try:
        return Body.from_bytes(raw)
    except ValueError:
        return None


def body_length(synthetic_bound: int) -> int:
    return 16 + X_BYTES + shamir.ELEMENT_BYTES + synthetic_bound * dhf.ELEMENT_BYTES + INNER_BYTES
