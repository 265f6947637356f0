"""Staff pages of the crawler: crawls and scheduling one (seeds, per-crawl limits, an authority's
request, the recorded robots.txt override), a crawl's matched media, and the queue of matches to
unverified hashes that analysts confirm (with a confirmation step) or reject."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth import repository as organisations
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import OrganisationKind, Role
from eucentre.search import frontier, repository, service
from eucentre.search.models import Crawl, FoundMedia
from eucentre.web.previews import preview_response
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/search", include_in_schema=False)
ANALYSTS = {Role.analyst, Role.senior_analyst}
READERS = allow(roles=ANALYSTS | {Role.auditor}, page=True)
ACT = allow(roles=ANALYSTS, page=True)


def _authorities(session: Session) -> list:  # type: ignore[type-arg]
    return [o for o in organisations.organisations(session) if o.kind == OrganisationKind.authority]


@router.get("", response_class=HTMLResponse)
def index(
    request: Request,
    scheduled: int | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READERS),
) -> HTMLResponse:
    settings = request.app.state.settings
    return render(
        request,
        "search_index.html",
        {
            "crawls": repository.crawls(session),
            "pending": len(repository.pending(session)),
            "authorities": _authorities(session),
            "may_act": principal.role in ANALYSTS,
            "may_override": principal.role is Role.senior_analyst,
            "defaults": {"pages": settings.crawl_max_pages, "depth": settings.crawl_max_depth},
            "scheduled": scheduled,
        },
    )


@router.post("/crawls", response_model=None)
def schedule(
    seeds: str = Form(..., max_length=20_000),
    max_pages: int = Form(..., ge=1, le=service.MAX_PAGES),
    max_depth: int = Form(..., ge=0, le=service.MAX_DEPTH),
    on_behalf_of: str = Form("", max_length=12),
    reason: str = Form("", max_length=2000),
    robots_override: bool = Form(False),
    override_reason: str = Form("", max_length=2000),
    session: Session = Depends(get_session),
    principal: Principal = Depends(ACT),
) -> RedirectResponse:
    if robots_override and principal.role is not Role.senior_analyst:
        raise errors.Forbidden(
            "only a senior analyst may authorise a robots.txt override", code="override_forbidden"
        )
    authority = int(on_behalf_of) if on_behalf_of.isdigit() else None
    crawl = service.schedule(
        session,
        actor=principal.actor,
        seeds=seeds.splitlines(),
        max_pages=max_pages,
        max_depth=max_depth,
        on_behalf_of=authority,
        reason=reason,
        robots_override=robots_override,
        override_reason=override_reason,
    )
    return RedirectResponse(f"/staff/search?scheduled={crawl.id}", status_code=303)


@router.get("/crawls/{crawl_id}", response_class=HTMLResponse)
def crawl_detail(
    crawl_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(READERS),
) -> HTMLResponse:
    crawl = session.get(Crawl, crawl_id)
    if crawl is None:
        raise errors.NotFound(f"no crawl {crawl_id}", code="unknown_crawl")
    media = repository.media_of(session, crawl_id)
    return render(
        request,
        "search_crawl.html",
        {
            "crawl": crawl,
            "counts": frontier.counts(session, crawl_id),
            "media": media,
            "matches": repository.matches_of(session, [m.id for m in media]),
        },
    )


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    decided: str = "",
    session: Session = Depends(get_session),
    principal: Principal = Depends(READERS),
) -> HTMLResponse:
    return render(
        request,
        "search_queue.html",
        {
            "rows": repository.pending(session),
            "may_act": principal.role in ANALYSTS,
            "decided": decided if decided in ("confirmed", "rejected") else "",
        },
    )


@router.post("/matches/{match_id}/decide", response_model=None)
def decide(
    match_id: RecordId,
    request: Request,
    decision: str = Form(..., max_length=10),
    confirmed: str = Form("", max_length=3),
    session: Session = Depends(get_session),
    principal: Principal = Depends(ACT),
) -> Response:
    if decision not in ("confirm", "reject"):
        raise errors.UnprocessableEntity("decision: confirm or reject", code="invalid_decision")
    if confirmed != "yes":
        # A weighty step: say what will happen, and ask again.
        return render(
            request,
            "search_confirm.html",
            {"match_id": match_id, "decision": decision},
        )
    match = service.decide_match(
        session, actor=principal.actor, match_id=match_id, confirm=decision == "confirm"
    )
    return RedirectResponse(f"/staff/search/queue?decided={match.status}", status_code=303)


@router.get("/media/{media_id}", response_model=None)
def media_preview(
    media_id: RecordId,
    request: Request,
    reveal: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READERS),
) -> Response:
    media = session.get(FoundMedia, media_id)
    if media is None or not media.blob_id:
        raise errors.NotFound("the file is no longer kept", code="media_deleted")
    return preview_response(
        request,
        session,
        principal=principal,
        blob_id=media.blob_id,
        reveal=reveal,
        audit_action="crawl_media.revealed",
        object_type="crawl_media",
        object_id=media.id,
    )
