"""The voucher: what a device sends for one image, byte by byte, and its JSON Lines form.

    format 1 B | threshold 1 B | bundle version 4 B | id 16 B | check 8 B | lookups 1 B
    | lookups x (Q 32 B | mask 16 B) | body length 2 B | body | mac 16 B

`Q` and `mask` let whoever holds the blinding key recover the voucher's key from a lookup that
hit the list (or that a synthetic voucher made to open); `check` tells a recovered key from a
wrong one; `body` is AES-256-GCM under that key (the share, the detectable hash and the inner
ciphertext); `mac` is HMAC-SHA256 under the account's enrolment key over the account and all
the bytes before it, so a voucher changed on the way, or moved to another account, is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import struct
from dataclasses import dataclass, replace
from typing import Any

from . import group

FORMAT = 1
ID_BYTES = 16
CHECK_BYTES = 8
MASK_BYTES = 16
MAC_BYTES = 16
MAX_LOOKUPS = 96
MAX_BODY_BYTES = 4096
MAX_VOUCHER_BYTES = 24 + MAX_LOOKUPS * 48 + 2 + MAX_BODY_BYTES + MAC_BYTES
MAX_ACCOUNT_CHARS = 128


class VoucherError(ValueError):
    """A voucher refused: `code` is machine-readable, the message names the part."""

    def __init__(self, message: str, code: str = "voucher_malformed") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Lookup:
    q: bytes
    mask: bytes


@dataclass(frozen=True)
class Voucher:
    threshold: int
    bundle_version: int
    id: bytes
    check: bytes
    lookups: tuple[Lookup, ...]
    body: bytes
    mac: bytes = b""

    def unsigned(self) -> bytes:
        parts = [
            struct.pack(">BBI", FORMAT, self.threshold, self.bundle_version),
            self.id,
            self.check,
            bytes([len(self.lookups)]),
            *(lookup.q + lookup.mask for lookup in self.lookups),
            struct.pack(">H", len(self.body)),
            self.body,
        ]
        return b"".join(parts)

    def to_bytes(self) -> bytes:
        return self.unsigned() + self.mac

    def header(self) -> bytes:
        """What the body's encryption is bound to."""
        return struct.pack(">BBI", FORMAT, self.threshold, self.bundle_version) + self.id

    def signed(self, account: str, mac_key: bytes) -> Voucher:
        return replace(self, mac=mac(account, mac_key, self.unsigned()))

    def verify(self, account: str, mac_key: bytes) -> None:
        if not hmac.compare_digest(self.mac, mac(account, mac_key, self.unsigned())):
            raise VoucherError(
                "voucher authentication failed: it was changed after the device made it, or "
                "belongs to another account",
                code="voucher_tampered",
            )


def mac(account: str, key: bytes, data: bytes) -> bytes:
    tag = hmac.new(key, b"eucentre/psi/v1/mac", hashlib.sha256)
    tag.update(struct.pack(">H", len(account.encode())) + account.encode() + data)
    return tag.digest()[:MAC_BYTES]


def from_bytes(data: bytes) -> Voucher:
    """Parse with every length checked; VoucherError names what is wrong."""
    if len(data) > MAX_VOUCHER_BYTES:
        raise VoucherError(f"voucher is {len(data)} bytes, at most {MAX_VOUCHER_BYTES}")
    fixed = 6 + ID_BYTES + CHECK_BYTES + 1
    if len(data) < fixed:
        raise VoucherError("voucher cut short in its header")
    fmt, threshold, version = struct.unpack(">BBI", data[:6])
    if fmt != FORMAT:
        raise VoucherError(f"voucher format {fmt} is not {FORMAT}")
    if threshold < 2:
        raise VoucherError("voucher threshold below 2")
    at = 6
    voucher_id = data[at : at + ID_BYTES]
    at += ID_BYTES
    check = data[at : at + CHECK_BYTES]
    at += CHECK_BYTES
    count = data[at]
    at += 1
    if not 1 <= count <= MAX_LOOKUPS:
        raise VoucherError(f"voucher has {count} lookups, 1 to {MAX_LOOKUPS} allowed")
    lookups = []
    for index in range(count):
        chunk = data[at : at + 48]
        if len(chunk) != 48:
            raise VoucherError(f"voucher cut short in lookup {index}")
        if not group.is_point(chunk[:32]):
            raise VoucherError(f"lookup {index}: Q is not a valid ristretto255 point")
        lookups.append(Lookup(q=chunk[:32], mask=chunk[32:]))
        at += 48
    if len(data) < at + 2:
        raise VoucherError("voucher cut short before its body")
    (length,) = struct.unpack(">H", data[at : at + 2])
    at += 2
    if length > MAX_BODY_BYTES or len(data) != at + length + MAC_BYTES:
        raise VoucherError("voucher body length does not match the voucher's size")
    body = data[at : at + length]
    return Voucher(
        threshold=threshold,
        bundle_version=version,
        id=voucher_id,
        check=check,
        lookups=tuple(lookups),
        body=body,
        mac=data[at + length :],
    )


def to_line(account: str, voucher: Voucher) -> str:
    return json.dumps(
        {"account": account, "voucher": base64.b64encode(voucher.to_bytes()).decode()},
        separators=(",", ":"),
    )


def from_json(item: Any) -> tuple[str, Voucher]:
    """(account, voucher) from one decoded JSON Lines object."""
    if not isinstance(item, dict) or set(item) != {"account", "voucher"}:
        raise VoucherError('a voucher line is {"account": ..., "voucher": base64}')
    account, encoded = item["account"], item["voucher"]
    if not isinstance(account, str) or not 1 <= len(account) <= MAX_ACCOUNT_CHARS:
        raise VoucherError(f"account: a string of 1 to {MAX_ACCOUNT_CHARS} characters")
    if not isinstance(encoded, str) or len(encoded) > 2 * MAX_VOUCHER_BYTES:
        raise VoucherError("voucher: a base64 string")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VoucherError("voucher: not valid base64") from exc
    return account, from_bytes(raw)
