"""The persisted search index: every array search needs, memory-mapped from a folder beside the DB.

Loading the float32 matrix, the filter columns and the BM25 postings from DuckDB cost 24 s and
7.6 GB per process at 1M sentences. Here they are written once per DB state into
`<db>.index/` (`search_index_dir` / CLAIMTRACKER_INDEX_DIR moves it) as .npy files and mapped
back in milliseconds: pages are read only when a query touches them.

- `vec_f32.npy`   (n, 384) float32, never mapped: the shortlist's rows are read with pread, so
                  exact rescoring costs a few KB per candidate, not the matrix in RAM.
- `vec_i8.npy`    (384, n) int8, 7-bit per dimension (AVX2 without VNNI saturates int16
                  pair sums at 8 bits): the scan that picks the shortlist (`nlp.int8_scan`).
- filter columns as small integer codes, neighbour rows, and the BM25 postings of `nlp.lexical`.

`manifest.json` is written last and names the DB's `enrich_state.sentences_version` and the
embedding model: a folder of another state is rebuilt, never served. A folder that does not
match its manifest (truncated, missing files, unreadable header) is rebuilt with a log line.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from claimtracker.config import setting
from claimtracker.db import EMBEDDING_DIM, Store
from nlp import fts
from nlp.embedder import arrow_matrix

log = logging.getLogger(__name__)

FORMAT = 2
MANIFEST = "manifest.json"
QUANT_LEVELS = 63  # 7 bits: see the module docstring
NO_QUARTER = np.iinfo(np.int32).min
CATEGORICAL = ("ticker", "doc_type", "section", "role")
BATCH_ROWS = 100_000
#: Vectors of rows [start, start + size) in row order, for `build` to use instead of the DB's.
VectorSource = Callable[[int, int], np.ndarray]

_ROWS_SQL = """
SELECT s.sentence_id, upper(s.ticker) AS ticker,
       s.fiscal_year * 4 + s.fiscal_quarter - 1 AS qindex, s.doc_type, s.section, s.role,
       CASE WHEN lag(s.ord) OVER w = s.ord - 1 THEN lag(s.sentence_id) OVER w END AS prev_id,
       CASE WHEN lead(s.ord) OVER w = s.ord + 1 THEN lead(s.sentence_id) OVER w END AS next_id,
       e.vector
FROM sentences s LEFT JOIN embeddings e ON e.text_hash = s.text_hash AND e.model = ?
WINDOW w AS (PARTITION BY s.source_id ORDER BY s.ord)
ORDER BY s.sentence_id
"""


class StaleIndexError(Exception):
    """The folder is not a complete index of the wanted DB state (internal: triggers a rebuild)."""


@dataclass
class IndexArrays:
    """Every array of one index, memory-mapped or in memory, plus the manifest's scalars."""

    arrays: dict[str, np.ndarray]
    info: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def n(self) -> int:
        return int(self.info["n"])


def index_dir(store: Store) -> Path | None:
    """Where this DB's index lives (None for an in-memory DB: nothing is persisted)."""
    if store.path is None:
        return None
    override = setting("search_index_dir", "CLAIMTRACKER_INDEX_DIR")
    base = Path(override) if override else store.path.parent
    return base / f"{store.path.name}.index"


def open_index(store: Store, version: str, model: str, *,
               vectors: VectorSource | None = None) -> IndexArrays:
    """The index of this DB state: mapped from its folder, else built (and saved when possible)."""
    folder = index_dir(store)
    if folder is not None:
        try:
            return load(folder, version, model)
        except FileNotFoundError:
            pass
        except StaleIndexError as exc:
            log.warning("search index %s is %s; rebuilding it", folder, exc)
    return build(store, version, model, folder, vectors=vectors)


def load(folder: Path, version: str, model: str) -> IndexArrays:
    """Map a saved index; StaleIndexError when it is not exactly the wanted state."""
    manifest = folder / MANIFEST
    try:
        info = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise StaleIndexError(f"unreadable ({MANIFEST}: {exc})") from exc
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise StaleIndexError(f"of another format ({info.get('format')!r}, want {FORMAT})"
                              if isinstance(info, dict) else "not an index manifest")
    if info.get("version") != version or info.get("model") != model:
        raise StaleIndexError(f"stale (built for sentences version {info.get('version')!r} "
                              f"and model {info.get('model')!r})")
    try:
        return _map(folder, info)
    except (KeyError, TypeError, AttributeError) as exc:
        raise StaleIndexError(f"damaged ({MANIFEST} lacks {exc})") from exc


def _map(folder: Path, info: dict[str, Any]) -> IndexArrays:
    arrays: dict[str, np.ndarray] = {}
    for name, size in info["files"].items():
        path = folder / f"{name}.npy"
        try:
            if path.stat().st_size != size:
                raise StaleIndexError(f"damaged ({path.name} has {path.stat().st_size} bytes, "
                                      f"the manifest says {size})")
            arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise StaleIndexError(f"damaged ({path.name}: {exc})") from exc
    if len(arrays["ids"]) != info["n"] or arrays["vec_i8"].shape != (EMBEDDING_DIM, info["n"]):
        raise StaleIndexError("damaged (array shapes do not match the manifest)")
    return IndexArrays(arrays, info, folder)


