"""The practitioner network's directory: applications (public form, consent per field),
editors' approval, members' accounts (staff-style, role network_member), their entry kept
current and re-confirmed every 12 months or hidden, export of their data, and deletion.
Everything a person wrote is sealed at rest; the audit log names entries by id only."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth import service as auth_service
from eucentre.auth.principals import Principal
from eucentre.config import Settings
from eucentre.kit.crypto import derive_key, keyed_digest, open_sealed, seal
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Role, StaffSession, StaffUser
from eucentre.platform import cases
from eucentre.platform.cases import CaseNumbers
from eucentre.platform.manifest import N_
from eucentre.prevention import network_repository as repository
from eucentre.prevention.models import NetworkEntry
from eucentre.prevention.network_fields import Problems, Visibility, clean, shown

NUMBERS = CaseNumbers("N")
RECEIPT_LIFETIME = timedelta(minutes=30)
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    applications_per_hour: int = 5
    contacts_per_hour: int = 5
    contacts_per_member_per_day: int = 20
    activation_failures_per_hour: int = 10
    reconfirm_after: timedelta = timedelta(days=365)


def limits_from(settings: Settings) -> Limits:
    return Limits(
        applications_per_hour=settings.prevention_applications_per_hour,
        contacts_per_hour=settings.prevention_contacts_per_hour,
        contacts_per_member_per_day=settings.prevention_contacts_per_member_per_day,
        reconfirm_after=timedelta(days=settings.prevention_reconfirm_after_days),
    )


def _key(secret: bytes) -> bytes:
    return derive_key(secret, "prevention-network")


def pseudonym(secret: bytes, kind: str, value: str) -> str:
    return f"{kind}:" + keyed_digest(derive_key(secret, "prevention-pseudonyms"), value)[:64]


def seal_json(secret: bytes, context: str, value: Any) -> bytes:
    return seal(_key(secret), json.dumps(value).encode(), context=context.encode())


def open_json(secret: bytes, context: str, sealed: bytes) -> Any:
    return json.loads(open_sealed(_key(secret), sealed, context=context.encode()))


def profile_of(entry: NetworkEntry, *, secret: bytes) -> dict[str, Any]:
    """The entry's fields, unsealed (callers show them only as visibility allows)."""
    fields = open_json(secret, f"network-profile:{entry.number}", entry.profile_sealed)
    return {**fields, **entry.facets}


def rate_limited(session: Session, subject: str, *, limit: int, window: timedelta) -> None:
    now = utcnow()
    if repository.attempts_since(session, subject, now - window) >= limit:
        raise errors.TooManyRequests(
            "too many attempts; try again later",
            retry_after=int(window.total_seconds()),
            code="network_rate_limited",
        )
    repository.note_attempt(session, subject, now)


# --- applying ---------------------------------------------------------------------------


def _receipt_token(secret: bytes, form_token: str) -> str:
    return keyed_digest(derive_key(secret, "network-receipt-tokens"), form_token)


def digest(secret: bytes, kind: str, value: str) -> str:
    return keyed_digest(derive_key(secret, "network-digests"), f"{kind}:{value}")


def apply(
    session: Session,
    *,
    values: Mapping[str, Any],
    form_token: str,
    client_address: str,
    secret: bytes,
    limits: Limits,
) -> str:
    """File an application (once per form); returns the token of its one-time receipt."""
    if repository.by_form_token(session, digest(secret, "form", form_token)) is not None:
        return _receipt_token(secret, form_token)
    rate_limited(
        session,
        pseudonym(secret, "apply", client_address),
        limit=limits.applications_per_hour,
        window=WINDOW,
    )
    fields, visibility = clean(values)
    if values.get("consent") != "yes":
        raise Problems(
            [{"field": "consent", "message": N_("please confirm you agree to be listed so")}]
        )
    email_digest = digest(secret, "email", fields["email"].lower())
    if repository.by_email_digest(session, email_digest) is not None:
        raise errors.Conflict(
            "there is already an application or entry for this e-mail address",
            code="duplicate_application",
        )
    number = NUMBERS.new(lambda candidate: repository.by_number(session, candidate) is not None)
    applicant_secret = cases.new_secret()
    receipt_token = _receipt_token(secret, form_token)
    receipt_digest = digest(secret, "receipt", receipt_token)
    facets = {
        name: fields.pop(name) for name in ("country", "languages", "expertise", "target_groups")
    }
    entry = NetworkEntry(
        number=number,
        secret_digest=cases.hash_secret(secret, number, applicant_secret),
        profile_sealed=seal_json(secret, f"network-profile:{number}", fields),
        facets=facets,
        visibility=visibility,
        email_digest=email_digest,
        form_token_digest=digest(secret, "form", form_token),
        receipt_digest=receipt_digest,
        receipt_secret_sealed=seal_json(
            secret, f"network-receipt:{receipt_digest}", applicant_secret
        ),
        receipt_expires_at=utcnow() + RECEIPT_LIFETIME,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor="anonymous",
        action="network.applied",
        object_type="network_entry",
        object_id=entry.id,
    )
    return receipt_token


