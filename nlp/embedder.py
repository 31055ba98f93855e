"""Sentence embeddings (all-MiniLM-L6-v2, 384-d, unit length), keyed by (text_hash, model).

Vectors are shared by identical sentences and never recomputed: the work list is "sentences
whose text_hash has no vector for this model", so a rerun with nothing new never loads the model.

Two backends compute them: `torch` (sentence-transformers fp32) and `onnx-int8` (ONNX Runtime,
nlp/onnx_embedder.py). Their vectors differ slightly (cosine ~0.99), so each has its own model
key and a DB holds one backend's vectors only: this module is the one place that decides which
backend a DB uses (`enrich_backend`, `search_backend`, `model_key(store)`), recorded in
`enrich_state` under STATE_KEY.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from claimtracker.config import DEFAULT_EMBEDDER, EMBEDDERS, embedder_choice
from claimtracker.db import EMBEDDING_DIM, Store
from claimtracker.errors import ConfigError
from claimtracker.models import EMBEDDING_MODEL_NAME, embedding_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MODEL = EMBEDDING_MODEL_NAME  # the torch backend's key: DBs made before backends keep working
ENCODE_BATCH = 64
TORCH, ONNX_INT8 = EMBEDDERS
STATE_KEY = "embedding_model"  # enrich_state: the model key of the DB's vectors

_process_backend: str | None = None


def backend_model(backend: str) -> str:
    """The `embeddings.model` value of a backend's vectors."""
    return MODEL if backend == TORCH else f"{MODEL}+{backend}"


def backend_of(model: str | None) -> str | None:
    """The backend whose vectors are stored under `model` (None: not one of ours)."""
    return next((b for b in EMBEDDERS if backend_model(b) == model), None)


def use_backend(backend: str | None) -> None:
    """Make `backend` this process's default for callers that name none (None: configured)."""
    global _process_backend
    _process_backend = backend


def default_backend() -> str:
    """The backend for text with no DB behind it (`claimtracker tag`, benchmarks)."""
    return _process_backend or embedder_choice()[0] or DEFAULT_EMBEDDER


def _quiet_model() -> SentenceTransformer:
    """The cached model, loaded without the weight-loading progress bar on stderr."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return embedding_model()


def encode_texts(texts: Sequence[str], *, batch_size: int = ENCODE_BATCH,
                 backend: str | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (loads the model on first use)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    if (backend or default_backend()) == ONNX_INT8:
        from nlp.onnx_embedder import onnx_encoder

        return onnx_encoder().encode(list(texts), batch_size=batch_size)
    vectors = _quiet_model().encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True,
        convert_to_numpy=True, show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def db_backend(store: Store) -> str | None:
    """The backend of the DB's vectors (None: none yet); a point lookup, cheap per search."""
    row = store.con.execute("SELECT value FROM enrich_state WHERE key = ?",
                            [STATE_KEY]).fetchone()
    if row and backend_of(row[0]):
        return backend_of(row[0])
    # A DB enriched before backends existed has no state row; its vectors are torch's.
    row = store.con.execute("SELECT model FROM embeddings WHERE model IN "
                            "(SELECT unnest(?::VARCHAR[])) LIMIT 1",
                            [[backend_model(b) for b in EMBEDDERS]]).fetchone()
    return backend_of(row[0]) if row else None


def model_key(store: Store) -> str:
    """The model key to read this DB's vectors with (dense index, semantic tagging)."""
    return backend_model(db_backend(store) or default_backend())


active_model = model_key


def store_encoder(store: Store) -> Callable[..., np.ndarray]:
    """`encode_texts` bound to the DB's backend: texts compared with its stored vectors."""
    return functools.partial(encode_texts, backend=db_backend(store) or default_backend())


def _counts(store: Store) -> dict[str, int]:
    rows = store.con.execute("SELECT model, count(*) FROM embeddings WHERE model IN "
                             "(SELECT unnest(?::VARCHAR[])) GROUP BY model",
                             [[backend_model(b) for b in EMBEDDERS]]).fetchall()
    return {str(backend_of(m)): int(n) for m, n in rows}


def enrich_backend(store: Store, flag: str | None = None, *, re_embed: bool = False) -> str:
    """The backend `enrich` embeds with, recorded in the DB; refuses to mix two in one DB.

    Nobody asked (no --embedder, CLAIMTRACKER_EMBEDDER or `embedder` setting): the DB's own
    backend, so a cron `update` keeps it. Asked for another than the DB's vectors were made
    with: ConfigError, unless `re_embed`, which deletes them (and the semantic mentions made
    from them) so that this run embeds every sentence anew.
    """
    asked, where = embedder_choice(flag)
    found = _counts(store)
    chosen = asked or db_backend(store) or DEFAULT_EMBEDDER
    others = {b: n for b, n in found.items() if b != chosen}
    if others and not re_embed:
        old, n = next(iter(others.items()))
        raise ConfigError(
            f"{store.path or 'the DB'} holds {n:,} vectors made with the {old} embedder, and "
            f"{where} asks for {chosen}: one DB never mixes embedders. Either keep {old} "
            f"(`--embedder {old}`, or drop {where}), or replace its vectors with "
            f"`claimtracker enrich --embedder {chosen} --re-embed` (embeds every sentence "
            "again; search then embeds queries with it too).")
    if not others and found.get(chosen) is not None and db_backend(store) == chosen:
        return chosen  # the common rerun: nothing to record
    with store.transaction() as con:
        if others:
            log.warning("re-embedding: deleting %s vectors of %s", sum(others.values()),
                        ", ".join(others))
            con.execute("DELETE FROM embeddings WHERE model IN (SELECT unnest(?::VARCHAR[]))",
                        [[backend_model(b) for b in others]])
            con.execute("UPDATE sentences SET semantic_with = NULL")
        con.execute("INSERT OR REPLACE INTO enrich_state (key, value) VALUES (?, ?)",
                    [STATE_KEY, backend_model(chosen)])
    return chosen


