"""Accounts, keys and sign-in through the services, on every engine."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from eucentre import errors
from eucentre.auth import service
from eucentre.models import ApiKey, AuditEntry, OrganisationKind, Role
from tests.conftest import TEST_SECRET
from tests.factories import make_key, make_organisation, make_staff

SECRET = TEST_SECRET.encode()
LIMITS = service.SignInLimits(per_account=3, per_address=5, window=timedelta(minutes=15))


def sign_in(session, account, *, code=None, password=None, address="192.0.2.1"):
    return service.sign_in(
        session,
        secret=SECRET,
        email=account.email,
        password=password or account.password,
        code=code or account.code(),
        client_address=address,
        limits=LIMITS,
        session_lifetime=timedelta(hours=1),
    )


def test_keys_are_stored_hashed_and_identify_their_organisation(session) -> None:
    org = make_organisation(session, kind=OrganisationKind.provider)
    plaintext = make_key(session, org)
    stored = session.scalars(select(ApiKey)).one()
    assert plaintext not in (stored.secret_hash, stored.prefix)
    principal = service.principal_for_key(session, plaintext)
    assert principal.organisation_id == org.id and principal.kind.value == "provider"
    assert "reports:write" in principal.scopes


def test_a_revoked_key_is_refused(session) -> None:
    org = make_organisation(session)
    plaintext = make_key(session, org)
    service.revoke_key(session, actor="test", prefix=plaintext.split("_")[1])
    with pytest.raises(errors.Unauthenticated) as refused:
        service.principal_for_key(session, plaintext)
    assert refused.value.code == "revoked_api_key"


@pytest.mark.parametrize("bad", ["", "nope", "euc_x", "euc_unknown_secret", "Bearer euc_a_b"])
def test_wrong_keys_are_refused(session, bad: str) -> None:
    make_key(session, make_organisation(session))
    with pytest.raises(errors.Unauthenticated):
        service.principal_for_key(session, bad)


def test_a_tampered_secret_with_a_real_prefix_is_refused(session) -> None:
    plaintext = make_key(session, make_organisation(session))
    with pytest.raises(errors.Unauthenticated):
        service.principal_for_key(session, plaintext[:-2] + "zz")


def test_scopes_must_fit_the_organisation_kind(session) -> None:
    authority = make_organisation(session, kind=OrganisationKind.authority)
    with pytest.raises(errors.UnprocessableEntity) as refused:
        make_key(session, authority, scopes=["reports:write"])
    assert refused.value.code == "invalid_scope"
    centre = make_organisation(session, kind=OrganisationKind.centre)
    with pytest.raises(errors.UnprocessableEntity):
        make_key(session, centre)


def test_organisation_input_is_checked(session) -> None:
    with pytest.raises(errors.UnprocessableEntity):
        make_organisation(session, country="Germany")
    with pytest.raises(errors.UnprocessableEntity):
        make_organisation(session, kind=OrganisationKind.provider, europol=True)
    make_organisation(session, name="Same")
    with pytest.raises(errors.Conflict):
        make_organisation(session, name="Same")


def test_weak_passwords_are_refused(session) -> None:
    with pytest.raises(errors.UnprocessableEntity) as refused:
        service.create_user(
            session, actor="t", secret=SECRET, email="a@b.test", role=Role.analyst, password="short"
        )
    assert refused.value.code == "weak_password"


def test_the_totp_secret_is_encrypted_at_rest(session) -> None:
    account = make_staff(session, secret=SECRET)
    assert account.totp_secret.encode() not in account.user.totp_secret_sealed
    assert service.totp_secret_of(account.user, secret=SECRET) == account.totp_secret


def test_sign_in_needs_password_and_code(session) -> None:
    account = make_staff(session, secret=SECRET)
    user, token = sign_in(session, account)
    assert user.id == account.user.id
    assert service.principal_for_session(session, token).role is Role.analyst


def test_wrong_password_is_refused_and_audited(session) -> None:
    account = make_staff(session, secret=SECRET)
    with pytest.raises(service.SignInRefused):
        sign_in(session, account, password="wrong password entirely")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.sign_in_failed")
    ).one()
    assert entry.object_id == str(account.user.id)
    assert account.email not in str(entry.details)


def test_wrong_and_replayed_codes_are_refused(session) -> None:
    account = make_staff(session, secret=SECRET)
    with pytest.raises(service.SignInRefused):
        sign_in(session, account, code="000000" if account.code() != "000000" else "111111")
    code = account.code()
    sign_in(session, account, code=code)
    with pytest.raises(service.SignInRefused):
        sign_in(session, account, code=code)


def test_a_code_older_than_one_step_is_refused(session) -> None:
    account = make_staff(session, secret=SECRET)
    with pytest.raises(service.SignInRefused):
        sign_in(session, account, code=account.code(at=time.time() - 120))


def test_failed_sign_ins_are_rate_limited_per_account(session) -> None:
    account = make_staff(session, secret=SECRET)
    for _ in range(LIMITS.per_account):
        with pytest.raises(service.SignInRefused):
            sign_in(session, account, password="wrong password entirely")
    with pytest.raises(errors.TooManyRequests):
        sign_in(session, account)  # even the right credentials wait now


def test_failed_sign_ins_are_rate_limited_per_address(session) -> None:
    accounts = [make_staff(session, secret=SECRET) for _ in range(3)]
    for n in range(LIMITS.per_address):
        with pytest.raises(service.SignInRefused):
            sign_in(
                session, accounts[n % 3], password="wrong password entirely", address="198.51.100.7"
            )
    with pytest.raises(errors.TooManyRequests):
        sign_in(session, make_staff(session, secret=SECRET), address="198.51.100.7")
    # Another address is not affected.
    sign_in(session, make_staff(session, secret=SECRET), address="198.51.100.8")


def test_an_expired_session_is_no_session(session) -> None:
    account = make_staff(session, secret=SECRET)
    _, token = sign_in(session, account)
    from eucentre.kit.crypto import sha256_hex
    from eucentre.kit.time import utcnow
    from eucentre.models import StaffSession

    stored = session.get(StaffSession, sha256_hex(token))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    assert service.principal_for_session(session, token) is None
