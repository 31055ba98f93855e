"""Alerts fixtures: the session's scored shared-data DB with alerts raised once."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts.engine import AlertRun, raise_alerts
from claimtracker.db import Store


@pytest.fixture(scope="session")
def alerted_run(build_once: Callable[[str, Callable[[Path], Any]], tuple[Path, Any]],
                scored_run: tuple[Path, list[dict[str, Any]]]) -> tuple[Path, AlertRun]:
    """A copy of the scored DB (seed ledger) after one `raise_alerts`, and what it did."""
    def build(folder: Path) -> AlertRun:
        shutil.copy(scored_run[0], folder / "claimtracker.duckdb")
        with Store.open(folder / "claimtracker.duckdb") as store:
            return raise_alerts(store)

    folder, run = build_once("alerted-db", build)
    return folder / "claimtracker.duckdb", run


@pytest.fixture
def alerted_db(alerted_run: tuple[Path, AlertRun]) -> Iterator[Store]:
    """The alerted DB, read-only."""
    store = Store.open(alerted_run[0], read_only=True)
    yield store
    store.close()


@pytest.fixture
def alerted_copy(alerted_run: tuple[Path, AlertRun], tmp_path: Path) -> Path:
    """A private writable copy of the alerted DB."""
    copy = tmp_path / "alerted.duckdb"
    shutil.copy(alerted_run[0], copy)
    return copy