def take_receipt(
    session: Session, *, receipt_token: str, secret: bytes
) -> tuple[str, str | None] | None:
    """(number, secret the first time only) of an application's receipt."""
    receipt_digest = digest(secret, "receipt", receipt_token[:100])
    entry = repository.by_receipt(session, receipt_digest)
    if entry is None:
        return None
    shown_secret = None
    if (
        entry.receipt_secret_sealed is not None
        and entry.receipt_expires_at
        and as_utc(entry.receipt_expires_at) > utcnow()
    ):
        shown_secret = open_json(
            secret, f"network-receipt:{receipt_digest}", entry.receipt_secret_sealed
        )
    entry.receipt_secret_sealed = None
    session.flush()
    return entry.number, shown_secret


# --- editors ----------------------------------------------------------------------------


def decide(session: Session, *, actor: str, entry_id: int, approve: bool) -> NetworkEntry:
    entry = repository.get(session, entry_id, lock=True)
    if entry is None:
        raise errors.NotFound(f"no application {entry_id}", code="unknown_application")
    if entry.status != "pending":
        raise errors.InvalidTransition(f"the application is {entry.status}, not pending")
    entry.status = "approved" if approve else "rejected"
    entry.decided_by, entry.decided_at = actor, utcnow()
    audit.record(
        session,
        actor=actor,
        action="network.approved" if approve else "network.rejected",
        object_type="network_entry",
        object_id=entry.id,
    )
    session.flush()
    return entry


# --- the member's account --------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    entry: NetworkEntry
    email: str
    totp_secret: str


def activate(
    session: Session,
    *,
    number: str,
    applicant_secret: str,
    password: str,
    client_address: str,
    secret: bytes,
    limits: Limits,
) -> Activation:
    """Open the account of an approved application with its number and secret."""
    subject = pseudonym(secret, "activate", client_address)
    if repository.attempts_since(session, subject, utcnow() - WINDOW) >= (
        limits.activation_failures_per_hour
    ):
        raise errors.TooManyRequests(
            "too many attempts; try again later", retry_after=3600, code="network_rate_limited"
        )
    normalised = NUMBERS.normalise(number)
    entry = repository.by_number(session, normalised)
    if not cases.verify_secret(
        secret, normalised, applicant_secret, entry.secret_digest if entry else None
    ):
        repository.note_attempt(session, subject, utcnow())
        raise errors.NotFound(
            "no application with this number and secret", code="unknown_application"
        )
    assert entry is not None
    if entry.status != "approved":
        raise errors.InvalidTransition(
            "the application is not approved yet"
            if entry.status == "pending"
            else f"the application is {entry.status}",
            code="not_approved",
        )
    email = profile_of(entry, secret=secret)["email"]
    new = auth_service.create_user(
        session,
        actor=f"network_entry:{entry.id}",
        secret=secret,
        email=email,
        role=Role.network_member,
        password=password,
    )
    entry.user_id = new.user.id
    entry.status = "active"
    entry.confirmed_at = utcnow()
    session.flush()
    return Activation(entry, email, new.totp_secret)


def own_entry(session: Session, principal: Principal, *, lock: bool = False) -> NetworkEntry:
    entry = repository.by_user(session, principal.user_id or 0)
    if entry is None:
        raise errors.NotFound("you have no directory entry", code="no_entry")
    return repository.get(session, entry.id, lock=True) if lock else entry  # type: ignore[return-value]


def update(
    session: Session, *, principal: Principal, values: Mapping[str, Any], secret: bytes
) -> NetworkEntry:
    """The member changes their entry (and so re-confirms it)."""
    entry = own_entry(session, principal, lock=True)
    fields, visibility = clean(values)
    current_email = profile_of(entry, secret=secret)["email"]
    if fields["email"].lower() != current_email.lower():
        raise Problems(
            [{"field": "email", "message": N_("the sign-in address cannot be changed here")}]
        )
    entry.facets = {
        n: fields.pop(n) for n in ("country", "languages", "expertise", "target_groups")
    }
    entry.profile_sealed = seal_json(secret, f"network-profile:{entry.number}", fields)
    entry.visibility = visibility
    entry.confirmed_at, entry.hidden_at = utcnow(), None
    audit.record(
        session,
        actor=principal.actor,
        action="network.updated",
        object_type="network_entry",
        object_id=entry.id,
    )
    session.flush()
    return entry


