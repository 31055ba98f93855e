"""Settings: flag > environment > config file > default; a missing identity stops with how-to."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker import config
from claimtracker.errors import ConfigError


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("CLAIMTRACKER_DB", "CLAIMTRACKER_SEC_IDENTITY", "CLAIMTRACKER_CONFIG",
                "CLAIMTRACKER_MAX_RPS", "CLAIMTRACKER_EDGAR_WWW"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    config._file_settings.cache_clear()


def test_db_path_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.db_path() == Path("data/claimtracker.duckdb")
    monkeypatch.setenv("CLAIMTRACKER_DB", "/tmp/env.duckdb")
    assert config.db_path() == Path("/tmp/env.duckdb")
    assert config.db_path("/tmp/flag.duckdb") == Path("/tmp/flag.duckdb")


def test_identity_without_email_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="CLAIMTRACKER_SEC_IDENTITY"):
        config.sec_identity()
    monkeypatch.setenv("CLAIMTRACKER_SEC_IDENTITY", "JustAName")
    with pytest.raises(ConfigError, match="JustAName"):
        config.sec_identity()
    monkeypatch.setenv("CLAIMTRACKER_SEC_IDENTITY", "Jane Doe jane@example.com")
    assert config.sec_identity() == "Jane Doe jane@example.com"


def test_config_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "claimtracker.toml").write_text(
        'sec_identity = "Ops Team ops@example.com"\nedgar_www = "http://127.0.0.1:9/www/"\n'
    )
    assert config.sec_identity() == "Ops Team ops@example.com"
    assert config.edgar_www() == "http://127.0.0.1:9/www"


def test_rate_above_edgar_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACKER_MAX_RPS", "25")
    with pytest.raises(ConfigError, match="at most 10"):
        config.max_requests_per_second()
    monkeypatch.setenv("CLAIMTRACKER_MAX_RPS", "5")
    assert config.max_requests_per_second() == 5.0
