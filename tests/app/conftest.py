"""Fixtures of the app tests: the repo root importable (app_pages), and a scored shared-data DB."""

from __future__ import annotations

import os
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


#: Opt-in shortcut for iterating on the app tests: a DB already built from ../shared by
#: `claimtracker ingest/ingest-transcripts/enrich` (enrich takes minutes on 2 cores).
#: A copy is used, never the file itself.
PREBUILT_ENV = "CLAIMTRACKER_TEST_ENRICHED_DB"
PREBUILT_SCORED_ENV = "CLAIMTRACKER_TEST_SCORED_DB"  # the same, after `claimtracker score`


@pytest.fixture(scope="session")
def app_enriched_db(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The enriched shared-data DB (tests/conftest.py's, or a prebuilt one named by env)."""
    prebuilt = os.environ.get(PREBUILT_ENV)
    if not prebuilt:
        return request.getfixturevalue("enriched_db_path")
    path = tmp_path_factory.mktemp("prebuilt-db") / "claimtracker.duckdb"
    shutil.copy(prebuilt, path)
    return path


@pytest.fixture(scope="session")
def scored_db_path(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The enriched shared-data DB scored against the seed ledger (built once per session)."""
    prebuilt = os.environ.get(PREBUILT_SCORED_ENV)
    if prebuilt:
        path = tmp_path_factory.mktemp("scored-db") / "claimtracker.duckdb"
        shutil.copy(prebuilt, path)
        return path
    if os.environ.get(PREBUILT_ENV):
        from claims.score import score_claims

        path = tmp_path_factory.mktemp("scored-db") / "claimtracker.duckdb"
        shutil.copy(request.getfixturevalue("app_enriched_db"), path)
        with Store.open(path) as store:
            score_claims(store, ledger_paths=[SEED_LEDGER])
        return path
    return request.getfixturevalue("scored_run")[0]
