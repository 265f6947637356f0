"""Signals, hex <-> word-array conversion, id and variant-label validation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

# signal -> number of 64-bit words per hash
SIGNAL_WORDS = {"pdq": 4, "md5": 2, "sha256": 4}
DISTANCE_SIGNALS = frozenset({"pdq"})

DIHEDRAL_VARIANTS = (
    "original",
    "rot90",
    "rot180",
    "rot270",
    "flip_h",
    "flip_v",
    "transpose",
    "transverse",
)
_FRAME = re.compile(r"frame:(0|[1-9][0-9]*)")
_HEX = re.compile(r"[0-9a-f]*")
# Ids end up in CSV, JSON and log lines: forbid separators and control characters.
_ID = re.compile(r"[^\s,\x00-\x1f\x7f]{1,256}")


def words_for(signal: str) -> int:
    try:
        return SIGNAL_WORDS[signal]
    except KeyError:
        raise ValueError(
            f"unknown signal {signal!r}; expected one of {sorted(SIGNAL_WORDS)}"
        ) from None


def hex_error(text: str, signal: str) -> str | None:
    """Why ``text`` is not a valid hash for ``signal`` (lowercase hex of the right length)."""
    want = words_for(signal) * 16
    if len(text) != want:
        return f"expected {want} hex digits for {signal}, got {len(text)}"
    if not _HEX.fullmatch(text):
        return "not lowercase hexadecimal"
    return None


def id_error(ident: str) -> str | None:
    if not _ID.fullmatch(ident):
        return "id must be 1-256 characters without whitespace, commas or control characters"
    return None


def is_variant(label: str) -> bool:
    return label in DIHEDRAL_VARIANTS or _FRAME.fullmatch(label) is not None


def hex_to_words(hexes: Sequence[str], signal: str) -> np.ndarray:
    """Parse already-validated hex strings into an ``(n, words)`` uint64 array."""
    w = words_for(signal)
    if len(hexes) == 0:
        return np.empty((0, w), np.uint64)
    raw = bytes.fromhex("".join(hexes))
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(len(hexes), w)


def words_to_hex(words: np.ndarray) -> list[str]:
    be = np.ascontiguousarray(words, dtype=">u8")
    raw = be.tobytes().hex()
    step = be.shape[1] * 16
    return [raw[i : i + step] for i in range(0, len(raw), step)]


def as_words(hashes: np.ndarray | Iterable[str | bytes], signal: str) -> np.ndarray:
    """Accept hex strings, raw digests, an ``(n, bytes)`` uint8 array or ``(n, words)`` uint64."""
    w = words_for(signal)
    if isinstance(hashes, np.ndarray):
        if hashes.dtype == np.uint64 and hashes.ndim == 2 and hashes.shape[1] == w:
            return np.ascontiguousarray(hashes)
        if hashes.dtype == np.uint8 and hashes.ndim == 2 and hashes.shape[1] == 8 * w:
            return np.ascontiguousarray(hashes).view(">u8").astype(np.uint64)
        raise ValueError(f"array of shape {hashes.shape} / {hashes.dtype} is not a {signal} batch")
    items = list(hashes)
    if items and isinstance(items[0], bytes | bytearray):
        raw = b"".join(items)
        if len(raw) != 8 * w * len(items):
            raise ValueError(f"{signal} digests must be {8 * w} bytes each")
        return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(len(items), w)
    for text in items:
        err = hex_error(text, signal)
        if err:
            raise ValueError(f"{text!r}: {err}")
    return hex_to_words(items, signal)
