"""Deleting received files when their retention ends (rules/retention.py decides), and blobs
that no record refers to.

The database is changed first and the files deleted after the commit: a crash in between leaves
an unreferenced blob, which the orphan sweep removes on its next run, and never a record that
points at a deleted file it believes it still has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from eucentre.audit import service as audit
from eucentre.db import transaction
from eucentre.domains import installed
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Bundle, Indicator, IndicatorEvent, Referral, Report, ReportItem
from eucentre.reports.intake import timeline
from eucentre.rules.indicator_status import Status as IndicatorStatus
from eucentre.rules.retention import StoredFile, Verdict, verdict

ACTOR = "system:retention"
BATCH = 500


@dataclass
class RetentionRun:
    files_deleted: int = 0
    packages_deleted: int = 0
    kept_by_hold_or_indicator: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "files_deleted": self.files_deleted,
            "packages_deleted": self.packages_deleted,
            "kept_by_hold_or_indicator": self.kept_by_hold_or_indicator,
        }


def enforce(
    session_factory: sessionmaker[Session],
    *,
    blobs: BlobStore,
    retention: timedelta,
    now: datetime | None = None,
    dry_run: bool = False,
) -> RetentionRun:
    """Delete every received file and referral package whose retention has ended."""
    now = now or utcnow()
    run = RetentionRun()
    for batch in (_report_files, _retired_indicator_files, _packages):
        after: int | None = 0
        while after is not None:
            with transaction(session_factory) as session:
                after, deleted = batch(session, run, now=now, retention=retention, after=after)
                if dry_run:
                    session.rollback()
            if not dry_run:
                _delete_blobs(blobs, deleted)
    return run


def _report_files(
    session: Session, run: RetentionRun, *, now: datetime, retention: timedelta, after: int
) -> tuple[int | None, list[str]]:
    """Files received with reports before the cutoff, in id order from `after`."""
    rows = session.execute(
        select(ReportItem.id, ReportItem.blob_id)
        .join(Report, Report.id == ReportItem.report_id)
        .where(
            ReportItem.id > after,
            ReportItem.blob_id.is_not(None),
            Report.received_at < now - retention,
        )
        .order_by(ReportItem.id)
        .limit(BATCH)
    ).all()
    deleted = _settle(session, run, [r.blob_id for r in rows], now=now, retention=retention)
    return (rows[-1].id if len(rows) == BATCH else None), deleted


def _retired_indicator_files(
    session: Session, run: RetentionRun, *, now: datetime, retention: timedelta, after: int
) -> tuple[int | None, list[str]]:
    """Media of retired indicators (indicators in use keep theirs)."""
    rows = session.execute(
        select(Indicator.id, Indicator.source_blob_id)
        .where(
            Indicator.id > after,
            Indicator.source_blob_id.is_not(None),
            Indicator.status == IndicatorStatus.retired,
            Indicator.created_at < now - retention,
        )
        .order_by(Indicator.id)
        .limit(BATCH)
    ).all()
    deleted = _settle(session, run, [r.source_blob_id for r in rows], now=now, retention=retention)
    return (rows[-1].id if len(rows) == BATCH else None), deleted


def _settle(
    session: Session,
    run: RetentionRun,
    blob_ids: Sequence[str],
    *,
    now: datetime,
    retention: timedelta,
) -> list[str]:
    """Decide each blob from every record that refers to it; detach the ones to delete."""
    blob_ids = sorted(set(blob_ids))
    if not blob_ids:
        return []
    items = session.execute(
        select(ReportItem, Report.received_at, Report.hold_until)
        .join(Report, Report.id == ReportItem.report_id)
        .where(ReportItem.blob_id.in_(blob_ids))
        # A hold placed meanwhile waits for this decision, or this decision sees the hold.
        .with_for_update()
    ).all()
    indicators = session.scalars(
        select(Indicator).where(Indicator.source_blob_id.in_(blob_ids))
    ).all()
    facts: dict[str, list[StoredFile]] = defaultdict(list)
    for item, received_at, hold_until in items:
        assert item.blob_id is not None  # selected by blob id
        holds = (as_utc(hold_until),) if hold_until else ()
        facts[item.blob_id].append(StoredFile(as_utc(received_at), holds))
    for indicator in indicators:
        assert indicator.source_blob_id is not None  # selected by blob id
        live = indicator.status != IndicatorStatus.retired
        facts[indicator.source_blob_id].append(
            StoredFile(as_utc(indicator.created_at), used_by_live_indicator=live)
        )
    doomed = [
        blob_id
        for blob_id in blob_ids
        if verdict(StoredFile.merged(facts[blob_id]), now=now, retention=retention)
        == Verdict.delete
    ]
    run.kept_by_hold_or_indicator += len(blob_ids) - len(doomed)
    run.files_deleted += len(doomed)
    gone = set(doomed)
    _detach_from_reports(session, [item for item, _, _ in items if item.blob_id in gone], now=now)
    _detach_from_indicators(session, [i for i in indicators if i.source_blob_id in gone])
    return doomed


def _detach_from_reports(session: Session, items: Iterable[ReportItem], *, now: datetime) -> None:
    by_report: dict[int, list[ReportItem]] = defaultdict(list)
    for item in items:
        item.blob_id = None
        item.file_deleted_at = now
        by_report[item.report_id].append(item)
    for report_id, deleted in by_report.items():
        report = session.get(Report, report_id)
        assert report is not None
        timeline(
            session,
            report,
            actor=ACTOR,
            kind="files_deleted",
            message=f"{len(deleted)} file(s) deleted at the end of their retention",
            details={"items": [item.id for item in deleted]},
        )
        audit.record(
            session,
            actor=ACTOR,
            action="report.files_deleted",
            object_type="report",
            object_id=report_id,
            details={"files": len(deleted)},
        )


def _detach_from_indicators(session: Session, indicators: Iterable[Indicator]) -> None:
    for indicator in indicators:
        indicator.source_blob_id = None
        session.add(
            IndicatorEvent(
                indicator_id=indicator.id,
                actor=ACTOR,
                kind="source_deleted",
                reason="the source file's retention ended",
            )
        )
        audit.record(
            session,
            actor=ACTOR,
            action="indicator.source_deleted",
            object_type="indicator",
            object_id=indicator.id,
        )


def _packages(
    session: Session, run: RetentionRun, *, now: datetime, retention: timedelta, after: int
) -> tuple[int | None, list[str]]:
    """Referral packages: copies of the files, kept from the bundle's first report and for as
    long as the authority's hold."""
    rows = session.execute(
        select(Referral, Bundle.first_report_at)
        .join(Bundle, Bundle.id == Referral.bundle_id)
        .where(
            Referral.id > after,
            Referral.package_blob_id.is_not(None),
            Bundle.first_report_at < now - retention,
        )
        .order_by(Referral.id)
        .limit(BATCH)
        .with_for_update(of=Referral)
    ).all()
    deleted = []
    for referral, first_report_at in rows:
        holds = (as_utc(referral.hold_until),) if referral.hold_until else ()
        stored = StoredFile(as_utc(first_report_at), holds)
        if verdict(stored, now=now, retention=retention) == Verdict.keep:
            run.kept_by_hold_or_indicator += 1
            continue
        assert referral.package_blob_id is not None  # selected for having a package
        deleted.append(referral.package_blob_id)
        referral.package_blob_id = None
        referral.package_deleted_at = now
        audit.record(
            session,
            actor=ACTOR,
            action="referral.package_deleted",
            object_type="referral",
            object_id=referral.id,
        )
    run.packages_deleted += len(deleted)
    return (rows[-1][0].id if len(rows) == BATCH else None), deleted