def build(store: Store, version: str, model: str, folder: Path | None, *,
          vectors: VectorSource | None = None) -> IndexArrays:
    """Read the DB once (streamed in batches) and write the index; in memory if it cannot.

    `vectors` replaces the stored embeddings (bench/search.py's 10M rows, which DuckDB
    would take hours to store): every row is then embedded.
    """
    n = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
    tmp = None
    if folder is not None:
        tmp = folder.with_name(f"{folder.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            tmp.mkdir(parents=True)
        except OSError as exc:
            log.warning("cannot write the search index to %s (%s); keeping it in memory",
                        folder, exc)
            tmp = None
    try:
        index = _build_into(store, n, model, tmp, vectors)
        index.info.update(format=FORMAT, version=version, model=model, n=n)
        if tmp is None or folder is None:
            return index
        index.info["files"] = {name: (tmp / f"{name}.npy").stat().st_size
                               for name in index.arrays}
        (tmp / MANIFEST).write_text(json.dumps(index.info, indent=1), encoding="utf-8")
        _replace(tmp, folder)
        tmp = None
        return load(folder, version, model)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _replace(tmp: Path, folder: Path) -> None:
    """Swap the new folder in; a reader still mapping the old files keeps its pages."""
    old = None
    if folder.exists():
        old = folder.with_name(f"{folder.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _Writer:
    """Allocates arrays either as .npy files in a folder (mapped for writing) or in memory."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.arrays: dict[str, np.ndarray] = {}

    def new(self, name: str, dtype: Any, shape: tuple[int, ...]) -> np.ndarray:
        if self.folder is None:
            array = np.zeros(shape, dtype=dtype)
        else:
            array = np.lib.format.open_memmap(self.folder / f"{name}.npy", mode="w+",
                                              dtype=dtype, shape=shape)
        self.arrays[name] = array
        return array

    def put(self, name: str, values: np.ndarray) -> None:
        self.new(name, values.dtype, values.shape)[...] = values

    def finish(self) -> dict[str, np.ndarray]:
        for array in self.arrays.values():
            if isinstance(array, np.memmap):
                array.flush()
        return self.arrays


def _codes(column: pa.ChunkedArray, categories: dict[str, int]) -> np.ndarray:
    """Category codes (-1 for null), growing `categories` with unseen values."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    known = np.array([categories.setdefault(v, len(categories))
                      for v in encoded.dictionary.to_pylist()] + [-1], dtype=np.int32)
    indices = pc.fill_null(encoded.indices, len(known) - 1)
    return known[indices.to_numpy(zero_copy_only=False)]


def _build_into(store: Store, n: int, model: str, folder: Path | None,
                source: VectorSource | None) -> IndexArrays:
    out = _Writer(folder)
    f32 = out.new("vec_f32", np.float32, (n, EMBEDDING_DIM))
    embedded = out.new("embedded", np.bool_, (n,))
    qindex = out.new("qindex", np.int32, (n,))
    codes = {c: out.new(c, np.int32, (n,)) for c in CATEGORICAL}
    categories: dict[str, dict[str, int]] = {c: {} for c in CATEGORICAL}
    ids: list[bytes] = []
    prev_ids: list[str | None] = []
    next_ids: list[str | None] = []
    maxabs = np.zeros(EMBEDDING_DIM, np.float32)
    reader = store.con.execute(_ROWS_SQL, [model]).fetch_record_batch(BATCH_ROWS)
    base = 0
    for batch in reader:
        table = pa.Table.from_batches([batch])
        size = table.num_rows
        rows = slice(base, base + size)
        ids += [s.encode("utf-8") for s in table.column("sentence_id").to_pylist()]
        prev_ids += table.column("prev_id").to_pylist()
        next_ids += table.column("next_id").to_pylist()
        if source is not None:
            has = np.ones(size, dtype=bool)
        else:
            has = pc.is_valid(table.column("vector")).to_numpy(zero_copy_only=False)
        embedded[rows] = has
        if has.any():
            vectors = (source(base, size) if source is not None else
                       arrow_matrix(table.filter(pa.array(has)).column("vector")))
            block = np.zeros((size, EMBEDDING_DIM), np.float32)
            block[has] = vectors
            f32[rows] = block
            np.maximum(maxabs, np.abs(vectors).max(axis=0), out=maxabs)
        quarter = table.column("qindex")
        qindex[rows] = pc.fill_null(quarter, NO_QUARTER).to_numpy(zero_copy_only=False)
        for column in CATEGORICAL:
            codes[column][rows] = _codes(table.column(column), categories[column])
        base += size
    if base != n:
        raise StaleIndexError(f"sentences changed while the index was built ({base} != {n})")
    id_array = np.array(ids, dtype=f"S{max((len(i) for i in ids), default=1)}")
    if len(id_array) > 1 and not bool(np.all(id_array[1:] >= id_array[:-1])):
        raise RuntimeError("DuckDB did not return sentence ids in byte order")
    out.put("ids", id_array)
    out.put("prev_row", _rows_of(id_array, prev_ids))
    out.put("next_row", _rows_of(id_array, next_ids))

    scale = np.where(maxabs > 0, maxabs / QUANT_LEVELS, 1.0).astype(np.float32)
    out.put("dim_scale", scale)
    i8 = out.new("vec_i8", np.int8, (EMBEDDING_DIM, n))
    for start in range(0, n, BATCH_ROWS):
        block = np.asarray(f32[start:start + BATCH_ROWS]) / scale
        i8[:, start:start + BATCH_ROWS] = np.clip(np.rint(block), -QUANT_LEVELS,
                                                  QUANT_LEVELS).astype(np.int8).T
    info: dict[str, Any] = {"categories": {c: list(categories[c]) for c in CATEGORICAL}}
    info.update(_lexical_into(store, out, id_array))
    return IndexArrays(out.finish(), info, folder)


