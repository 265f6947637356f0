"""A catalogue record's timeline: its kinds of event."""

from __future__ import annotations

from eucentre.platform.timeline import Timeline
from eucentre.prevention.models import PreventionRecordEvent

RECORD_TIMELINE = Timeline(
    PreventionRecordEvent,
    "record_id",
    kinds=frozenset(
        {
            "created",
            "imported",
            "edited",
            "submitted",
            "returned",
            "approved",
            "withdrawn",
            "confirmed",
            "flagged_unreviewed",
        }
    ),
)
