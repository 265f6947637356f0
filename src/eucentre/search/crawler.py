"""The crawler: claims URLs from the database frontier, fetches each registrable domain's URLs
one at a time (several domains at once, in threads), hashes media in memory, and records what
it found in one transaction per batch. Resumable: a crawl interrupted anywhere goes on from the
database. Bounded: pages, depth, links per page, bytes per fetch, time per fetch.

Media that match nothing leave no trace but counts. Media that match are kept encrypted for
review (`FoundMedia.blob_id`); a match to a verified indicator becomes a notice at once
(`eucentre.notices.intake`), any other match waits for an analyst (`MediaMatch.status`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import as_utc, utcnow
from eucentre.notices import intake
from eucentre.search import frontier, urls
from eucentre.search.addresses import Resolver, system_resolver
from eucentre.search.fetch import Fetched, Fetcher, FetchPolicy
from eucentre.search.matchers import Found, MediaMatcher
from eucentre.search.media import HashedMedia, hash_media
from eucentre.search.models import Crawl, FoundMedia, FrontierUrl, MediaMatch
from eucentre.search.parse import PageLinks, links_of
from eucentre.search.robots import RobotsCache

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_ATTEMPTS = 3
BACKOFF_BASE = 5.0
BACKOFF_MAX = 3600.0
REFUSALS = ("private_address", "address_not_allowed", "scheme_not_allowed", "robots_disallowed")


def user_agent(contact_url: str) -> str:
    return f"EUCentreCrawler/1.0 (+{contact_url})"


def policy_from(settings: Any) -> FetchPolicy:
    return FetchPolicy(
        user_agent=user_agent(settings.crawl_contact_url),
        max_bytes=settings.crawl_max_bytes,
        timeout=settings.crawl_timeout_seconds,
        max_redirects=settings.crawl_max_redirects,
        allow_private=settings.crawl_allow_private,
    )


@dataclass
class Outcome:
    claimed: frontier.Claimed
    fetched: Fetched | None = None
    skipped: str = ""
    links: PageLinks | None = None
    media: HashedMedia | None = None
    media_error: str = ""
    delay: float = 0.0


@dataclass
class Summary:
    crawl_id: int
    status: str
    pages: int = 0
    media: int = 0
    matched: int = 0
    refused: int = 0
    failed: int = 0
    stop_reason: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)


def media_line(media: HashedMedia, found: Sequence[tuple[str, Found]]) -> dict[str, Any]:
    """The `--jsonl` line of one media item."""
    return {
        "url": media.url,
        "page": media.page_url,
        "md5": media.md5,
        "pdq": media.pdq,
        "quality": media.quality,
        "matches": [
            {
                "matcher": name,
                "reference": f.reference,
                "indicator_id": f.indicator_id,
                "list": f.list_name,
                "distance": f.distance,
                "verified": f.verified,
            }
            for name, f in found
        ],
    }


class Crawler:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        policy: FetchPolicy,
        blobs: BlobStore,
        matchers: Sequence[MediaMatcher],
        resolver: Resolver = system_resolver,
        workers: int = 4,
        per_domain: int = 16,
        on_media: Callable[[dict[str, Any]], None] | None = None,
        on_progress: Callable[[Summary], None] | None = None,
    ) -> None:
        self.factory = factory
        self.policy = policy
        self.blobs = blobs
        self.matchers = list(matchers)
        self.resolver = resolver
        self.workers = workers
        self.per_domain = per_domain
        self.on_media = on_media
        self.on_progress = on_progress

    # --- the loop --------------------------------------------------------------------------

    def run(self, crawl_id: int, *, budget_seconds: float | None = None) -> Summary | None:
        """Crawl until done or out of budget (then the crawl stays `running`, to be resumed).
        None if another runner holds the crawl, or it is not to be run."""
        lease = timedelta(seconds=self.policy.timeout * self.per_domain + 60)
        with transaction(self.factory) as session:
            crawl = session.get(Crawl, crawl_id, with_for_update=True)
            now = utcnow()
            if crawl is None or crawl.status not in ("scheduled", "running"):
                return None
            if crawl.lease_until is not None and as_utc(crawl.lease_until) > now:
                return None
            crawl.lease_until = now + lease
            if crawl.status == "scheduled":
                crawl.status, crawl.started_at = "running", now
                self._seed(session, crawl)
            else:
                frontier.requeue_interrupted(session, crawl_id)
            seeds, override = list(crawl.seeds), crawl.robots_override
            max_pages, max_depth = crawl.max_pages, crawl.max_depth
        scope = {urls.registrable_domain(urls.host_of(seed)) for seed in seeds}
        started = time.monotonic()
        fetcher = Fetcher(self.policy, resolver=self.resolver)
        robots = RobotsCache(self.factory, fetcher)
        if not override:
            fetcher.allowed = lambda url: robots.rules(url).allows(url)
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                while True:
                    if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                        return self._pause(crawl_id)
                    with transaction(self.factory) as session:
                        crawl = session.get(Crawl, crawl_id)
                        assert crawl is not None
                        if crawl.status != "running":
                            return self._summary(crawl)
                        pages_left = max(max_pages - crawl.pages, 0)
                        kinds = ("page", "media") if pages_left else ("media",)
                        crawl.lease_until = utcnow() + lease
                        claimed = frontier.claim(
                            session,
                            crawl_id,
                            now=utcnow(),
                            domains=self.workers,
                            per_domain=self.per_domain,
                            lease=lease,
                            kinds=kinds,
                            page_budget=pages_left,
                        )
                        due = None if claimed else frontier.next_due(session, crawl_id, kinds=kinds)
                    if not claimed:
                        if due is None:
                            return self._finish(crawl_id, max_pages_reached=not pages_left)
                        wait = (as_utc(due) - utcnow()).total_seconds()
                        time.sleep(min(max(wait, 0.05), 1.0))
                        continue
                    groups = list(claimed.values())
                    results = list(
                        pool.map(lambda g: self._fetch_group(g, fetcher, robots, override), groups)
                    )
                    self._record(crawl_id, results, scope=scope, max_depth=max_depth)
        finally:
            fetcher.close()

    def _seed(self, session: Session, crawl: Crawl) -> None:
        found = []
        for seed in crawl.seeds:
            try:
                url = urls.normalise(seed)
            except urls.BadUrl:
                continue
            domain = urls.registrable_domain(urls.host_of(url))
            found.append(frontier.NewUrl(url, urls.digest(url), "page", 0, "", domain))
        frontier.add(session, crawl.id, found, now=utcnow())

    def _pause(self, crawl_id: int) -> Summary:
        with transaction(self.factory) as session:
            crawl = session.get(Crawl, crawl_id)
            assert crawl is not None
            crawl.lease_until = None
            frontier.requeue_interrupted(session, crawl_id)
            return self._summary(crawl)

    def _finish(self, crawl_id: int, *, max_pages_reached: bool) -> Summary:
        with transaction(self.factory) as session:
            crawl = session.get(Crawl, crawl_id)
            assert crawl is not None
            if max_pages_reached:
                frontier.skip_queued(session, crawl_id, kind="page", outcome="max_pages")
            crawl.status = "finished"
            crawl.finished_at = utcnow()
            crawl.lease_until = None
            crawl.stop_reason = "max_pages" if max_pages_reached else "done"
            log.info(
                "crawl finished",
                extra={"crawl_id": crawl_id, "pages": crawl.pages, "media": crawl.media},
            )
            return self._summary(crawl, outcomes=frontier.counts(session, crawl_id))

    @staticmethod
    def _summary(crawl: Crawl, outcomes: dict[str, int] | None = None) -> Summary:
        return Summary(
            crawl.id,
            crawl.status,
            crawl.pages,
            crawl.media,
            crawl.matched,
            crawl.refused,
            crawl.failed,
            crawl.stop_reason,
            outcomes or {},
        )

    # --- one domain's URLs, in a worker thread (no database writes) -----------------------

    def _fetch_group(
        self,
        group: list[frontier.Claimed],
        fetcher: Fetcher,
        robots: RobotsCache,
        override: bool,
    ) -> list[Outcome]:
        done: list[Outcome] = []
        for position, claimed in enumerate(group):
            outcome = Outcome(claimed)
            done.append(outcome)
            try:
                rules = robots.rules(claimed.url)
                outcome.delay = rules.delay()
                if not override and not rules.allows(claimed.url):
                    outcome.skipped = "robots_disallowed"
                    continue
                if position and outcome.delay:
                    time.sleep(outcome.delay)
                outcome.fetched = fetched = fetcher.get(claimed.url)
                if fetched.outcome == "retry_later":
                    break  # the domain asked us to wait: the rest of the group waits too
                if fetched.ok:
                    self._read_body(outcome, fetched)
            except Exception:  # noqa: BLE001 - one URL must never stop a crawl
                log.exception("crawling one URL failed", extra={"frontier_id": claimed.id})
                outcome.skipped = "internal_error"
        # URLs of the group not reached (after a 429/503) go back to the queue untouched.
        reached = {o.claimed.id for o in done}
        for claimed in group:
            if claimed.id not in reached:
                done.append(Outcome(claimed, skipped="not_reached"))
        return done

    @staticmethod
    def _read_body(outcome: Outcome, fetched: Fetched) -> None:
        claimed = outcome.claimed
        is_html = fetched.content_type in HTML_TYPES or (
            not fetched.content_type and fetched.body[:64].lstrip().startswith(b"<")
        )
        if is_html:
            if claimed.kind == "page":
                outcome.links = links_of(fetched.body, fetched.url)
            else:
                outcome.media_error = "not_media"
            return
        hashed = hash_media(fetched.body, url=fetched.url, page_url=claimed.page_url)
        if isinstance(hashed, str):
            outcome.media_error = hashed
        else:
            outcome.media = hashed

    # --- recording, in the main thread ------------------------------------------------------

    def _record(
        self, crawl_id: int, results: list[list[Outcome]], *, scope: set[str], max_depth: int
    ) -> None:
        reports: list[dict[str, Any]] = []
        with transaction(self.factory) as session:
            crawl = session.get(Crawl, crawl_id)
            assert crawl is not None
            now = utcnow()
            media = [o.media for group in results for o in group if o.media is not None]
            found = self._match_all(session, media)
            # The batch's rows in one query.
            rows = {
                row.id: row
                for row in frontier.rows(
                    session, [o.claimed.id for group in results for o in group]
                )
            }
            for group in results:
                domain = group[0].claimed.domain
                failures = frontier.domain_failures(session, domain)
                wait = max((o.delay for o in group), default=0.0)
                for outcome in group:
                    row = rows.get(outcome.claimed.id)
                    if row is None:
                        continue
                    backoff = self._record_one(
                        session, crawl, row, outcome, scope, max_depth, failures, reports, found
                    )
                    if backoff is not None:
                        failures += 1
                        wait = max(wait, backoff)
                    elif outcome.fetched is not None and outcome.fetched.ok:
                        failures = 0
                frontier.release_domain(
                    session,
                    domain,
                    next_fetch_at=now + timedelta(seconds=wait),
                    failures=failures,
                )
            summary = self._summary(crawl)
        if self.on_media is not None:
            for line in reports:
                self.on_media(line)
        if self.on_progress is not None:
            self.on_progress(summary)

    def _record_one(
        self,
        session: Session,
        crawl: Crawl,
        row: FrontierUrl,
        outcome: Outcome,
        scope: set[str],
        max_depth: int,
        failures: int,
        reports: list[dict[str, Any]],
        found: dict[int, list[tuple[str, Found]]],
    ) -> float | None:
        """Update the URL's row and the crawl's counts; the back-off to apply, if any."""
        now = utcnow()
        fetched = outcome.fetched
        if outcome.skipped == "not_reached":
            row.state = "queued"
            return None
        row.fetched_at = now
        row.attempts += 1
        if outcome.skipped:
            row.state, row.outcome = (
                ("skipped" if outcome.skipped in REFUSALS else "failed"),
                (outcome.skipped),
            )
            if outcome.skipped in REFUSALS:
                crawl.refused += 1
            else:
                crawl.failed += 1
            return None
        assert fetched is not None
        if row.kind == "page":
            crawl.pages += 1  # a page request made, whatever its answer (max_pages counts them)
        row.status_code = fetched.status
        row.outcome = fetched.outcome
        if fetched.outcome == "retry_later":
            wait = fetched.retry_after
            if wait is None:
                wait = min(BACKOFF_BASE * 2**failures, BACKOFF_MAX)
            if row.attempts < MAX_ATTEMPTS:
                row.state = "queued"
                row.not_before = now + timedelta(seconds=wait)
            else:
                row.state = "failed"
                crawl.failed += 1
            return wait
        if not fetched.ok:
            row.state = "skipped" if fetched.outcome in REFUSALS else "failed"
            if fetched.outcome in REFUSALS:
                crawl.refused += 1
            else:
                crawl.failed += 1
            log.info(
                "fetch refused or failed",
                extra={"crawl_id": crawl.id, "outcome": fetched.outcome, "status": fetched.status},
            )
            return None
        row.state = "done"
        if outcome.links is not None:
            self._enqueue(session, crawl, row, outcome.links, scope, max_depth, fetched.url)
        elif outcome.media is not None:
            crawl.media += 1
            matched = found.get(id(outcome.media), [])
            if matched:
                self._keep(session, crawl, outcome.media, fetched, matched)
            reports.append(media_line(outcome.media, matched))
        elif outcome.media_error:
            row.outcome = outcome.media_error[:40]
        return None

    def _enqueue(
        self,
        session: Session,
        crawl: Crawl,
        row: FrontierUrl,
        links: PageLinks,
        scope: set[str],
        max_depth: int,
        page_url: str,
    ) -> None:
        found: list[frontier.NewUrl] = []
        depth = row.depth + 1
        for url in links.media:
            domain = urls.registrable_domain(urls.host_of(url))
            found.append(frontier.NewUrl(url, urls.digest(url), "media", depth, page_url, domain))
        if depth <= max_depth:
            for url in links.pages:
                domain = urls.registrable_domain(urls.host_of(url))
                if domain in scope:
                    found.append(
                        frontier.NewUrl(url, urls.digest(url), "page", depth, page_url, domain)
                    )
        if found:
            frontier.add(session, crawl.id, found, now=utcnow())

    def _match_all(
        self, session: Session, media: list[HashedMedia]
    ) -> dict[int, list[tuple[str, Found]]]:
        """What each media item of the batch matched (keyed by the item's identity). Media
        that matched nothing are dropped with the batch: their bytes are never stored."""
        found: dict[int, list[tuple[str, Found]]] = {}
        if not media:
            return found
        for matcher in self.matchers:
            for item, hits in zip(media, matcher.match(session, media), strict=True):
                if hits:
                    found.setdefault(id(item), []).extend((matcher.name, f) for f in hits)
        return found

    def _keep(
        self,
        session: Session,
        crawl: Crawl,
        media: HashedMedia,
        fetched: Fetched,
        found: list[tuple[str, Found]],
    ) -> None:
        crawl.matched += 1
        host_name = urls.host_of(media.url)
        stored = FoundMedia(
            crawl_id=crawl.id,
            url=media.url,
            url_digest=urls.digest(media.url),
            page_url=media.page_url,
            host_name=host_name,
            address=fetched.address,
            media_type=media.media_type[:8],
            md5=media.md5,
            sha256=media.sha256,
            pdq=media.pdq,
            quality=media.quality,
            blob_id=self.blobs.put(media.data),
        )
        session.add(stored)
        session.flush()
        for name, f in found:
            session.add(
                MediaMatch(
                    media_id=stored.id,
                    matcher=name[:40],
                    reference=f.reference[:80],
                    indicator_id=f.indicator_id,
                    list_name=f.list_name[:80],
                    distance=f.distance,
                    status="confirmed" if f.verified else "pending",
                    details=f.details,
                )
            )
        verified = [f for _, f in found if f.verified]
        if verified:
            intake.add_sighting(session, sighting_of(stored, verified))


def sighting_of(media: FoundMedia, found: Sequence[Found]) -> intake.Sighting:
    return intake.Sighting(
        url=media.url,
        host_name=media.host_name,
        page_url=media.page_url,
        address=media.address,
        indicator_ids=[f.indicator_id for f in found if f.indicator_id is not None],
        lists=[f.list_name for f in found if f.list_name],
        md5=media.md5,
        pdq=media.pdq,
        source=f"search:media:{media.id}",
        detected_at=media.created_at,
    )
