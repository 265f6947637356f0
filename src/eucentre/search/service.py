"""Scheduling crawls (analysts, or for an authority's request), with per-crawl limits and the
recorded robots.txt override policy; analysts' confirmation of matches to unverified hashes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.time import utcnow
from eucentre.models import OrganisationKind
from eucentre.notices import intake
from eucentre.notices import repository as notices
from eucentre.search import urls
from eucentre.search.crawler import sighting_of
from eucentre.search.matchers import Found
from eucentre.search.models import Crawl, FoundMedia, MediaMatch

MAX_SEEDS = 100
MAX_PAGES = 1_000_000
MAX_DEPTH = 50


def schedule(
    session: Session,
    *,
    actor: str,
    seeds: Sequence[str],
    max_pages: int,
    max_depth: int,
    on_behalf_of: int | None = None,
    reason: str = "",
    robots_override: bool = False,
    override_reason: str = "",
    not_before: datetime | None = None,
) -> Crawl:
    """A crawl to run (the periodic task starts it). Each seed is checked; a bad one is refused
    naming it, and nothing is scheduled."""
    cleaned: list[str] = []
    for position, seed in enumerate(seeds, start=1):
        if not seed.strip():
            continue
        try:
            cleaned.append(urls.normalise(seed))
        except urls.BadUrl as bad:
            raise errors.UnprocessableEntity(
                f"seeds: line {position} is not an http(s) URL ({bad})", code="invalid_seed"
            ) from bad
    cleaned = list(dict.fromkeys(cleaned))
    if not cleaned or len(cleaned) > MAX_SEEDS:
        raise errors.UnprocessableEntity(
            f"seeds: give 1 to {MAX_SEEDS} URLs, one a line", code="invalid_seed"
        )
    if not 1 <= max_pages <= MAX_PAGES:
        raise errors.UnprocessableEntity(f"max_pages: 1 to {MAX_PAGES}", code="invalid_limit")
    if not 0 <= max_depth <= MAX_DEPTH:
        raise errors.UnprocessableEntity(f"max_depth: 0 to {MAX_DEPTH}", code="invalid_limit")
    if robots_override and not override_reason.strip():
        raise errors.UnprocessableEntity(
            "override_reason: an override of robots.txt needs its recorded reason",
            code="override_reason_required",
        )
    if on_behalf_of is not None:
        authority = notices.organisation(session, on_behalf_of)
        if authority is None or authority.kind != OrganisationKind.authority:
            raise errors.UnprocessableEntity(
                "on_behalf_of: not an authority", code="unknown_authority"
            )
    crawl = Crawl(
        seeds=cleaned,
        max_pages=max_pages,
        max_depth=max_depth,
        requested_by=actor,
        on_behalf_of=on_behalf_of,
        reason=reason.strip()[:2000],
        robots_override=robots_override,
        override_by=actor if robots_override else "",
        override_reason=override_reason.strip()[:2000],
        not_before=not_before or utcnow(),
    )
    session.add(crawl)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="crawl.scheduled",
        object_type="crawl",
        object_id=crawl.id,
        details={
            "seeds": len(cleaned),
            "max_pages": max_pages,
            "max_depth": max_depth,
            "on_behalf_of": on_behalf_of,
            "robots_override": robots_override,
        },
    )
    return crawl


def decide_match(session: Session, *, actor: str, match_id: int, confirm: bool) -> MediaMatch:
    """An analyst's decision on a match to an unverified hash; a confirmation makes a notice."""
    match = session.get(MediaMatch, match_id, with_for_update=True)
    if match is None:
        raise errors.NotFound(f"no match {match_id}", code="unknown_match")
    if match.status != "pending":
        raise errors.InvalidTransition(f"match {match_id} is already {match.status}")
    media = session.get(FoundMedia, match.media_id)
    assert media is not None
    match.status = "confirmed" if confirm else "rejected"
    match.decided_by, match.decided_at = actor, utcnow()
    audit.record(
        session,
        actor=actor,
        action="crawl_match.confirmed" if confirm else "crawl_match.rejected",
        object_type="crawl_match",
        object_id=match.id,
    )
    if confirm:
        found = Found(
            match.reference,
            match.distance,
            verified=False,
            indicator_id=match.indicator_id,
            list_name=match.list_name or match.matcher,
        )
        intake.add_sighting(session, sighting_of(media, [found]))
    return match
