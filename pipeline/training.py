"""Labeled sentences in, a model and its card out: label files, evaluation, the card.

Label files come in three formats, told apart by their extension:

- ``.csv`` with a header: ``text`` and ``label`` required; ``source`` (the document a
  sentence comes from: cross-validation keeps a document on one side of every split),
  ``position``, ``context`` (the previous sentence of the same paragraph) and ``antecedent``
  optional. This is also what ``leadclaims label-export`` writes, so a filled-in export is a
  label file. Rows whose ``label`` is empty are skipped (not yet labeled).
- ``.json``: a Label Studio export of a text-classification project (tasks with
  ``data.text`` and ``annotations[].result[].value.choices``), or its JSON-MIN flavour
  (objects with ``text`` and ``label``).
- ``.jsonl``: a doccano export of a text-classification project (one object per line with
  ``text`` and ``label``, a list with one label or a string).

Every reader refuses, naming the file and the line or task: unknown labels, empty text, a
sentence given two different labels, a missing ``text``/``label`` column.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline import __version__
from pipeline.classify import (
    Examples,
    TrainingSettings,
    antecedents,
    label_counts,
    margins,
    score,
    segment_context,
)
from pipeline.errors import PipelineError
from pipeline.schemas import LABELS

BOOTSTRAP_SAMPLES = 1000


@dataclass(frozen=True)
class LabeledSentence:
    """One labeled sentence of a label file."""

    text: str
    label: str
    source: str
    context: str
    position: int | None
    where: str  # file and line (or task) it came from, for messages


@dataclass(frozen=True)
class RawLabel:
    """A row as read from a label file, before validation."""

    text: Any
    label: Any
    source: str | None
    context: str
    position: int | None
    where: str


# ---------------------------------------------------------------------------------------
# Readers: file content (already read by pipeline.io) to raw rows.

def rows_from_csv(rows: Sequence[Mapping[str, str]], name: str) -> list[RawLabel]:
    """Raw rows of a CSV label file (``rows`` as read by ``csv.DictReader``)."""
    if not rows:
        raise PipelineError(f"{name}: no labeled rows")
    missing = [c for c in ("text", "label") if c not in rows[0]]
    if missing:
        raise PipelineError(f"{name}: missing column '{missing[0]}' (need text and label)")
    out = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        out.append(RawLabel(row.get("text"), row.get("label"), row.get("source") or None,
                            row.get("context") or "", _int_or_none(row.get("position")),
                            f"{name}:{number}"))
    return out


def rows_from_label_studio(data: Any, name: str) -> list[RawLabel]:
    """Raw rows of a Label Studio JSON export (full or JSON-MIN)."""
    if not isinstance(data, list):
        raise PipelineError(f"{name}: not a Label Studio export (expected a JSON list of tasks)")
    out = []
    for number, task in enumerate(data, start=1):
        where = f"{name}: task {number}" + (f" (id {task.get('id')})"
                                             if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict):
            raise PipelineError(f"{where}: not a task object")
        fields = task.get("data") if isinstance(task.get("data"), dict) else task
        label = _label_studio_choice(task, where) if "annotations" in task else task.get("label")
        if isinstance(label, list):
            label = _single(label, where)
        out.append(RawLabel(fields.get("text"), label, fields.get("source"),
                            fields.get("context") or "", _int_or_none(fields.get("position")),
                            where))
    return out


def _label_studio_choice(task: Mapping[str, Any], where: str) -> str | None:
    for annotation in task.get("annotations") or []:
        if annotation.get("was_cancelled"):
            continue
        for result in annotation.get("result") or []:
            choices = (result.get("value") or {}).get("choices")
            if choices:
                return _single(choices, where)
    return None  # not annotated yet


def rows_from_doccano(lines: Sequence[str], name: str) -> list[RawLabel]:
    """Raw rows of a doccano JSONL export of a text-classification project."""
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PipelineError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise PipelineError(f"{where}: not a JSON object")
        label = record.get("label", record.get("labels"))
        if isinstance(label, list):
            label = _single(label, where)
        out.append(RawLabel(record.get("text"), label, record.get("source"),
                            record.get("context") or "", _int_or_none(record.get("position")),
                            where))
    if not out:
        raise PipelineError(f"{name}: no labeled rows")
    return out


def _single(labels: list[Any], where: str) -> str | None:
    labels = [label for label in labels if label not in (None, "")]
    if len(labels) > 1:
        raise PipelineError(f"{where}: {len(labels)} labels {labels}, expected one")
    return labels[0] if labels else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------
# Validation and examples.

@dataclass(frozen=True)
class LabelSet:
    """The validated sentences of one or more label files."""

    sentences: list[LabeledSentence]
    unlabeled: int  # rows skipped because nobody has labeled them yet


def validate(raw_rows: Iterable[RawLabel], default_source: str) -> LabelSet:
    """Check raw rows and keep the labeled ones.

    Refuses, naming the file and line: an unknown label, empty text, and the same sentence
    given two different labels. Rows with no label yet are counted and skipped.
    """
    sentences: list[LabeledSentence] = []
    unlabeled = 0
    first_label: dict[str, tuple[str, str]] = {}
    for row in raw_rows:
        text = " ".join(str(row.text or "").split())
        label = str(row.label or "").strip()
        if not text:
            raise PipelineError(f"{row.where}: empty text")
        if not label:
            unlabeled += 1
            continue
        if label not in LABELS:
            raise PipelineError(
                f"{row.where}: unknown label {label!r} (expected one of {', '.join(LABELS)})"
            )
        key = text.casefold()
        if key in first_label and first_label[key][0] != label:
            other_label, other_where = first_label[key]
            raise PipelineError(f"{row.where}: sentence is labeled {label!r} here but "
                                f"{other_label!r} at {other_where}")
        first_label.setdefault(key, (label, row.where))
        sentences.append(LabeledSentence(
            text=text, label=label, source=str(row.source or default_source).strip(),
            context=" ".join(str(row.context or "").split()), position=row.position,
            where=row.where,
        ))
    return LabelSet(sentences, unlabeled)


def validate_rows(rows: Sequence[Mapping[str, str]], where: str) -> list[LabeledSentence]:
    """Validate the rows of a CSV label file (see ``validate``)."""
    return validate(rows_from_csv(rows, where), where).sentences


def to_examples(sentences: Sequence[LabeledSentence]) -> Examples:
    """Estimator input from labeled sentences.

    A sentence's antecedent (the latest earlier sentence of its paragraph that names a role)
    is rebuilt from the file's order: a paragraph continues while the sentences share a
    source and each one's context is the sentence before it.
    """
    starts, previous = [], None
    for s in sentences:
        continues = (previous is not None and s.source == previous.source and s.context
                     and s.context == previous.text)
        starts.append(not continues)
        previous = s
    texts = [s.text for s in sentences]
    return Examples(
        texts=texts,
        contexts=[s.context for s in sentences],
        antecedents=[a or (s.context if s.context else "")
                     for a, s in zip(antecedents(texts, starts), sentences)],
        labels=[s.label for s in sentences],
        groups=[s.source for s in sentences],
    )


# ---------------------------------------------------------------------------------------
# Evaluation.

def _document_matrices(y_true: Sequence[str], y_pred: Sequence[str],
                       groups: Sequence[str]) -> np.ndarray:
    """One confusion matrix per source document (in sorted order of the groups), so that a
    bootstrap resample of documents is a sum of them."""
    index = {label: i for i, label in enumerate(LABELS)}
    position = {key: i for i, key in enumerate(sorted(set(groups)))}
    matrices = np.zeros((len(position), len(LABELS), len(LABELS)), dtype=np.int64)
    for true, predicted, group in zip(y_true, y_pred, groups):
        matrices[position[group], index[true], index[predicted]] += 1
    return matrices


def _f1s(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """F1 of each label and macro-F1 over the labels present, from a confusion matrix."""
    tp = np.diag(matrix).astype(float)
    support = matrix.sum(axis=1)
    denominator = support + matrix.sum(axis=0)
    f1 = np.divide(2 * tp, denominator, out=np.zeros(len(tp)), where=denominator > 0)
    present = support > 0
    return f1, float(f1[present].mean()) if present.any() else 0.0


def _interval(values: Sequence[float]) -> list[float]:
    return [round(float(np.percentile(values, 2.5)), 4),
            round(float(np.percentile(values, 97.5)), 4)]


def bootstrap_interval(y_true: Sequence[str], y_pred: Sequence[str], groups: Sequence[str],
                       seed: int = 0, samples: int = BOOTSTRAP_SAMPLES) -> dict[str, Any]:
    """95% intervals of macro-F1 and of each label's F1, by resampling whole source
    documents with replacement (sentences of one page are not independent)."""
    rng = np.random.default_rng(seed)
    matrices = _document_matrices(y_true, y_pred, groups)
    macro, per_label = [], {label: [] for label in LABELS}
    for _ in range(samples):
        f1, macro_f1 = _f1s(matrices[rng.integers(0, len(matrices), len(matrices))].sum(axis=0))
        macro.append(macro_f1)
        for i, label in enumerate(LABELS):
            per_label[label].append(float(f1[i]))
    return {"macro_f1": _interval(macro),
            "f1": {label: _interval(values) for label, values in per_label.items()},
            "method": f"bootstrap over source documents, {samples} samples, seed {seed}"}


def paired_difference(y_true: Sequence[str], y_new: Sequence[str], y_old: Sequence[str],
                      groups: Sequence[str], seed: int = 0,
                      samples: int = BOOTSTRAP_SAMPLES) -> dict[str, Any]:
    """Macro-F1 of ``y_new`` minus that of ``y_old`` on the same sentences, with a 95%
    interval from resampling whole source documents, both models scored on each resample:
    the two models' errors fall on the same sentences, so this interval is much narrower
    than the two models' own intervals side by side."""
    rng = np.random.default_rng(seed)
    new = _document_matrices(y_true, y_new, groups)
    old = _document_matrices(y_true, y_old, groups)
    differences = []
    for _ in range(samples):
        pick = rng.integers(0, len(new), len(new))
        differences.append(_f1s(new[pick].sum(axis=0))[1] - _f1s(old[pick].sum(axis=0))[1])
    point = _f1s(new.sum(axis=0))[1] - _f1s(old.sum(axis=0))[1]
    return {"difference": round(point, 4), "interval_95": _interval(differences)}


