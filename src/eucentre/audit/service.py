"""Writing to and checking the audit log. Entries name actors and objects by id only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from eucentre.audit import repository
from eucentre.audit.chain import ChainProblem, entry_hash, find_problems
from eucentre.kit.time import utcnow
from eucentre.models import AuditEntry


@dataclass(frozen=True)
class AuditEvent:
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any] = field(default_factory=dict)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    seq, prev_hash = repository.claim_next_seq(session)
    at = utcnow()
    details = details or {}
    digest = entry_hash(
        prev_hash=prev_hash,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
        prev_hash=prev_hash,
        entry_hash=digest,
    )
    session.add(entry)
    repository.set_head_hash(session, digest)
    session.flush()
    return entry


def record_event(session: Session, event: AuditEvent) -> AuditEntry:
    return record(
        session,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        details=event.details,
    )


@dataclass(frozen=True)
class Verification:
    entries: int
    problems: list[ChainProblem]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(session: Session) -> Verification:
    head_seq, head_hash = repository.head(session)
    count = 0

    def counted():  # type: ignore[no-untyped-def]
        nonlocal count
        for link in repository.iter_links(session):
            count += 1
            yield link

    problems = find_problems(counted(), head_seq=head_seq, head_hash=head_hash)
    return Verification(entries=count, problems=problems)
