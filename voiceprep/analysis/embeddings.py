"""Offline sentence embeddings: all-MiniLM-L6-v2 fine-tuned on labelled interview answers
(assets/models/minilm-coverage, built by bench/train_coverage_encoder.py), int8 ONNX, on onnxruntime.

The session loads lazily, once per process (thread-safe), and key-point embeddings are cached
by text, so analysing an answer costs one forward pass per sentence of it. If the model
or tokenizer cannot load, :func:`get_embedder` raises :class:`EmbeddingUnavailable` with a
user-facing reason, and coverage falls back to cues only.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import onnxruntime
    import tokenizers

MAX_TOKENS = 128


class EmbeddingUnavailable(RuntimeError):
    pass


MODEL_DIR = ("models", "minilm-coverage")


def tokenizer_path() -> Path:
    from voiceprep import paths

    return paths.assets_dir().joinpath(*MODEL_DIR, "tokenizer.json")


def model_path() -> Path:
    from voiceprep import paths

    return paths.assets_dir().joinpath(*MODEL_DIR, "model.onnx")


class Embedder:
    """Text -> L2-normalised 384-d vectors (mean pooling over the attention mask)."""

    def __init__(self, session: "onnxruntime.InferenceSession", tokenizer: "tokenizers.Tokenizer") -> None:
        self._session = session
        self._tok = tokenizer
        self._inputs = {i.name for i in session.get_inputs()}
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One forward pass per text, never a batch: the int8 model quantises its activations with
        one scale per input tensor, so in a batch a text's vector would depend on its batch-mates
        and their padding (cosine 0.99 with itself alone), and cached key-point vectors on which
        question happened to be analysed first. Alone, a text always gets the same vector, and on
        CPU it costs no more than padded batches did (round 21, bench/bench_analysis.py)."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._embed_one(text)
        return out

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Like :meth:`embed` but remembers results (for key points, which repeat every answer)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self.embed(missing)
            with self._lock:
                for t, v in zip(missing, vecs):
                    self._cache[t] = v
        return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def _embed_one(self, text: str) -> np.ndarray:
        enc = self._tok.encode(text)
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.array([enc.attention_mask], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        hidden = self._session.run(None, feeds)[0][0]  # last_hidden_state (seq, 384)
        m = mask[0][:, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=0) / max(float(m.sum()), 1e-9)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-9)).astype(np.float32)


_lock = threading.Lock()
_embedder: Embedder | None = None
_error: str | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use. A failed load is remembered (no retry storm)."""
    global _embedder, _error
    if _embedder is not None:
        return _embedder
    with _lock:
        if _embedder is not None:
            return _embedder
        if _error is not None:
            raise EmbeddingUnavailable(_error)
        try:
            _embedder = _load()
        except EmbeddingUnavailable as exc:
            _error = str(exc)
            raise
        except Exception as exc:  # a broken install must not break analysis
            _error = f"the embedding model could not be loaded ({type(exc).__name__}: {exc})"
            raise EmbeddingUnavailable(_error) from exc
        return _embedder


def load_embedder(onnx_file: Path) -> Embedder:
    """An embedder for another encoder file with the same tokenizer (the bench's fold encoders);
    not the process-wide one."""
    return _load(onnx_file)


def _load(onnx_file: Path | None = None) -> Embedder:
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EmbeddingUnavailable(f"onnxruntime/tokenizers are not installed ({exc.name})") from exc
    tok_file = tokenizer_path()
    if not tok_file.is_file():
        raise EmbeddingUnavailable(f"the embedding tokenizer is missing ({tok_file})")
    onnx_file = onnx_file or model_path()
    if not onnx_file.is_file():
        raise EmbeddingUnavailable(f"the embedding model file is missing ({onnx_file})")
    tokenizer = Tokenizer.from_file(str(tok_file))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(onnx_file), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types for a truncated or foreign file
        logging.getLogger(__name__).warning("embedding model %s failed to load: %s", onnx_file, exc)
        raise EmbeddingUnavailable(
            f"the embedding model file is damaged ({onnx_file}); reinstalling voiceprep restores it") from exc
    return Embedder(session, tokenizer)


def reset_for_tests(error: str | None = None) -> None:
    """Forget the loaded model; with ``error`` set, make the next load fail with that reason."""
    global _embedder, _error
    with _lock:
        _embedder, _error = None, error