def _rows_of(ids: np.ndarray, wanted: list[str | None]) -> np.ndarray:
    """Row of each wanted id in the sorted `ids` (-1 for None or unknown)."""
    rows = np.full(len(wanted), -1, np.int32)
    present = [i for i, w in enumerate(wanted) if w is not None]
    if present:
        keys = np.array([wanted[i].encode("utf-8") for i in present], dtype=ids.dtype)  # type: ignore[union-attr]
        found = lookup(ids, keys)
        rows[present] = found
    return rows


def lookup(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Rows of `keys` (bytes) in the sorted id array; -1 where absent."""
    if not len(ids) or not len(keys):
        return np.full(len(keys), -1, np.int64)
    keys = np.asarray(keys, dtype=ids.dtype) if keys.dtype.itemsize <= ids.dtype.itemsize \
        else keys
    at = np.searchsorted(ids, keys)
    at_clipped = np.minimum(at, len(ids) - 1)
    return np.where(ids[at_clipped] == keys, at_clipped, -1).astype(np.int64)


def _lexical_into(store: Store, out: _Writer, ids: np.ndarray) -> dict[str, Any]:
    """BM25 postings of DuckDB's FTS index aligned with our rows (see `nlp.lexical`)."""
    n = len(ids)
    lengths = out.new("lex_lengths", np.float32, (n,))
    if not fts.index_exists(store):
        for name, dtype in (("lex_rows", np.int32), ("lex_tf", np.float32),
                            ("lex_start", np.int64), ("lex_end", np.int64), ("lex_df", np.int64)):
            out.new(name, dtype, (0,))
        out.put("lex_terms", np.zeros(0, dtype="S1"))
        return {"num_docs": 0, "avgdl": 1.0}
    schema = fts.FTS_SCHEMA
    con = store.con
    docs = con.execute(f"SELECT docid, name, len FROM {schema}.docs ORDER BY docid"
                       ).to_arrow_table()
    docids = docs.column("docid").to_numpy()
    names = [s.encode("utf-8") for s in docs.column("name").to_pylist()]
    doc_rows = lookup(ids, np.array(names, dtype=ids.dtype) if names else np.zeros(0, ids.dtype))
    row_of_docid = np.full(int(docids.max()) + 1 if len(docids) else 0, -1, np.int64)
    row_of_docid[docids] = doc_rows
    known = doc_rows >= 0
    lengths[doc_rows[known]] = docs.column("len").to_numpy()[known]
    del docs, names

    postings = con.execute(
        f"SELECT termid, docid, count(*)::FLOAT AS tf FROM {schema}.terms "
        "GROUP BY termid, docid ORDER BY termid, docid").to_arrow_table()
    termids = postings.column("termid").to_numpy()
    rows = row_of_docid[postings.column("docid").to_numpy()]
    tfs = postings.column("tf").to_numpy()
    del postings
    kept = rows >= 0
    termids, rows, tfs = termids[kept], rows[kept], tfs[kept]
    out.put("lex_rows", rows.astype(np.int32))
    out.put("lex_tf", tfs.astype(np.float32))
    del rows, tfs

    vocabulary = con.execute(f"SELECT termid, term, df FROM {schema}.dict").to_arrow_table()
    vocab_ids = vocabulary.column("termid").to_numpy()
    starts = np.searchsorted(termids, vocab_ids, side="left")
    ends = np.searchsorted(termids, vocab_ids, side="right")
    terms = [t.encode("utf-8") for t in vocabulary.column("term").to_pylist()]
    present = ends > starts
    term_array = np.array([t for t, p in zip(terms, present, strict=True) if p],
                          dtype=f"S{max((len(t) for t in terms), default=1)}")
    order = np.argsort(term_array, kind="stable")
    out.put("lex_terms", term_array[order])
    out.put("lex_start", starts[present][order].astype(np.int64))
    out.put("lex_end", ends[present][order].astype(np.int64))
    out.put("lex_df", vocabulary.column("df").to_numpy()[present][order].astype(np.int64))
    num_docs, avgdl = con.execute(f"SELECT num_docs, avgdl FROM {schema}.stats").fetchone()
    return {"num_docs": int(num_docs), "avgdl": float(avgdl or 1.0)}
