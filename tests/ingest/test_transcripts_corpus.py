"""Every file in ../shared/transcripts parses into a call (opt-in: `pytest -m corpus`).

The corpus grows; the default suite pins its files (tests/conftest.py) and this check runs
on demand, like `bench/transcripts.py`, which prints the same result with counts and timings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.db import Store
from ingest.transcripts import collect_files, ingest_transcripts

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_every_shared_transcript_parses_into_a_call(transcripts_dir: Path,
                                                    group_by_file_name) -> None:
    files = collect_files([transcripts_dir])
    with Store.open(None) as store:
        summary = ingest_transcripts(store, [transcripts_dir], progress=False)
        assert summary.errors == [], summary.render()
        stored = sorted(f for (sources,) in store.con.execute(
            "SELECT source_files FROM calls").fetchall() for f in sources)
        assert stored == sorted(str(p) for p in files)
        calls = store.con.execute("SELECT count(*) FROM calls").fetchone()[0]
        assert calls == len(group_by_file_name(files))
        # One company, one ticker: no CIK is stored under two tickers.
        assert store.con.execute(
            "SELECT cik FROM calls GROUP BY cik HAVING count(DISTINCT ticker) > 1").fetchall() == []
