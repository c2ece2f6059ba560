"""Exact and near-duplicate pages: MinHash signatures and locality-sensitive hashing.

A page's signature is a MinHash (datasketch) over the word 5-gram shingles of its text with
site chrome removed (the cleaning stage's line rules), lower-cased: the same post scraped
twice, a syndicated copy, or the same page with another sidebar all share nearly every
shingle. Pages are checked in input order against an LSH index of the pages kept so far,
so the first page of each group is kept and the others point to it; there is no all-pairs
comparison: the index holds the kept pages' band hashes and signatures (256 bytes a page),
and the candidates it returns are confirmed by their estimated similarity.

``SIMILARITY_THRESHOLD`` (estimated Jaccard similarity of shingle sets) is a named setting:
0.8 keeps apart pages that merely share a quoted paragraph or a comment thread template,
and catches copies whose sidebars, dates or a few lines differ.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.clean import prose_lines
from pipeline.spam import words

SIMILARITY_THRESHOLD = 0.8
NUM_PERM = 64
SHINGLE_WORDS = 5
_SEED = 7
_SCHEME = "affine32"


def signature(text: str) -> np.ndarray:
    """MinHash values of a page's chrome-free text (``NUM_PERM`` unsigned integers)."""
    tokens = [w for line in prose_lines(text) for w in words(line)]
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS])
                for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles) if s])
    return minhash.hashvalues.copy()


class DuplicateFinder:
    """Streams pages in order; says which earlier kept page each one duplicates, if any."""

    def __init__(self, threshold: float = SIMILARITY_THRESHOLD) -> None:
        self.threshold = threshold
        self._index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        # doc_id -> (order, source, MinHash values): 64 uint32 a page, not MinHash objects.
        self._kept: dict[str, tuple[int, str, np.ndarray]] = {}

    def check(self, doc_id: str, source: str, values: np.ndarray) -> tuple[str, str] | None:
        """``(doc_id, source)`` of the earliest kept page this one duplicates, or None (then
        it is kept and indexed)."""
        minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=values, scheme=_SCHEME)
        # LSH candidates are only likely matches: keep those whose estimated similarity
        # really reaches the threshold.
        candidates = [key for key in self._index.query(minhash) if key != doc_id
                      and float(np.mean(self._kept[key][2] == minhash.hashvalues))
                      >= self.threshold]
        if candidates:
            kept = min(candidates, key=lambda key: self._kept[key][0])
            return kept, self._kept[kept][1]
        if doc_id not in self._kept:
            self._kept[doc_id] = (len(self._kept), source, minhash.hashvalues.copy())
            self._index.insert(doc_id, minhash)
        return None