def evaluate(y_true: Sequence[str], y_pred: Sequence[str], groups: Sequence[str],
             seed: int = 0) -> dict[str, Any]:
    """Metrics (see ``classify.score``) with bootstrap 95% intervals."""
    result = score(list(y_true), list(y_pred))
    result["interval_95"] = bootstrap_interval(y_true, y_pred, groups, seed)
    result["sentences"] = len(y_true)
    result["documents"] = len(set(groups))
    return result


def data_hash(files: Sequence[tuple[str, bytes]]) -> str:
    """SHA-256 over the training files' names and bytes, in the order given."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def build_card(*, version: str, model_sha256: str, family: str,
               files: Sequence[tuple[str, bytes]], sentences: Sequence[LabeledSentence],
               settings: TrainingSettings, cross_validation: Mapping[str, Any],
               families: Mapping[str, Any], heldout: Mapping[str, Any] | None = None
               ) -> dict[str, Any]:
    """The model card: what the model is, what it learned from, how well it does.

    Date-free, so that retraining on the same labels reproduces the same card.
    """
    return {
        "model_version": version,
        "model_sha256": model_sha256,
        "model_file": "model.json",
        "family": family,
        "labels": list(LABELS),
        "package_version": __version__,
        "training_data": {
            "sha256": data_hash(files),
            "files": [{"path": name, "sha256": hashlib.sha256(data).hexdigest()}
                      for name, data in files],
            "sentences": len(sentences),
            "sources": len({s.source for s in sentences}),
            "label_counts": label_counts(s.label for s in sentences),
        },
        "settings": {
            "seed": settings.seed, "C": settings.C, "structure_C": settings.structure_C,
            "experts": settings.experts, "balanced_classes": settings.balanced_classes,
            "nb_alpha": settings.nb_alpha,
            "word_ngrams": list(settings.word_ngrams),
            "char_ngrams": list(settings.char_ngrams), "char_min_df": settings.char_min_df,
        },
        "model_selection": dict(families),
        "cross_validation": dict(cross_validation),
        "heldout": dict(heldout) if heldout is not None else None,
    }


def format_metrics(metrics: Mapping[str, Any]) -> str:
    """Metrics as a small text table for the terminal."""
    intervals = metrics.get("interval_95", {}).get("f1", {})

    def ci(label: str | None) -> str:
        bounds = (metrics["interval_95"]["macro_f1"] if label is None and "interval_95"
                  in metrics else intervals.get(label) if label else None)
        return f"  [{bounds[0]:.3f}, {bounds[1]:.3f}]" if bounds else ""

    lines = [f"{'label':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label in LABELS:
        m = metrics["per_label"][label]
        lines.append(f"{label:<20} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} "
                     f"{m['support']:>8d}{ci(label)}")
    lines.append(f"{'macro-F1':<20} {metrics['macro_f1']:>24.3f}{'':>9}{ci(None)}")
    lines.append(f"{'accuracy':<20} {metrics['accuracy']:>24.3f}")
    lines.append("confusion (rows true, columns predicted): " + ", ".join(
        label[:4] for label in LABELS))
    for label, row in zip(LABELS, metrics["confusion_matrix"]):
        lines.append(f"  {label:<20} " + " ".join(f"{n:>5d}" for n in row))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Active learning: what to label next.

LABEL_EXPORT_COLUMNS = ("source", "position", "text", "context", "label", "model_label",
                        "model_confidence", "margin", "sentence_id", "doc_id")


def uncertain_sentences(rows: Sequence[Mapping[str, Any]], sources: Mapping[str, str],
                        classifier: Any, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` sentences the classifier is least sure about, lowest margin first.

    ``rows`` are sentence rows in document order (they carry segment ids, so each sentence
    is read with its context); ``sources`` maps doc_id to source file. The ``label`` column
    is left empty for a person to fill in; ``model_label`` is the model's guess.
    """
    contexts, antes = segment_context(rows)
    probs = classifier.predict_proba([r["text"] for r in rows], contexts, antes)
    margin = margins(probs)
    order = sorted(range(len(rows)), key=lambda i: (round(float(margin[i]), 9),
                                                    rows[i]["sentence_id"]))
    out = []
    for i in order[:limit]:
        row = rows[i]
        best = int(probs[i].argmax())
        out.append({
            "source": sources.get(row["doc_id"], row["doc_id"]),
            "position": row["position"],
            "text": row["text"],
            "context": contexts[i],
            "label": "",
            "model_label": LABELS[best],
            "model_confidence": round(float(probs[i][best]), 4),
            "margin": round(float(margin[i]), 4),
            "sentence_id": row["sentence_id"],
            "doc_id": row["doc_id"],
        })
    return out
