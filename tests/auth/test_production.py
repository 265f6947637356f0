"""Production refuses what the demo data publishes (keys, accounts) and secrets that can be
guessed; /readyz and the start say when demo records are still there."""

import logging
import secrets
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from eucentre.auth import demo_marks, service, totp
from eucentre.config import InsecureConfiguration, Settings
from eucentre.db import transaction
from eucentre.demo import banner, data
from eucentre.models import OrganisationKind
from tests.conftest import serving

# What `secrets.token_urlsafe(48)` printed once; any random value does.
PRODUCTION_SECRET = "q3Vd9-ZkR0nWb7LhXy2TfJmCp5sAeG8uKo1NiQ4rBvHw6DxYzE_UcMtSaPl0FjOgRbIk"
DEMO_PROVIDER = data.DEMO_ORGANISATIONS[1]
DEMO_EMAIL = data.DEMO_USERS[0][0]


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 48,
        "k" * 48,
        "password" * 6,
        "correcthorsebatterystaple" * 2,
        "passwordpassword1passwordpassword2",
        "dragon-dragon-dragon-dragon-dragon-dragon",
    ],
)
def test_production_refuses_a_long_but_guessable_secret(weak: str) -> None:
    with pytest.raises(InsecureConfiguration, match="not random enough"):
        Settings(environment="production", secret_key=weak)


def test_production_accepts_random_secrets() -> None:
    for secret in (PRODUCTION_SECRET, secrets.token_urlsafe(48), secrets.token_hex(16)):
        assert Settings(environment="production", secret_key=secret).is_production


def test_development_keeps_its_default_secret() -> None:
    assert not Settings().is_production  # what `make run` starts with


def test_every_published_demo_credential_is_recognised() -> None:
    for organisation in data.DEMO_ORGANISATIONS:
        if organisation.key:
            assert demo_marks.is_demo_key(organisation.key.split("_")[1])
    for email, _ in (*data.DEMO_USERS, *data.DEMO_OFFICERS):
        assert demo_marks.is_demo_email(email)
    # Generated key ids are hexadecimal and never look like demo ones.
    assert not demo_marks.is_demo_key(secrets.token_hex(6))


def _plant_demo_records(session_factory, secret: bytes) -> None:
    """What `eucentre demo load` leaves behind that matters here: a published key and account."""
    with transaction(session_factory) as session:
        service.create_organisation(
            session,
            actor=data.DEMO_ACTOR,
            name=DEMO_PROVIDER.name,
            kind=OrganisationKind.provider,
            country=DEMO_PROVIDER.country,
        )
        service.create_key(
            session,
            actor=data.DEMO_ACTOR,
            organisation_name=DEMO_PROVIDER.name,
            plaintext=DEMO_PROVIDER.key,
            label="demo",
        )
        service.create_user(
            session,
            actor=data.DEMO_ACTOR,
            secret=secret,
            email=DEMO_EMAIL,
            role=data.DEMO_USERS[0][1],
            password=data.DEMO_PASSWORD,
            totp_secret=data.demo_totp_secret(DEMO_EMAIL),
        )


def _production(settings: Settings) -> Settings:
    # Validated again, as a production start would be.
    return Settings(
        **{**settings.model_dump(), "environment": "production", "secret_key": PRODUCTION_SECRET}
    )


def test_production_refuses_demo_keys_and_is_not_ready_until_they_are_retired(
    settings, database, session_factory
) -> None:
    production = _production(settings)
    _plant_demo_records(session_factory, production.secret)
    headers = {"authorization": f"Bearer {DEMO_PROVIDER.key}"}
    with serving(production, database) as url:
        refused = httpx.get(f"{url}/api/v1/complaints", headers=headers, timeout=30)
        assert refused.status_code == 401
        assert refused.json()["error"] == "demo_credentials_refused"
        ready = httpx.get(f"{url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["checks"]["demo_data"].startswith("demo records present")
        with transaction(session_factory) as session:
            assert data.retire(session, actor="test")
        ready = httpx.get(f"{url}/readyz", timeout=30)
        assert ready.status_code == 200 and ready.json()["checks"]["demo_data"] == "ok"
    # Development still takes the demo key (`make run`).
    with transaction(session_factory) as session:
        session.execute(text("UPDATE api_keys SET revoked_at = NULL"))  # un-retired here only
    with serving(settings, database) as url:
        accepted = httpx.get(f"{url}/api/v1/complaints", headers=headers, timeout=30)
        assert accepted.status_code == 200


def test_production_refuses_demo_sign_ins(session) -> None:
    secret = PRODUCTION_SECRET.encode()
    service.create_user(
        session,
        actor=data.DEMO_ACTOR,
        secret=secret,
        email=DEMO_EMAIL,
        role=data.DEMO_USERS[0][1],
        password=data.DEMO_PASSWORD,
        totp_secret=data.demo_totp_secret(DEMO_EMAIL),
    )
    attempt = {
        "secret": secret,
        "email": DEMO_EMAIL,
        "password": data.DEMO_PASSWORD,
        "client_address": "192.0.2.1",
        "limits": service.SignInLimits(per_account=5, per_address=20, window=timedelta(hours=1)),
        "session_lifetime": timedelta(hours=1),
    }
    code = data.demo_totp_secret(DEMO_EMAIL)
    with pytest.raises(service.DemoCredentialsRefused) as refused:
        service.sign_in(session, code=totp.current_code(code), refuse_demo=True, **attempt)
    assert refused.value.code == "demo_credentials_refused" and refused.value.status == 401
    user, _ = service.sign_in(session, code=totp.current_code(code), **attempt)  # development
    assert user.email == DEMO_EMAIL


def test_a_production_start_logs_an_error_for_demo_records(settings, session_factory, caplog):
    _plant_demo_records(session_factory, settings.secret)
    with caplog.at_level(logging.ERROR, logger="eucentre.operations"):
        found = banner.log_demo_records(session_factory)
    assert found == {"api_keys": 1, "accounts": 1}
    assert any("demo records in a production database" in r.getMessage() for r in caplog.records)
