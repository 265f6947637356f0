"""Accounts, keys and sign-in. Services decide and flush; the caller's transaction commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth import repository, totp
from eucentre.auth.passwords import hash_password, verify_password
from eucentre.auth.principals import ORGANISATION_PRINCIPAL, Principal, PrincipalKind
from eucentre.auth.scopes import allowed_scopes, scopes_for
from eucentre.kit.crypto import derive_key, keyed_digest, open_sealed, same, seal, sha256_hex
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import (
    ApiKey,
    Organisation,
    OrganisationKind,
    Role,
    SignInAttempt,
    StaffSession,
    StaffUser,
)
from eucentre.models.staff import AUTHORITY_OFFICER

KEY_PREFIX = "euc"


def _totp_key(secret: bytes) -> bytes:
    return derive_key(secret, "totp-secrets")


def _pseudonym_key(secret: bytes) -> bytes:
    return derive_key(secret, "sign-in-pseudonyms")


def create_organisation(
    session: Session,
    *,
    actor: str,
    name: str,
    kind: OrganisationKind,
    country: str,
    is_europol: bool = False,
) -> Organisation:
    name = name.strip()
    country = country.strip().upper()
    if not name:
        raise errors.UnprocessableEntity("an organisation needs a name", code="missing_name")
    if len(country) != 2 or not country.isalpha():
        raise errors.UnprocessableEntity(
            "country must be a two-letter ISO 3166 code", code="invalid_country"
        )
    if is_europol and kind is not OrganisationKind.authority:
        raise errors.UnprocessableEntity("only an authority can be Europol", code="invalid_kind")
    if repository.organisation_by_name(session, name):
        raise errors.Conflict(f"an organisation named {name!r} exists", code="duplicate_name")
    org = Organisation(name=name, kind=kind, country=country, is_europol=is_europol)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.created",
        object_type="organisation",
        object_id=org.id,
        details={"kind": kind.value},
    )
    return org


@dataclass(frozen=True)
class NewUser:
    user: StaffUser
    totp_secret: str


def create_user(
    session: Session,
    *,
    actor: str,
    secret: bytes,
    email: str,
    role: Role | str,
    password: str,
    totp_secret: str | None = None,
    organisation_name: str | None = None,
) -> NewUser:
    """A staff account, or (role authority_officer, with organisation_name) an account for a
    person of an authority."""
    email = email.strip().lower()
    if "@" not in email:
        raise errors.UnprocessableEntity("not an email address", code="invalid_email")
    if repository.user_by_email(session, email):
        raise errors.Conflict("a user with this email exists", code="duplicate_email")
    try:
        password_hash = hash_password(password)
    except ValueError as weak:
        raise errors.UnprocessableEntity(str(weak), code="weak_password") from weak
    organisation_id = None
    if role == AUTHORITY_OFFICER:
        org = repository.organisation_by_name(session, organisation_name or "")
        if org is None or org.kind != OrganisationKind.authority:
            raise errors.UnprocessableEntity(
                "an authority officer needs --org naming an authority", code="unknown_organisation"
            )
        organisation_id = org.id
    elif organisation_name:
        raise errors.UnprocessableEntity(
            "only authority officers belong to an organisation", code="invalid_role"
        )
    totp_secret = totp_secret or totp.new_secret()
    user = StaffUser(
        email=email,
        role=str(role),
        organisation_id=organisation_id,
        password_hash=password_hash,
        totp_secret_sealed=seal(_totp_key(secret), totp_secret.encode()),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.id,
        details={"role": str(role), "organisation_id": organisation_id},
    )
    return NewUser(user=user, totp_secret=totp_secret)


def totp_secret_of(user: StaffUser, *, secret: bytes) -> str:
    return open_sealed(_totp_key(secret), user.totp_secret_sealed).decode()


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    plaintext: str


def create_key(
    session: Session,
    *,
    actor: str,
    organisation_name: str,
    scopes: list[str] | None = None,
    label: str = "",
    plaintext: str | None = None,
) -> NewKey:
    org = repository.organisation_by_name(session, organisation_name)
    if org is None:
        raise errors.NotFound(
            f"no organisation named {organisation_name!r}", code="unknown_organisation"
        )
    try:
        granted = scopes_for(org.kind, scopes)
    except ValueError as wrong:
        raise errors.UnprocessableEntity(str(wrong), code="invalid_scope") from wrong
    prefix = secrets.token_hex(6)
    plaintext = plaintext or f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    prefix = plaintext.split("_")[1]
    key = ApiKey(
        organisation_id=org.id,
        prefix=prefix,
        secret_hash=sha256_hex(plaintext),
        scopes=granted,
        label=label,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="api_key.created",
        object_type="api_key",
        object_id=key.id,
        details={"organisation_id": org.id, "scopes": granted},
    )
    return NewKey(key=key, plaintext=plaintext)


def revoke_key(session: Session, *, actor: str, prefix: str) -> ApiKey:
    key = repository.key_by_prefix(session, prefix)
    if key is None:
        raise errors.NotFound(f"no key with id {prefix!r}", code="unknown_key")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record(
            session, actor=actor, action="api_key.revoked", object_type="api_key", object_id=key.id
        )
    return key


def principal_for_key(session: Session, presented: str) -> Principal:
    """The organisation behind a bearer key, or Unauthenticated. Keys are long random strings,
    so a plain SHA-256 is the right hash (argon2 would only slow every API call)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise errors.Unauthenticated("malformed API key", code="invalid_api_key")
    key = repository.key_by_prefix(session, parts[1])
    if key is None or not same(key.secret_hash, sha256_hex(presented)):
        raise errors.Unauthenticated("unknown API key", code="invalid_api_key")
    if key.revoked_at is not None:
        raise errors.Unauthenticated("this API key was revoked", code="revoked_api_key")
    org = repository.organisation(session, key.organisation_id)
    if org is None or org.kind not in ORGANISATION_PRINCIPAL:
        raise errors.Unauthenticated("this API key has no organisation", code="invalid_api_key")
    now = utcnow()
    # Recorded at most once a minute: a write on every call would serialise all API traffic.
    if key.last_used_at is None or now - as_utc(key.last_used_at) > timedelta(minutes=1):
        key.last_used_at = now
    return Principal(
        kind=ORGANISATION_PRINCIPAL[org.kind],
        organisation_id=org.id,
        api_key_id=key.id,
        scopes=frozenset(key.scopes),
    )


