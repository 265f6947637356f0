"""What a victim's case may learn of its material (its `information`): the notices naming URLs
that matched its indicators, and whether each was removed. Only ids, statuses and times; never
the URLs' hosts' contacts. For the victims' domain to call (it imports this; this imports no
victims code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.notices import repository
from eucentre.notices.models import Notice


@dataclass(frozen=True)
class MaterialNotice:
    notice_id: int
    status: str
    urls: int
    urls_removed: int
    first_sent_at: datetime | None
    removed_at: datetime | None
    reupload_of: int | None


def for_indicators(session: Session, indicator_ids: Sequence[int]) -> list[MaterialNotice]:
    """The notices about material matching any of these indicators, oldest first."""
    by_notice: dict[int, list[bool]] = {}
    for item in repository.items_with_indicators(session, indicator_ids):
        by_notice.setdefault(item.notice_id or 0, []).append(item.status == repository.REMOVED)
    found = []
    for notice_id in sorted(by_notice):
        notice = session.get(Notice, notice_id)
        if notice is None:
            continue
        removed = by_notice[notice_id]
        found.append(
            MaterialNotice(
                notice_id=notice.id,
                status=notice.status,
                urls=len(removed),
                urls_removed=sum(removed),
                first_sent_at=as_utc(notice.first_sent_at) if notice.first_sent_at else None,
                removed_at=as_utc(notice.removed_at) if notice.removed_at else None,
                reupload_of=notice.reupload_of,
            )
        )
    return found
