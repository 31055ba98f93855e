"""Fixtures of the app tests: the repo root importable (app_pages), and a scored shared-data DB."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from claimtracker.db import Store

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # app_pages/ sits beside app.py, outside the packages
    sys.path.insert(0, str(REPO_ROOT))

APP = str(REPO_ROOT / "app.py")
SEED_LEDGER = REPO_ROOT / "data" / "claims" / "amazon-next-cycle.yaml"


@pytest.fixture(scope="session")
def scored_db_path(tmp_path_factory: pytest.TempPathFactory, enriched_db_path: Path) -> Path:
    """The enriched shared-data DB scored against the seed ledger (built once per session)."""
    from claims.score import score_claims

    path = tmp_path_factory.mktemp("scored-db") / "claimtracker.duckdb"
    shutil.copy(enriched_db_path, path)
    with Store.open(path) as store:
        score_claims(store, ledger_paths=[SEED_LEDGER])
    return path
