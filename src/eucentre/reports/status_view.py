"""What a provider may read about its own report: status, feedback, hashes; never content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.models import Report
from eucentre.reports import repository
from eucentre.reports.schemas import FeedbackKind, FeedbackOut, FilesOut, HashOut, ReportStatusOut
from eucentre.signals import registry

# Timeline kinds shown to providers, and the feedback kind each becomes.
FEEDBACK_KINDS: dict[str, FeedbackKind] = {
    "received": "received",
    "unfounded": "unfounded",
    "information_requested": "more_information_requested",
    "referred": "referred",
    "hold": "referred",
    "erroneous": "erroneous",
    "closed": "closed",
}


def status_for_provider(session: Session, report: Report) -> ReportStatusOut:
    items = repository.items(session, report.id)
    # Strongest evidence first, as bundling weighs them.
    shown = sorted(registry.in_reports(), key=lambda s: s.bundle_rank)
    hashes = []
    for item in items:
        for signal_type in shown:
            value = item.value_of(signal_type.name)
            if value:
                hashes.append(HashOut(signal=signal_type.name, value=value))
    feedback = [
        FeedbackOut(
            at=as_utc(event.at),
            kind=FEEDBACK_KINDS.get(event.kind, "received"),
            message=event.message,
        )
        for event in repository.events(session, report.id, for_provider=True)
        if event.kind in FEEDBACK_KINDS
    ]
    return ReportStatusOut(
        id=str(report.id),
        status=report.status,
        provider_reference=report.provider_reference,
        received_at=as_utc(report.received_at),
        feedback=feedback,
        files=FilesOut(count=sum(1 for i in items if i.kind == "file"), hashes=hashes),
    )
