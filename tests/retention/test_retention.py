"""Retention over the real flow: a provider reports over HTTP, the Centre refers, time passes,
and the files go while their hashes stay; holds and indicators in use keep them."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.domains import installed
from eucentre.indicators import service as indicators
from eucentre.indicators.service import NewCandidate
from eucentre.kit.time import utcnow
from eucentre.media.hashing import hash_bytes
from eucentre.models import (
    AuditEntry,
    Bundle,
    Indicator,
    IndicatorEvent,
    OrganisationKind,
    Referral,
    Report,
    ReportEvent,
    ReportItem,
    Role,
)
from eucentre.models.base import Base
from eucentre.retention import service as retention
from eucentre.rules.indicator_status import Action
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.indicators.test_pages import staff_client
from tests.reports.helpers import png, submit

YEAR = timedelta(days=365)


@pytest.fixture
def world(session_factory):
    return make_world(session_factory)


def make_world(session_factory) -> dict[str, str]:
    """A provider (IE), the German authority, Europol, and a verified indicator of png(1)."""
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        keys = {"provider": make_key(session, provider), "de": make_key(session, de)}
        verified(session, hash_bytes(png(1))["pdq"])
    return keys


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def report_and_refer(live, keys) -> tuple[int, dict]:
    """A known image reported over HTTP: referred, with a package for the German authority."""
    with live.client() as client:
        created = submit(client, keys["provider"], files=[png(1)])
        assert created.status_code == 201, created.text
        inbox = client.get("/api/v1/referrals", headers=bearer(keys["de"])).json()["referrals"]
    assert len(inbox) == 1 and inbox[0]["package_sha256"]
    return int(created.json()["id"]), inbox[0]


def age_everything(session_factory, by: timedelta) -> None:
    """Move every receipt back in time, as if `by` had passed."""
    with transaction(session_factory) as session:
        for report in session.scalars(select(Report)):
            report.received_at = report.received_at - by
        for bundle in session.scalars(select(Bundle)):
            bundle.first_report_at = bundle.first_report_at - by
        session.execute(update(Indicator).values(created_at=utcnow() - by))


def stored_blobs(session_factory) -> tuple[list[str], list[str]]:
    with transaction(session_factory) as session:
        files = [b for b in session.scalars(select(ReportItem.blob_id)) if b]
        packages = [b for b in session.scalars(select(Referral.package_blob_id)) if b]
    return files, packages


def enforce(live, **kw):
    return retention.enforce(
        live.app.state.session_factory,
        blobs=blob_store(live.settings),
        retention=live.settings.retention,
        **kw,
    )


def test_expired_files_and_packages_are_deleted_and_their_hashes_kept(
    live, world, session_factory
) -> None:
    report_id, referral = report_and_refer(live, world)
    files, packages = stored_blobs(session_factory)
    blobs = blob_store(live.settings)
    assert files and packages and all(blobs.exists(b) for b in files + packages)

    untouched = enforce(live)
    assert untouched.files_deleted == untouched.packages_deleted == 0
    assert all(blobs.exists(b) for b in files + packages)

    age_everything(session_factory, YEAR + timedelta(days=1))
    run = enforce(live)
    assert (run.files_deleted, run.packages_deleted) == (len(files), len(packages))
    assert not any(blobs.exists(b) for b in files + packages)

    with transaction(session_factory) as session:
        item = session.scalars(select(ReportItem).where(ReportItem.report_id == report_id)).one()
        assert item.blob_id is None and item.file_deleted_at is not None
        # What was learnt stays.
        assert item.value_of("pdq") == hash_bytes(png(1))["pdq"] and item.value_of("sha256")
        events = session.scalars(
            select(ReportEvent.kind).where(ReportEvent.report_id == report_id)
        ).all()
        assert events[-1] == "files_deleted"
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"report.files_deleted", "referral.package_deleted"} <= actions

    with live.client() as client:
        download = client.get(
            f"/api/v1/referrals/{referral['id']}/package", headers=bearer(world["de"])
        )
        assert download.status_code == 410
        assert download.json()["error"] == "package_deleted"
        again = client.get(f"/api/v1/referrals/{referral['id']}", headers=bearer(world["de"]))
        assert again.json()["package_deleted_at"] is not None
        status = client.get(f"/api/v1/reports/{report_id}", headers=bearer(world["provider"]))
        assert status.status_code == 200 and status.json()["files"]["count"] == 1

    analyst, _ = staff_client(live, session_factory, Role.analyst)
    with analyst:
        page = analyst.get(f"/staff/reports/{report_id}")
        assert page.status_code == 200
        assert "File deleted at the end of its retention" in page.text
        assert f"/staff/reports/{report_id}/files/" not in page.text
        assert analyst.get(f"/staff/reports/{report_id}/files/{item.id}").status_code == 404

    assert enforce(live).files_deleted == 0  # idempotent


def test_an_authoritys_hold_keeps_the_files_until_it_ends(live, world, session_factory) -> None:
    report_id, referral = report_and_refer(live, world)
    hold_until = datetime.now(UTC) + timedelta(days=200)
    with live.client() as client:
        held = client.post(
            f"/api/v1/referrals/{referral['id']}/hold",
            headers=bearer(world["de"]),
            json={"until": hold_until.isoformat(), "reason": "investigation under way"},
        )
        assert held.status_code == 200, held.text
    age_everything(session_factory, YEAR + timedelta(days=1))
    files, _ = stored_blobs(session_factory)
    with transaction(session_factory) as session:
        held_package = session.get(Referral, int(referral["id"])).package_blob_id
    blobs = blob_store(live.settings)

    kept = enforce(live)
    # The files and the holding authority's package stay; Europol's copy, under no hold, goes.
    assert (kept.files_deleted, kept.packages_deleted) == (0, 1)
    assert kept.kept_by_hold_or_indicator == len(files) + 1
    assert all(blobs.exists(b) for b in [*files, held_package])

    after_the_hold = enforce(live, now=hold_until + timedelta(days=1))
    assert after_the_hold.files_deleted == len(files)
    assert not any(blobs.exists(b) for b in files)


def test_an_indicator_in_use_keeps_its_source_file_until_it_is_retired(
    live, world, session_factory
) -> None:
    report_id, _ = report_and_refer(live, world)
    with transaction(session_factory) as session:
        item = session.scalars(select(ReportItem).where(ReportItem.report_id == report_id)).one()
        candidate, _ = indicators.create(
            session,
            actor="user:analyst",
            source_kind="assessment",
            source_name=f"report {report_id}",
            candidate=NewCandidate("md5", item.value_of("md5"), blob_id=item.blob_id),
        )
        blob_id = item.blob_id
    age_everything(session_factory, YEAR + timedelta(days=1))
    blobs = blob_store(live.settings)

    assert enforce(live).files_deleted == 0
    assert blobs.exists(blob_id)

    with transaction(session_factory) as session:
        indicators.decide(
            session,
            actor="user:analyst",
            indicator_id=candidate.id,
            action=Action.retire,
            reason="duplicate of an existing indicator",
        )
    assert enforce(live).files_deleted == 1
    assert not blobs.exists(blob_id)
    with transaction(session_factory) as session:
        assert session.get(Indicator, candidate.id).source_blob_id is None
        kinds = session.scalars(
            select(IndicatorEvent.kind).where(IndicatorEvent.indicator_id == candidate.id)
        ).all()
        assert kinds[-1] == "source_deleted"


def test_a_dry_run_counts_and_changes_nothing(live, world, session_factory) -> None:
    report_and_refer(live, world)
    age_everything(session_factory, YEAR + timedelta(days=1))
    files, packages = stored_blobs(session_factory)
    run = enforce(live, dry_run=True)
    assert (run.files_deleted, run.packages_deleted) == (len(files), len(packages))
    assert stored_blobs(session_factory) == (files, packages)
    assert all(blob_store(live.settings).exists(b) for b in files + packages)


def test_orphaned_blobs_are_swept_once_old_enough(settings, session_factory) -> None:
    blobs = blob_store(settings)
    old = datetime.now(UTC) - timedelta(days=3)
    orphan, young_orphan, kept = blobs.put(b"left by a rollback"), blobs.put(b"new"), None
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        kept = blobs.put(b"referred to")
        indicators.create(
            session,
            actor="test",
            source_kind="analyst",
            source_name="test",
            candidate=NewCandidate("md5", "0" * 32, blob_id=kept),
        )
        assert provider.id
    stale_tmp = settings.blob_dir / orphan[:2] / ".tmp-crashed"
    stale_tmp.write_bytes(b"half written")
    for blob_id in (orphan, kept):
        path = settings.blob_dir / blob_id[:2] / blob_id
        os.utime(path, (old.timestamp(), old.timestamp()))
    os.utime(stale_tmp, (old.timestamp(), old.timestamp()))

    assert (
        retention.sweep_orphans(
            session_factory, blobs=blobs, older_than=timedelta(days=1), dry_run=True
        )
        == 1
    )
    assert blobs.exists(orphan) and stale_tmp.exists()  # a dry run changes nothing
    swept = retention.sweep_orphans(session_factory, blobs=blobs, older_than=timedelta(days=1))
    assert swept == 1
    assert not blobs.exists(orphan) and not stale_tmp.exists()
    assert blobs.exists(young_orphan) and blobs.exists(kept)


def test_every_column_holding_blob_ids_is_known_to_the_orphan_sweep() -> None:
    known = {(column.class_.__table__.name, column.key) for column in installed().blob_references}
    holding = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("blob_id")
    }
    assert holding == known