@dataclass(frozen=True)
class SignInLimits:
    per_account: int
    per_address: int
    window: timedelta


class SignInRefused(errors.Unauthenticated):
    code = "sign_in_failed"


def sign_in(
    session: Session,
    *,
    secret: bytes,
    email: str,
    password: str,
    code: str,
    client_address: str,
    limits: SignInLimits,
    session_lifetime: timedelta,
) -> tuple[StaffUser, str]:
    """Check password and TOTP; return the user and a new session token (stored hashed).

    Failures are recorded against pseudonyms of the account and the address (never the
    address itself) and say nothing about which factor was wrong.
    """
    now = utcnow()
    email = email.strip().lower()
    pseudonym_key = _pseudonym_key(secret)
    account = "acct:" + keyed_digest(pseudonym_key, email)[:64]
    address = "addr:" + keyed_digest(pseudonym_key, client_address)[:64]
    since = now - limits.window
    if (
        repository.failures_since(session, account, since) >= limits.per_account
        or repository.failures_since(session, address, since) >= limits.per_address
    ):
        raise errors.TooManyRequests(
            "too many failed sign-ins; try again later",
            retry_after=int(limits.window.total_seconds()),
            code="sign_in_rate_limited",
        )
    user = repository.user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    step = None
    if user is not None and user.is_active and password_ok:
        step = totp.accepted_step(
            totp_secret_of(user, secret=secret), code, last_step=user.totp_last_step
        )
    if user is None or step is None:
        session.add_all(
            [SignInAttempt(subject=account, at=now), SignInAttempt(subject=address, at=now)]
        )
        audit.record(
            session,
            actor=f"user:{user.id}" if user else "anonymous",
            action="auth.sign_in_failed",
            object_type="user",
            object_id=user.id if user else "-",
            details={"reason": "credentials"},
        )
        session.flush()
        raise SignInRefused("wrong email, password or code")
    user.totp_last_step = step
    repository.forget_failures(session, account)
    token = open_session(session, user=user, lifetime=session_lifetime)
    audit.record(
        session,
        actor=f"user:{user.id}",
        action="auth.signed_in",
        object_type="user",
        object_id=user.id,
    )
    session.flush()
    return user, token


def open_session(session: Session, *, user: StaffUser, lifetime: timedelta) -> str:
    """A new browser session for a user who has proved who they are; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=sha256_hex(token), user_id=user.id, expires_at=utcnow() + lifetime)
    )
    session.flush()
    return token


def principal_for_session(session: Session, token: str) -> Principal | None:
    token_hash = sha256_hex(token)
    live = repository.live_session(session, token_hash, utcnow())
    if live is None:
        return None
    user = session.get(StaffUser, live.user_id)
    if user is None or not user.is_active:
        return None
    if user.role == AUTHORITY_OFFICER:
        # An officer acts for their authority, with the authority's scopes, in the browser.
        return Principal(
            kind=PrincipalKind.authority,
            user_id=user.id,
            organisation_id=user.organisation_id,
            scopes=allowed_scopes(OrganisationKind.authority),
            session_token_hash=token_hash,
        )
    return Principal(
        kind=PrincipalKind.staff,
        user_id=user.id,
        role=Role(user.role),
        session_token_hash=token_hash,
    )


def sign_out(session: Session, *, principal: Principal) -> None:
    if principal.session_token_hash is None:
        return
    live = session.get(StaffSession, principal.session_token_hash)
    if live is not None and live.revoked_at is None:
        live.revoked_at = utcnow()
        audit.record(
            session,
            actor=principal.actor,
            action="auth.signed_out",
            object_type="user",
            object_id=principal.user_id or "-",
        )
