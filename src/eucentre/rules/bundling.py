"""Bundling: reports of the same content, received close together, become one bundle.

Viral material is reported by many providers and many times; analysts should assess it once and
authorities receive one case rather than hundreds. A report joins an existing bundle when

* it shares content with the bundle: an identical value of an exact signal (SHA-256, MD5), or a
  value of a perceptual signal within its threshold of one of the bundle's (PDQ within 31 bits:
  the same picture, re-encoded or resized), and
* it was received within ``BUNDLE_WINDOW`` of the bundle's first report. The window is counted
  from the first report, not the latest, so a bundle cannot grow for ever: a bundle is referred
  as one case, and material still circulating weeks later is new intelligence for a new case.

Which signals bundle, in which order and within which distance is the signal types' to say
(``eucentre.signals``); callers pass them as ``BundlingSignal``s, strongest evidence first.

A report without hashes never joins: there is nothing to compare. ``exact_key`` gives a stable key
for a report's exact hashes, so the database can find bundles with identical content by index;
near-duplicates need ``should_join`` on candidate bundles (found through the PDQ index).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

BUNDLE_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class BundlingSignal:
    name: str
    label: str  # how reasons name it ("PDQ")
    # 0: identical values only; more: the Hamming distance, in bits, of hex values.
    threshold: int

    @property
    def exact(self) -> bool:
        return self.threshold == 0


class ContentHashes:
    """A report's (or bundle's) content, by signal: ``ContentHashes(sha256={...}, pdq={...})``;
    hex values, lowercase. Immutable."""

    __slots__ = ("_values",)
    _values: dict[str, frozenset[str]]

    def __init__(self, **values: Iterable[str]) -> None:
        found = {k: frozenset(v.lower() for v in vs) for k, vs in values.items()}
        object.__setattr__(self, "_values", {k: v for k, v in found.items() if v})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ContentHashes is immutable")

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> ContentHashes:
        """From (signal, value) pairs."""
        found: dict[str, set[str]] = {}
        for signal, value in pairs:
            found.setdefault(signal, set()).add(value)
        return cls(**found)

    def __getitem__(self, signal: str) -> frozenset[str]:
        return self._values.get(signal, frozenset())

    def __bool__(self) -> bool:
        return bool(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContentHashes) and self._values == other._values

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __repr__(self) -> str:
        return f"ContentHashes({self._values!r})"

    def signals(self) -> frozenset[str]:
        return frozenset(self._values)

    def union(self, other: ContentHashes) -> ContentHashes:
        """A bundle's content after a report joins it."""
        names = self.signals() | other.signals()
        return ContentHashes(**{n: self[n] | other[n] for n in names})


@dataclass(frozen=True, slots=True)
class Bundle:
    id: str
    opened_at: datetime  # when the bundle's first report was received
    hashes: ContentHashes


@dataclass(frozen=True, slots=True)
class JoinDecision:
    join: bool
    reason: str
    # 0 for an exact match, the PDQ distance for a perceptual one, None when no content matched.
    distance: int | None = None


def exact_key(hashes: ContentHashes, signals: Sequence[BundlingSignal]) -> str | None:
    """A stable key for the report's exact hashes: the set of values of the strongest exact
    signal it has (SHA-256, or MD5 without SHA-256).

    Equal keys mean identical sets of files; None when the report has no exact hashes.
    """
    for signal in signals:
        values = hashes[signal.name]
        if signal.exact and values:
            digest = hashlib.sha256(",".join(sorted(values)).encode("ascii")).hexdigest()
            return f"{signal.name}:{digest}"
    return None


def hamming_distance(left: str, right: str) -> int:
    """Hamming distance between two hex hashes of the same length (PDQ: 64 characters)."""
    return (int(left, 16) ^ int(right, 16)).bit_count()


def content_match(
    bundle: ContentHashes, report: ContentHashes, signals: Sequence[BundlingSignal]
) -> tuple[int, str] | None:
    """The closest shared content: (distance, description), or None."""
    for signal in signals:
        shared = bundle[signal.name] & report[signal.name]
        if signal.exact and shared:
            return 0, f"the same file ({signal.name} {min(shared)[:12]}...)"
    best: tuple[int, str, BundlingSignal] | None = None
    for signal in signals:
        if signal.exact:
            continue
        # Sorted so that, among equally close pairs, the same one is always named.
        for theirs in sorted(bundle[signal.name]):
            for ours in sorted(report[signal.name]):
                distance = hamming_distance(theirs, ours)
                if distance <= signal.threshold and (best is None or distance < best[0]):
                    best = (distance, ours, signal)
                    if distance == 0:
                        break
            if best is not None and best[0] == 0:
                break
    if best is None:
        return None
    distance, ours, signal = best
    what = f"a visually matching image ({signal.label} {ours[:12]}..., distance {distance})"
    return distance, what


def should_join(
    *,
    bundle: Bundle,
    hashes: ContentHashes,
    received_at: datetime,
    signals: Sequence[BundlingSignal],
) -> JoinDecision:
    """Whether a report with ``hashes``, received at ``received_at``, joins ``bundle``."""
    if not hashes:
        return JoinDecision(False, "The report has no hashes to compare.")
    age = abs(received_at - bundle.opened_at)
    if age > BUNDLE_WINDOW:
        return JoinDecision(
            False,
            f"Received {age.days} day(s) from the bundle's first report; "
            f"the window is {BUNDLE_WINDOW.days}.",
        )
    matched = content_match(bundle.hashes, hashes, signals)
    if matched is None:
        return JoinDecision(False, "No content in common with the bundle.")
    distance, what = matched
    return JoinDecision(True, f"Shares {what} with bundle {bundle.id}.", distance)


def choose_bundle(
    *,
    candidates: Sequence[Bundle],
    hashes: ContentHashes,
    received_at: datetime,
    signals: Sequence[BundlingSignal],
) -> tuple[Bundle, JoinDecision] | None:
    """The bundle a report joins among candidates: the closest content, then the oldest bundle,
    then the smallest id; None when it joins none (the service then opens a new bundle)."""
    best: tuple[tuple[int, datetime, str], Bundle, JoinDecision] | None = None
    for bundle in candidates:
        decision = should_join(
            bundle=bundle, hashes=hashes, received_at=received_at, signals=signals
        )
        if not decision.join:
            continue
        rank = (decision.distance or 0, bundle.opened_at, bundle.id)
        if best is None or rank < best[0]:
            best = (rank, bundle, decision)
    return None if best is None else (best[1], best[2])


__all__ = [
    "BUNDLE_WINDOW",
    "Bundle",
    "BundlingSignal",
    "ContentHashes",
    "JoinDecision",
    "choose_bundle",
    "content_match",
    "exact_key",
    "hamming_distance",
    "should_join",
]
