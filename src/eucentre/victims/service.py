"""A victim's case: opening it with hashes, the person's look-ups, adding hashes, giving or
removing a contact, and withdrawing. Services decide and flush; the caller commits.

Everything checks before it writes, so a refusal stores nothing. Argon2 runs outside any
transaction (see `api.py`/`public.py`): the look-up is read, then the PIN checked, then the
outcome written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.crypto import derive_key, open_sealed, seal
from eucentre.kit.time import utcnow
from eucentre.platform.cases import CaseNumbers, StatusMachine
from eucentre.victims import feed, hashes, repository
from eucentre.victims.hashes import SubmittedHash
from eucentre.victims.models import VictimCase, VictimHash
from eucentre.victims.timeline import VICTIM_TIMELINE

# "V-" and three groups of five: 14 random characters of 31 (about 69 bits) and a check.
NUMBERS = CaseNumbers("V", groups=3, check=True)
STATUSES = StatusMachine({("open", "withdraw"): "withdrawn"}, final=frozenset({"withdrawn"}))
LANGUAGES = ("en", "de", "fr")
CONTACT_CONTEXT = b"victim-contact"
PERSON = "victim"  # how the timeline names the person: never anything about them


class UnknownCase(errors.NotFound):
    """A wrong PIN and an unknown number get this same answer."""

    code = "unknown_case"


class CaseWithdrawn(errors.Conflict):
    code = "case_withdrawn"


class InvalidCaseNumber(errors.UnprocessableEntity):
    code = "invalid_case_number"


UNKNOWN = "no case with this number and PIN; check both and try again"


def normalised_number(value: str) -> str:
    """The number as typed, in its stored form; a 422 when it cannot be a case number at all
    (wrong length, or a character mistyped: the check character says so)."""
    number = NUMBERS.normalise(value[:60])
    if not NUMBERS.well_formed(number):
        raise InvalidCaseNumber(
            "this is not a case number: check each character (they look like V-ABCDE-FGHJK-MNPQR)"
        )
    return number


def new_number(session: Session) -> str:
    return NUMBERS.new(lambda number: repository.number_taken(session, number))


def _contact_key(secret: bytes) -> bytes:
    return derive_key(secret, "victim-contacts")


def contact_of(case: VictimCase, *, secret: bytes) -> str | None:
    """The contact the person chose to give, opened. Callers audit the read."""
    if case.contact_sealed is None:
        return None
    return open_sealed(_contact_key(secret), case.contact_sealed, context=CONTACT_CONTEXT).decode()


@dataclass(frozen=True)
class NewCase:
    hashes: Sequence[SubmittedHash]
    language: str = "en"
    contact: str | None = None
    channel: str = "api"


def open_case(
    session: Session, *, new: NewCase, number: str, pin_digest: str, secret: bytes
) -> VictimCase:
    """Write a case whose hashes were checked (`hashes.checked`) and whose PIN was hashed."""
    hashes.check_count(len(new.hashes))
    now = utcnow()
    case = VictimCase(
        number=number,
        pin_digest=pin_digest,
        status="open",
        language=new.language if new.language in LANGUAGES else "en",
        channel=new.channel,
        created_at=now,
        last_activity_at=now,
        contact_sealed=_sealed_contact(secret, new.contact),
    )
    session.add(case)
    session.flush()
    added = _add(session, case, new.hashes)
    VICTIM_TIMELINE.append(
        session,
        case.id,
        actor=PERSON,
        kind="opened",
        details={
            "channel": new.channel,
            "hashes": added,
            "contact": case.contact_sealed is not None,
        },
    )
    audit.record(
        session,
        actor="anonymous",
        action="victim_case.opened",
        object_type="victim_case",
        object_id=case.id,
        details={"channel": new.channel, "hashes": added},
    )
    session.flush()
    return case


def _sealed_contact(secret: bytes, contact: str | None) -> bytes | None:
    if not contact or not contact.strip():
        return None
    return seal(_contact_key(secret), contact.strip().encode(), context=CONTACT_CONTEXT)


def _add(session: Session, case: VictimCase, new: Sequence[SubmittedHash]) -> int:
    held = {(h.signal, h.value) for h in repository.hashes(session, case.id)}
    fresh = [h for h in new if (h.signal, h.value) not in held]
    if fresh:
        hashes.check_count(len(held) + len(fresh))
    now = utcnow()
    for submitted in fresh:
        row = VictimHash(
            case_id=case.id,
            signal=submitted.signal,
            value=submitted.value,
            quality=submitted.quality,
            added_at=now,
        )
        session.add(row)
        session.flush()
        feed.append(session, row, "add")
    return len(fresh)


def require_open(case: VictimCase) -> None:
    if not STATUSES.allows(case.status, "withdraw"):
        raise CaseWithdrawn("this case was withdrawn; open a new one to send hashes again")


def add_hashes(session: Session, *, case: VictimCase, new: Sequence[SubmittedHash]) -> int:
    """Add checked hashes to an open case (those it holds already are skipped); how many were
    new. More than 100 in all is refused and nothing added."""
    require_open(case)
    if not new:
        hashes.check_count(0)
    added = _add(session, case, new)
    case.last_activity_at = utcnow()
    if added:
        VICTIM_TIMELINE.append(
            session, case.id, actor=PERSON, kind="hashes_added", details={"hashes": added}
        )
    session.flush()
    return added


def seen(session: Session, case: VictimCase) -> None:
    """The person looked at the case: it is in use, so its retention starts again."""
    case.last_activity_at = utcnow()
    session.flush()


def set_contact(session: Session, *, case: VictimCase, contact: str | None, secret: bytes) -> None:
    require_open(case)
    sealed = _sealed_contact(secret, contact)
    had = case.contact_sealed is not None
    case.contact_sealed = sealed
    case.last_activity_at = utcnow()
    if sealed is not None:
        VICTIM_TIMELINE.append(session, case.id, actor=PERSON, kind="contact_given")
    elif had:
        VICTIM_TIMELINE.append(session, case.id, actor=PERSON, kind="contact_removed")
    session.flush()


def withdraw(session: Session, *, case: VictimCase) -> bool:
    """Withdraw the case: every hash leaves matching and the review-first list at once (a
    `remove` change each, in this transaction), and the contact is erased. Twice changes
    nothing (False)."""
    if case.status == "withdrawn":
        return False
    now = utcnow()
    case.status = STATUSES.next(case.status, "withdraw")
    case.withdrawn_at = now
    case.last_activity_at = now
    case.contact_sealed = None
    removed = 0
    for row in repository.hashes(session, case.id):
        if row.withdrawn_at is None:
            row.withdrawn_at = now
            feed.append(session, row, "remove")
            removed += 1
    VICTIM_TIMELINE.append(
        session, case.id, actor=PERSON, kind="withdrawn", details={"hashes": removed}
    )
    audit.record(
        session,
        actor="anonymous",
        action="victim_case.withdrawn",
        object_type="victim_case",
        object_id=case.id,
        details={"hashes": removed},
    )
    session.flush()
    return True
