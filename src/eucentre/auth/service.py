"""Accounts, keys and sign-in. Services decide and flush; the caller's transaction commits."""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.auth import repository, totp
from eucentre.auth.demo_marks import is_demo_email, is_demo_key
from eucentre.auth.passwords import hash_password, verify_password
from eucentre.auth.principals import ORGANISATION_PRINCIPAL, Principal, PrincipalKind
from eucentre.auth.scopes import allowed_scopes, scopes_for
from eucentre.kinds import ORGANISATION_ROLES
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

KEY_PREFIX = "euc"

log = logging.getLogger("eucentre.auth")


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
    """A staff account, or (role authority_officer or coordinator, with organisation_name) an
    account for a person of an authority or of a Member State's monitoring coordinator."""
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
    needed_kind = ORGANISATION_ROLES.get(str(role))
    if needed_kind is not None:
        org = repository.organisation_by_name(session, organisation_name or "")
        if org is None or org.kind != needed_kind:
            raise errors.UnprocessableEntity(
                f"a {role} account needs --org naming a {needed_kind.value}",
                code="unknown_organisation",
            )
        organisation_id = org.id
    elif organisation_name:
        raise errors.UnprocessableEntity(
            "only authority officers and coordinators belong to an organisation",
            code="invalid_role",
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


def principal_for_key(session: Session, presented: str, *, refuse_demo: bool = False) -> Principal:
    """The organisation behind a bearer key, or Unauthenticated. Keys are long random strings,
    so a plain SHA-256 is the right hash (argon2 would only slow every API call). With
    `refuse_demo` (production), the published demo keys are refused even where they exist."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise errors.Unauthenticated("malformed API key", code="invalid_api_key")
    if refuse_demo and is_demo_key(parts[1]):
        raise DemoCredentialsRefused(
            "demo API keys are refused in production", code="demo_credentials_refused"
        )
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
    """Failures per window before sign-ins from an address are refused (`per_address`), and
    before an account counts as under attack (`per_account`). An account under attack is never
    locked: a client that failed against it waits `delay`, doubled with each further failure (at
    most `max_delay`), before its next try, while its owner elsewhere still signs in."""

    per_account: int
    per_address: int
    window: timedelta
    delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=5)

    def wait_after(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        return min(self.delay * 2 ** min(failures - 1, 30), self.max_delay)


class SignInRefused(errors.Unauthenticated):
    code = "sign_in_failed"


class DemoCredentialsRefused(errors.Unauthenticated):
    code = "demo_credentials_refused"


@dataclass(frozen=True)
class SignInCheck:
    """What the short read before the password check found: the attempt's pseudonyms and the
    account's password hash (None: no such account)."""

    email: str
    account: str
    address: str
    client: str
    user_id: int | None
    password_hash: str | None


def check_sign_in(
    session: Session,
    *,
    secret: bytes,
    email: str,
    client_address: str,
    limits: SignInLimits,
    refuse_demo: bool = False,
) -> SignInCheck:
    """Refuse a client over its limits (429, without hashing anything) and read the account.
    Only reads: the caller ends this transaction before the password is checked.

    Failures are counted against pseudonyms (never the address itself) of the account, the
    address and the pair of both; an unknown email is counted exactly like a known one, so the
    answers do not reveal which accounts exist.
    """
    now = utcnow()
    email = email.strip().lower()
    if refuse_demo and is_demo_email(email):
        raise DemoCredentialsRefused(
            "demo accounts are refused in production", code="demo_credentials_refused"
        )
    pseudonym_key = _pseudonym_key(secret)
    account = "acct:" + keyed_digest(pseudonym_key, email)[:64]
    address = "addr:" + keyed_digest(pseudonym_key, client_address)[:64]
    client = "pair:" + keyed_digest(pseudonym_key, f"{email}\n{client_address}")[:64]
    since = now - limits.window
    if repository.failures_since(session, address, since) >= limits.per_address:
        raise errors.TooManyRequests(
            "too many failed sign-ins; try again later",
            retry_after=int(limits.window.total_seconds()),
            code="sign_in_rate_limited",
        )
    if repository.failures_since(session, account, since) >= limits.per_account:
        # Under attack: slow down whoever has been failing against this account, not everyone.
        tried = repository.failures_since(session, client, since)
        last = repository.last_failure(session, client, since)
        if last is not None:
            remaining = as_utc(last) + limits.wait_after(tried) - now
            if remaining > timedelta(0):
                raise errors.TooManyRequests(
                    "too many failed sign-ins; try again later",
                    retry_after=max(1, math.ceil(remaining.total_seconds())),
                    code="sign_in_rate_limited",
                )
    user = repository.user_by_email(session, email)
    return SignInCheck(
        email=email,
        account=account,
        address=address,
        client=client,
        user_id=user.id if user else None,
        password_hash=user.password_hash if user else None,
    )


def password_matches(check: SignInCheck, password: str) -> bool:
    """argon2, slow on purpose (and against a dummy hash for unknown accounts, so timing does
    not tell them apart): run it outside any transaction, since on SQLite a transaction holds
    the write lock of every writer."""
    return verify_password(check.password_hash, password)


def finish_sign_in(
    session: Session,
    *,
    secret: bytes,
    check: SignInCheck,
    password_ok: bool,
    code: str,
    limits: SignInLimits,
    session_lifetime: timedelta,
) -> tuple[StaffUser, str]:
    """Check the TOTP code and record the outcome, under the account's row lock: concurrent
    sign-ins with one code cannot both use it, and concurrent failures are all counted.
    Returns the user and a new session token (stored hashed)."""
    now = utcnow()
    user = repository.user_for_update(session, check.user_id) if check.user_id else None
    step = None
    # A password changed since the read makes the checked one stale.
    if (
        user is not None
        and user.is_active
        and password_ok
        and user.password_hash == check.password_hash
    ):
        step = totp.accepted_step(
            totp_secret_of(user, secret=secret), code, last_step=user.totp_last_step
        )
    if user is None or step is None:
        before = repository.failures_since(session, check.account, now - limits.window)
        session.add_all(
            [
                SignInAttempt(subject=subject, at=now)
                for subject in (check.account, check.address, check.client)
            ]
        )
        audit.record(
            session,
            actor=f"user:{user.id}" if user else "anonymous",
            action="auth.sign_in_failed",
            object_type="user",
            object_id=user.id if user else "-",
            details={"reason": "credentials"},
        )
        if user is not None and before < limits.per_account <= before + 1:
            # Once per window: the failure that puts the account under attack.
            audit.record(
                session,
                actor="anonymous",
                action="auth.sign_in_attack",
                object_type="user",
                object_id=user.id,
                details={
                    "failures": before + 1,
                    "window_minutes": int(limits.window.total_seconds() // 60),
                },
            )
            log.error("sign-in attack", extra={"user_id": user.id, "failures": before + 1})
        session.flush()
        raise SignInRefused("wrong email, password or code")
    user.totp_last_step = step
    # Only this client's record: the account's failures are evidence of an attack that goes on.
    repository.forget_failures(session, check.client)
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
    refuse_demo: bool = False,
) -> tuple[StaffUser, str]:
    """The three steps in the caller's one transaction (scripts, service tests). The sign-in
    page runs them apart, so that argon2 never runs inside a transaction."""
    check = check_sign_in(
        session,
        secret=secret,
        email=email,
        client_address=client_address,
        limits=limits,
        refuse_demo=refuse_demo,
    )
    return finish_sign_in(
        session,
        secret=secret,
        check=check,
        password_ok=password_matches(check, password),
        code=code,
        limits=limits,
        session_lifetime=session_lifetime,
    )


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
    kind = ORGANISATION_ROLES.get(user.role)
    if kind is not None:
        # An officer acts for their authority (a coordinator for their coordinator), with the
        # organisation's scopes, in the browser.
        return Principal(
            kind=ORGANISATION_PRINCIPAL[kind],
            user_id=user.id,
            organisation_id=user.organisation_id,
            scopes=allowed_scopes(kind),
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
