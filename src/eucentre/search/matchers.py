"""What found media is matched against. The Centre's verified indicators always; other domains
plug in matchers of their own (the victims' unverified hashes) through the extension point
`search.media_matchers`: `hooks={"search.media_matchers": ("package.module:MATCHER",)}` in their
manifest, a `MediaMatcher` each. A match to a verified indicator of known material becomes a
notice at once; any other match waits for an analyst to confirm it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from eucentre.indicators import distribution
from eucentre.indicators.lookup import LookupIndex, Query
from eucentre.search.media import HashedMedia
from eucentre.signals import registry

# The extension point other domains register their matchers for (see the module's docstring).
MEDIA_MATCHERS = "search.media_matchers"


@dataclass(frozen=True)
class Found:
    reference: str
    distance: int
    # Verified known material: a notice follows at once. Otherwise an analyst confirms first.
    verified: bool
    indicator_id: int | None = None
    list_name: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class MediaMatcher(Protocol):
    """Matches a batch of media (one crawler batch): per media item, what it matched."""

    name: str

    def match(self, session: Session, media: Sequence[HashedMedia]) -> list[list[Found]]: ...


def plugin_matchers() -> list[MediaMatcher]:
    """The matchers the installed domains registered for `search.media_matchers`."""
    from eucentre.domains import installed

    return list(installed().hooks(MEDIA_MATCHERS))


def queries_of(media: HashedMedia) -> list[tuple[Query, str]]:
    """The look-ups the media needs (each signal type says which), with their labels."""
    found: list[tuple[Query, str]] = []
    for name, hashed in media.signals.items():
        signal_type = registry.get(name)
        if signal_type is None:
            continue
        for spec in signal_type.queries_for(hashed):
            found.append((Query(spec.signal, spec.value, spec.variants), spec.label))
    return found


class IndicatorMatcher:
    """The verified indicators, through the shared lookup index (as providers' look-ups)."""

    name = "indicators"

    def __init__(self, index: LookupIndex) -> None:
        self.index = index

    def match(self, session: Session, media: Sequence[HashedMedia]) -> list[list[Found]]:
        # One look-up for the whole batch: a query per signal of each item, in one call.
        owners: list[int] = []
        pairs: list[tuple[Query, str]] = []
        for position, item in enumerate(media):
            for pair in queries_of(item):
                owners.append(position)
                pairs.append(pair)
        found: list[dict[int, Found]] = [{} for _ in media]
        if not pairs:
            return [[] for _ in media]
        answers = distribution.lookup(
            session,
            index=self.index,
            queries=[query for query, _ in pairs],
            max_distance=None,
            organisation_id=None,
            context="crawl",
        )
        for owner, (query, label), hits in zip(owners, pairs, answers, strict=True):
            best = found[owner]
            for hit in hits:
                indicator = hit.indicator
                known = best.get(indicator.id)
                if known is not None and known.distance <= hit.distance:
                    continue
                best[indicator.id] = Found(
                    reference=str(indicator.id),
                    distance=hit.distance,
                    verified=True,
                    indicator_id=indicator.id,
                    list_name=indicator.lists[0].name if indicator.lists else "",
                    details={"signal": query.signal, "variant": label or hit.variant},
                )
        return [list(best.values()) for best in found]
