"""Complaint decisions: receiving (public form and providers), the complainant's status look-up,
analysts' uphold/reject with four eyes, and what an upheld complaint does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth.principals import Principal
from eucentre.complaints import outbox, policy, repository
from eucentre.complaints.policy import Status
from eucentre.complaints.schemas import ProviderComplaintIn, PublicComplaintIn
from eucentre.complaints.timeline import COMPLAINT_TIMELINE
from eucentre.config import Settings
from eucentre.kit.crypto import derive_key, keyed_digest, open_sealed, seal
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import (
    Complaint,
    ComplaintAttempt,
    ComplaintLink,
    ComplaintMessage,
)
from eucentre.platform import cases
from eucentre.platform.cases import CaseNumbers

NUMBERS = CaseNumbers("C")
CONTACT_CONTEXT = b"complaint-contact"


@dataclass(frozen=True)
class Limits:
    """Abuse limits for the public form and the status page, per window."""

    submissions_per_address: int = 5
    failed_lookups_per_address: int = 10
    failed_lookups_per_number: int = 5
    window: timedelta = timedelta(hours=1)
    decision_target: timedelta = policy.DECISION_TARGET


def limits_from(settings: Settings) -> Limits:
    return Limits(
        submissions_per_address=settings.complaint_submissions_per_hour,
        failed_lookups_per_address=settings.complaint_failed_lookups_per_hour,
        failed_lookups_per_number=settings.complaint_failed_lookups_per_number_per_hour,
        window=timedelta(hours=1),
        decision_target=timedelta(days=settings.complaint_decision_target_days),
    )


def _pseudonym(secret: bytes, kind: str, value: str) -> str:
    return f"{kind}:" + keyed_digest(derive_key(secret, "complaint-pseudonyms"), value)[:64]


def _contact_key(secret: bytes) -> bytes:
    return derive_key(secret, "complaint-contacts")


def contact_of(complaint: Complaint, *, secret: bytes) -> str | None:
    """The complainant's contact, decrypted. Callers audit the read."""
    if complaint.contact_sealed is None:
        return None
    return open_sealed(
        _contact_key(secret), complaint.contact_sealed, context=CONTACT_CONTEXT
    ).decode()


def _text_key(secret: bytes) -> bytes:
    return derive_key(secret, "complaint-texts")


def _seal_text(secret: bytes, field: str, value: str) -> bytes:
    # The field name is associated data: one column's ciphertext cannot pass for another's.
    return seal(_text_key(secret), value.encode(), context=f"complaint-{field}".encode())


@dataclass(frozen=True)
class ComplaintText:
    """The complainant's words, opened."""

    content_description: str
    reason: str


def text_of(complaint: Complaint, *, secret: bytes) -> ComplaintText:
    """What was removed and why it was a mistake, from the sealed columns (or, for a complaint
    not yet sealed by seal_old_texts, the plain ones)."""

    def opened(field: str) -> str:
        sealed = getattr(complaint, f"{field}_sealed")
        if sealed is None:
            return getattr(complaint, field)
        key, context = _text_key(secret), f"complaint-{field}".encode()
        return open_sealed(key, sealed, context=context).decode()

    return ComplaintText(content_description=opened("content_description"), reason=opened("reason"))


def seal_old_texts(session: Session, *, secret: bytes, limit: int = 500) -> int:
    """Seal the text of complaints received before it was sealed on write; how many."""
    done = 0
    for complaint in repository.with_plain_text(session, limit=limit):
        for field in ("content_description", "reason"):
            if getattr(complaint, f"{field}_sealed") is None:
                value = getattr(complaint, field)
                setattr(complaint, f"{field}_sealed", _seal_text(secret, field, value))
                setattr(complaint, field, "")
        done += 1
    session.flush()
    return done