def search_backend(store: Store, flag: str | None = None) -> str:
    """The backend to embed a query with: always the one of the DB's vectors.

    An explicit --embedder naming another is refused (its query vectors would be compared
    with the other backend's); CLAIMTRACKER_EMBEDDER or the config file only pick the backend
    of new DBs and are not a reason to refuse a search.
    """
    stored = db_backend(store)
    asked = embedder_choice(flag)[0] if flag else None
    if asked and stored and asked != stored:
        raise ConfigError(
            f"{store.path or 'the DB'} was embedded with the {stored} embedder; a query "
            f"embedded with {asked} would not be comparable. Drop --embedder (search uses "
            f"{stored}), or re-embed the DB: `claimtracker enrich --embedder {asked} --re-embed`.")
    return stored or asked or default_backend()


def missing_embeddings(store: Store, model: str | None = None) -> list[tuple[str, str]]:
    """(text_hash, text) of sentences with no vector yet for `model` (default: the DB's)."""
    model = model or model_key(store)
    return store.con.execute(
        "SELECT s.text_hash, any_value(coalesce(s.embed_text, s.text)) FROM sentences s "
        "LEFT JOIN embeddings e ON e.text_hash = s.text_hash AND e.model = ? "
        "WHERE e.text_hash IS NULL GROUP BY s.text_hash "
        # Similar lengths in one encode call means little padding: as fast as one big call.
        "ORDER BY length(any_value(coalesce(s.embed_text, s.text))), s.text_hash",
        [model],
    ).fetchall()


def vectors_table(hashes: Sequence[str], model: str, vectors: np.ndarray) -> pa.Table:
    """An Arrow table shaped like `embeddings`, for one bulk INSERT (row inserts are slow)."""
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel())
    return pa.table({
        "text_hash": pa.array(list(hashes), pa.string()),
        "model": pa.array([model] * len(hashes), pa.string()),
        "vector": pa.FixedSizeListArray.from_arrays(flat, EMBEDDING_DIM),
    })


class Embedder:
    """Stage: embed a batch of (text_hash, text) and store the vectors in one transaction."""

    def __init__(self, store: Store, *, backend: str | None = None,
                 batch_size: int = ENCODE_BATCH):
        # A batch job often shares 2 cores with another process (the app, a test run):
        # idle OpenMP threads should sleep, not spin. Only for batch work: passive threads
        # double the latency of one short query (15 ms instead of 6), so the search path
        # keeps libgomp's default. Takes effect if torch is not loaded yet in this process.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.store = store
        self.backend = backend or db_backend(store) or default_backend()
        self.model = backend_model(self.backend)
        self.batch_size = batch_size

    def __call__(self, batch: list[tuple[str, str]]) -> np.ndarray:
        vectors = encode_texts([text for _, text in batch], batch_size=self.batch_size,
                               backend=self.backend)
        table = vectors_table([h for h, _ in batch], self.model, vectors)
        with self.store.transaction() as con:
            con.register("_new_embeddings", table)
            try:
                con.execute("INSERT INTO embeddings SELECT * FROM _new_embeddings "
                            "ON CONFLICT DO NOTHING")
            finally:
                con.unregister("_new_embeddings")
        return vectors


def load_vectors(store: Store, hashes: Sequence[str], model: str | None = None) -> np.ndarray:
    """Stored vectors for `hashes` (of `model`, default the DB's), in order (zeros if none)."""
    model = model or model_key(store)
    out = np.zeros((len(hashes), EMBEDDING_DIM), dtype=np.float32)
    if not hashes:
        return out
    table = store.con.execute(
        "SELECT text_hash, vector FROM embeddings WHERE model = ? "
        "AND text_hash IN (SELECT unnest(?::VARCHAR[]))",
        [model, list(dict.fromkeys(hashes))],
    ).to_arrow_table()
    matrix = arrow_matrix(table.column("vector"))
    position = {h: i for i, h in enumerate(table.column("text_hash").to_pylist())}
    for row, text_hash in enumerate(hashes):
        if text_hash in position:
            out[row] = matrix[position[text_hash]]
    return out


def arrow_matrix(column: pa.ChunkedArray) -> np.ndarray:
    """A FLOAT[384] Arrow column as an (n, 384) float32 matrix, without Python loops."""
    if column.num_chunks == 0 or len(column) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    flat = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return flat.astype(np.float32, copy=False).reshape(-1, EMBEDDING_DIM)
