"""Features, training determinism and the model-as-data format."""

import json

import numpy as np
import pytest

from pipeline import io as pio
from pipeline.classify import (
    Classifier,
    SentenceFeatures,
    classify_sentences,
    cross_validate,
    export_model,
    frame,
    model_bytes,
    previous_in_segment,
    role_mentions,
    train,
)
from pipeline.errors import PipelineError
from pipeline.schemas import LABELS

from .conftest import MODELS, SEED_LABELS


@pytest.mark.parametrize("text,expected", [
    ("Leaders inspire people.", (1, 0)),
    ("Managers plan; leaders inspire.", (1, 1)),
    ("Good management can lead, and good leadership can manage.", (2, 2)),
    ("I finally managed to finish the report.", (0, 0)),
    ("Poor planning will lead to higher costs.", (0, 0)),
    ("The Lakers lead the league in rebounds.", (0, 0)),
    ("Old pipes can cause lead poisoning.", (0, 0)),
    ("She was the lead singer of the band.", (0, 0)),
    ("Time management apps did not help me.", (0, 0)),
    ("Our sales leads dried up in March.", (0, 0)),
])
def test_role_mentions_skip_other_senses(text, expected):
    assert role_mentions(text) == expected


def feature(text, context="", name=None):
    row = SentenceFeatures().fit(frame([text])).transform(frame([text], [context]))
    values = dict(zip(SentenceFeatures.feature_names, row.toarray()[0]))
    return values[name] if name else values


def test_semantic_features_read_context_and_structure():
    assert feature("This involves coaching and mentoring.", "Leaders grow people.",
                   "anaphor_after_lead") == 1.0
    assert feature("This involves coaching and mentoring.", "", "anaphor_after_lead") == 0.0
    assert feature("Leadership is not about titles.", name="negation") == 1.0
    assert feature("Managers count value whereas leaders create it.", name="contrast") == 1.0
    assert feature("Managers count value whereas leaders create it.", name="both_roles") == 1.0
    assert feature("What is the difference between them?", name="question") == 1.0
    assert feature("My boss never listens.", name="authority_noun") == 1.0


def seed_rows():
    return pio.read_csv_rows(SEED_LABELS)


def test_training_is_deterministic_and_export_matches_sklearn():
    rows = seed_rows()
    texts, contexts = [r["text"] for r in rows], [r["context"] for r in rows]
    labels = [r["label"] for r in rows]
    first = train(texts, contexts, labels)
    second = train(texts, contexts, labels)
    assert model_bytes(export_model(first)) == model_bytes(export_model(second))
    loaded = Classifier.from_data(json.loads(model_bytes(export_model(first))), "v")
    expected = first.predict_proba(frame(texts, contexts))
    got = loaded.predict_proba(texts, contexts)
    order = [LABELS.index(c) for c in first.classes_]
    assert np.allclose(got[:, order], expected, atol=1e-9)


def test_cross_validation_is_grouped_by_document():
    rows = seed_rows()
    result = cross_validate([r["text"] for r in rows], [r["context"] for r in rows],
                            [r["label"] for r in rows], [r["source"] for r in rows])
    assert result["scheme"].startswith("GroupKFold by source document, 5 folds")
    assert sum(map(sum, result["confusion_matrix"])) == len(rows)
    assert 0.0 <= result["macro_f1"] <= 1.0
    with pytest.raises(PipelineError):
        cross_validate(["a", "b"], ["", ""], ["other", "other"], ["one", "one"])


def test_committed_model_loads_and_labels_clear_cases(classifier):
    labels = classifier.predict([
        "Leadership is about inspiring people to follow a vision.",
        "Management is about budgets, processes and control.",
        "Managers do things right, while leaders do the right thing.",
        "Thanks for the article!",
    ])
    assert labels == ["leadership_trait", "management_trait", "relationship_claim", "other"]


def test_altered_or_truncated_model_is_refused(tmp_path):
    (tmp_path / "card.json").write_bytes((MODELS / "card.json").read_bytes())
    data = (MODELS / "model.json").read_bytes()
    (tmp_path / "model.json").write_bytes(data[: len(data) // 2])
    with pytest.raises(PipelineError, match="does not match the sha256"):
        pio.load_classifier(tmp_path)
    (tmp_path / "model.json").write_bytes(data.replace(b'"intercept":[', b'"intercept":[1.0,', 1))
    with pytest.raises(PipelineError, match="does not match the sha256"):
        pio.load_classifier(tmp_path)
    (tmp_path / "model.json").unlink()
    with pytest.raises(PipelineError, match="model file missing"):
        pio.load_classifier(tmp_path)


def test_classify_sentences_passes_previous_sentence_of_same_segment(classifier):
    rows = [
        {"segment_id": "a", "text": "Leaders grow their people."},
        {"segment_id": "a", "text": "This involves coaching."},
        {"segment_id": "b", "text": "This involves coaching."},
    ]
    assert previous_in_segment(rows) == ["", "Leaders grow their people.", ""]
    out = classify_sentences(rows, classifier)
    assert [set(r) >= {"label", "confidence", "p_other", "model_version"} for r in out] == [
        True] * 3
    for r in out:
        assert abs(sum(r[f"p_{label}"] for label in LABELS) - 1.0) < 1e-5
        assert r["confidence"] == max(r[f"p_{label}"] for label in LABELS)