def _as_moment(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _check_window(decision_date: date, now: datetime) -> None:
    try:
        policy.check_window(_as_moment(decision_date), now)
    except policy.Refused as refused:
        raise errors.UnprocessableEntity(str(refused), code=refused.code) from refused


def _rate_limit(session: Session, subject: str, limit: int, window: timedelta, what: str) -> None:
    if repository.attempts_since(session, subject, utcnow() - window) >= limit:
        raise errors.TooManyRequests(
            f"too many {what} from your connection; please try again in an hour",
            retry_after=int(window.total_seconds()),
            code="complaint_rate_limited",
        )


def submit_public(
    session: Session,
    *,
    data: PublicComplaintIn,
    client_address: str,
    secret: bytes,
    limits: Limits = Limits(),
) -> tuple[Complaint, str]:
    """A complaint from the public form. Returns it with the complainant's secret, shown once.
    Every check runs before anything is written: a refused complaint stores nothing."""
    now = utcnow()
    subject = _pseudonym(secret, "submit", client_address)
    _rate_limit(session, subject, limits.submissions_per_address, limits.window, "complaints")
    _check_window(data.decision_date, now)
    if repository.provider(session, data.provider_id) is None:
        raise errors.UnprocessableEntity("choose the service from the list", code="unknown_service")
    complainant_secret = cases.new_secret()
    number = _new_number(session)
    complaint = _create(
        session,
        number=number,
        channel="public",
        submitted_by="anonymous",
        provider_id=data.provider_id,
        provider_reference=data.provider_reference,
        external_reference=None,
        decision_date=data.decision_date,
        content_description=data.content_description,
        reason=data.reason,
        secret=secret,
        contact_sealed=seal(_contact_key(secret), data.contact.encode(), context=CONTACT_CONTEXT)
        if data.contact
        else None,
        secret_digest=cases.hash_secret(secret, number, complainant_secret),
        target=limits.decision_target,
    )
    session.add(ComplaintAttempt(subject=subject, at=now))
    session.flush()
    return complaint, complainant_secret


# Long enough to read and write down the codes; the secret is gone from the database after.
def submit_from_provider(
    session: Session,
    *,
    provider: Principal,
    data: ProviderComplaintIn,
    secret: bytes,
    limits: Limits = Limits(),
) -> tuple[Complaint, bool]:
    """A complaint a provider received and forwards. A replay with the same complaint reference
    returns the first one (created=False)."""
    assert provider.organisation_id is not None
    if data.complaint_reference:
        existing = repository.by_external(
            session, provider_id=provider.organisation_id, reference=data.complaint_reference
        )
        if existing is not None:
            return existing, False
    _check_window(data.decision_date, utcnow())
    complaint = _create(
        session,
        number=_new_number(session),
        channel="provider",
        submitted_by=provider.actor,
        provider_id=provider.organisation_id,
        provider_reference=data.provider_reference,
        external_reference=data.complaint_reference,
        decision_date=data.decision_date,
        content_description=data.content_description,
        reason=data.reason,
        secret=secret,
        contact_sealed=None,
        secret_digest=None,
        target=limits.decision_target,
    )
    return complaint, True


def _new_number(session: Session) -> str:
    return NUMBERS.new(lambda number: repository.by_number(session, number) is not None)


def _create(
    session: Session,
    *,
    number: str,
    channel: str,
    submitted_by: str,
    provider_id: int,
    provider_reference: str,
    external_reference: str | None,
    decision_date: date,
    content_description: str,
    reason: str,
    secret: bytes,
    contact_sealed: bytes | None,
    secret_digest: str | None,
    target: timedelta,
) -> Complaint:
    received = utcnow()
    complaint = Complaint(
        number=number,
        secret_digest=secret_digest,
        channel=channel,
        submitted_by=submitted_by,
        provider_id=provider_id,
        provider_reference=provider_reference,
        external_reference=external_reference,
        decision_date=_as_moment(decision_date),
        content_description="",
        reason="",
        content_description_sealed=_seal_text(secret, "content_description", content_description),
        reason_sealed=_seal_text(secret, "reason", reason),
        contact_sealed=contact_sealed,
        status=Status.open.value,
        received_at=received,
        deadline_at=policy.deadline(received, target),
    )
    session.add(complaint)
    session.flush()
    reports = repository.reports_with_reference(
        session, provider_id=provider_id, reference=provider_reference
    )
    for report in reports:
        session.add(ComplaintLink(complaint_id=complaint.id, report_id=report.id))
    add_event(
        session,
        complaint,
        actor=submitted_by,
        kind="received",
        details={"channel": channel, "reports": [r.id for r in reports]},
    )
    audit.record(
        session,
        actor=submitted_by,
        action="complaint.received",
        object_type="complaint",
        object_id=complaint.id,
        details={"channel": channel, "linked_reports": len(reports)},
    )
    return complaint


def add_event(
    session: Session,
    complaint: Complaint,
    *,
    actor: str,
    kind: str,
    message: str = "",
    details: dict | None = None,
) -> None:
    COMPLAINT_TIMELINE.append(
        session, complaint.id, actor=actor, kind=kind, message=message, details=details
    )
    session.flush()


def lookup_status(
    session: Session,
    *,
    number: str,
    complainant_secret: str,
    client_address: str,
    secret: bytes,
    limits: Limits = Limits(),
) -> Complaint | None:
    """The complaint, if the number and secret go together; None otherwise, and the failure is
    counted against the client, the number and the pair of both. The secret is compared in
    constant time, and an unknown number costs the same as a wrong secret.

    A number over its limit is under attack, but refusing every look-up of it would let anyone
    lock its complainant out with a few wrong guesses. So only the clients that already failed
    against it are refused; any other client gets one try (its first wrong guess makes it one of
    those), which still limits guessing from many addresses to one guess per address.
    """
    number = NUMBERS.normalise(number)[:20]
    complainant_secret = cases.normalise_code(complainant_secret)[:40]
    by_address = _pseudonym(secret, "lookup", client_address)
    by_number = _pseudonym(secret, "number", number)
    by_pair = _pseudonym(secret, "pair", f"{number}\n{client_address}")
    _rate_limit(
        session, by_address, limits.failed_lookups_per_address, limits.window, "failed look-ups"
    )
    since = utcnow() - limits.window
    if repository.attempts_since(session, by_number, since) >= limits.failed_lookups_per_number:
        _rate_limit(session, by_pair, 1, limits.window, "failed look-ups")
    complaint = repository.by_number(session, number)
    stored = complaint.secret_digest if complaint is not None else None
    if cases.verify_secret(secret, number, complainant_secret, stored):
        return complaint
    now = utcnow()
    session.add_all(
        [ComplaintAttempt(subject=subject, at=now) for subject in (by_address, by_number, by_pair)]
    )
    session.flush()
    return None


def get_complaint(session: Session, complaint_id: int) -> Complaint:
    complaint = repository.get(session, complaint_id)
    if complaint is None:
        raise errors.NotFound(f"no complaint {complaint_id}", code="unknown_complaint")
    return complaint


def provider_complaint(session: Session, *, provider: Principal, complaint_id: int) -> Complaint:
    assert provider.organisation_id is not None
    complaint = repository.of_provider(
        session, provider_id=provider.organisation_id, complaint_id=complaint_id
    )
    if complaint is None:
        raise errors.NotFound(f"no complaint {complaint_id}", code="unknown_complaint")
    return complaint


def acknowledge_reinstatement(
    session: Session, *, provider: Principal, complaint_id: int
) -> Complaint:
    """The provider confirms it reinstated the content. Twice changes nothing."""
    complaint = provider_complaint(session, provider=provider, complaint_id=complaint_id)
    pending = [
        m
        for m in repository.messages(
            session, complaint.id, organisation_id=provider.organisation_id
        )
        if m.kind == outbox.MESSAGE_KIND[outbox.REINSTATE]
    ]
    if not pending:
        raise errors.InvalidTransition(
            "there is nothing to acknowledge: the complaint has not been upheld",
            code="nothing_to_acknowledge",
        )
    fresh = [m for m in pending if m.acknowledged_at is None]
    for message in fresh:
        message.acknowledged_at = utcnow()
    if fresh:
        add_event(session, complaint, actor=provider.actor, kind="reinstatement_acknowledged")
        audit.record(
            session,
            actor=provider.actor,
            action="complaint.reinstatement_acknowledged",
            object_type="complaint",
            object_id=complaint.id,
        )
    return complaint


def acknowledge_notice(
    session: Session, *, authority: Principal, notice_id: int
) -> ComplaintMessage:
    assert authority.organisation_id is not None
    notice = repository.notice_of_authority(
        session, authority_id=authority.organisation_id, notice_id=notice_id
    )
    if notice is None:
        raise errors.NotFound(f"no notice {notice_id}", code="unknown_notice")
    if notice.acknowledged_at is None:
        notice.acknowledged_at = utcnow()
        audit.record(
            session,
            actor=authority.actor,
            action="complaint.notice_acknowledged",
            object_type="complaint_message",
            object_id=notice.id,
        )
    return notice


def overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    return cases.overdue(
        deadline_at=as_utc(complaint.deadline_at),
        decided=policy.STATUSES.is_final(complaint.status),
        now=now or utcnow(),
    )
