"""Stage 4, classify: label sentences with the four labels of LABELING.md.

The model is a scikit-learn pipeline: word and character n-grams (TF-IDF) beside
``SentenceFeatures``, hand-made features that carry meaning (which roles a sentence names, in
which senses, whether it negates, contrasts or asks, and which role the previous sentence of
the paragraph named), feeding a multinomial logistic regression.

A trained model is exported as plain JSON (vocabularies, IDF weights, coefficients): loading
it never executes code, and the same labels and seed give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline

from pipeline.errors import PipelineError
from pipeline.schemas import LABELS, PROBABILITY_COLUMNS

MODEL_FORMAT = "leadclaims-linear-v1"
FAMILY = "logistic_regression"

# ---------------------------------------------------------------------------------------
# Features that carry meaning.

_LEAD = re.compile(r"\b(?:lead|leads|leading|led|leader|leaders|leader's|leaders'|leadership"
                   r"|leaderships)\b", re.IGNORECASE)
_MANAGE = re.compile(r"\b(?:manage|manages|managing|managed|manager|managers|manager's"
                     r"|managers'|management|managerial)\b", re.IGNORECASE)
# Senses of "lead" and "manage" that are not the roles.
_LEAD_OTHER = re.compile(
    r"\b(?:lead(?:s|ing)?|led)\s+(?:to|into\s+(?:a|the)\s+\w+\s+of)\b"
    r"|\blead\s+(?:singer|guitar\w*|role|actor|actress|story|paint|pipe\w*|poisoning|time"
    r"|generation|author|investigator|counsel|engineer|developer|designer)\b"
    r"|\b(?:the|a|an|our|their|his|her)\s+lead\b(?!\s+(?:by|people|others|teams?))"
    r"|\b(?:sales|hot|warm|cold|qualified|new)\s+leads\b"
    r"|\blead(?:s|ing)?\s+the\s+(?:league|standings|table|race|polls|way\s+in\s+sales)\b"
    r"|\btook\s+the\s+lead\b|\bin\s+the\s+lead\b",
    re.IGNORECASE,
)
_MANAGE_OTHER = re.compile(
    r"\bmanag(?:e|es|ed|ing)\s+to\b"
    r"|\bmanag(?:e|es|ed|ing)\s+(?:my|your|his|her|their|our)\s+(?:own\s+)?(?:time|money"
    r"|stress|budget|expectations|diabetes|pain|symptoms|finances|weight|calendar|inbox)\b"
    r"|\b(?:time|money|stress|anger|pain|weight|waste|water|cash|wealth|asset|portfolio"
    r"|data|file|password|memory|disk)\s+management\b",
    re.IGNORECASE,
)
_AUTHORITY = re.compile(r"\b(?:boss(?:es)?|supervisors?|executives?|ceos?|directors?|chiefs?"
                        r"|head of|team leads?|captains?|coach(?:es)?|commanders?|officers?"
                        r"|administrators?|foreman|superiors?)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|without|nobody|none|cannot)\b|n't\b",
                       re.IGNORECASE)
_CONTRAST = re.compile(r"\b(?:whereas|while|but|unlike|rather than|instead of|versus|vs\.?"
                       r"|on the other hand|as opposed to|in contrast)\b|;", re.IGNORECASE)
_RELATION = re.compile(
    r"\b(?:differ\w*|distinct\w*|same|synonym\w*|opposit\w*|oppos\w*|complement\w*"
    r"|overlap\w*|intertwin\w*|both|either|neither|the two|vice versa|interchangeab\w*"
    r"|equal\w*|subset|part of|separat\w*|compared?|depend\w*|together|combination"
    r"|hand in hand|apart|exclusive\w*|two sides)\b",
    re.IGNORECASE,
)
_CLAIM_VERB = re.compile(r"\b(?:is|are|was|were|means?|requires?|involves?|has|have|should"
                         r"|must|will|can|need|needs|do|does)\b", re.IGNORECASE)
_ANAPHOR_START = re.compile(r"^\W*(?:this|that|these|those|they|it|he|she|such|them|their"
                            r"|his|her)\b", re.IGNORECASE)
_FIRST_PERSON_START = re.compile(r"^\W*(?:i|my|we|our|i'm|i've|i'd)\b", re.IGNORECASE)
_GREETING = re.compile(r"^\W*(?:thanks?|thank you|great|nice|hi|hello|hey|agreed|lol|wow"
                       r"|cheers)\b", re.IGNORECASE)


def role_mentions(text: str) -> tuple[int, int]:
    """Counts of mentions of the leadership role and of the management role in ``text``.

    Senses that are not the roles ("lead to", "the lead singer", "managed to finish",
    "time management") are not counted.
    """
    lead = len(_LEAD.findall(text)) - len(_LEAD_OTHER.findall(text))
    manage = len(_MANAGE.findall(text)) - len(_MANAGE_OTHER.findall(text))
    return max(lead, 0), max(manage, 0)


def _first_role(text: str) -> str | None:
    lead, manage = _LEAD.search(text), _MANAGE.search(text)
    if lead and (not manage or lead.start() < manage.start()):
        return "lead"
    return "manage" if manage else None


class SentenceFeatures(BaseEstimator, TransformerMixin):
    """Hand-made features of ``(text, context)`` rows; context is the previous sentence of
    the same paragraph, or empty.

    Stateless: ``fit`` learns nothing, so the features of a row depend on that row alone.
    """

    feature_names: tuple[str, ...] = (
        "lead_role", "manage_role", "both_roles", "no_role", "authority_noun",
        "lead_other_sense", "manage_other_sense", "lead_first", "manage_first",
        "negation", "contrast", "relation_words", "claim_verb", "question", "exclamation",
        "anaphor_start", "first_person_start", "greeting", "log_length",
        "context_lead", "context_manage", "context_both", "anaphor_after_lead",
        "anaphor_after_manage", "anaphor_after_both",
    )

    def fit(self, X: Any, y: Any = None) -> SentenceFeatures:
        """Nothing to learn; checks the input has text and context."""
        _columns(X)
        self.n_features_out_ = len(self.feature_names)
        return self

    def transform(self, X: Any) -> sparse.csr_matrix:
        """One row of features per input row, as a sparse matrix."""
        texts, contexts = _columns(X)
        rows = [self._features(t, c) for t, c in zip(texts, contexts)]
        return sparse.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(
            len(rows), len(self.feature_names)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"semantic__{n}" for n in self.feature_names], dtype=object)

    @staticmethod
    def _features(text: str, context: str) -> list[float]:
        lead, manage = role_mentions(text)
        ctx_lead, ctx_manage = role_mentions(context or "")
        first = _first_role(text)
        anaphor = bool(_ANAPHOR_START.search(text))
        no_role = lead == 0 and manage == 0
        tokens = len(text.split())
        return [
            min(lead, 3) / 3, min(manage, 3) / 3, float(lead > 0 and manage > 0),
            float(no_role), float(bool(_AUTHORITY.search(text))),
            float(bool(_LEAD_OTHER.search(text))), float(bool(_MANAGE_OTHER.search(text))),
            float(first == "lead" and lead > 0), float(first == "manage" and manage > 0),
            float(bool(_NEGATION.search(text))), float(bool(_CONTRAST.search(text))),
            min(len(_RELATION.findall(text)), 3) / 3, float(bool(_CLAIM_VERB.search(text))),
            float(text.rstrip().endswith("?")), float(text.rstrip().endswith("!")),
            float(anaphor), float(bool(_FIRST_PERSON_START.search(text))),
            float(bool(_GREETING.search(text)) and tokens <= 6),
            math.log1p(tokens) / 4,
            float(ctx_lead > 0 and ctx_manage == 0), float(ctx_manage > 0 and ctx_lead == 0),
            float(ctx_lead > 0 and ctx_manage > 0),
            float(no_role and anaphor and ctx_lead > 0 and ctx_manage == 0),
            float(no_role and anaphor and ctx_manage > 0 and ctx_lead == 0),
            float(no_role and anaphor and ctx_lead > 0 and ctx_manage > 0),
        ]


def _columns(X: Any) -> tuple[list[str], list[str]]:
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError("input needs a 'text' column")
        texts = X["text"].fillna("").astype(str).tolist()
        contexts = (X["context"].fillna("").astype(str).tolist() if "context" in X.columns
                    else [""] * len(texts))
        return texts, contexts
    raise TypeError("SentenceFeatures expects a pandas DataFrame with 'text' and 'context'")


# ---------------------------------------------------------------------------------------
# Training.

@dataclass(frozen=True)
class TrainingSettings:
    """Named settings of the training recipe."""

    seed: int = 13
    C: float = 4.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    max_iter: int = 5000
    cv_folds: int = 5


def build_estimator(settings: TrainingSettings | None = None) -> Pipeline:
    """The untrained scikit-learn pipeline (features, then logistic regression)."""
    settings = settings or TrainingSettings()
    features = ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=settings.word_ngrams, sublinear_tf=True,
                                      lowercase=True, token_pattern=r"(?u)\b\w[\w']*\b"),
             "text"),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=settings.char_ngrams,
                                      sublinear_tf=True, lowercase=True,
                                      min_df=settings.char_min_df), "text"),
            ("semantic", SentenceFeatures(), ["text", "context"]),
        ],
        sparse_threshold=1.0,
    )
    model = LogisticRegression(C=settings.C, class_weight="balanced",
                               max_iter=settings.max_iter, random_state=settings.seed)
    return Pipeline([("features", features), ("model", model)])


def frame(texts: Sequence[str], contexts: Sequence[str] | None = None) -> pd.DataFrame:
    """The input frame the estimator expects."""
    contexts = list(contexts) if contexts is not None else [""] * len(texts)
    return pd.DataFrame({"text": list(texts), "context": contexts})


def train(texts: Sequence[str], contexts: Sequence[str], labels: Sequence[str],
          settings: TrainingSettings | None = None) -> Pipeline:
    """Fit the estimator on labeled sentences."""
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise PipelineError(f"unknown labels: {', '.join(unknown)}")
    estimator = build_estimator(settings)
    estimator.fit(frame(texts, contexts), list(labels))
    return estimator


def score(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Per-label precision, recall, F1 and support, macro-F1, accuracy and the confusion
    matrix (rows: true label, columns: predicted, both in ``LABELS`` order)."""
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0
    )
    per_label = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)
    }
    present = [label for label in LABELS if per_label[label]["support"] > 0]
    macro = float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0
    accuracy = float(np.mean([a == b for a, b in zip(y_true, y_pred)])) if y_true else 0.0
    matrix = confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()
    return {"macro_f1": round(macro, 4), "accuracy": round(accuracy, 4),
            "per_label": per_label, "confusion_matrix": matrix}


