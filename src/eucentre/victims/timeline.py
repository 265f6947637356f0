"""A victim's case timeline: its kinds of event."""

from __future__ import annotations

from eucentre.platform.timeline import Timeline
from eucentre.victims.models import VictimEvent

VICTIM_TIMELINE = Timeline(
    VictimEvent,
    "case_id",
    kinds=frozenset(
        {
            "opened",
            "hashes_added",
            "report_matched",
            "indicator_matched",
            "contact_given",
            "contact_removed",
            "proposed_as_indicator",
            "withdrawn",
        }
    ),
)
