"""The search domain's queries (the frontier's are in frontier.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.search.models import Crawl, FoundMedia, MediaMatch


def crawls(session: Session, *, limit: int = 200) -> list[Crawl]:
    return list(session.scalars(select(Crawl).order_by(Crawl.id.desc()).limit(limit)))


def runnable(session: Session, *, now: datetime, limit: int = 20) -> list[int]:
    """Crawls due to start, and running ones nobody holds (interrupted, or out of budget)."""
    query = (
        select(Crawl.id)
        .where(
            Crawl.status.in_(("scheduled", "running")),
            Crawl.not_before <= now,
            (Crawl.lease_until.is_(None)) | (Crawl.lease_until < now),
        )
        .order_by(Crawl.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def media_of(session: Session, crawl_id: int, *, limit: int = 500) -> list[FoundMedia]:
    query = select(FoundMedia).where(FoundMedia.crawl_id == crawl_id).order_by(FoundMedia.id)
    return list(session.scalars(query.limit(limit)))


def matches_of(session: Session, media_ids: Sequence[int]) -> dict[int, list[MediaMatch]]:
    found: dict[int, list[MediaMatch]] = {i: [] for i in media_ids}
    if media_ids:
        query = select(MediaMatch).where(MediaMatch.media_id.in_(list(media_ids)))
        for match in session.scalars(query.order_by(MediaMatch.id)):
            found[match.media_id].append(match)
    return found


def pending(session: Session, *, limit: int = 200) -> list[tuple[MediaMatch, FoundMedia]]:
    query = (
        select(MediaMatch, FoundMedia)
        .join(FoundMedia, FoundMedia.id == MediaMatch.media_id)
        .where(MediaMatch.status == "pending")
        .order_by(MediaMatch.id)
        .limit(limit)
    )
    return [(m, f) for m, f in session.execute(query)]


def kept_before(session: Session, cutoff: datetime, *, limit: int = 1000) -> list[FoundMedia]:
    """Matched media whose kept copy is older than the cutoff (retention)."""
    query = (
        select(FoundMedia)
        .where(FoundMedia.blob_id.is_not(None), FoundMedia.created_at < cutoff)
        .order_by(FoundMedia.id)
        .limit(limit)
    )
    return list(session.scalars(query))
