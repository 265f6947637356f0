"""The crawler's state, all in the database: crawls, their frontier and seen set (one table),
the politeness state per registrable domain, robots.txt as fetched, and the media that matched
(hashes, an encrypted copy for review, and each match). Media that matched nothing leave no
row: only counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, CreatedAt


class Crawl(CreatedAt, Base):
    __tablename__ = "search_crawls"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeds: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    max_pages: Mapped[int]
    max_depth: Mapped[int]
    requested_by: Mapped[str] = mapped_column(String(80))
    # A Coordinating Authority's request, when the crawl is made for one.
    on_behalf_of: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The recorded policy for an authorised robots.txt override: who, and why.
    robots_override: Mapped[bool] = mapped_column(default=False)
    override_by: Mapped[str] = mapped_column(String(80), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Held by the one runner at work on it (renewed per batch), so no two run it at once.
    lease_until: Mapped[datetime | None]
    pages: Mapped[int] = mapped_column(default=0)
    media: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    stop_reason: Mapped[str] = mapped_column(String(40), default="")


class FrontierUrl(Base):
    """One URL of one crawl: queued (the frontier) or fetched (the seen set)."""

    __tablename__ = "search_frontier"
    __table_args__ = (
        UniqueConstraint("crawl_id", "url_digest", name="uq_search_frontier_crawl_id_url_digest"),
        Index("ix_search_frontier_claim", "crawl_id", "state", "domain", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("search_crawls.id"))
    url: Mapped[str] = mapped_column(Text)
    url_digest: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # "page" or "media"
    depth: Mapped[int] = mapped_column(default=0)
    page_url: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[str] = mapped_column(String(253))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    status_code: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(40), default="")
    fetched_at: Mapped[datetime | None]


class CrawlDomain(Base):
    """Politeness per registrable domain: one request at a time, and back-off."""

    __tablename__ = "search_domains"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    busy_until: Mapped[datetime | None]
    next_fetch_at: Mapped[datetime] = mapped_column(default=utcnow)
    failures: Mapped[int] = mapped_column(default=0)


class RobotsRecord(Base):
    """robots.txt of one origin as last fetched (re-fetched after a day)."""

    __tablename__ = "search_robots"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class FoundMedia(CreatedAt, Base):
    """Media that matched: its hashes, where it was, and an encrypted copy for review."""

    __tablename__ = "search_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("search_crawls.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    url_digest: Mapped[str] = mapped_column(String(64), index=True)
    page_url: Mapped[str] = mapped_column(Text, default="")
    host_name: Mapped[str] = mapped_column(String(253))
    address: Mapped[str | None] = mapped_column(String(45))
    media_type: Mapped[str] = mapped_column(String(8))
    md5: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    quality: Mapped[int | None]
    blob_id: Mapped[str | None] = mapped_column(String(64))


class MediaMatch(CreatedAt, Base):
    """One match of found media: to a verified indicator (confirmed at once) or, through a
    plug-in matcher, to an unverified hash (pending an analyst's confirmation)."""

    __tablename__ = "search_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("search_media.id"), index=True)
    matcher: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(80), default="")
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    list_name: Mapped[str] = mapped_column(String(80), default="")
    distance: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), index=True)
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None]
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