def _delete_blobs(blobs: BlobStore, blob_ids: Iterable[str]) -> None:
    for blob_id in blob_ids:
        blobs.delete(blob_id)


def sweep_orphans(
    session_factory: sessionmaker[Session],
    *,
    blobs: BlobStore,
    older_than: timedelta,
    now: datetime | None = None,
    dry_run: bool = False,
) -> int:
    """Delete blobs that no record refers to: left by an upload whose transaction rolled back,
    or by a crash between a commit and the deletion it decided. Young blobs are spared, since
    their transaction may still be running."""
    cutoff = (now or utcnow()) - older_than
    orphans: list[str] = []
    for chunk in _chunks(blobs.stored_before(cutoff), BATCH):
        with transaction(session_factory) as session:
            referenced = {
                blob_id
                for column in installed().blob_references
                for blob_id in session.scalars(select(column).where(column.in_(chunk)))
            }
        orphans.extend(blob_id for blob_id in chunk if blob_id not in referenced)
    if dry_run:
        return len(orphans)
    blobs.clear_temporaries(cutoff)
    if orphans:
        with transaction(session_factory) as session:
            audit.record(
                session,
                actor=ACTOR,
                action="blobs.orphans_deleted",
                object_type="blob_store",
                object_id="blobs",
                details={"blobs": len(orphans)},
            )
        _delete_blobs(blobs, orphans)
    return len(orphans)


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    """Lists of `size` items, so a store of millions of blobs is never listed into memory."""
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
