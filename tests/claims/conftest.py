"""Claims fixtures: views of the session's scored shared-data DB (seed ledger)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtracker.db import Store


@pytest.fixture(scope="session")
def scored_db_path(scored_run: tuple[Path, list[dict[str, Any]]],
                   ) -> tuple[Path, list[dict[str, Any]]]:
    """The session's scored DB (tests/conftest.py) and its results."""
    return scored_run


@pytest.fixture(scope="session")
def scored(scored_db_path: tuple[Path, list[dict[str, Any]]]) -> dict[tuple[str, str], dict]:
    """Results keyed by (claim_id, quarter)."""
    return {(r["claim_id"], r["quarter"]): r for r in scored_db_path[1]}


@pytest.fixture
def scored_db(scored_db_path: tuple[Path, list[dict[str, Any]]], tmp_path: Path,
              ) -> Iterator[Store]:
    """A private writable copy of the scored DB."""
    copy = tmp_path / "scored.duckdb"
    shutil.copy(scored_db_path[0], copy)
    store = Store.open(copy)
    yield store
    store.close()
