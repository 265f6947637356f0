"""What other domains find about a report while it is assessed, without reports importing them.

A domain registers a callable for the manifest hook ASSESSED; the assessment calls it in its
deciding transaction, after matching and triage, as `hook(session, report, items)`, and it
returns findings: a reason the analysts read (in the report's timeline, which stays in the
Centre: unlike the triage reasons, it never reaches the provider or an authority's package) and,
when the report should be seen sooner, a priority (lower is earlier; the report takes the
earliest). A finding never changes the triage outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre.models import Report, ReportItem

ASSESSED = "reports.assessed"


@dataclass(frozen=True)
class Finding:
    reason: str
    priority: int | None = None


Hook = Callable[[Session, Report, Sequence[ReportItem]], Sequence[Finding]]


def registered() -> tuple[Hook, ...]:
    from eucentre.domains import installed

    return installed().hooks(ASSESSED)


def apply(report: Report, findings: Sequence[Finding]) -> list[str]:
    """Set the report's priority from the findings; their reasons, for the timeline."""
    for finding in findings:
        if finding.priority is not None:
            report.priority = min(report.priority, finding.priority)
    return [finding.reason for finding in findings]
