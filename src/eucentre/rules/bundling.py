"""Bundling: reports of the same content, received close together, become one bundle.

Viral material is reported by many providers and many times; analysts should assess it once and
authorities receive one case rather than hundreds. A report joins an existing bundle when

* it shares content with the bundle: an identical SHA-256 or MD5, or a PDQ hash within
  ``PDQ_BUNDLE_DISTANCE`` bits of one of the bundle's PDQ hashes (the same picture, re-encoded or
  resized), and
* it was received within ``BUNDLE_WINDOW`` of the bundle's first report. The window is counted
  from the first report, not the latest, so a bundle cannot grow for ever: a bundle is referred
  as one case, and material still circulating weeks later is new intelligence for a new case.

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
# PDQ's own recommended match threshold (of 256 bits): at or below it, two hashes are the same
# picture after re-encoding, resizing or light edits, with very few false positives.
PDQ_BUNDLE_DISTANCE = 31
EXACT_SIGNALS = ("sha256", "md5")  # strongest first: the order exact keys and reasons use


@dataclass(frozen=True, slots=True)
class ContentHashes:
    """A report's (or bundle's) content, by signal; hex values, lowercase."""

    sha256: frozenset[str] = frozenset()
    md5: frozenset[str] = frozenset()
    pdq: frozenset[str] = frozenset()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> ContentHashes:
        """From (signal, value) pairs; signals other than sha256, md5 and pdq are ignored."""
        found: dict[str, set[str]] = {"sha256": set(), "md5": set(), "pdq": set()}
        for signal, value in pairs:
            if signal in found:
                found[signal].add(value.lower())
        return cls(**{k: frozenset(v) for k, v in found.items()})

    def __bool__(self) -> bool:
        return bool(self.sha256 or self.md5 or self.pdq)

    def union(self, other: ContentHashes) -> ContentHashes:
        """A bundle's content after a report joins it."""
        return ContentHashes(
            sha256=self.sha256 | other.sha256,
            md5=self.md5 | other.md5,
            pdq=self.pdq | other.pdq,
        )


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


def exact_key(hashes: ContentHashes) -> str | None:
    """A stable key for the report's exact hashes (SHA-256 set, or MD5 set without SHA-256).

    Equal keys mean identical sets of files; None when the report has no exact hashes.
    """
    for signal in EXACT_SIGNALS:
        values = getattr(hashes, signal)
        if values:
            digest = hashlib.sha256(",".join(sorted(values)).encode("ascii")).hexdigest()
            return f"{signal}:{digest}"
    return None


def pdq_distance(left: str, right: str) -> int:
    """Hamming distance between two 64-hex-character PDQ hashes."""
    return (int(left, 16) ^ int(right, 16)).bit_count()


def content_match(bundle: ContentHashes, report: ContentHashes) -> tuple[int, str] | None:
    """The closest shared content: (distance, description), or None."""
    for signal in EXACT_SIGNALS:
        shared = getattr(bundle, signal) & getattr(report, signal)
        if shared:
            return 0, f"the same file ({signal} {min(shared)[:12]}...)"
    best: tuple[int, str, str] | None = None
    # Sorted so that, among equally close pairs, the same one is always named.
    for theirs in sorted(bundle.pdq):
        for ours in sorted(report.pdq):
            distance = pdq_distance(theirs, ours)
            if distance <= PDQ_BUNDLE_DISTANCE and (best is None or distance < best[0]):
                best = (distance, theirs, ours)
                if distance == 0:
                    break
        if best is not None and best[0] == 0:
            break
    if best is None:
        return None
    return best[0], f"a visually matching image (PDQ {best[2][:12]}..., distance {best[0]})"


def should_join(*, bundle: Bundle, hashes: ContentHashes, received_at: datetime) -> JoinDecision:
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
    matched = content_match(bundle.hashes, hashes)
    if matched is None:
        return JoinDecision(False, "No content in common with the bundle.")
    distance, what = matched
    return JoinDecision(True, f"Shares {what} with bundle {bundle.id}.", distance)


def choose_bundle(
    *, candidates: Sequence[Bundle], hashes: ContentHashes, received_at: datetime
) -> tuple[Bundle, JoinDecision] | None:
    """The bundle a report joins among candidates: the closest content, then the oldest bundle,
    then the smallest id; None when it joins none (the service then opens a new bundle)."""
    best: tuple[tuple[int, datetime, str], Bundle, JoinDecision] | None = None
    for bundle in candidates:
        decision = should_join(bundle=bundle, hashes=hashes, received_at=received_at)
        if not decision.join:
            continue
        rank = (decision.distance or 0, bundle.opened_at, bundle.id)
        if best is None or rank < best[0]:
            best = (rank, bundle, decision)
    return None if best is None else (best[1], best[2])


__all__ = [
    "BUNDLE_WINDOW",
    "PDQ_BUNDLE_DISTANCE",
    "Bundle",
    "ContentHashes",
    "JoinDecision",
    "choose_bundle",
    "content_match",
    "exact_key",
    "pdq_distance",
    "should_join",
]
