"""multilingual-e5 passage vectors are stored in the DB, so a rescore does not encode again.

Encoding English management sentences for a Korean claim was most of the time of scoring a
Korean article; a new process (the next `score`, the next quarter's `update`) reads them back.
"""

from __future__ import annotations

import numpy as np
import pytest

from claims.crosslingual import PASSAGE_MODEL, CrossLingualReranker
from claims.passage_vectors import prepare_passages
from claimtracker.db import Store

QUOTE = "아마존의 AWS 매출 성장률은 다시 가속되고 있습니다."


def _rows(store: Store, n: int = 12) -> list[tuple[str, str]]:
    return store.con.execute(
        "SELECT text, text_hash FROM sentences WHERE ticker = 'AMZN' AND fiscal_year = 2025 "
        "AND role = 'management' ORDER BY sentence_id LIMIT ?", [n]).fetchall()


@pytest.mark.slow
def test_vectors_are_stored_once_and_read_back_by_a_new_process(scored_db: Store) -> None:
    rows = _rows(scored_db)
    first = CrossLingualReranker()
    assert prepare_passages(scored_db, first, rows) == len({t for t, _ in rows})
    stored = scored_db.con.execute("SELECT count(*) FROM passage_vectors WHERE model = ?",
                                   [PASSAGE_MODEL]).fetchone()[0]
    assert stored == len({h for _, h in rows})
    # a new reranker (a new process): nothing is encoded, the similarities are the same
    second = CrossLingualReranker(passage_encoder=None)
    assert prepare_passages(scored_db, second, rows) == 0
    texts = [t for t, _ in rows]
    assert np.allclose(first.similarities(QUOTE, texts), second.similarities(QUOTE, texts))
    assert prepare_passages(scored_db, second, rows) == 0  # and nothing is stored twice
    assert scored_db.con.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == stored


def test_a_callers_encoder_is_never_stored_as_e5s(scored_db: Store) -> None:
    rows = _rows(scored_db, 3)
    fake = CrossLingualReranker(lambda texts: np.ones((len(texts), 384), np.float32),
                                lambda texts: np.ones((len(texts), 384), np.float32))
    assert prepare_passages(scored_db, fake, rows) == 0
    assert scored_db.con.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == 0


@pytest.mark.slow
def test_a_read_only_db_is_not_written(enriched_db: Store) -> None:
    rows = _rows(enriched_db, 4)
    reranker = CrossLingualReranker()
    assert prepare_passages(enriched_db, reranker, rows) == len({t for t, _ in rows})
    assert enriched_db.con.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == 0
    assert reranker.cached([t for t, _ in rows]) == {t for t, _ in rows}
