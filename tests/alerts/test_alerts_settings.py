"""data/alerts.yaml is validated on load: every mistake names file:line and what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.settings import ALERTS_FILE, load_settings
from claimtracker.errors import ConfigError


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = ALERTS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "alerts.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_repo_file_loads() -> None:
    settings = load_settings(ALERTS_FILE)
    assert settings.cap > 0
    assert settings.section("went_quiet")["min_quarters"] <= settings.section(
        "went_quiet")["lookback"]


def test_bad_threshold_names_file_and_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "z_threshold: 2.5", "z_threshold: -1")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1)
                if t.strip() == "metric_surprise:") + 1  # the section's mapping starts below
    with pytest.raises(ConfigError, match=rf"alerts.yaml:{line}: .*z_threshold.*positive"):
        load_settings(path)


def test_unknown_setting_and_section(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown setting `went_quiet.lookbak`"):
        load_settings(_variant(tmp_path, "lookback: 4", "lookbak: 4"))
    with pytest.raises(ConfigError, match=r"unknown section `cpa`"):
        load_settings(_variant(tmp_path, "cap:", "cpa:"))


def test_min_quarters_cannot_exceed_lookback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="min_quarters"):
        load_settings(_variant(tmp_path, "min_quarters: 2", "min_quarters: 5"))


def test_unknown_metric_is_refused(tmp_path: Path) -> None:
    from alerts.engine import compute_alerts
    from claimtracker.db import Store

    path = _variant(tmp_path, "sign_change_metrics: [operating_income, net_income]",
                    "sign_change_metrics: [operating_incme]")
    with Store.open(None) as store, pytest.raises(ConfigError, match="operating_incme"):
        compute_alerts(store, settings=load_settings(path))
