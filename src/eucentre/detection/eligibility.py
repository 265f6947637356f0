"""Which indicators go into a detection bundle (pure: no database).

A bundle holds verified indicators of known material (MD5, SHA-256, PDQ) whose provenance
includes at least two independent sources: two sources of an external kind (a partner list
imported, an authority) under different organisation names. Analysts, the Centre's own
assessments and demo data never count as a source here, and one organisation twice is one.
The provenance records no jurisdiction, so "independent" is "different organisation", not yet
"different jurisdiction" (docs/private-matching.md, known limits).
"""

from __future__ import annotations

from collections.abc import Iterable

SIGNALS = ("md5", "sha256", "pdq")
EXTERNAL_KINDS = frozenset({"import", "authority"})
MIN_SOURCES = 2


def organisation(name: str) -> str:
    return " ".join(name.split()).casefold()


def independent_sources(sources: Iterable[tuple[str, str]]) -> int:
    """The number of distinct external organisations among (kind, name) sources."""
    return len({organisation(name) for kind, name in sources if kind in EXTERNAL_KINDS and name})


def eligible(signal: str, sources: Iterable[tuple[str, str]]) -> bool:
    return signal in SIGNALS and independent_sources(sources) >= MIN_SOURCES
