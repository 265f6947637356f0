"""The signal types media hashes: PDQ, vPDQ, MD5 and SHA-256 (see `eucentre.kit.signals`).

Each reads its value from the record one hashing pass made (`from_media`), so a file is decoded
once however many signal types there are; `hash_bytes` hashes a file on its own.
"""

from __future__ import annotations

from typing import Any

from eucentre.kit.signals import (
    Hashed,
    InvalidValue,
    Lookup,
    MediaFile,
    QuerySpec,
    SignalType,
    hex_normaliser,
)
from eucentre.media.digests import digest_bytes
from eucentre.media.hashing import hash_bytes
from eucentre.media.pdq import QUALITY_INDICATOR_MIN, hamming, is_pdq_hex
from eucentre.media.video import VPDQ_DISTANCE_THRESHOLD, FrameHash, vpdq_compare

MAX_VPDQ_FRAMES = 3600  # an hour of video at one frame a second
# `eucentre hash` names the dihedral hashes after the transform (rotate90, flip_left_right...);
# the matching engine uses short labels. Both are accepted.
VARIANT_ALIASES = {
    "rotate90": "rot90",
    "rotate180": "rot180",
    "rotate270": "rot270",
    "flip_left_right": "flip_h",
    "flip_top_bottom": "flip_v",
}

_normalise_pdq = hex_normaliser("pdq", 64)


def _pdq_bytes(data: bytes) -> str:
    return hash_bytes(data)["pdq"]


def _pdq_from_media(media: MediaFile) -> Hashed:
    record = media.record
    variants = {VARIANT_ALIASES.get(k, k): v for k, v in record.get("pdq_dihedral", {}).items()}
    details: dict[str, Any] = {"variants": variants}
    if record.get("pdq_displayed"):
        # The picture as shown, where the reference reads the file otherwise (palette, CMYK,
        # 16-bit): what a browser hashes, so victims' hashes are compared with it too.
        details["displayed"] = record["pdq_displayed"]
    return Hashed(record["pdq"], record["pdq_quality"], details)


def _pdq_queries(stored: Hashed) -> list[QuerySpec]:
    variants = dict((stored.details or {}).get("variants") or {})
    return [QuerySpec("pdq", stored.value, variants)]


def _vpdq_bytes(data: bytes) -> list[FrameHash]:
    record = hash_bytes(data)
    return [FrameHash(**frame) for frame in record["vpdq"]]


def _vpdq_distance(a: list[FrameHash | str], b: list[FrameHash | str]) -> float:
    """0 when the vPDQ rule matches; otherwise how far the weaker share falls short."""
    result = vpdq_compare(a, b)
    return 0.0 if result.is_match else 1.0 - min(result.query_match, result.compared_match)


def _vpdq_match_distance(a: str, b: str) -> int | None:
    """The share of frames, in percent, left unmatched on the weaker side (0: every frame
    matches), when the videos match by the vPDQ rule."""
    verdict = vpdq_compare(a.split(","), b.split(","))
    if not verdict.is_match:
        return None
    return round(100 * (1 - min(verdict.query_match, verdict.compared_match)))


def _vpdq_valid(value: Any) -> bool:
    if isinstance(value, str):
        value = value.split(",")
    return isinstance(value, list) and all(
        is_pdq_hex(f.pdq if isinstance(f, FrameHash) else f) for f in value
    )


def _normalise_vpdq(value: object) -> str:
    frames = value.split(",") if isinstance(value, str) else value
    if not isinstance(frames, list) or not frames:
        raise InvalidValue("vpdq is a list of frame PDQ hashes")
    if len(frames) > MAX_VPDQ_FRAMES:
        raise InvalidValue(f"vpdq has at most {MAX_VPDQ_FRAMES} frames")
    return ",".join(_normalise_pdq(frame) for frame in frames)


def _vpdq_from_media(media: MediaFile) -> Hashed | None:
    frames = media.record.get("vpdq") or []
    if not frames:
        return None
    return Hashed(
        ",".join(f["pdq"] for f in frames),
        details={"frames": [{"frame": f["frame"], "timestamp": f["timestamp"]} for f in frames]},
    )


def _vpdq_queries(stored: Hashed) -> list[QuerySpec]:
    """Each frame against PDQ indicators, and the whole video against vPDQ indicators."""
    frames = (stored.details or {}).get("frames") or []
    hashes = stored.value.split(",")
    found = [
        QuerySpec("pdq", pdq, label=f"frame:{frame['frame']}")
        for frame, pdq in zip(frames, hashes, strict=False)
    ]
    found.append(QuerySpec("vpdq", stored.value, label="vpdq"))
    return found


def _digest(name: str, length: int, label: str, *, rank: int, candidate: bool) -> SignalType:
    normalise = hex_normaliser(name, length)
    return SignalType(
        name=name,
        label=label,
        normalise=normalise,
        media_types=frozenset({"image", "video"}),
        hash_bytes=lambda data: getattr(digest_bytes(data), name),
        from_media=lambda media: Hashed(media.record[name]),
        hex_length=length,
        in_reports=True,
        candidate_from_media=candidate,
        bundle_threshold=0,
        bundle_rank=rank,
        threatexchange_type=f"HASH_{name.upper()}",
    )


# Confirmed new material becomes PDQ and MD5 candidates (the hashes partners' lists carry).
MD5 = _digest("md5", 32, "MD5", rank=1, candidate=True)
SHA256 = _digest("sha256", 64, "SHA-256", rank=0, candidate=False)
PDQ = SignalType(
    name="pdq",
    label="PDQ",
    normalise=_normalise_pdq,
    compare=hamming,
    default_threshold=31,
    validate=lambda v: isinstance(v, str) and is_pdq_hex(v),
    lookup=Lookup.hamming,
    index_name="indicators-pdq",
    media_types=frozenset({"image"}),
    hash_bytes=_pdq_bytes,
    from_media=_pdq_from_media,
    queries=_pdq_queries,
    variants=True,
    min_quality=QUALITY_INDICATOR_MIN,
    hex_length=64,
    in_reports=True,
    candidate_from_media=True,
    # PDQ's own recommended match threshold (of 256 bits): at or below it, two hashes are the
    # same picture after re-encoding, resizing or light edits, with very few false positives.
    bundle_threshold=31,
    bundle_rank=2,
    threatexchange_type="HASH_PDQ",
)
VPDQ = SignalType(
    name="vpdq",
    label="vPDQ",
    normalise=_normalise_vpdq,
    # The video-level rule is 0 = match; the per-frame PDQ threshold is frame_threshold.
    compare=_vpdq_distance,
    default_threshold=0,
    validate=_vpdq_valid,
    lookup=Lookup.frames,
    index_name="indicators-vpdq-frames",
    frame_threshold=VPDQ_DISTANCE_THRESHOLD,
    match_distance=_vpdq_match_distance,
    media_types=frozenset({"video"}),
    hash_bytes=_vpdq_bytes,
    from_media=_vpdq_from_media,
    queries=_vpdq_queries,
    threatexchange_type="HASH_VIDEO_MD5_VPDQ",
)

MEDIA_SIGNAL_TYPES = (PDQ, MD5, SHA256, VPDQ)
SIGNAL_TYPES: dict[str, SignalType] = {s.name: s for s in MEDIA_SIGNAL_TYPES}
__all__ = [
    "MAX_VPDQ_FRAMES",
    "SIGNAL_TYPES",
    "VARIANT_ALIASES",
    "VPDQ_DISTANCE_THRESHOLD",
    "SignalType",
]
