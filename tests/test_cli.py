"""The eucentre command as an operator uses it, on the configured database."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from eucentre.blobs import blob_store
from eucentre.cli import app
from eucentre.config import get_settings
from eucentre.db import transaction
from eucentre.models import ApiKey, Organisation, StaffUser
from tests.auth.test_production import PRODUCTION_SECRET

runner = CliRunner()


@pytest.fixture
def cli_env(database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the CLI's settings at this test's database, as EUCENTRE_* variables do."""
    monkeypatch.setenv("EUCENTRE_DATABASE_URL", database.url)
    monkeypatch.setenv("EUCENTRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", "cli-test-secret-" + "y" * 32)
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_every_command_has_help() -> None:
    for command in (
        [],
        ["orgs"],
        ["keys", "create"],
        ["users", "create"],
        ["audit", "verify"],
        ["serve"],
        ["db", "upgrade"],
        ["demo", "load"],
        ["hash"],
        ["index"],
        ["retention", "enforce"],
    ):
        result = invoke(*command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert "Usage" in result.output


def test_orgs_keys_and_users(cli_env, session_factory) -> None:
    created = invoke(
        "orgs", "create", "--name", "Acme Social", "--kind", "provider", "--country", "ie"
    )
    assert created.exit_code == 0, created.output
    europol = invoke(
        "orgs", "create", "--name", "Europol", "--kind", "authority", "--country", "NL", "--europol"
    )
    assert europol.exit_code == 0, europol.output
    key_run = invoke("keys", "create", "--org", "Acme Social", "--scope", "lookup")
    assert key_run.exit_code == 0, key_run.output
    plaintext = key_run.output.strip().splitlines()[-1]
    assert plaintext.startswith("euc_")
    user_run = invoke(
        "users",
        "create",
        "--email",
        "Ana@Example.test",
        "--role",
        "senior_analyst",
        stdin="a long enough password\n",
    )
    assert user_run.exit_code == 0, user_run.output
    assert "TOTP secret:" in user_run.output and "otpauth://" in user_run.output
    with transaction(session_factory) as session:
        org = session.scalars(select(Organisation).where(Organisation.name == "Acme Social")).one()
        assert org.country == "IE"
        key = session.scalars(select(ApiKey)).one()
        assert key.scopes == ["lookup"] and plaintext not in key.secret_hash
        assert session.scalars(select(StaffUser)).one().email == "ana@example.test"
    revoked = invoke("keys", "revoke", plaintext.split("_")[1])
    assert revoked.exit_code == 0
    with transaction(session_factory) as session:
        assert session.scalars(select(ApiKey)).one().revoked_at is not None
    verified = invoke("audit", "verify")
    assert verified.exit_code == 0 and "intact: 5 entries" in verified.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keys", "create", "--org", "Nobody"], "no organisation named"),
        (["keys", "revoke", "nosuchkey"], "no key with id"),
        (
            ["orgs", "create", "--name", "X", "--kind", "provider", "--country", "Germany"],
            "two-letter",
        ),
        (["keys", "create", "--org", "Acme", "--scope", "referrals:read"], "not allowed"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_code_2(cli_env, args, message) -> None:
    invoke("orgs", "create", "--name", "Acme", "--kind", "provider", "--country", "DE")
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_users_create_refuses_a_missing_or_weak_password(cli_env) -> None:
    assert (
        invoke("users", "create", "--email", "a@b.test", "--role", "analyst", stdin="").exit_code
        == 2
    )
    weak = invoke("users", "create", "--email", "a@b.test", "--role", "analyst", stdin="short\n")
    assert weak.exit_code == 2 and "at least" in weak.output


def test_audit_verify_fails_on_a_tampered_log(cli_env) -> None:
    invoke("orgs", "create", "--name", "Acme", "--kind", "provider", "--country", "DE")
    invoke("orgs", "create", "--name", "Other", "--kind", "provider", "--country", "DE")
    with cli_env.engine.begin() as connection:
        if cli_env.kind == "sqlite":
            connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        else:
            connection.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        connection.execute(text("UPDATE audit_entries SET actor = 'someone' WHERE seq = 1"))
    result = invoke("audit", "verify")
    assert result.exit_code == 1 and "BROKEN" in result.output and "entry 1" in result.output


def test_demo_load_is_idempotent_and_refused_in_production(cli_env, monkeypatch) -> None:
    first = invoke("demo", "load")
    assert first.exit_code == 0 and "item(s) created" in first.output
    second = invoke("demo", "load")
    assert second.exit_code == 0 and "demo data present" in second.output
    monkeypatch.setenv("EUCENTRE_ENVIRONMENT", "production")
    # Production refuses the test's guessable secret before it gets to the demo data.
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", PRODUCTION_SECRET)
    get_settings.cache_clear()
    refused = invoke("demo", "load")
    assert refused.exit_code == 2 and "never loaded in production" in refused.output
    # What production can do with demo records it finds: retire them.
    retired = invoke("demo", "retire")
    assert retired.exit_code == 0 and "retired key demoprov01" in retired.output
    again = invoke("demo", "retire")
    assert "demo records retired: 0" in again.output


def test_the_installed_command_creates_and_migrates_a_fresh_data_dir(tmp_path: Path) -> None:
    env = {**os.environ, "EUCENTRE_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("EUCENTRE_DATABASE_URL", None)
    command = Path(sys.executable).parent / "eucentre"
    done = subprocess.run(
        [str(command), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh" / "eucentre.db").exists()


def test_retention_enforce_deletes_orphaned_blobs_and_a_dry_run_only_counts(cli_env) -> None:
    settings = get_settings()
    blobs = blob_store(settings)
    orphan = blobs.put(b"written by an upload whose transaction rolled back")
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(settings.blob_dir / orphan[:2] / orphan, (long_ago, long_ago))

    dry = invoke("retention", "enforce", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would be deleted" in dry.output and re.search(
        r"orphan_blobs_deleted\s*│\s*1", dry.output
    )
    assert blobs.exists(orphan)

    done = invoke("retention", "enforce")
    assert done.exit_code == 0, done.output
    assert re.search(r"orphan_blobs_deleted\s*│\s*1", done.output)
    assert not blobs.exists(orphan)
