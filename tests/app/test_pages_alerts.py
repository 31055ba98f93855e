"""The Alerts page on the scored shared-data DB: what it lists is what `raise_alerts` stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pages_util import APP, sql, texts
from streamlit.testing.v1 import AppTest

from alerts.engine import raise_alerts
from claimtracker.db import Store


@pytest.fixture(scope="module")
def alerted_db(scored_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts-page") / "claimtracker.duckdb"
    shutil.copy(scored_db_path, path)
    with Store.open(path) as store:
        raise_alerts(store)
    return path


def open_alerts(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    """The Alerts page as a link to it opens it (`?page=alerts&...`)."""
    monkeypatch.setenv("CLAIMTRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"page": "alerts", **params}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_alerts_page_lists_the_stored_alerts_and_filters_by_kind(monkeypatch, alerted_db) -> None:
    stored = sql(alerted_db, "SELECT kind, count(*) FROM alerts GROUP BY kind")
    total = sum(n for _, n in stored)
    assert total > 0
    at = open_alerts(monkeypatch, alerted_db)
    assert any(f"{total} alert(s)" in c for c in texts(at, "caption"))
    kind, count = max(stored, key=lambda row: row[1])
    at = open_alerts(monkeypatch, alerted_db, kind=kind)
    assert any(f"{count} alert(s)" in c for c in texts(at, "caption"))
    shown = [c for c in texts(at, "caption") if "· severity" in c]
    assert shown and all(c.startswith(f"{kind} · ") for c in shown)
