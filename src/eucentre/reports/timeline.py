"""The report's timeline: its kinds of event (events marked `for_provider` are the provider's
feedback)."""

from __future__ import annotations

from eucentre.models import ReportEvent
from eucentre.platform.timeline import Timeline
from eucentre.rules.report_status import Status

REPORT_TIMELINE = Timeline(
    ReportEvent,
    "report_id",
    kinds=frozenset(
        {
            "received",
            "files_added",
            "assessed",
            "unfounded",
            "referred",
            "candidates_created",
            "information_requested",
            "information_received",
            "hold",
            "authority_outcome",
            "erroneous",
            "files_deleted",
            "cpu_budget_exceeded",
        }
        | {f"status.{status.value}" for status in Status}
    ),
)
