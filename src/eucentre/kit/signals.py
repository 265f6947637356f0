"""Signal types as plug-ins: what a signal is, and the registry that holds them.

Modelled on python-threatexchange's ``SignalType``. A signal type declares its name, how to hash
media (if it does), how to normalise a value, how to compare two values (exact, or a distance
with its default threshold) and which lookup finds indicators of it. Domains ask the registry
and never special-case PDQ or MD5 themselves.

This module imports nothing of the platform, so media, the domains and the pure rules can all
depend on it; the built-in signal types are assembled in ``eucentre.signals``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class InvalidValue(ValueError):
    """A value that is not a valid value of its signal; the message says why."""


class Lookup(StrEnum):
    """How indicators of a signal are found; the indicators domain implements each."""

    # In the database, by the SHA-256 of the canonical value: equal values only.
    exact = "exact"
    # A shared Hamming-radius index over 256-bit hex values (the matching engine).
    hamming = "hamming"
    # A video: its frames through a Hamming index of indicator frames, then the signal's
    # `match_distance` on each candidate.
    frames = "frames"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A file and the record `media.hashing.hash_bytes` made of it, so signal types can read
    what one decoding pass found instead of decoding again."""

    data: bytes
    record: Mapping[str, Any]

    @property
    def media_type(self) -> str | None:
        return self.record.get("media_type")


@dataclass(frozen=True, slots=True)
class Hashed:
    """One signal's value for one item. `details` holds what only this signal type reads
    (PDQ's rotated and mirrored variants, a video's frame numbers)."""

    value: str
    quality: int | None = None
    details: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """One lookup an item needs: the signal whose indicators are searched, and the label its
    matches are reported under ("" keeps the lookup's own variant name)."""

    signal: str
    value: str
    variants: dict[str, str] = field(default_factory=dict)
    label: str = ""


def _lower(a: str, b: str) -> int:
    return 0 if a.lower() == b.lower() else 1


def _always(_: Any) -> bool:
    return True


def hex_normaliser(name: str, length: int) -> Callable[[object], str]:
    """Lowercase hex of a fixed length, the form of every digest and of PDQ."""
    pattern = re.compile(rf"[0-9a-f]{{{length}}}")

    def normalise(value: object) -> str:
        if not isinstance(value, str):
            raise InvalidValue(f"{name} value must be a string")
        text = value.strip().lower()
        if not pattern.fullmatch(text):
            raise InvalidValue(f"{name} must be {length} hexadecimal characters")
        return text

    return normalise


@dataclass(frozen=True, slots=True)
class SignalType:
    name: str
    # How pages and reasons name it ("PDQ").
    label: str
    # Canonical text form of a value, or InvalidValue saying what is wrong.
    normalise: Callable[[object], str]
    # compare(a, b) -> distance (0 = identical); a value matches within default_threshold.
    compare: Callable[[Any, Any], float] = _lower
    default_threshold: int = 0
    validate: Callable[[Any], bool] = _always
    lookup: Lookup = Lookup.exact
    # The index directory under DATA_DIR/index, for the hamming and frames lookups.
    index_name: str = ""
    # frames lookup: the per-frame distance that makes an indicator a candidate.
    frame_threshold: int = 0
    # frames lookup: the distance to report when the values match by this signal's rule, or
    # None when they do not.
    match_distance: Callable[[str, str], int | None] | None = None
    # Media this signal hashes ("image", "video"); empty: it never comes from a file.
    media_types: frozenset[str] = frozenset()
    # Hash a file on its own (bytes -> value).
    hash_bytes: Callable[[bytes], Any] | None = None
    # Read the value from the shared hashing record instead (cheaper than hash_bytes).
    from_media: Callable[[MediaFile], Hashed | None] | None = None
    # The lookups a stored value needs; by default, the value itself.
    queries: Callable[[Hashed], list[QuerySpec]] | None = None
    # Whether a lookup may carry rotated or mirrored variants of the value.
    variants: bool = False
    # Values under this quality are too poor to be an indicator (None: no quality).
    min_quality: int | None = None
    # Fixed-length hex signals: the length, which reports' validation messages name.
    hex_length: int | None = None
    # Providers declare it in reports and read it back; referral packages list it.
    in_reports: bool = False
    # Analysts' confirmed new material becomes a candidate indicator of this signal.
    candidate_from_media: bool = False
    # Reports sharing a value within this distance are the same content (None: not used to
    # bundle). Bundling tries signals in `bundle_rank` order, strongest evidence first.
    bundle_threshold: int | None = None
    bundle_rank: int = 100
    default_list: str = "known_material"
    threatexchange_type: str = ""

    def matches(self, a: Any, b: Any, threshold: float | None = None) -> bool:
        limit = self.default_threshold if threshold is None else threshold
        return self.compare(a, b) <= limit

    def hash_media(self, media: MediaFile) -> Hashed | None:
        """This signal's value for a hashed file, or None when it does not apply to it."""
        if media.media_type not in self.media_types:
            return None
        if self.from_media is not None:
            return self.from_media(media)
        if self.hash_bytes is not None:
            return Hashed(self.normalise(self.hash_bytes(media.data)))
        return None

    def queries_for(self, stored: Hashed) -> list[QuerySpec]:
        if self.queries is not None:
            return self.queries(stored)
        return [QuerySpec(self.name, stored.value)]

    @property
    def export_type(self) -> str:
        """The ThreatExchange indicator type, for the ThreatExchange-style CSV."""
        return self.threatexchange_type or f"HASH_{self.name.upper()}"

    @property
    def guarded(self) -> bool:
        """Whether the benign-corpus guard covers it: hashes of single media files."""
        return bool(self.media_types) and self.lookup is not Lookup.frames


class SignalRegistry:
    """The signal types in use, in their order of registration (lists and messages use it)."""

    def __init__(self, types: Iterable[SignalType] = ()) -> None:
        self._types: dict[str, SignalType] = {}
        for signal_type in types:
            self.register(signal_type)

    def register(self, signal_type: SignalType) -> SignalType:
        if signal_type.name in self._types:
            raise ValueError(f"signal type {signal_type.name!r} is already registered")
        if len(signal_type.name) > 16:
            raise ValueError("a signal name has at most 16 characters (the database's columns)")
        self._types[signal_type.name] = signal_type
        return signal_type

    def unregister(self, name: str) -> None:
        del self._types[name]

    @contextmanager
    def registered(self, signal_type: SignalType) -> Iterator[SignalType]:
        """Register for the duration of a block (a test's toy signal type)."""
        self.register(signal_type)
        try:
            yield signal_type
        finally:
            self.unregister(signal_type.name)

    def get(self, name: str) -> SignalType | None:
        return self._types.get(name)

    def __getitem__(self, name: str) -> SignalType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[SignalType]:
        return iter(list(self._types.values()))

    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def of_lookup(self, lookup: Lookup) -> list[SignalType]:
        return [s for s in self if s.lookup is lookup]

    def in_reports(self) -> list[SignalType]:
        return [s for s in self if s.in_reports]

    def bundling(self) -> list[SignalType]:
        """The signals that bundle reports, strongest evidence first."""
        found = [s for s in self if s.bundle_threshold is not None]
        return sorted(found, key=lambda s: s.bundle_rank)

    def hash_media(self, media: MediaFile) -> dict[str, Hashed]:
        """Every registered signal's value for a hashed file."""
        found = {}
        for signal_type in self:
            hashed = signal_type.hash_media(media)
            if hashed is not None:
                found[signal_type.name] = hashed
        return found
