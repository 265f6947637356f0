"""Demo crawl results: a finished crawl of the demo hosts whose matched demo images (benign
patterns that are verified demo indicators) became notices: one sent twice and still online,
one removed after 30 hours, one escalated to the German demo authority. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.demo.media import write_demo_images
from eucentre.indicators import repository as indicators
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.crypto import sha256_hex
from eucentre.kit.time import utcnow
from eucentre.media.hashing import hash_file
from eucentre.notices import intake, repository
from eucentre.notices.demo import EMAIL_HOST, PROVIDER_HOST
from eucentre.notices.models import Host, Notice, NoticeItem, NoticeSend
from eucentre.search.models import Crawl, FoundMedia, MediaMatch

DEMO_ACTOR = "demo"
SEED = f"https://{PROVIDER_HOST}/"


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    present = session.scalar(
        select(func.count()).select_from(Crawl).where(Crawl.requested_by == DEMO_ACTOR)
    )
    if present:
        return []
    now = utcnow()
    crawl = Crawl(
        seeds=[SEED],
        status="finished",
        max_pages=100,
        max_depth=3,
        requested_by=DEMO_ACTOR,
        reason="demo",
        not_before=now - timedelta(days=9),
        started_at=now - timedelta(days=9),
        finished_at=now - timedelta(days=9) + timedelta(minutes=4),
        pages=42,
        media=118,
        stop_reason="done",
    )
    session.add(crawl)
    session.flush()
    placed = [
        (f"https://{PROVIDER_HOST}/albums/7/img-0412.jpg", 2, None),
        (f"https://{PROVIDER_HOST}/albums/9/img-0107.jpg", 1, 30),
        (f"https://cdn.{EMAIL_HOST}/u/5f3a/pic.png", 9, None),
    ]
    images = write_demo_images(media_dir)
    for (url, days_ago, removed_after_hours), path in zip(placed, images, strict=False):
        record = hash_file(path)
        indicator = indicators.by_value(session, "pdq", record["pdq"])
        data = path.read_bytes()
        media = FoundMedia(
            crawl_id=crawl.id,
            url=url,
            url_digest=sha256_hex(url),
            page_url=url.rsplit("/", 1)[0] + "/",
            host_name=url.split("/")[2],
            media_type="image",
            md5=record["md5"],
            sha256=record["sha256"],
            pdq=record["pdq"],
            quality=record["pdq_quality"],
            blob_id=blobs.put(data),
        )
        session.add(media)
        session.flush()
        session.add(
            MediaMatch(
                media_id=media.id,
                matcher="indicators",
                reference=str(indicator.id) if indicator else "",
                indicator_id=indicator.id if indicator else None,
                list_name="known_material",
                status="confirmed",
            )
        )
        crawl.matched += 1
        item = intake.add_sighting(
            session,
            intake.Sighting(
                url=url,
                host_name=media.host_name,
                page_url=media.page_url,
                indicator_ids=[indicator.id] if indicator else [],
                lists=["known_material"],
                md5=media.md5,
                pdq=media.pdq,
                source=f"search:media:{media.id}",
                detected_at=now - timedelta(days=days_ago),
            ),
        )
        if item is None or item.notice_id is None:
            continue
        _sent(session, item, days_ago=days_ago, removed_after_hours=removed_after_hours)
    return [f"demo crawl {crawl.id} with {crawl.matched} matched images and their notices"]


def _sent(
    session: Session, item: NoticeItem, *, days_ago: int, removed_after_hours: int | None
) -> None:
    """Back-date the notice's sends, as if the outbox had sent it daily since `days_ago`."""
    now = utcnow()
    notice = session.get(Notice, item.notice_id)
    assert notice is not None
    first = now - timedelta(days=days_ago) + timedelta(minutes=5)
    sends = [first + timedelta(days=n) for n in range(max(days_ago, 1))]
    if removed_after_hours is not None:
        sends = sends[:2]
    host = session.get(Host, notice.host_id)
    channel = "api" if host is not None and host.organisation_id else "email"
    if host is None:
        recipient = ""
    elif channel == "api":
        recipient = f"organisation:{host.organisation_id}"
    else:
        recipient = host.abuse_email or ""
    if notice.sends:
        sends = []  # the same notice (one per host per day): its sends are made
    for number, at in enumerate(sends, start=1):
        session.add(
            NoticeSend(
                notice_id=notice.id,
                at=at,
                channel=channel,
                recipient=recipient,
                urls=1,
                number=number,
            )
        )
    message = repository.open_message(session, notice)
    if sends:
        notice.first_detected_at = now - timedelta(days=days_ago)
        notice.first_sent_at, notice.last_sent_at, notice.sends = sends[0], sends[-1], len(sends)
        if message is not None:
            message.sends, message.last_sent_at = len(sends), sends[-1]
            message.next_attempt_at = sends[-1] + timedelta(days=1)
    first = notice.first_sent_at or first
    if removed_after_hours is not None:
        item.status = repository.REMOVED
        item.removed_at = first + timedelta(hours=removed_after_hours)
        item.removal_reason = "gone_404"
        item.next_check_at = item.removed_at + timedelta(days=1)
    elif days_ago > 7 and host is not None and host.country:
        authority = repository.authority_of_country(session, host.country)
        if authority is not None:
            notice.escalated_at = first + timedelta(days=7, hours=1)
            notice.escalated_to = authority.id
    intake.refresh(session, notice)
