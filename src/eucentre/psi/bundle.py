"""List bundles: the blinded table a device looks its hashes up in, and its Merkle root.

File: MAGIC, a 4-byte big-endian header length, the header (canonical JSON), then the table
(`3 * segment` points of 32 bytes). The header names the version, the table's seed and
segment length, the public key L = alpha * G (alpha is the blinding key, which stays with the
Centre and the providers' matching services), the tolerant bands if any, and the shape of
synthetic vouchers. The table holds alpha * H(key) for every key of the list (see okvs.py).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import group, merkle, okvs
from .keys import Bands

MAGIC = b"EUCPSI1\n"
KEY_DOMAIN = b"eucentre/psi/v1/key"
MAX_HEADER_BYTES = 1 << 20
MAX_ENTRIES = 1 << 29  # 16 GiB of table: far beyond any list, a bound on what we allocate
# How synthetic vouchers open, when the Centre gives no estimate: by one exact lookup.
DEFAULT_OPENINGS: list[list[float]] = [[1, 0, 1.0]]


class BundleError(ValueError):
    """A bundle that cannot be read, or is not the one published (code says which)."""

    def __init__(self, message: str, code: str = "bundle_malformed") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Bundle:
    header: dict[str, Any]
    header_bytes: bytes
    table: bytes

    @property
    def version(self) -> int:
        return int(self.header["version"])

    @property
    def seed(self) -> bytes:
        return bytes.fromhex(self.header["seed"])

    @property
    def segment(self) -> int:
        return int(self.header["segment"])

    @property
    def public_key(self) -> bytes:
        return bytes.fromhex(self.header["public_key"])

    @property
    def bands(self) -> Bands | None:
        tolerant = self.header.get("tolerant")
        return Bands.from_json(tolerant) if tolerant else None

    @property
    def openings(self) -> list[list[float]]:
        return list(self.header.get("synthetic_openings") or DEFAULT_OPENINGS)

    @property
    def root(self) -> str:
        return merkle.bundle_root(self.header_bytes, self.table)

    def decode(self, key: bytes) -> bytes:
        return okvs.decode(self.table, self.seed, self.segment, key)

    def to_bytes(self) -> bytes:
        return MAGIC + struct.pack(">I", len(self.header_bytes)) + self.header_bytes + self.table

    def verify(self, expected_root: str) -> None:
        """Refuse a bundle whose root is not the published one."""
        if self.root != expected_root.strip().lower():
            raise BundleError(
                f"bundle root {self.root} is not the published root {expected_root}",
                code="bundle_root_mismatch",
            )


def key_point(key: bytes) -> bytes:
    return group.hash_to_point(KEY_DOMAIN, key)


def canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def build(
    *,
    version: int,
    alpha: bytes,
    keys: Iterable[bytes],
    bands: Bands | None = None,
    openings: list[list[float]] | None = None,
    created_at: str = "",
    attempts: int = 8,
) -> Bundle:
    """The bundle holding alpha * H(key) for these keys (duplicates counted once)."""
    unique = sorted(set(keys))
    for _ in range(attempts):
        seed = os.urandom(16)
        try:
            segment, entries = okvs.build(
                seed,
                unique,
                lambda i: group.mul(alpha, key_point(unique[i])),
                group.random_point,
            )
        except okvs.PeelingFailed:
            continue
        header = {
            "format": 1,
            "version": version,
            "created_at": created_at,
            "keys": len(unique),
            "seed": seed.hex(),
            "segment": segment,
            "public_key": group.mul_base(alpha).hex(),
            "tolerant": bands.to_json() if bands else None,
            "synthetic_openings": openings or DEFAULT_OPENINGS,
        }
        return Bundle(header=header, header_bytes=canonical(header), table=b"".join(entries))
    raise okvs.PeelingFailed(f"no seed peeled in {attempts} attempts")


def parse(data: bytes, *, expected_root: str | None = None) -> Bundle:
    """Read a bundle, checking its shape (and its root, when the published one is given)."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise BundleError("not a eucentre bundle (bad magic)")
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > MAX_HEADER_BYTES or start + length > len(data):
        raise BundleError("bundle header too long or cut short")
    header_bytes = data[start : start + length]
    try:
        header = json.loads(header_bytes)
    except ValueError as exc:
        raise BundleError("bundle header is not JSON") from exc
    if not isinstance(header, dict):
        raise BundleError("bundle header is not an object")
    try:
        segment = int(header["segment"])
        int(header["version"])
        if len(bytes.fromhex(header["seed"])) != 16:
            raise ValueError("seed")
        if not group.is_point(bytes.fromhex(header["public_key"])):
            raise ValueError("public_key")
        if header.get("tolerant"):
            Bands.from_json(header["tolerant"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"bundle header field invalid or missing: {exc}") from exc
    if not 1 <= 3 * segment <= MAX_ENTRIES:
        raise BundleError("bundle segment out of range")
    table = data[start + length :]
    if len(table) != 3 * segment * group.POINT_BYTES:
        raise BundleError(f"bundle table is {len(table)} bytes, the header says {3 * segment * 32}")
    bundle = Bundle(header=header, header_bytes=header_bytes, table=table)
    if expected_root is not None:
        bundle.verify(expected_root)
    return bundle
