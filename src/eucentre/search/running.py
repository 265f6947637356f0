"""Building a crawler from the settings: the fetch policy, the lookup index of verified
indicators, the plug-in matchers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from eucentre.config import Settings
from eucentre.kit.blobstore import BlobStore
from eucentre.search.addresses import Resolver, system_resolver
from eucentre.search.crawler import Crawler, Summary, policy_from
from eucentre.search.matchers import IndicatorMatcher, MediaMatcher, plugin_matchers


def lookup_index(settings: Settings) -> Any:
    from eucentre.indicators.lookup import LookupIndex

    return LookupIndex(Path(settings.data_dir) / "index")


def build_crawler(
    settings: Settings,
    factory: sessionmaker[Session],
    *,
    blobs: BlobStore,
    index: Any | None = None,
    extra_matchers: Sequence[MediaMatcher] = (),
    resolver: Resolver = system_resolver,
    on_media: Callable[[dict[str, Any]], None] | None = None,
    on_progress: Callable[[Summary], None] | None = None,
) -> Crawler:
    index = index if index is not None else lookup_index(settings)
    index.prepare(factory)
    matchers: list[MediaMatcher] = [IndicatorMatcher(index), *plugin_matchers(), *extra_matchers]
    return Crawler(
        factory,
        policy=policy_from(settings),
        blobs=blobs,
        matchers=matchers,
        resolver=resolver,
        on_media=on_media,
        on_progress=on_progress,
    )
