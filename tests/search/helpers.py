"""Helpers for the crawler's tests: settings that let it reach loopback, a resolver that sends
*.test names to 127.0.0.1, and a crawl run through the real scheduling and crawler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eucentre.blobs import blob_store
from eucentre.config import Settings
from eucentre.db import transaction
from eucentre.search import service
from eucentre.search.addresses import system_resolver
from eucentre.search.crawler import Summary
from eucentre.search.matchers import MediaMatcher
from eucentre.search.running import build_crawler


def loopback_settings(settings: Settings, **changes: Any) -> Settings:
    update = {
        "crawl_allow_private": True,
        "crawl_timeout_seconds": 2.0,
        "crawl_max_bytes": 2 * 1024 * 1024,
        "notice_resend_seconds": 1,
    }
    update.update(changes)
    return settings.model_copy(update=update)


def dot_test_names(host: str, port: int) -> list[str]:
    """*.test (and *.example.co.uk, a name under a public suffix) are this machine."""
    if host.endswith((".test", ".example.co.uk")):
        return ["127.0.0.1"]
    return system_resolver(host, port)


def crawl(
    settings: Settings,
    factory,  # type: ignore[no-untyped-def]
    seeds: Sequence[str],
    *,
    max_pages: int = 50,
    max_depth: int = 5,
    matchers: Sequence[MediaMatcher] = (),
    resolver=dot_test_names,  # type: ignore[no-untyped-def]
    **schedule: Any,
) -> tuple[Summary, list[dict[str, Any]]]:
    with transaction(factory) as session:
        crawl_id = service.schedule(
            session,
            actor="user:1",
            seeds=seeds,
            max_pages=max_pages,
            max_depth=max_depth,
            **schedule,
        ).id
    lines: list[dict[str, Any]] = []
    crawler = build_crawler(
        settings,
        factory,
        blobs=blob_store(settings),
        extra_matchers=matchers,
        resolver=resolver,
        on_media=lines.append,
    )
    summary = crawler.run(crawl_id)
    assert summary is not None
    return summary, lines