def cross_validate(texts: Sequence[str], contexts: Sequence[str], labels: Sequence[str],
                   groups: Sequence[str], settings: TrainingSettings | None = None) -> dict[
                       str, Any]:
    """Cross-validated metrics where no group (source document) is in both train and test.

    Uses GroupKFold with as many folds as there are groups, up to ``settings.cv_folds``.
    """
    settings = settings or TrainingSettings()
    n_groups = len(set(groups))
    if n_groups < 2:
        raise PipelineError("cross-validation by document needs sentences from two or more "
                            "sources")
    folds = min(settings.cv_folds, n_groups)
    X = frame(texts, contexts)
    y = np.asarray(labels, dtype=object)
    predicted = np.empty(len(y), dtype=object)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
        estimator = build_estimator(settings).fit(X.iloc[train_idx], y[train_idx])
        predicted[test_idx] = estimator.predict(X.iloc[test_idx])
    result = score(list(y), list(predicted))
    result["scheme"] = f"GroupKFold by source document, {folds} folds"
    return result


# ---------------------------------------------------------------------------------------
# The model as data: export to JSON, load without executing code.

def export_model(estimator: Pipeline) -> dict[str, Any]:
    """The fitted estimator as plain data (JSON-serialisable)."""
    features: ColumnTransformer = estimator.named_steps["features"]
    model: LogisticRegression = estimator.named_steps["model"]
    blocks = []
    for name, transformer, _ in features.transformers_:
        if isinstance(transformer, TfidfVectorizer):
            params = {k: v for k, v in transformer.get_params().items()
                      if k in _VECTORIZER_PARAMS}
            params["ngram_range"] = list(params["ngram_range"])
            vocabulary = {term: int(i) for term, i in transformer.vocabulary_.items()}
            blocks.append({"name": name, "type": "tfidf", "params": params,
                           "vocabulary": dict(sorted(vocabulary.items())),
                           "idf": [float(x) for x in transformer.idf_]})
        elif isinstance(transformer, SentenceFeatures):
            blocks.append({"name": name, "type": "semantic",
                           "features": list(transformer.feature_names)})
    classes = [str(c) for c in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # binary LR stores one row; expand to the multinomial form
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return {
        "format": MODEL_FORMAT,
        "family": FAMILY,
        "classes": classes,
        "blocks": blocks,
        "coef": [[float(x) for x in row] for row in coef],
        "intercept": [float(x) for x in intercept],
    }


_VECTORIZER_PARAMS = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "token_pattern",
                      "norm", "use_idf", "smooth_idf", "binary", "strip_accents", "min_df")


