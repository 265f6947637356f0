"""A reporting round's timeline: every change to the round and to the figures sent to it."""

from __future__ import annotations

from eucentre.monitoring.models import MonitoringEvent
from eucentre.platform.timeline import Timeline

ROUND_TIMELINE = Timeline(
    MonitoringEvent,
    "round_id",
    kinds=frozenset(
        {
            "opened",
            "deadline_changed",
            "submitted",
            "published",
            "rejected",
            "closed",
            "reopened",
        }
    ),
)
