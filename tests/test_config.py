from pathlib import Path

import pytest
from pydantic import ValidationError

from eucentre.config import DEVELOPMENT_SECRET, InsecureConfiguration, LogFormat, Settings
from tests.auth.test_production import PRODUCTION_SECRET


def test_sqlite_under_the_data_dir_by_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'eucentre.db').resolve()}"
    assert settings.task_queue_path == tmp_path / "tasks.db"


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EUCENTRE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EUCENTRE_DATABASE_URL", "postgresql+psycopg://db.example/eucentre")
    monkeypatch.setenv("EUCENTRE_PORT", "9123")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.resolved_database_url == "postgresql+psycopg://db.example/eucentre"
    assert settings.port == 9123


@pytest.mark.parametrize("secret", [None, "", DEVELOPMENT_SECRET, "short"])
def test_production_refuses_a_default_or_missing_secret(secret: str | None) -> None:
    with pytest.raises(InsecureConfiguration):
        Settings(environment="production", secret_key=secret)


def test_production_starts_with_a_real_secret() -> None:
    settings = Settings(environment="production", secret_key=PRODUCTION_SECRET)
    assert settings.is_production
    assert settings.secret == PRODUCTION_SECRET.encode()


def test_logs_are_text_in_development_and_json_elsewhere() -> None:
    assert Settings().log_format == LogFormat.text  # development is the default environment
    assert Settings(environment="test").log_format == LogFormat.json
    assert (
        Settings(environment="production", secret_key=PRODUCTION_SECRET).log_format
        == LogFormat.json
    )


@pytest.mark.parametrize(
    ("environment", "value", "chosen"),
    [
        ("production", "text", LogFormat.text),
        ("development", "json", LogFormat.json),
        ("test", "TEXT", None),
    ],
)
def test_log_format_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str, value: str, chosen: LogFormat | None
) -> None:
    monkeypatch.setenv("EUCENTRE_ENVIRONMENT", environment)
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", PRODUCTION_SECRET)
    monkeypatch.setenv("EUCENTRE_LOG_FORMAT", value)
    if chosen is None:  # the values are exact words, as documented
        with pytest.raises(ValidationError, match="log_format"):
            Settings()
    else:
        assert Settings().log_format == chosen


@pytest.mark.parametrize("value", ["yaml", "", "colour"])
def test_a_bad_log_format_is_a_settings_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EUCENTRE_LOG_FORMAT", value)
    with pytest.raises(ValidationError, match="log_format"):
        Settings()
