"""The onnx-int8 embedder backend (issue 15): an offline export that stays close to fp32, and
one backend per DB (refused, or re-embedded on request), searched with its own backend.

The export (torch.onnx.export + quantize_dynamic) runs once per session into a temporary
cache, with an empty Hugging Face home so that nothing but the pip package's files can serve it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claimtracker.db import Store
from claimtracker.errors import ConfigError
from nlp.embedder import MODEL, ONNX_INT8, STATE_KEY, TORCH, backend_model, encode_texts

ONNX_KEY = backend_model(ONNX_INT8)


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The int8 export in a session cache; HF_HOME empty, so no hub cache can stand in."""
    from claimtracker.models import embedding_model_path
    from nlp.onnx_embedder import ensure_export, onnx_encoder

    root = tmp_path_factory.mktemp("onnx-cache")
    saved = {k: os.environ.get(k) for k in ("CLAIMTRACKER_MODEL_CACHE", "HF_HOME")}
    os.environ["CLAIMTRACKER_MODEL_CACHE"] = str(root)
    os.environ["HF_HOME"] = str(tmp_path_factory.mktemp("empty-hf-home"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    onnx_encoder.cache_clear()
    try:
        ensure_export(embedding_model_path())
        yield root
    finally:
        onnx_encoder.cache_clear()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def real_sentences(transcripts_dir: Path, limit: int = 300) -> list[str]:
    """Sentences of Amazon's Q3 2025 call, as management and analysts said them."""
    text = (transcripts_dir / "AMZN" / "AMZN_3Q25_qna.txt").read_text(encoding="utf-8")
    text += (transcripts_dir / "AMZN" / "AMZN_3Q25_presentation.txt").read_text(encoding="utf-8")
    pieces = re.split(r"(?<=[.?!])\s+|\n\n", text)
    return list(dict.fromkeys(p.strip() for p in pieces if len(p.split()) >= 5))[:limit]


def test_export_is_offline_cached_and_close_to_fp32(onnx_cache: Path,
                                                    transcripts_dir: Path) -> None:
    exports = list(onnx_cache.glob("all-MiniLM-L6-v2-onnx-int8-*/model.int8.onnx"))
    assert len(exports) == 1 and exports[0].stat().st_size > 10_000_000
    assert not list(onnx_cache.glob(".export-*")), "the temporary export folder must be gone"
    sentences = real_sentences(transcripts_dir)
    assert len(sentences) >= 200
    onnx = encode_texts(sentences, backend=ONNX_INT8)
    fp32 = encode_texts(sentences, backend=TORCH)
    assert onnx.shape == fp32.shape == (len(sentences), 384) and onnx.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosine = (onnx * fp32).sum(axis=1)
    # Measured on these sentences: mean 0.991, min 0.978 (int8 per-channel, MatMul weights).
    assert cosine.mean() > 0.985, cosine.mean()
    assert cosine.min() > 0.95, sentences[int(cosine.argmin())]
    # Each text keeps its own row although batches are sorted by length inside. Dynamic int8
    # scales activations per batch, so other batch companions move a vector a little
    # (measured: mean cosine 0.999, min 0.980), never to another text's.
    again = encode_texts(sentences[::-1], backend=ONNX_INT8)[::-1]
    same = (again * onnx).sum(axis=1)
    assert same.mean() > 0.995 and same.min() > 0.95
    assert (np.argmax(again @ onnx.T, axis=1) == np.arange(len(sentences))).all()


@pytest.fixture
def torch_db(mini_enriched_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A file copy of the mini DB (one real Amazon call) enriched with the torch backend."""
    copy = tmp_path / "mini.duckdb"
    shutil.copy(mini_enriched_path, copy)
    store = Store.open(copy)
    yield store
    store.close()


def _models(store: Store) -> dict[str, int]:
    return dict(store.con.execute("SELECT model, count(*) FROM embeddings GROUP BY model")
                .fetchall())


def test_db_refuses_the_other_backend_then_re_embeds_on_request(onnx_cache: Path,
                                                                 torch_db: Store) -> None:
    from nlp.enrich import enrich

    before = _models(torch_db)
    assert set(before) == {MODEL}
    with pytest.raises(ConfigError) as refused:
        enrich(torch_db, progress=False, embedder=ONNX_INT8)
    message = str(refused.value)
    assert str(torch_db.path) in message and "torch" in message and "onnx-int8" in message
    assert "--re-embed" in message
    assert _models(torch_db) == before  # refused before any work

    summary = enrich(torch_db, progress=False, embedder=ONNX_INT8, re_embed=True)
    assert _models(torch_db) == {ONNX_KEY: before[MODEL]}
    assert summary.counts["embedded"] == before[MODEL]
    state = torch_db.con.execute("SELECT value FROM enrich_state WHERE key = ?",
                                 [STATE_KEY]).fetchone()
    assert state == (ONNX_KEY,)
    unscored = torch_db.con.execute("SELECT count(*) FROM sentences WHERE semantic_with IS NULL"
                                    ).fetchone()[0]
    assert unscored == 0, "semantic mentions must be recomputed from the new vectors"

    # Nobody asks: the DB keeps its backend and nothing is embedded again.
    assert enrich(torch_db, progress=False).counts.get("embedded", 0) == 0
    with pytest.raises(ConfigError, match="onnx-int8 embedder"):
        enrich(torch_db, progress=False, embedder=TORCH)


def test_search_embeds_queries_with_the_dbs_backend(onnx_cache: Path, torch_db: Store) -> None:
    from nlp.embedder import search_backend
    from nlp.enrich import enrich
    from nlp.search import search
    from pipeline.cli import main

    enrich(torch_db, progress=False, embedder=ONNX_INT8, re_embed=True)
    assert search_backend(torch_db) == ONNX_INT8
    # A paraphrase that shares no word with the sentence: only the dense ranking finds it.
    hits = search(torch_db, "demand for our custom AI chips", k=10)
    assert any("fully subscribed on Trainium2" in h["text"] for h in hits), [
        h["text"] for h in hits]
    path = str(torch_db.path)
    torch_db.close()
    runner = CliRunner()
    refused = runner.invoke(main, ["search", "custom AI chips", "--embedder", "torch",
                                   "--db", path])
    assert refused.exit_code != 0 and "--re-embed" in refused.output
    ok = runner.invoke(main, ["search", "custom AI chips", "--db", path, "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert "Trainium" in ok.output
