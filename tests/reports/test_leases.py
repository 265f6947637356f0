"""An assessment holds its report: a second assessment of it (the sweeper's re-enqueue, a
retry) returns without working while the first is alive, and takes over once its lease ran out.
Regression: the sweeper re-enqueued a report still being hashed, and a duplicate ran beside it."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind, Report, ReportEvent, ReportItem, ReportMatch
from eucentre.reports import intake, repository
from eucentre.reports.assessment import OVER_BUDGET, UNFINISHED, assess
from eucentre.reports.schemas import ReportIn
from eucentre.reports.tasks import assessment_context, reassess_stuck_reports
from eucentre.rules.report_status import Status
from eucentre.worker import TaskQueue
from tests.factories import make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body


class GatedBlobs:
    """The real store, whose reads wait at a gate: holds the first assessment mid-hashing."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.gate = threading.Event()

    def put(self, data: bytes) -> str:
        return self.inner.put(data)

    def get(self, blob_id: str) -> bytes:
        self.entered.set()
        assert self.gate.wait(30)
        return self.inner.get(blob_id)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.fixture
def world(settings, session_factory):
    settings = settings.model_copy(update={"tasks_immediate": False})
    blobs = blob_store(settings)
    image = png(7)
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        verified(session, hash_bytes(image)["pdq"])
        report, _ = intake.submit(
            session,
            provider=Principal(
                kind=PrincipalKind.provider, organisation_id=provider.id, api_key_id=1
            ),
            report_in=ReportIn.model_validate(report_body(provider_reference="leased")),
            uploads=[intake.Upload("a.png", image), intake.Upload("b.png", png(8))],
            idempotency_key=None,
            fingerprint="leased",
            files_follow=False,
            source_format="json",
            blobs=blobs,
            secret=settings.secret,
        )
    queue = TaskQueue(settings, session_factory=session_factory)
    return {"report_id": report.id, "context": assessment_context(queue.context), "queue": queue}


def matches(session_factory, report_id: int) -> int:
    with transaction(session_factory) as session:
        return session.scalar(
            select(func.count()).select_from(ReportMatch).where(ReportMatch.report_id == report_id)
        )


def test_of_two_concurrent_assessments_one_does_the_work(world, session_factory) -> None:
    report_id, context = world["report_id"], world["context"]
    gated = GatedBlobs(context.blobs)
    # A lease shorter than the wait below: only the heartbeat keeps the first one's hold.
    first_context = replace(context, blobs=gated, lease=timedelta(seconds=1.5))
    results: list[str | None] = []
    first = threading.Thread(target=lambda: results.append(assess(first_context, report_id)))
    first.start()
    try:
        assert gated.entered.wait(30)
        threading.Event().wait(3)  # two lease lengths: the heartbeat has renewed it
        with transaction(session_factory) as session:
            assert (
                repository.stuck(session, statuses=UNFINISHED, before=utcnow(), limit=10) == []
            )  # what the sweeper sees: work in progress, not a crash
        assert reassess_stuck_reports(world["queue"].context) == 0
        assert assess(context, report_id) is None  # the second returns without working
        with transaction(session_factory) as session:
            hashed = session.scalars(
                select(ReportItem.hashed).where(ReportItem.report_id == report_id)
            ).all()
        assert hashed == [False, False]
    finally:
        gated.gate.set()
        first.join(60)
    assert results == [Status.referred]
    assert matches(session_factory, report_id) == 1
    with transaction(session_factory) as session:
        report = session.get(Report, report_id)
        assert report.lease_owner is None and report.lease_until is None  # released


def test_a_lease_past_its_expiry_is_taken_over(world, session_factory) -> None:
    report_id, context = world["report_id"], world["context"]
    with transaction(session_factory) as session:
        now = utcnow()
        # A worker that died mid-assessment: its lease is held, then runs out.
        assert repository.take_lease(
            session,
            report_id,
            owner="dead-worker",
            until=now + timedelta(minutes=1),
            now=now,
            statuses=UNFINISHED,
        )
    assert assess(context, report_id) is None  # still held
    with transaction(session_factory) as session:
        session.get(Report, report_id).lease_until = utcnow() - timedelta(seconds=1)
        session.get(Report, report_id).status_changed_at = utcnow() - timedelta(minutes=5)
    with transaction(session_factory) as session:
        assert repository.stuck(session, statuses=UNFINISHED, before=utcnow(), limit=10) == [
            report_id
        ]
    assert assess(context, report_id) == Status.referred
    assert matches(session_factory, report_id) == 1
    with transaction(session_factory) as session:
        assert session.get(Report, report_id).lease_owner is None


def test_a_report_over_its_cpu_budget_stops_with_the_rest_marked(world, session_factory) -> None:
    """Each file is bounded by the media limits; the budget bounds how many one report makes a
    worker hash. Past it the files left are marked, the timeline says so, and triage knows."""
    context = replace(world["context"], cpu_budget=1e-9)  # spent by the first file
    report_id = world["report_id"]
    assert assess(context, report_id) == Status.referred  # a.png matched: still referred
    with transaction(session_factory) as session:
        items = [i for i in repository.items(session, report_id) if i.kind == "file"]
        assert [(i.hashed, i.error_code) for i in items] == [
            (True, None),
            (True, "cpu_budget_exceeded"),
        ]
        events = session.scalars(
            select(ReportEvent).where(
                ReportEvent.report_id == report_id, ReportEvent.kind == OVER_BUDGET
            )
        ).all()
        assert [e.details for e in events] == [{"files": 1, "cpu_seconds": 1e-9}]
        reasons = repository.get(session, report_id).triage_reasons
    assert any("1 file(s) could not be assessed automatically" in r for r in reasons)
