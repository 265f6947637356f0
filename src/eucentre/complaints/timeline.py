"""The complaint's timeline: its kinds of event."""

from __future__ import annotations

from eucentre.models import ComplaintEvent
from eucentre.platform.timeline import Timeline

COMPLAINT_TIMELINE = Timeline(
    ComplaintEvent,
    "complaint_id",
    kinds=frozenset(
        {
            "received",
            "uphold_proposed",
            "upheld",
            "effects",
            "rejected",
            "reinstatement_acknowledged",
        }
    ),
)
