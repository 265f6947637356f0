"""From a confirmed match to a notice: each URL becomes an item, bundled into its host's notice
of the day (one per host per day; a re-upload of earlier noticed material gets its own, linked
with `reupload_of`). A URL whose host is unknown waits, listed for analysts, until its host is
added. A notice with something to send gets one outbox message, which re-sends it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from eucentre.kit.crypto import sha256_hex
from eucentre.kit.time import utcnow
from eucentre.notices import hosts, repository
from eucentre.notices.models import Notice, NoticeItem
from eucentre.notices.timeline import NOTICE_TIMELINE
from eucentre.platform import outbox

SEND_KIND = "notice.send"
SYSTEM = "system:notices"
# How often an online URL is re-fetched to see whether it was removed.
RECHECK_ONLINE = timedelta(hours=6)


@dataclass(frozen=True)
class Sighting:
    """Matching media at a URL, as the crawler (or an analyst's confirmation) reports it."""

    url: str
    host_name: str
    page_url: str = ""
    address: str | None = None
    indicator_ids: Sequence[int] = field(default_factory=tuple)
    lists: Sequence[str] = field(default_factory=tuple)
    md5: str | None = None
    pdq: str | None = None
    source: str = ""
    detected_at: datetime | None = None


def add_sighting(session: Session, sighting: Sighting) -> NoticeItem | None:
    """The new item, or None when this URL is already noticed and still online."""
    digest = sha256_hex(sighting.url)
    if repository.online_item_at(session, digest) is not None:
        return None
    now = utcnow()
    earlier = repository.earlier_removed(
        session, indicator_ids=list(sighting.indicator_ids), md5=sighting.md5
    )
    item = NoticeItem(
        host_name=sighting.host_name[:253],
        address=sighting.address,
        url=sighting.url,
        url_digest=digest,
        page_url=sighting.page_url,
        indicator_ids=sorted(set(sighting.indicator_ids)),
        lists=sorted(set(sighting.lists)),
        md5=sighting.md5,
        pdq=sighting.pdq,
        source=sighting.source[:60],
        detected_at=sighting.detected_at or now,
        reupload_of=earlier.notice_id if earlier is not None else None,
        next_check_at=now + RECHECK_ONLINE,
    )
    session.add(item)
    session.flush()
    from eucentre.notices import holds

    holds.apply_to_new(session, item, now=now)
    bundle(session, item, now=now)
    return item


def bundle(session: Session, item: NoticeItem, *, now: datetime) -> Notice | None:
    """Put the item into its host's notice of the day (None: the host is unknown)."""
    host = hosts.host_for(session, item.host_name, item.address)
    if host is None:
        return None
    key = f"{host.id}:{now.date().isoformat()}"
    if item.reupload_of is not None:
        key += f":re{item.reupload_of}"
    notice = repository.notice_by_key(session, key)
    if notice is None:
        notice = Notice(
            host_id=host.id,
            bundle_key=key,
            reupload_of=item.reupload_of,
            first_detected_at=item.detected_at,
        )
        session.add(notice)
        session.flush()
        NOTICE_TIMELINE.append(
            session,
            notice.id,
            actor=SYSTEM,
            kind="created",
            message="Re-upload of earlier noticed material." if item.reupload_of else "",
            details={"reupload_of": item.reupload_of},
        )
    else:
        NOTICE_TIMELINE.append(session, notice.id, actor=SYSTEM, kind="extended")
    item.notice_id = notice.id
    session.flush()
    refresh(session, notice)
    return notice


def bundle_waiting(session: Session, *, now: datetime) -> int:
    """Bundle the URLs that waited for a host that is now known."""
    done = 0
    for item in repository.unknown_host_items(session, limit=10_000):
        if bundle(session, item, now=now) is not None:
            done += 1
    return done


def status_of(notice: Notice, items: Sequence[NoticeItem]) -> str:
    online = [i for i in items if i.status == repository.ONLINE]
    if items and not online:
        return "removed"
    if online and all(i.hold_id is not None for i in online):
        return "held"
    if notice.removal_claimed_at is not None:
        return "removal_claimed"
    if notice.acknowledged_at is not None:
        return "acknowledged"
    if notice.first_sent_at is not None:
        return "sent"
    return "pending"


def to_send(items: Sequence[NoticeItem]) -> list[NoticeItem]:
    """What a send names: the URLs still online and not held back."""
    return [i for i in items if i.status == repository.ONLINE and i.hold_id is None]


def refresh(session: Session, notice: Notice) -> None:
    """Derive the status from the items, and make sure a notice with URLs to send has an open
    outbox message (a new one after a hold ends or a URL reappears)."""
    items = repository.items(session, notice.id)
    notice.status = status_of(notice, items)
    if notice.status == "removed":
        if notice.removed_at is None:
            notice.removed_at = max((i.removed_at or utcnow()) for i in items)
        return
    notice.removed_at = None
    if to_send(items) and repository.open_message(session, notice) is None:
        message = outbox.put(session, SEND_KIND, {"notice_id": notice.id})
        session.flush()
        notice.outbox_message_id = message.id
