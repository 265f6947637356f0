"""Sign-in under attack: nobody can lock an owner out, floods cannot hold the write lock, and
concurrent sign-ins count and check codes under the account's row lock (on every engine)."""

import logging
import sqlite3
import threading
from datetime import timedelta

import argon2
import httpx
import pytest
from sqlalchemy import func, select

from eucentre import errors
from eucentre.auth import service
from eucentre.db import transaction
from eucentre.models import AuditEntry, SignInAttempt
from tests.conftest import TEST_SECRET
from tests.factories import make_staff
from tests.web.test_pages import sign_in as sign_in_over_http

SECRET = TEST_SECRET.encode()
LIMITS = service.SignInLimits(per_account=3, per_address=50, window=timedelta(minutes=15))
# Replays are failures too; these limits keep them from slowing the race down.
LENIENT = service.SignInLimits(per_account=100, per_address=100, window=timedelta(minutes=15))
WRONG = "wrong password entirely"


def sign_in(session, account, *, address, password=None, code=None, limits=LIMITS):
    return service.sign_in(
        session,
        secret=SECRET,
        email=account.email,
        password=password or account.password,
        code=code or account.code(),
        client_address=address,
        limits=limits,
        session_lifetime=timedelta(hours=1),
    )


def attack_entries(session):
    return session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.sign_in_attack")
    ).all()


def test_an_attacked_account_still_admits_its_owner_from_another_client(session, caplog) -> None:
    account = make_staff(session, secret=SECRET)
    for _ in range(LIMITS.per_account):
        with pytest.raises(service.SignInRefused):
            sign_in(session, account, address="203.0.113.66", password=WRONG)
    with pytest.raises(errors.TooManyRequests) as slowed:
        sign_in(session, account, address="203.0.113.66", password=WRONG)
    assert 1 <= slowed.value.retry_after <= LIMITS.max_delay.total_seconds()
    # The owner, elsewhere, with the right password and code.
    with caplog.at_level(logging.ERROR, logger="eucentre.auth"):
        user, _ = sign_in(session, account, address="192.0.2.10")
    assert user.id == account.user.id
    assert len(attack_entries(session)) == 1


def test_the_attack_is_recorded_and_logged_once_per_window(session, caplog) -> None:
    account = make_staff(session, secret=SECRET)
    with caplog.at_level(logging.ERROR, logger="eucentre.auth"):
        # Many clients, one failure each: none is slowed, each failure is counted.
        for n in range(LIMITS.per_account + 4):
            with pytest.raises(service.SignInRefused):
                sign_in(session, account, address=f"198.51.100.{n}", password=WRONG)
    entries = attack_entries(session)
    assert len(entries) == 1 and entries[0].object_id == str(account.user.id)
    logged = [r for r in caplog.records if r.getMessage() == "sign-in attack"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR


def test_the_wait_grows_with_each_failure_of_one_client() -> None:
    waits = [LIMITS.wait_after(n) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] == LIMITS.delay
    assert waits[-1] == LIMITS.max_delay


def test_unknown_accounts_are_counted_and_hashed_like_known_ones(session, monkeypatch) -> None:
    verified = []
    original = argon2.PasswordHasher.verify

    def counting(self, hash, password):  # noqa: A002 - argon2's own parameter name
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    account = make_staff(session, secret=SECRET)
    ghost = type(account)(account.user, "nobody@example.test", WRONG, account.totp_secret)
    for who in (account, ghost):
        for _ in range(LIMITS.per_account):
            with pytest.raises(service.SignInRefused):
                sign_in(session, who, address="203.0.113.9", password=WRONG)
        with pytest.raises(errors.TooManyRequests):
            sign_in(session, who, address="203.0.113.9", password=WRONG)
    # One argon2 verification per answered attempt, known account or not; none when slowed.
    assert len(verified) == 2 * LIMITS.per_account


def test_no_password_is_checked_inside_a_transaction(live, session_factory, database, monkeypatch):
    """On SQLite a transaction holds the write lock: while argon2 runs, another writer must be
    able to take it, and no connection of the server may be in use."""
    observed = []
    original = argon2.PasswordHasher.verify

    def observing(self, hash, password):  # noqa: A002
        free = database.engine.pool.checkedout() == 0
        if database.kind == "sqlite":
            other = sqlite3.connect(database.engine.url.database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
            except sqlite3.OperationalError:
                free = False
            finally:
                other.close()
        observed.append(free)
        return original(self, hash, password)

    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", observing)
    with live.client() as client:
        assert sign_in_over_http(client, account, password=WRONG).status_code == 401
        assert sign_in_over_http(client, account).status_code == 303
    assert observed == [True, True]


def _client_from(live, address: str) -> httpx.Client:
    # Another loopback address is another client to the server, over real HTTP.
    transport = httpx.HTTPTransport(local_address=address)
    return live.client(transport=transport)


def test_over_http_an_attacker_cannot_lock_the_owner_out(live, session_factory) -> None:
    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET)
    limit = live.settings.sign_in_max_failures_per_account
    with _client_from(live, "127.0.0.2") as attacker:
        statuses = [
            sign_in_over_http(attacker, account, password=WRONG).status_code
            for _ in range(limit + 1)
        ]
    assert statuses == [401] * limit + [429]
    with _client_from(live, "127.0.0.3") as owner:
        assert sign_in_over_http(owner, account).status_code == 303
        assert owner.get("/staff").status_code == 200


def _concurrently(count: int, attempt):
    barrier = threading.Barrier(count)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(position: int) -> None:
        barrier.wait()
        try:
            result = attempt(position)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test counts
            result = error
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.xdist_group("races")
def test_one_code_used_concurrently_signs_in_exactly_once(session_factory) -> None:
    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET)
    code = account.code()

    def attempt(_: int):
        # Committed like the sign-in page commits its refusals.
        with transaction(session_factory) as session:
            try:
                return sign_in(session, account, address="192.0.2.20", code=code, limits=LENIENT)
            except service.SignInRefused as refused:
                return refused

    outcomes = _concurrently(6, attempt)
    succeeded = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, service.SignInRefused)]
    assert len(succeeded) == 1 and len(refused) == 5, outcomes


@pytest.mark.xdist_group("races")
def test_concurrent_wrong_passwords_are_all_counted_and_alert_once(session_factory) -> None:
    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET)
        account_subject_count = session.scalar(select(func.count()).select_from(SignInAttempt))

    def attempt(position: int):
        # One address each: none is slowed down, so every attempt reaches the count.
        address = f"192.0.2.{30 + position}"
        with transaction(session_factory) as session:
            try:
                return sign_in(session, account, address=address, password=WRONG)
            except service.SignInRefused as refused:
                return refused

    outcomes = _concurrently(8, attempt)
    assert all(isinstance(o, service.SignInRefused) for o in outcomes), outcomes
    with transaction(session_factory) as session:
        attempts = session.scalar(select(func.count()).select_from(SignInAttempt))
        assert attempts - account_subject_count == 8 * 3  # account, address and pair each
        assert len(attack_entries(session)) == 1
