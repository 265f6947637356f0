"""The frontier and the seen set, in the database: one row per URL of a crawl (unique per crawl),
queued until fetched. Claims take a few URLs of each registrable domain that is neither busy
(another fetch at work on it) nor waiting (crawl delay, back-off), and mark that domain busy:
one request at a time per domain, whatever the number of crawls or workers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eucentre.search.models import CrawlDomain, FrontierUrl

INSERT_BATCH = 500


@dataclass(frozen=True)
class Claimed:
    id: int
    url: str
    kind: str
    depth: int
    page_url: str
    domain: str
    attempts: int


@dataclass(frozen=True)
class NewUrl:
    url: str
    digest: str
    kind: str
    depth: int
    page_url: str
    domain: str


def add(session: Session, crawl_id: int, found: Sequence[NewUrl], *, now: datetime) -> None:
    """Queue URLs not seen before in this crawl (the unique key drops the others)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(found), INSERT_BATCH):
        rows = [
            {
                "crawl_id": crawl_id,
                "url": u.url,
                "url_digest": u.digest,
                "kind": u.kind,
                "depth": u.depth,
                "page_url": u.page_url,
                "domain": u.domain,
                "state": "queued",
                "not_before": now,
                "attempts": 0,
                "outcome": "",
            }
            for u in found[start : start + INSERT_BATCH]
        ]
        statement = insert(FrontierUrl).values(rows)
        session.execute(statement.on_conflict_do_nothing(index_elements=["crawl_id", "url_digest"]))


def _free_domains(
    session: Session, *, now: datetime, domains: int, crawl_id: int, kinds: Sequence[str]
) -> list[str]:
    busy = select(CrawlDomain.domain).where(
        or_(
            and_(CrawlDomain.busy_until.is_not(None), CrawlDomain.busy_until > now),
            CrawlDomain.next_fetch_at > now,
        )
    )
    query = (
        select(FrontierUrl.domain)
        .where(
            FrontierUrl.crawl_id == crawl_id,
            FrontierUrl.state == "queued",
            FrontierUrl.not_before <= now,
            FrontierUrl.kind.in_(list(kinds)),
            FrontierUrl.domain.not_in(busy),
        )
        .distinct()
        .limit(domains)
    )
    return list(session.scalars(query))


def claim(
    session: Session,
    crawl_id: int,
    *,
    now: datetime,
    domains: int,
    per_domain: int,
    lease: timedelta,
    kinds: Sequence[str] = ("page", "media"),
    page_budget: int | None = None,
) -> dict[str, list[Claimed]]:
    """URLs to fetch now, grouped by domain (each group is fetched in order, one at a time);
    at most `page_budget` pages in all."""
    claimed: dict[str, list[Claimed]] = {}
    pages_left = page_budget
    for domain in _free_domains(session, now=now, domains=domains, crawl_id=crawl_id, kinds=kinds):
        rows = session.execute(
            select(FrontierUrl)
            .where(
                FrontierUrl.crawl_id == crawl_id,
                FrontierUrl.state == "queued",
                FrontierUrl.domain == domain,
                FrontierUrl.not_before <= now,
                FrontierUrl.kind.in_(list(kinds)),
            )
            .order_by(FrontierUrl.depth, FrontierUrl.id)
            .limit(per_domain)
        ).scalars()
        group = []
        for row in rows:
            if row.kind == "page" and pages_left is not None:
                if pages_left <= 0:
                    continue
                pages_left -= 1
            row.state = "fetching"
            group.append(
                Claimed(row.id, row.url, row.kind, row.depth, row.page_url, domain, row.attempts)
            )
        if not group:
            continue
        state = session.get(CrawlDomain, domain, with_for_update=True)
        if state is None:
            state = CrawlDomain(domain=domain, next_fetch_at=now, failures=0)
            session.add(state)
        state.busy_until = now + lease
        claimed[domain] = group
    session.flush()
    return claimed


def rows(session: Session, ids: Sequence[int]) -> list[FrontierUrl]:
    if not ids:
        return []
    return list(session.scalars(select(FrontierUrl).where(FrontierUrl.id.in_(list(ids)))))


def release_domain(
    session: Session, domain: str, *, next_fetch_at: datetime, failures: int | None
) -> None:
    state = session.get(CrawlDomain, domain)
    if state is None:
        state = CrawlDomain(domain=domain, failures=0)
        session.add(state)
    state.busy_until = None
    state.next_fetch_at = next_fetch_at
    if failures is not None:
        state.failures = failures


def domain_failures(session: Session, domain: str) -> int:
    state = session.get(CrawlDomain, domain)
    return state.failures if state is not None else 0


def requeue_interrupted(session: Session, crawl_id: int) -> int:
    """URLs a crashed run left `fetching` go back to the frontier."""
    result = session.execute(
        update(FrontierUrl)
        .where(FrontierUrl.crawl_id == crawl_id, FrontierUrl.state == "fetching")
        .values(state="queued")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def counts(session: Session, crawl_id: int) -> dict[str, int]:
    rows = session.execute(
        select(FrontierUrl.state, func.count())
        .where(FrontierUrl.crawl_id == crawl_id)
        .group_by(FrontierUrl.state)
    )
    return {state: count for state, count in rows}


def next_due(session: Session, crawl_id: int, *, kinds: Sequence[str]) -> datetime | None:
    """When the earliest queued URL may be fetched (None: nothing queued)."""
    return session.scalar(
        select(func.min(FrontierUrl.not_before)).where(
            FrontierUrl.crawl_id == crawl_id,
            FrontierUrl.state == "queued",
            FrontierUrl.kind.in_(list(kinds)),
        )
    )


def skip_queued(session: Session, crawl_id: int, *, kind: str, outcome: str) -> int:
    result = session.execute(
        update(FrontierUrl)
        .where(
            FrontierUrl.crawl_id == crawl_id,
            FrontierUrl.state == "queued",
            FrontierUrl.kind == kind,
        )
        .values(state="skipped", outcome=outcome)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