def reconfirm(session: Session, *, principal: Principal) -> NetworkEntry:
    entry = own_entry(session, principal, lock=True)
    entry.confirmed_at, entry.hidden_at = utcnow(), None
    audit.record(
        session,
        actor=principal.actor,
        action="network.confirmed",
        object_type="network_entry",
        object_id=entry.id,
    )
    session.flush()
    return entry


def confirm_by(entry: NetworkEntry, limits: Limits) -> str | None:
    if entry.confirmed_at is None:
        return None
    return (as_utc(entry.confirmed_at) + limits.reconfirm_after).date().isoformat()


def export_own(session: Session, *, principal: Principal, secret: bytes) -> dict[str, Any]:
    """Everything the Centre holds about the member's entry (their right of access)."""
    from eucentre.prevention import relay

    entry = own_entry(session, principal)
    audit.record(
        session,
        actor=principal.actor,
        action="network.exported",
        object_type="network_entry",
        object_id=entry.id,
    )

    def moment(value: Any) -> str | None:
        return as_utc(value).isoformat() if value else None

    return {
        "number": entry.number,
        "status": entry.status,
        "fields": profile_of(entry, secret=secret),
        "visibility": entry.visibility,
        "submitted_at": moment(entry.submitted_at),
        "decided_at": moment(entry.decided_at),
        "confirmed_at": moment(entry.confirmed_at),
        "hidden_at": moment(entry.hidden_at),
        "messages": relay.inbox(session, entry, secret=secret, mark_read=False),
    }


def delete_own(session: Session, *, principal: Principal) -> None:
    """Delete the entry, its messages and the account; only the audit log's ids remain."""
    entry = own_entry(session, principal, lock=True)
    user = session.get(StaffUser, entry.user_id) if entry.user_id else None
    entry_id = entry.id
    repository.delete_entry(session, entry)
    if user is not None:
        user.is_active = False
        user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
        user.password_hash = "!"  # noqa: S105 - no password verifies against it
        for live in session.query(StaffSession).filter(StaffSession.user_id == user.id):
            live.revoked_at = live.revoked_at or utcnow()
    audit.record(
        session,
        actor=principal.actor,
        action="network.deleted",
        object_type="network_entry",
        object_id=entry_id,
    )
    session.flush()


# --- the directory ----------------------------------------------------------------------


def level_of(session: Session, principal: Principal) -> Visibility:
    """What a viewer may see: network members with a listed entry, and editors, see what
    members chose to show the network; everyone else sees what is public."""
    if principal.role == Role.editor:
        return Visibility.network
    if principal.role == Role.network_member and principal.user_id is not None:
        entry = repository.by_user(session, principal.user_id)
        if entry is not None and entry.status == "active" and entry.hidden_at is None:
            return Visibility.network
    return Visibility.public


FILTERS = {"country": "country", "language": "languages", "expertise": "expertise"}
FILTERS["target"] = "target_groups"


def _matches(visible: Mapping[str, Any], filters: Mapping[str, Sequence[str]]) -> bool:
    for parameter, values in filters.items():
        if not values:
            continue
        field = FILTERS[parameter]
        have = visible.get(field)
        have = [have] if isinstance(have, str) else (have or [])
        if not set(values) & set(have):
            return False
    return True


def directory(
    session: Session,
    *,
    level: Visibility,
    filters: Mapping[str, Sequence[str]],
    secret: bytes,
) -> list[dict[str, Any]]:
    """The listed entries as this viewer may see them, filtered only on what they may see."""
    out = []
    for entry in repository.listed(session):
        visible = shown(profile_of(entry, secret=secret), entry.visibility, level)
        if _matches(visible, filters):
            out.append({"id": entry.id, **visible})
    return out


def listed_entry(
    session: Session, *, entry_id: int, level: Visibility, secret: bytes
) -> dict[str, Any] | None:
    entry = repository.listed_one(session, entry_id)
    if entry is None:
        return None
    return {"id": entry.id, **shown(profile_of(entry, secret=secret), entry.visibility, level)}


def hide_unconfirmed(session: Session, *, limits: Limits, batch: int = 500) -> int:
    now = utcnow()
    ids = repository.unconfirmed(session, before=now - limits.reconfirm_after, limit=batch)
    for entry_id in ids:
        entry = repository.get(session, entry_id, lock=True)
        if entry is not None:
            entry.hidden_at = now
            audit.record(
                session,
                actor="system",
                action="network.hidden_unconfirmed",
                object_type="network_entry",
                object_id=entry_id,
            )
    session.flush()
    return len(ids)
