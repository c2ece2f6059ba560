"""Labeled sentences in, a model and its card out: validation of label files, the card.

Label files are CSV with a header: ``text`` and ``label`` are required; ``source`` (the
document a sentence comes from, used to group cross-validation folds), ``position`` and
``context`` (the previous sentence of the same paragraph) are optional.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline import __version__
from pipeline.classify import FAMILY, TrainingSettings, label_counts
from pipeline.errors import PipelineError
from pipeline.schemas import LABELS

LABEL_FILE_COLUMNS = ("source", "position", "text", "context", "label")


@dataclass(frozen=True)
class LabeledSentence:
    """One labeled sentence of a label file."""

    text: str
    label: str
    source: str
    context: str
    line: int  # line of the file it came from, for messages


def validate_rows(rows: Sequence[Mapping[str, str]], where: str) -> list[LabeledSentence]:
    """Check label-file rows and turn them into labeled sentences.

    Refuses, with the file and line in the message: a missing ``text`` or ``label`` column,
    an unknown label, empty text, and the same sentence given two different labels.
    """
    if not rows:
        raise PipelineError(f"{where}: no labeled rows")
    missing = [c for c in ("text", "label") if c not in rows[0]]
    if missing:
        raise PipelineError(f"{where}: missing column '{missing[0]}' (need text and label)")
    sentences: list[LabeledSentence] = []
    first_label: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        text = (row.get("text") or "").strip()
        label = (row.get("label") or "").strip()
        if not text:
            raise PipelineError(f"{where}:{number}: empty text")
        if label not in LABELS:
            raise PipelineError(
                f"{where}:{number}: unknown label {label!r} (expected one of {', '.join(LABELS)})"
            )
        key = " ".join(text.split()).casefold()
        if key in first_label and first_label[key][0] != label:
            other_label, other_line = first_label[key]
            raise PipelineError(
                f"{where}:{number}: sentence is labeled {label!r} here but {other_label!r} "
                f"on line {other_line}"
            )
        first_label.setdefault(key, (label, number))
        sentences.append(LabeledSentence(
            text=text, label=label, source=(row.get("source") or where).strip(),
            context=(row.get("context") or "").strip(), line=number,
        ))
    return sentences


def data_hash(files: Sequence[tuple[str, bytes]]) -> str:
    """SHA-256 over the training files' names and bytes, in the order given."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def build_card(*, version: str, model_sha256: str, files: Sequence[tuple[str, bytes]],
               sentences: Sequence[LabeledSentence], cv: Mapping[str, Any],
               settings: TrainingSettings) -> dict[str, Any]:
    """The model card: what the model is, what it learned from, how well it does.

    Date-free, so that retraining on the same labels reproduces the same card.
    """
    return {
        "model_version": version,
        "model_sha256": model_sha256,
        "model_file": "model.json",
        "family": FAMILY,
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
            "seed": settings.seed, "C": settings.C, "word_ngrams": list(settings.word_ngrams),
            "char_ngrams": list(settings.char_ngrams), "char_min_df": settings.char_min_df,
        },
        "cross_validation": dict(cv),
    }


def format_metrics(metrics: Mapping[str, Any]) -> str:
    """Metrics as a small text table for the terminal."""
    lines = [f"{'label':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label in LABELS:
        m = metrics["per_label"][label]
        lines.append(f"{label:<20} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} "
                     f"{m['support']:>8d}")
    lines.append(f"{'macro-F1':<20} {metrics['macro_f1']:>31.3f}")
    lines.append(f"{'accuracy':<20} {metrics['accuracy']:>31.3f}")
    lines.append("confusion (rows true, columns predicted): " + ", ".join(
        label[:4] for label in LABELS))
    for label, row in zip(LABELS, metrics["confusion_matrix"]):
        lines.append(f"  {label:<20} " + " ".join(f"{n:>5d}" for n in row))
    return "\n".join(lines)
