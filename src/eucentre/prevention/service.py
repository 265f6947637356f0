"""Editorial decisions on catalogue records: create, edit, submit, return, approve (four eyes),
withdraw, confirm as still accurate. Every change is on the record's timeline; publication and
withdrawal keep the search index current in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.kit.time import utcnow
from eucentre.platform.cases import InvalidTransition as MachineRefused
from eucentre.prevention import index, repository, workflow
from eucentre.prevention.models import PreventionRecord, PreventionRevision
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.timeline import RECORD_TIMELINE
from eucentre.prevention.workflow import Status


def _data(revision: PreventionRevision) -> RecordData:
    return RecordData.model_validate(revision.data)


def _stored(data: RecordData) -> dict[str, Any]:
    return data.model_dump(mode="json")


def _check_links(session: Session, data: RecordData, record_id: int | None) -> None:
    missing = set(data.evaluates) - repository.existing(session, data.evaluates)
    if record_id is not None:
        missing |= {record_id} & set(data.evaluates)
    if missing:
        raise errors.UnprocessableEntity(
            f"evaluates: no record {', '.join(map(str, sorted(missing)))}", code="unknown_record"
        )


def _check_identity(session: Session, data: RecordData, record_id: int | None) -> None:
    identity = data.identity()
    if identity is None:
        return
    other = repository.by_identity(session, identity)
    if other is not None and other.id != record_id:
        raise errors.Conflict(
            f"record {other.id} already has this DOI or URL", code="duplicate_record"
        )


def create(
    session: Session,
    *,
    actor: str,
    data: RecordData,
    is_demo: bool = False,
    event: str = "created",
    note: str = "",
) -> PreventionRecord:
    _check_identity(session, data, None)
    _check_links(session, data, None)
    record = PreventionRecord(identity=data.identity(), status=Status.draft, is_demo=is_demo)
    session.add(record)
    session.flush()
    revision = PreventionRevision(
        record_id=record.id, number=1, data=_stored(data), editors=[actor]
    )
    session.add(revision)
    session.flush()
    record.working_revision_id = revision.id
    RECORD_TIMELINE.append(
        session, record.id, actor=actor, kind=event, message=note, details={"revision": 1}
    )
    session.flush()
    return record


def _record(session: Session, record_id: int) -> PreventionRecord:
    record = repository.get(session, record_id, lock=True)
    if record is None:
        raise errors.NotFound(f"no record {record_id}", code="unknown_record")
    return record


def _move(record: PreventionRecord, event: str) -> Status:
    try:
        return Status(workflow.MACHINE.next(record.status, event))
    except MachineRefused as refused:
        raise errors.InvalidTransition(str(refused)) from refused


def working(session: Session, record: PreventionRecord) -> PreventionRevision:
    revision = repository.revision(session, record.working_revision_id)
    assert revision is not None
    return revision


def edit(
    session: Session, *, actor: str, record_id: int, data: RecordData, event: str = "edited"
) -> PreventionRecord:
    """Change the working revision; a published record gets a new revision (the published one
    stays public until the new one is approved)."""
    record = _record(session, record_id)
    _check_identity(session, data, record.id)
    _check_links(session, data, record.id)
    current = working(session, record)
    if current.data == _stored(data):
        return record  # nothing changed: no event, no new revision
    next_status = _move(record, "edit")
    if current.id == record.published_revision_id or record.status == Status.withdrawn:
        current = PreventionRevision(
            record_id=record.id, number=current.number + 1, data=_stored(data), editors=[actor]
        )
        session.add(current)
        session.flush()
        record.working_revision_id = current.id
    else:
        current.data = _stored(data)
        current.editors = sorted({*current.editors, actor})
        current.submitted_by = current.submitted_at = None
    record.status = next_status
    record.identity = data.identity()
    RECORD_TIMELINE.append(
        session, record.id, actor=actor, kind=event, details={"revision": current.number}
    )
    session.flush()
    return record


def submit(session: Session, *, actor: str, record_id: int, note: str = "") -> PreventionRecord:
    record = _record(session, record_id)
    record.status = _move(record, "submit")
    current = working(session, record)
    current.submitted_by, current.submitted_at = actor, utcnow()
    RECORD_TIMELINE.append(
        session,
        record.id,
        actor=actor,
        kind="submitted",
        message=note,
        details={"revision": current.number},
    )
    session.flush()
    return record


def return_to_draft(
    session: Session, *, actor: str, record_id: int, note: str = ""
) -> PreventionRecord:
    record = _record(session, record_id)
    record.status = _move(record, "return")
    current = working(session, record)
    current.submitted_by = current.submitted_at = None
    RECORD_TIMELINE.append(
        session,
        record.id,
        actor=actor,
        kind="returned",
        message=note,
        details={"revision": current.number},
    )
    session.flush()
    return record


def approve(session: Session, *, actor: str, record_id: int, note: str = "") -> PreventionRecord:
    """Publish the submitted revision: only an editor who neither changed nor submitted it."""
    record = _record(session, record_id)
    next_status = _move(record, "approve")
    current = working(session, record)
    if not workflow.may_approve(actor, editors=current.editors, submitted_by=current.submitted_by):
        raise errors.Forbidden(
            "a second editor, who did not write or submit this revision, must approve it",
            code="four_eyes",
        )
    data = _data(current)
    _check_links(session, data, record.id)
    now = utcnow()
    current.approved_by, current.approved_at = actor, now
    record.status = next_status
    record.published_revision_id = current.id
    record.first_published_at = record.first_published_at or now
    record.last_published_at = record.last_reviewed_at = now
    record.flagged_at = None
    repository.set_links(session, record.id, data.evaluates)
    index.publish(session, record_id=record.id, data=data, at=record.first_published_at)
    RECORD_TIMELINE.append(
        session,
        record.id,
        actor=actor,
        kind="approved",
        message=note,
        details={"revision": current.number, "editors": current.editors},
    )
    session.flush()
    return record


def withdraw(session: Session, *, actor: str, record_id: int, note: str = "") -> PreventionRecord:
    """Take a record off the public pages (one editor may: it publishes nothing)."""
    record = _record(session, record_id)
    if record.published_revision_id is None:
        raise errors.InvalidTransition("the record is not published")
    if record.status == Status.published:
        record.status = _move(record, "withdraw")
    record.published_revision_id = None
    repository.set_links(session, record.id, [])
    index.remove(session, record_id=record.id)
    RECORD_TIMELINE.append(session, record.id, actor=actor, kind="withdrawn", message=note)
    session.flush()
    return record


def confirm(session: Session, *, actor: str, record_id: int, note: str = "") -> PreventionRecord:
    """An editor reviewed the published record and it is still accurate."""
    record = _record(session, record_id)
    record.status = _move(record, "confirm")
    record.last_reviewed_at = utcnow()
    record.flagged_at = None
    RECORD_TIMELINE.append(session, record.id, actor=actor, kind="confirmed", message=note)
    session.flush()
    return record


def flag_unreviewed(session: Session, *, record_ids: list[int]) -> int:
    now = utcnow()
    for record_id in record_ids:
        record = _record(session, record_id)
        record.flagged_at = now
        RECORD_TIMELINE.append(
            session,
            record.id,
            actor="system",
            kind="flagged_unreviewed",
            details={
                "last_reviewed_at": record.last_reviewed_at.isoformat()
                if record.last_reviewed_at
                else None
            },
        )
    session.flush()
    return len(record_ids)


def reindex(session: Session) -> int:
    """Write every published record's search document again (after the concept scheme or the
    word handling changed); in the caller's transaction."""
    count = 0
    for batch in repository.published_batches(session):
        for record, data in batch:
            index.publish(
                session,
                record_id=record.id,
                data=data,
                at=record.first_published_at or record.created_at,
            )
            count += 1
    return count
