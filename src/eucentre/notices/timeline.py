"""The notice's timeline: its kinds of event."""

from __future__ import annotations

from eucentre.notices.models import NoticeEvent
from eucentre.platform.timeline import Timeline

NOTICE_TIMELINE = Timeline(
    NoticeEvent,
    "notice_id",
    kinds=frozenset(
        {
            "created",
            "extended",
            "sent",
            "acknowledged",
            "removal_claimed",
            "url_removed",
            "removed",
            "reappeared",
            "escalated",
            "held",
            "released",
        }
    ),
)
