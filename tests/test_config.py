from pathlib import Path

import pytest

from eucentre.config import DEVELOPMENT_SECRET, InsecureConfiguration, Settings


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
    settings = Settings(environment="production", secret_key="k" * 48)
    assert settings.is_production
    assert settings.secret == b"k" * 48
