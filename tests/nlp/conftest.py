"""NLP fixtures: one tagger per session, and a small real DB built from one Amazon call.

`mini_db` reads Amazon's Q3 2025 call (S&P "Name / Title" blocks) straight from ../shared and
stores it as turns, so the enrich tests do not depend on the transcript parser's progress.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtracker.db import Store

ANALYST_FIRMS = ("Research Division", "Securities", "Morgan Stanley", "Goldman", "JPMorgan")


def read_sp_turns(path: Path, section: str) -> list[tuple[str, str, str]]:
    """(speaker, role, text) per paragraph of an S&P-style transcript file."""
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    turns: list[tuple[str, str, str]] = []
    speaker, role = "Operator", "operator"
    for block in blocks:
        lines = block.splitlines()
        if len(lines) == 2 and len(block) < 120:
            speaker = lines[0].strip()
            role = "analyst" if any(f in lines[1] for f in ANALYST_FIRMS) else "management"
            continue
        if block == "Operator":
            speaker, role = "Operator", "operator"
            continue
        if len(block) > 60:
            turns.append((speaker, role, block))
    return turns


def build_mini_db(store: Store, transcripts_dir: Path) -> None:
    amzn = transcripts_dir / "AMZN"
    rows = []
    for name, section in (("AMZN_3Q25_presentation.txt", "prepared"), ("AMZN_3Q25_qna.txt", "qa")):
        rows += [(section, *turn) for turn in read_sp_turns(amzn / name, section)]
    with store.transaction() as con:
        con.execute(
            "INSERT INTO calls (call_id, ticker, cik, fiscal_year, fiscal_quarter, call_date, "
            "title, format, source_files) VALUES ('amzn-3q25', 'AMZN', 1018724, 2025, 3, "
            "'2025-10-30', 'Amazon Q3 2025', 'sp', ?)",
            [[str(amzn / "AMZN_3Q25_presentation.txt"), str(amzn / "AMZN_3Q25_qna.txt")]],
        )
        for ordinal, (section, speaker, role, text) in enumerate(rows):
            con.execute(
                "INSERT INTO turns VALUES (?, 'amzn-3q25', ?, ?, ?, ?, false, ?)",
                [f"amzn-3q25:{ordinal}", ordinal, speaker, role, section, text],
            )


@pytest.fixture(scope="session")
def tagger():
    """The real TopicTagger (spaCy + taxonomy), loaded once per session."""
    from nlp.tagger import TopicTagger

    return TopicTagger()


@pytest.fixture
def mini_db(transcripts_dir: Path) -> Iterator[Store]:
    store = Store.open(None)
    build_mini_db(store, transcripts_dir)
    yield store
    store.close()


@pytest.fixture
def mini_db_path(tmp_path: Path, transcripts_dir: Path) -> Path:
    """`mini_db` as a file, not enriched: for commands that open the DB themselves."""
    path = tmp_path / "mini.duckdb"
    with Store.open(path) as store:
        build_mini_db(store, transcripts_dir)
    return path


@pytest.fixture(scope="session")
def mini_enriched_path(build_once: Callable[[str, Callable[[Path], Any]], tuple[Path, Any]],
                       transcripts_dir: Path) -> Path:
    """`mini_db` written to a file and enriched once per session."""
    from nlp.enrich import enrich

    def build(folder: Path) -> None:
        with Store.open(folder / "mini.duckdb") as store:
            build_mini_db(store, transcripts_dir)
            enrich(store, progress=False)

    return build_once("mini-enriched", build)[0] / "mini.duckdb"


@pytest.fixture
def mini_enriched(mini_enriched_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A private writable copy of the enriched mini DB."""
    copy = tmp_path / "mini.duckdb"
    shutil.copy(mini_enriched_path, copy)
    store = Store.open(copy)
    yield store
    store.close()
