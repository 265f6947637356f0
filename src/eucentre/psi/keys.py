"""Lookup keys: what a device looks up in a bundle for one image, and what the Centre puts in.

Exact keys are the signal and the raw bytes of the value (MD5, SHA-256, PDQ): the device looks
up its MD5, SHA-256 and the PDQ of each of the eight dihedral variants. Tolerant keys (behind a
flag) are locality-sensitive: band i of a PDQ is its bits at the positions `bands[i]`; two PDQs
at Hamming distance d share a band of b bits with probability C(256-d, b) / C(256, b).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EXACT_SIGNALS = ("md5", "sha256", "pdq")
HEX_LENGTH = {"md5": 32, "sha256": 64, "pdq": 64}
PDQ_BITS = 256
# The names media/dihedral.py gives the eight variants (a record's `pdq_dihedral` keys).
DIHEDRAL = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flip_left_right",
    "flip_top_bottom",
    "transpose",
    "transverse",
)
# The lookups of one image in exact mode: MD5, SHA-256 and eight PDQs.
EXACT_LOOKUPS = 2 + len(DIHEDRAL)


class NotAHash(ValueError):
    pass


def exact_key(signal: str, value: str) -> bytes:
    expected = HEX_LENGTH.get(signal)
    if expected is None:
        raise NotAHash(f"no exact lookup for signal {signal!r}")
    if len(value) != expected:
        raise NotAHash(f"a {signal} value is {expected} hexadecimal characters")
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise NotAHash(f"a {signal} value is hexadecimal") from exc
    return signal.encode() + b":" + raw


@dataclass(frozen=True)
class Bands:
    """Tolerant PDQ keys: `bands` bit-position tuples; a voucher opens when at least `need` of
    an image's bands are in the bundle."""

    bands: tuple[tuple[int, ...], ...]
    need: int

    @classmethod
    def generate(cls, seed: int, count: int, bits: int, need: int) -> Bands:
        chooser = random.Random(seed)  # public parameters: reproducible, not secret
        bands = tuple(tuple(sorted(chooser.sample(range(PDQ_BITS), bits))) for _ in range(count))
        return cls(bands=bands, need=need)

    def keys(self, pdq_hex: str) -> list[bytes]:
        bits = int(pdq_hex, 16)
        out = []
        for index, band in enumerate(self.bands):
            word = 0
            for position in band:
                word = (word << 1) | ((bits >> (PDQ_BITS - 1 - position)) & 1)
            out.append(b"band:" + bytes([index]) + word.to_bytes((len(band) + 7) // 8, "big"))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"bands": [list(b) for b in self.bands], "need": self.need}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Bands:
        bands = data.get("bands")
        need = data.get("need")
        if not isinstance(bands, list) or not 1 <= len(bands) <= 64:
            raise ValueError("tolerant.bands: 1 to 64 bands")
        parsed = []
        for band in bands:
            if (
                not isinstance(band, list)
                or not 8 <= len(band) <= 64
                or any(not isinstance(p, int) or not 0 <= p < PDQ_BITS for p in band)
            ):
                raise ValueError("tolerant.bands: 8 to 64 bit positions below 256 each")
            parsed.append(tuple(band))
        if not isinstance(need, int) or not 1 <= need <= len(parsed):
            raise ValueError("tolerant.need: between 1 and the number of bands")
        return cls(bands=tuple(parsed), need=need)


def image_lookups(record: Mapping[str, Any]) -> list[bytes]:
    """The exact keys of one hashed image, always EXACT_LOOKUPS of them (a PDQ variant missing
    from the record is looked up as the original, so every voucher has the same shape)."""
    keys = [exact_key("md5", record["md5"]), exact_key("sha256", record["sha256"])]
    variants: Mapping[str, str] = record.get("pdq_dihedral") or {}
    for name in DIHEDRAL:
        value = record["pdq"] if name == "original" else variants.get(name, record["pdq"])
        keys.append(exact_key("pdq", value))
    return keys


def indicator_keys(signal: str, value: str, bands: Bands | None) -> list[bytes]:
    """What the Centre puts in a bundle for one indicator value."""
    keys = [exact_key(signal, value)]
    if bands is not None and signal == "pdq":
        keys.extend(bands.keys(value))
    return keys


def pdq_values(record: Mapping[str, Any]) -> list[str]:
    variants: Mapping[str, str] = record.get("pdq_dihedral") or {}
    return [record["pdq"] if n == "original" else variants.get(n, record["pdq"]) for n in DIHEDRAL]


def hexes(values: Sequence[bytes]) -> list[str]:
    return [v.hex() for v in values]
