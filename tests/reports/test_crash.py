"""Killing the worker in the middle of assessments loses nothing and duplicates nothing."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import Bundle, OrganisationKind, OutboxMessage, Referral, Report, ReportMatch
from eucentre.reports import intake, repository
from eucentre.reports.schemas import ReportIn
from eucentre.rules.report_status import Status
from eucentre.worker import TaskQueue
from tests.conftest import TEST_SECRET
from tests.factories import make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body

# Enough work, done by one worker thread, that a kill after the first reports lands mid-way
# even when the test process is starved of CPU by a parallel test run.
REPORTS = 48


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_killed_worker_loses_and_duplicates_nothing(database, settings, session_factory) -> None:
    settings = settings.model_copy(update={"tasks_immediate": False})
    blobs = blob_store(settings)
    image = png(1)
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="DE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        verified(session, hash_bytes(image)["pdq"])
        principal = Principal(
            kind=PrincipalKind.provider, organisation_id=provider.id, api_key_id=1
        )
        ids = []
        for n in range(REPORTS):
            # Every other report carries the known image; the rest carry distinct new patterns.
            upload = intake.Upload("a.png", image if n % 2 == 0 else png(100 + n))
            report, _ = intake.submit(
                session,
                provider=principal,
                report_in=ReportIn.model_validate(report_body(provider_reference=f"r{n}")),
                uploads=[upload],
                idempotency_key=None,
                fingerprint=str(n),
                files_follow=False,
                source_format="json",
                blobs=blobs,
                secret=settings.secret,
            )
            ids.append(report.id)
    queue = TaskQueue(settings, session_factory=session_factory)
    for report_id in ids:
        queue.assess_report(report_id)  # into the SQLite task queue, for the worker process

    env = {
        **os.environ,
        "EUCENTRE_DATABASE_URL": database.url,
        "EUCENTRE_DATA_DIR": str(settings.data_dir),
        "EUCENTRE_SECRET_KEY": TEST_SECRET,
        "EUCENTRE_ENVIRONMENT": "test",
        "EUCENTRE_WORKER_THREADS": "1",
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "eucentre"), "worker", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with transaction(session_factory) as session:
                done = session.scalar(
                    select(func.count())
                    .select_from(Report)
                    .where(Report.status.not_in([Status.received, Status.assessing]))
                )
            if done >= 2:
                break
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)  # no chance to finish anything
    finally:
        worker.wait(timeout=30)
    with transaction(session_factory) as session:
        # The killed worker renews its lease no more: let it run out, as it would a minute on.
        session.execute(
            update(Report)
            .where(Report.lease_until.is_not(None))
            .values(lease_until=time_now() - timedelta(seconds=1))
        )
    with transaction(session_factory) as session:
        unfinished = count(session, Report) - session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.status.not_in([Status.received, Status.assessing]))
        )
        # What the sweeper would re-enqueue (its age threshold set to now).
        stuck = repository.stuck(
            session, statuses=(Status.received, Status.assessing), before=time_now(), limit=1000
        )
    assert 0 < unfinished < REPORTS, "the kill should land in the middle of the work"
    assert len(stuck) == unfinished
    for report_id in stuck:
        queue.run("assess_report", report_id)  # the sweeper's resume, run here
    queue.run("relay_outbox")

    with transaction(session_factory) as session:
        statuses = [r.status for r in session.scalars(select(Report))]
        matches_per_report = dict(
            session.execute(
                select(ReportMatch.report_id, func.count()).group_by(ReportMatch.report_id)
            ).all()
        )
        referrals = count(session, Referral)
        bundles = session.scalars(select(Bundle).where(Bundle.report_count > 1)).all()
        undelivered = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None))
        )
    assert len(statuses) == REPORTS  # nothing lost
    assert Status.received not in statuses and Status.assessing not in statuses
    assert set(matches_per_report.values()) == {1}  # one match per matching report, none doubled
    assert len(matches_per_report) == REPORTS // 2
    assert [b.report_count for b in bundles] == [REPORTS // 2]  # the known image: one bundle
    assert referrals == 2  # that bundle to DE and to Europol, once each
    assert undelivered == 0


def time_now():
    from eucentre.kit.time import utcnow

    return utcnow()