def model_bytes(exported: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes of an exported model (same model, same bytes)."""
    return (json.dumps(exported, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


@dataclass
class Classifier:
    """A loaded model: predicts label probabilities for ``(text, context)`` rows."""

    version: str
    classes: list[str]
    vectorizers: list[tuple[str, Any]]
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def from_data(cls, data: Mapping[str, Any], version: str) -> Classifier:
        """Rebuild a classifier from exported data; raises PipelineError if malformed."""
        try:
            if data["format"] != MODEL_FORMAT:
                raise PipelineError(f"unsupported model format {data['format']!r}")
            vectorizers: list[tuple[str, Any]] = []
            width = 0
            for block in data["blocks"]:
                if block["type"] == "tfidf":
                    params = dict(block["params"])
                    params["ngram_range"] = tuple(params["ngram_range"])
                    params.pop("min_df", None)
                    vectorizer = TfidfVectorizer(**params, vocabulary=block["vocabulary"])
                    vectorizer.idf_ = np.asarray(block["idf"], dtype=np.float64)
                    vectorizers.append(("tfidf", vectorizer))
                    width += len(block["idf"])
                elif block["type"] == "semantic":
                    if tuple(block["features"]) != SentenceFeatures.feature_names:
                        raise PipelineError("model was trained with other semantic features")
                    vectorizers.append(("semantic", SentenceFeatures().fit(frame([]))))
                    width += len(block["features"])
                else:
                    raise PipelineError(f"unknown feature block type {block['type']!r}")
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept = np.asarray(data["intercept"], dtype=np.float64)
            classes = [str(c) for c in data["classes"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise PipelineError(f"model data is malformed ({exc})") from exc
        if coef.shape != (len(classes), width) or intercept.shape != (len(classes),):
            raise PipelineError("model data is malformed (weights do not match features)")
        if set(classes) - set(LABELS):
            raise PipelineError(f"model has unknown labels {sorted(set(classes) - set(LABELS))}")
        return cls(version, classes, vectorizers, coef, intercept)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None
                      ) -> np.ndarray:
        """Probabilities, one column per label in ``LABELS`` order."""
        X = frame(texts, contexts)
        parts = [v.transform(X["text"]) if kind == "tfidf" else v.transform(X)
                 for kind, v in self.vectorizers]
        features = sparse.hstack(parts, format="csr")
        logits = features @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        out = np.zeros((len(X), len(LABELS)))
        for j, label in enumerate(self.classes):
            out[:, LABELS.index(label)] = probs[:, j]
        return out

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None
                ) -> list[str]:
        """The most probable label of each row."""
        probs = self.predict_proba(texts, contexts)
        return [LABELS[i] for i in probs.argmax(axis=1)]


def version_for(model_data: bytes) -> str:
    """Model version derived from the model file's bytes."""
    return f"{FAMILY}-{hashlib.sha256(model_data).hexdigest()[:12]}"


# ---------------------------------------------------------------------------------------
# The stage.

def previous_in_segment(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """For sentence rows in document order, the previous sentence's text in the same
    segment ("" for the first of each segment)."""
    contexts: list[str] = []
    last_segment, last_text = None, ""
    for row in rows:
        contexts.append(last_text if row["segment_id"] == last_segment else "")
        last_segment, last_text = row["segment_id"], row["text"]
    return contexts


def classify_sentences(rows: Sequence[Mapping[str, Any]], classifier: Classifier,
                       batch_size: int = 4096) -> list[dict[str, Any]]:
    """Add ``label``, ``confidence``, the probability columns and ``model_version`` to
    sentence rows (rows of ``split.parquet`` in document order)."""
    contexts = previous_in_segment(rows)
    out: list[dict[str, Any]] = []
    for begin in range(0, len(rows), batch_size):
        batch = rows[begin : begin + batch_size]
        probs = classifier.predict_proba([r["text"] for r in batch],
                                         contexts[begin : begin + batch_size])
        for row, p in zip(batch, probs):
            best = int(p.argmax())
            record = dict(row)
            record["label"] = LABELS[best]
            record["confidence"] = round(float(p[best]), 6)
            for column, value in zip(PROBABILITY_COLUMNS, p):
                record[column] = round(float(value), 6)
            record["model_version"] = classifier.version
            out.append(record)
    return out


def label_counts(labels: Iterable[str]) -> dict[str, int]:
    """Counts per label, every label present (zero where absent)."""
    counts = Counter(labels)
    return {label: counts.get(label, 0) for label in LABELS}
