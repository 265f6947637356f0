"""Signal types as plug-ins: each declares how to hash, how to compare, and its threshold.

Modelled on python-threatexchange's ``SignalType``: matching and indexing code asks the registry
for a signal type by name and never special-cases PDQ or MD5 itself. A signal type gains an
``index`` factory when the matching engine lands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eucentre.media.digests import digest_bytes
from eucentre.media.hashing import hash_bytes
from eucentre.media.pdq import hamming, is_pdq_hex
from eucentre.media.video import VPDQ_DISTANCE_THRESHOLD, FrameHash, vpdq_compare


@dataclass(frozen=True, slots=True)
class SignalType:
    name: str
    media_types: frozenset[str]
    default_threshold: int
    # hash_bytes(file bytes) -> signal value; compare(a, b) -> distance (0 = identical)
    hash_bytes: Callable[[bytes], Any]
    compare: Callable[[Any, Any], float]
    validate: Callable[[Any], bool]

    def matches(self, a: Any, b: Any, threshold: float | None = None) -> bool:
        limit = self.default_threshold if threshold is None else threshold
        return self.compare(a, b) <= limit


_MD5 = re.compile(r"[0-9a-f]{32}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _exact(a: str, b: str) -> int:
    return 0 if a.lower() == b.lower() else 1


def _pdq_bytes(data: bytes) -> str:
    return hash_bytes(data)["pdq"]


def _vpdq_bytes(data: bytes) -> list[FrameHash]:
    record = hash_bytes(data)
    return [FrameHash(**frame) for frame in record["vpdq"]]


def _vpdq_distance(a: list[FrameHash | str], b: list[FrameHash | str]) -> float:
    """0 when the vPDQ rule matches; otherwise how far the weaker share falls short."""
    result = vpdq_compare(a, b)
    return 0.0 if result.is_match else 1.0 - min(result.query_match, result.compared_match)


def _vpdq_valid(value: Any) -> bool:
    return isinstance(value, list) and all(
        is_pdq_hex(f.pdq if isinstance(f, FrameHash) else f) for f in value
    )


MD5 = SignalType(
    name="md5",
    media_types=frozenset({"image", "video"}),
    default_threshold=0,
    hash_bytes=lambda data: digest_bytes(data).md5,
    compare=_exact,
    validate=lambda v: isinstance(v, str) and bool(_MD5.fullmatch(v)),
)
SHA256 = SignalType(
    name="sha256",
    media_types=frozenset({"image", "video"}),
    default_threshold=0,
    hash_bytes=lambda data: digest_bytes(data).sha256,
    compare=_exact,
    validate=lambda v: isinstance(v, str) and bool(_SHA256.fullmatch(v)),
)
PDQ = SignalType(
    name="pdq",
    media_types=frozenset({"image"}),
    default_threshold=31,
    hash_bytes=_pdq_bytes,
    compare=hamming,
    validate=lambda v: isinstance(v, str) and is_pdq_hex(v),
)
VPDQ = SignalType(
    name="vpdq",
    media_types=frozenset({"video"}),
    # Per-frame PDQ threshold is VPDQ_DISTANCE_THRESHOLD; the video-level rule is 0 = match.
    default_threshold=0,
    hash_bytes=_vpdq_bytes,
    compare=_vpdq_distance,
    validate=_vpdq_valid,
)

SIGNAL_TYPES: dict[str, SignalType] = {s.name: s for s in (PDQ, VPDQ, MD5, SHA256)}
__all__ = ["SIGNAL_TYPES", "SignalType", "VPDQ_DISTANCE_THRESHOLD"]
