"""Receiving reports: checks, idempotent creation, files into the encrypted blob store."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.crypto import derive_key, open_sealed, seal
from eucentre.kit.time import utcnow
from eucentre.media.formats import SNIFF_BYTES, sniff
from eucentre.models import Report, ReportItem, ReportItemHash
from eucentre.reports import repository
from eucentre.reports.schemas import MAX_FILE_BYTES, MAX_FILES, ReportIn
from eucentre.reports.timeline import REPORT_TIMELINE
from eucentre.rules import report_status
from eucentre.rules.report_status import Event, Status

PAYLOAD_CONTEXT = b"report-payload"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _payload_key(secret: bytes) -> bytes:
    return derive_key(secret, "report-payloads")


def payload_of(report: Report, *, secret: bytes) -> dict:
    """The Art. 13 data, decrypted. Callers audit the read."""
    return json.loads(
        open_sealed(_payload_key(secret), report.payload_sealed, context=PAYLOAD_CONTEXT)
    )


def check_upload(upload: Upload, position: int) -> None:
    if not upload.data:
        raise errors.UnprocessableEntity(
            f"file {position} ({upload.filename!r}) is empty", code="empty_file"
        )
    if len(upload.data) > MAX_FILE_BYTES:
        raise errors.PayloadTooLarge(
            f"file {position} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            code="file_too_large",
        )
    detected = sniff(upload.data[:SNIFF_BYTES])
    if detected is None or detected.media_type not in ("image", "video"):
        raise errors.UnprocessableEntity(
            f"file {position} ({upload.filename!r}) is not a supported image or video",
            code="unsupported_media_type",
        )


def timeline(
    session: Session,
    report: Report,
    *,
    actor: str,
    kind: str,
    message: str = "",
    for_provider: bool = False,
    details: dict | None = None,
) -> None:
    REPORT_TIMELINE.append(
        session,
        report.id,
        actor=actor,
        kind=kind,
        message=message,
        details=details,
        for_provider=for_provider,
    )


def set_status(session: Session, report: Report, event: Event, *, actor: str) -> None:
    try:
        new = report_status.transition(report.status, event)
    except report_status.InvalidTransition as refused:
        raise errors.InvalidTransition(str(refused)) from refused
    timeline(
        session,
        report,
        actor=actor,
        kind=f"status.{new.value}",
        details={"from": report.status, "event": event.value},
    )
    report.status = new.value
    report.status_changed_at = utcnow()


def submit(
    session: Session,
    *,
    provider: Principal,
    report_in: ReportIn,
    uploads: list[Upload],
    idempotency_key: str | None,
    fingerprint: str,
    files_follow: bool,
    source_format: str,
    blobs: BlobStore,
    secret: bytes,
) -> tuple[Report, bool]:
    """Store a report; (report, created). A replayed Idempotency-Key returns the first report."""
    assert provider.organisation_id is not None
    if idempotency_key is not None:
        existing = repository.by_idempotency_key(
            session, provider_id=provider.organisation_id, key=idempotency_key
        )
        if existing is not None:
            return _replayed(existing, fingerprint), False
    if len(uploads) > MAX_FILES:
        raise errors.UnprocessableEntity(
            f"at most {MAX_FILES} files per report", code="too_many_files"
        )
    for position, upload in enumerate(uploads, start=1):
        check_upload(upload, position)
    report = Report(
        provider_id=provider.organisation_id,
        provider_reference=report_in.provider_reference,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        status=(Status.awaiting_files if files_follow else Status.received).value,
        incident_type=report_in.incident_type,
        urgent=report_in.urgent,
        content_removed=report_in.content_removed,
        incident_time=report_in.incident_time,
        payload_sealed=seal(
            _payload_key(secret), report_in.model_dump_json().encode(), context=PAYLOAD_CONTEXT
        ),
        source_format=source_format,
        priority=0 if report_in.urgent else 5,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        # The same key arrived twice at once: the other request won; answer with its report.
        existing = repository.by_idempotency_key(
            session, provider_id=provider.organisation_id, key=idempotency_key or ""
        )
        if existing is None:
            raise
        return _replayed(existing, fingerprint), False
    for declared in report_in.hashes:
        session.add(
            ReportItem(
                report_id=report.id,
                kind="hash",
                hashed=True,
                hashes=[ReportItemHash.of(declared.signal, declared.value)],
            )
        )
    _store_files(session, report, uploads, blobs)
    timeline(
        session,
        report,
        actor=provider.actor,
        kind="received",
        for_provider=True,
        message="The Centre received the report."
        + (" Send the files, then finish it." if files_follow else ""),
    )
    audit.record(
        session,
        actor=provider.actor,
        action="report.received",
        object_type="report",
        object_id=report.id,
        details={"files": len(uploads), "format": source_format},
    )
    return report, True


def _replayed(existing: Report, fingerprint: str) -> Report:
    if existing.request_fingerprint != fingerprint:
        raise errors.Conflict(
            "this Idempotency-Key was used for a different report", code="idempotency_key_reused"
        )
    return existing


def _store_files(session: Session, report: Report, uploads: list[Upload], blobs: BlobStore) -> None:
    for upload in uploads:
        blob_id = blobs.put(upload.data)
        session.add(
            ReportItem(report_id=report.id, kind="file", blob_id=blob_id, size=len(upload.data))
        )
    session.flush()


def add_files(
    session: Session,
    *,
    provider: Principal,
    report_id: int,
    uploads: list[Upload],
    blobs: BlobStore,
) -> Report:
    report = provider_report(session, provider=provider, report_id=report_id)
    if report.status != Status.awaiting_files:
        raise errors.InvalidTransition(
            "files can only be added before the report is finished", code="report_finished"
        )
    held = sum(1 for item in repository.items(session, report.id) if item.kind == "file")
    if held + len(uploads) > MAX_FILES:
        raise errors.UnprocessableEntity(
            f"at most {MAX_FILES} files per report", code="too_many_files"
        )
    if not uploads:
        raise errors.UnprocessableEntity("no files in the request", code="no_files")
    for position, upload in enumerate(uploads, start=held + 1):
        check_upload(upload, position)
    _store_files(session, report, uploads, blobs)
    timeline(
        session, report, actor=provider.actor, kind="files_added", details={"count": len(uploads)}
    )
    audit.record(
        session,
        actor=provider.actor,
        action="report.files_added",
        object_type="report",
        object_id=report.id,
        details={"files": len(uploads)},
    )
    return report


def finish(session: Session, *, provider: Principal, report_id: int) -> Report:
    report = provider_report(session, provider=provider, report_id=report_id)
    if report.status == Status.received:
        return report  # finishing twice is harmless
    set_status(session, report, Event.finish, actor=provider.actor)
    audit.record(
        session,
        actor=provider.actor,
        action="report.finished",
        object_type="report",
        object_id=report.id,
    )
    return report


def provider_report(session: Session, *, provider: Principal, report_id: int) -> Report:
    """The provider's own report; another provider's is 'not found', never 'forbidden'."""
    assert provider.organisation_id is not None
    report = repository.of_provider(
        session, provider_id=provider.organisation_id, report_id=report_id
    )
    if report is None:
        raise errors.NotFound(f"no report {report_id}", code="unknown_report")
    return report
