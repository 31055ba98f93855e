"""Shared fixtures: a fresh in-memory store, and the real-data DBs built once per session.

Real data is read from ../shared (relative to the repo root), never copied into the repo.
Expensive fixtures (the DB built from ../shared, the enriched DB, loaded models) are
session-scoped so the whole suite stays well under 15 minutes on 2 cores.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtracker.db import Store

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read real data from ../shared beside the repo.")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require(SHARED)


@pytest.fixture(scope="session")
def edgar_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "edgar")


@pytest.fixture(scope="session")
def transcripts_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "transcripts")


@pytest.fixture
def fresh_db() -> Iterator[Store]:
    """An empty in-memory store with the full schema."""
    store = Store.open(None)
    yield store
    store.close()


@pytest.fixture(scope="session")
def shared_db_path(tmp_path_factory: pytest.TempPathFactory, edgar_dir: Path,
                   transcripts_dir: Path) -> Path:
    """A DB file holding every filing and transcript in ../shared (built once per session)."""
    from ingest.local import ingest_dir
    from ingest.transcripts import ingest_transcripts

    path = tmp_path_factory.mktemp("shared-db") / "claimtracker.duckdb"
    with Store.open(path) as store:
        ingest_dir(store, edgar_dir, progress=False)
        ingest_transcripts(store, [transcripts_dir], progress=False)
    return path


@pytest.fixture
def shared_db(shared_db_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A private writable copy of the shared-data DB (tests may change it)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(shared_db_path, copy)
    store = Store.open(copy)
    yield store
    store.close()


@pytest.fixture(scope="session")
def enriched_db_path(tmp_path_factory: pytest.TempPathFactory, shared_db_path: Path) -> Path:
    """The shared-data DB after `enrich` of Amazon's sources (sentences, embeddings, mentions).

    Scoped to AMZN (its transcripts, earnings releases, 10-Qs and 10-Ks: about half the
    corpus) so that the embedding work stays around two minutes on 2 cores; the other
    companies' filings are still in the DB, just not split into sentences.
    """
    from nlp.enrich import enrich

    path = tmp_path_factory.mktemp("enriched-db") / "claimtracker.duckdb"
    shutil.copy(shared_db_path, path)
    with Store.open(path) as store:
        enrich(store, progress=False, tickers=["AMZN"])
    return path


@pytest.fixture
def enriched_db(enriched_db_path: Path) -> Iterator[Store]:
    """The enriched DB, read-only (copy it yourself if a test must write)."""
    store = Store.open(enriched_db_path, read_only=True)
    yield store
    store.close()


SEED_LEDGER = REPO_ROOT / "data" / "claims" / "amazon-next-cycle.yaml"


@pytest.fixture(scope="session")
def scored_run(tmp_path_factory: pytest.TempPathFactory,
               enriched_db_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A copy of the enriched DB scored against the seed ledger, and the results (built once)."""
    from claims.score import score_claims

    path = tmp_path_factory.mktemp("scored-db") / "claimtracker.duckdb"
    shutil.copy(enriched_db_path, path)
    with Store.open(path) as store:
        results = score_claims(store, [SEED_LEDGER])
    return path, results
