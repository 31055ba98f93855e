"""multilingual-e5 passage vectors kept in the DB (table `passage_vectors`).

Why: a Korean claim is ranked against every management sentence of its company's recent
quarters with multilingual-e5, which encodes tens of sentences a second on 2 cores; that was
about four fifths of scoring a Korean article (336 of 416 s for 13 claims). Vectors are keyed
by the sentence's text hash, like `embeddings`, so a rescore, the next quarter's `update` or
another article about the same company encodes only sentences it has not seen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from claims.crosslingual import CrossLingualReranker
from claimtracker.db import Store
from nlp.embedder import arrow_matrix, vectors_table


def _has_table(store: Store) -> bool:
    """False for a DB opened read-only before its migration (a failed query would abort the
    caller's transaction, so ask the catalog)."""
    return store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                             ["passage_vectors"]).fetchone()[0] > 0


def _stored(store: Store, model: str, hashes: list[str]) -> dict[str, np.ndarray]:
    table = store.con.execute(
        "SELECT text_hash, vector FROM passage_vectors WHERE model = ? "
        "AND text_hash IN (SELECT unnest(?::VARCHAR[]))", [model, hashes]).to_arrow_table()
    matrix = arrow_matrix(table.column("vector"))
    return dict(zip(table.column("text_hash").to_pylist(), matrix, strict=True))


def prepare_passages(store: Store, reranker: CrossLingualReranker,
                     rows: Sequence[tuple[str, str]]) -> int:
    """Make the reranker hold the vectors of `rows` (text, text_hash): read the stored ones,
    encode the rest and store them (unless the DB is read-only). Returns how many were
    encoded."""
    model = reranker.passage_model
    if model is None:
        return 0
    known = reranker.cached([text for text, _ in rows])
    wanted = {text: text_hash for text, text_hash in rows if text not in known}
    if not wanted:
        return 0
    kept = _has_table(store)
    stored = _stored(store, model, sorted(set(wanted.values()))) if kept else {}
    reranker.remember({t: stored[h] for t, h in wanted.items() if h in stored})
    new = [(text, text_hash) for text, text_hash in wanted.items() if text_hash not in stored]
    if not new:
        return 0
    vectors = reranker.passage_vectors([text for text, _ in new])
    if kept and not store.read_only:
        table = vectors_table([h for _, h in new], model, vectors)
        store.con.register("_new_passage_vectors", table)
        try:
            store.con.execute("INSERT INTO passage_vectors SELECT * FROM _new_passage_vectors "
                              "ON CONFLICT DO NOTHING")
        finally:
            store.con.unregister("_new_passage_vectors")
    return len(new)
