"""One timeline mechanism for every case type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eucentre.complaints.timeline import COMPLAINT_TIMELINE
from eucentre.models import ReportEvent
from eucentre.platform.timeline import UnknownEventKind
from eucentre.reports.timeline import REPORT_TIMELINE
from eucentre.rules.report_status import Status


def test_a_timeline_refuses_kinds_it_does_not_declare(session) -> None:
    with pytest.raises(UnknownEventKind, match="report_events has no event kind 'recieved'"):
        REPORT_TIMELINE.append(session, 1, actor="system", kind="recieved")
    with pytest.raises(UnknownEventKind):
        COMPLAINT_TIMELINE.append(session, 1, actor="system", kind="referred")
    assert {f"status.{s.value}" for s in Status} <= REPORT_TIMELINE.kinds


def test_events_come_back_in_order_with_their_own_columns(session) -> None:
    from eucentre.models import Report
    from tests.factories import make_organisation

    provider = make_organisation(session)
    report = Report(
        provider_id=provider.id,
        provider_reference="ref-1",
        request_fingerprint="f" * 64,
        incident_time=datetime(2026, 11, 30, tzinfo=UTC),
        incident_type="known_material",
        payload_sealed=b"",
        status="received",
    )
    session.add(report)
    session.flush()
    REPORT_TIMELINE.append(session, report.id, actor="system", kind="received")
    REPORT_TIMELINE.append(
        session, report.id, actor="user:3", kind="unfounded", message="why", for_provider=True
    )
    session.flush()
    events = REPORT_TIMELINE.history(session, report.id)
    assert [(e.kind, e.actor, e.for_provider) for e in events] == [
        ("received", "system", False),
        ("unfounded", "user:3", True),
    ]
    only_provider = REPORT_TIMELINE.history(
        session, report.id, where=[ReportEvent.for_provider.is_(True)]
    )
    assert [e.message for e in only_provider] == ["why"]
