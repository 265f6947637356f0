"""Removal verified, not believed: each noticed URL due for a check is fetched again. Gone
(404/410, or its host no longer resolving) or no longer serving matching media means removed;
a removed URL is checked again 1, 7 and 30 days later for reappearance. Anything else (5xx, a
time-out, a refusal) tells nothing and is tried again later."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.media.pdq import hamming
from eucentre.notices import repository as notices
from eucentre.notices import service as notice_service
from eucentre.notices.models import NoticeItem
from eucentre.notices.service import CheckResult
from eucentre.search.addresses import Resolver, system_resolver
from eucentre.search.fetch import Fetcher, FetchPolicy
from eucentre.search.media import hash_media
from eucentre.search.robots import RobotsCache
from eucentre.signals import registry

BATCH = 200


@dataclass(frozen=True)
class Expected:
    item_id: int
    url: str
    md5: str | None
    pdq: str | None


@dataclass
class RecheckRun:
    checked: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def check_one(fetcher: Fetcher, robots: RobotsCache, expected: Expected) -> CheckResult:
    if not robots.rules(expected.url).allows(expected.url):
        return CheckResult("robots_disallowed")
    fetched = fetcher.get(expected.url)
    if fetched.outcome == "http_status" and fetched.status in (404, 410):
        return CheckResult(f"gone_{fetched.status}")
    if fetched.outcome == "dns_failure":
        return CheckResult("host_gone")
    if not fetched.ok:
        return CheckResult(fetched.outcome, str(fetched.status or ""))
    hashed = hash_media(fetched.body, url=expected.url, page_url="")
    if isinstance(hashed, str):
        return CheckResult("no_longer_matching", hashed)
    if expected.md5 and hashed.md5 == expected.md5:
        return CheckResult("present")
    threshold = registry["pdq"].default_threshold if "pdq" in registry else 31
    if expected.pdq and hashed.pdq and hamming(expected.pdq, hashed.pdq) <= threshold:
        return CheckResult("present")
    return CheckResult("no_longer_matching")


def recheck_due(
    factory: sessionmaker[Session],
    *,
    policy: FetchPolicy,
    resolver: Resolver = system_resolver,
    limit: int = BATCH,
) -> RecheckRun:
    run = RecheckRun()
    with transaction(factory) as session:
        due = [
            Expected(item.id, item.url, item.md5, item.pdq)
            for item in notices.items_due(session, now=utcnow(), limit=limit)
        ]
    if not due:
        return run
    results: list[tuple[int, CheckResult]] = []
    with Fetcher(policy, resolver=resolver) as fetcher:
        robots = RobotsCache(factory, fetcher)
        for expected in due:
            results.append((expected.item_id, check_one(fetcher, robots, expected)))
    with transaction(factory) as session:
        for item_id, result in results:
            item = session.get(NoticeItem, item_id)
            if item is None:
                continue
            notice_service.record_check(session, item, result)
            run.checked += 1
            run.outcomes[result.outcome] = run.outcomes.get(result.outcome, 0) + 1
    return run
