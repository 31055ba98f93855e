"""Sentence embeddings (all-MiniLM-L6-v2, 384-d, unit length), keyed by (text_hash, model).

Vectors are shared by identical sentences and never recomputed: the work list is "sentences
whose text_hash has no vector for this model", so a rerun with nothing new never loads the model.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from claimtracker.db import EMBEDDING_DIM, Store
from claimtracker.models import EMBEDDING_MODEL_NAME, embedding_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MODEL = EMBEDDING_MODEL_NAME
ENCODE_BATCH = 64


def _quiet_model() -> SentenceTransformer:
    """The cached model, loaded without the weight-loading progress bar on stderr."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return embedding_model()


def encode_texts(texts: Sequence[str], *, batch_size: int = ENCODE_BATCH) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (loads the model on first use)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    vectors = _quiet_model().encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True,
        convert_to_numpy=True, show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def missing_embeddings(store: Store, model: str = MODEL) -> list[tuple[str, str]]:
    """(text_hash, text) of sentences with no vector yet for `model`, one row per hash."""
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

    def __init__(self, store: Store, *, model: str = MODEL, batch_size: int = ENCODE_BATCH):
        # A batch job often shares 2 cores with another process (the app, a test run):
        # idle OpenMP threads should sleep, not spin. Only for batch work: passive threads
        # double the latency of one short query (15 ms instead of 6), so the search path
        # keeps libgomp's default. Takes effect if torch is not loaded yet in this process.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.store = store
        self.model = model
        self.batch_size = batch_size

    def __call__(self, batch: list[tuple[str, str]]) -> np.ndarray:
        vectors = encode_texts([text for _, text in batch], batch_size=self.batch_size)
        table = vectors_table([h for h, _ in batch], self.model, vectors)
        with self.store.transaction() as con:
            con.register("_new_embeddings", table)
            try:
                con.execute("INSERT INTO embeddings SELECT * FROM _new_embeddings "
                            "ON CONFLICT DO NOTHING")
            finally:
                con.unregister("_new_embeddings")
        return vectors


def load_vectors(store: Store, hashes: Sequence[str], model: str = MODEL) -> np.ndarray:
    """Stored vectors for `hashes`, in that order (zeros where none is stored)."""
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
