"""Claims fixtures: the enriched shared-data DB scored once per session (seed ledger)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtracker.db import Store

REPO = Path(__file__).resolve().parents[2]
SEED_LEDGER = REPO / "data" / "claims" / "amazon-next-cycle.yaml"


@pytest.fixture(scope="session")
def scored_db_path(tmp_path_factory: pytest.TempPathFactory, enriched_db_path: Path,
                   ) -> tuple[Path, list[dict[str, Any]]]:
    """A copy of the enriched DB after `score_claims` on the seed ledger, and the results."""
    from claims.score import score_claims

    path = tmp_path_factory.mktemp("scored-db") / "claimtracker.duckdb"
    shutil.copy(enriched_db_path, path)
    with Store.open(path) as store:
        results = score_claims(store, [SEED_LEDGER])
    return path, results


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
