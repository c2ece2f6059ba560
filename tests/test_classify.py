"""Features (including the traps), training determinism and the model-as-data format."""

import json

import numpy as np
import pytest

from pipeline import io as pio
from pipeline.classify import (
    FAMILIES,
    Classifier,
    ClauseFeatures,
    Examples,
    LinearExperts,
    SentenceFeatures,
    TrainingSettings,
    antecedents,
    classify_sentences,
    cross_validate,
    export_model,
    frame,
    keyword_baseline,
    margins,
    model_bytes,
    role_mentions,
    role_profile,
    segment_context,
    subject_window,
    train,
)
from pipeline.errors import PipelineError
from pipeline.schemas import LABELS
from pipeline.training import to_examples, validate_rows

from .conftest import MODELS, SEED_LABELS


@pytest.mark.parametrize("text,expected", [
    ("Leaders inspire people.", (1, 0)),
    ("Managers plan; leaders inspire.", (1, 1)),
    ("Good management can lead, and good leadership can manage.", (2, 2)),
    # Senses of "lead" and "manage" that are not the roles.
    ("I finally managed to finish the report.", (0, 0)),
    ("Poor planning will lead to higher costs.", (0, 0)),
    ("The Lakers lead the league in rebounds.", (0, 0)),
    ("Old pipes can cause lead poisoning.", (0, 0)),
    ("She was the lead singer of the band.", (0, 0)),
    ("Time management apps did not help me.", (0, 0)),
    ("Our sales leads dried up in March.", (0, 0)),
    ("Lead scoring is the first thing we fixed.", (0, 0)),
    ("Our team took the lead in the second half.", (0, 0)),
    ("I manage my time with a paper diary.", (0, 0)),
])
def test_role_mentions_skip_other_senses(text, expected):
    assert role_mentions(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("A good captain keeps the team calm.", (True, False)),
    ("Supervisors approve the overtime.", (False, True)),
    ("The boss does the budget while the captain rallies the crew.", (True, True)),
    ("Nobody here has a title.", (False, False)),
])
def test_role_profile_counts_other_words_for_the_roles(text, expected):
    assert role_profile(text) == expected


def feature(text, context="", antecedent="", name=None):
    X = frame([text], [context], [antecedent])
    row = SentenceFeatures().fit(X).transform(X)
    values = dict(zip(SentenceFeatures.feature_names, row.toarray()[0]))
    return values[name] if name else values


def test_features_read_the_subject():
    assert subject_window("Good leaders always listen first.") == "Good leaders"
    assert feature("Good leaders are rare.", name="subject_lead") == 1.0
    assert feature("Those who manage budgets are rarely leaders.", name="subject_manage") == 1.0
    assert feature("Both need patience.", name="subject_pair") == 1.0
    assert feature("The two are synonymous.", name="subject_pair") == 1.0
    assert feature("Leaders and managers differ.", name="subject_both") == 1.0


def test_features_carry_the_role_of_the_paragraph():
    text = "This involves coaching and mentoring."
    assert feature(text, "Leaders grow people.", name="anaphor_after_lead") == 1.0
    assert feature(text, "", name="anaphor_after_lead") == 0.0
    assert feature(text, "They listen.", "Managers plan.", name="unnamed_after_manage") == 1.0
    assert feature(text, "Leaders and managers both matter.", name="unnamed_after_both") == 1.0


def test_features_of_form_negation_contrast_questions_and_anecdotes():
    assert feature("Leadership is not about titles.", name="negation") == 1.0
    assert feature("Managers count value whereas leaders create it.", name="contrast") == 1.0
    assert feature("Managers count value whereas leaders create it.", name="both_roles") == 1.0
    assert feature("What is the difference between them?", name="question") == 1.0
    assert feature("Leading People You Never See", name="title_case") == 1.0
    assert feature("[12:40] Why managers hate Mondays", name="timestamp") == 1.0
    assert feature("My manager was on holiday last week.", name="first_person_past") == 1.0
    assert feature("Thanks!", name="greeting") == 1.0
    assert feature("Sales leads dried up.", name="lead_other_sense") == 1.0
    assert feature("I managed to finish it.", name="manage_other_sense") == 1.0


def test_antecedent_is_the_latest_role_sentence_of_the_paragraph():
    texts = ["Leaders set direction.", "They listen.", "And they wait.", "Unrelated start."]
    assert antecedents(texts, [True, False, False, True]) == [
        "", "Leaders set direction.", "Leaders set direction.", ""]


def test_keyword_baseline_is_the_rule_of_the_issue():
    assert keyword_baseline(["Leaders lead.", "Managers plan.", "Lead and manage.", "Hi"]) == [
        "leadership_trait", "management_trait", "relationship_claim", "other"]


def seed_examples():
    return to_examples(validate_rows(pio.read_csv_rows(SEED_LABELS), "seeds.csv"))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("experts", [True, False])
def test_training_is_deterministic_and_export_matches_sklearn(family, experts):
    examples = seed_examples()
    settings = TrainingSettings(experts=experts)
    first = train(examples, settings, family=family)
    second = train(examples, settings, family=family)
    data = model_bytes(export_model(first))
    assert data == model_bytes(export_model(second))
    loaded = Classifier.from_data(json.loads(data), "v")
    expected = first.predict_proba(examples.frame())
    got = loaded.predict_proba(examples.texts, examples.contexts, examples.antecedents)
    order = [LABELS.index(c) for c in first.classes_]
    assert np.allclose(got[:, order], expected, atol=1e-9)


def test_cross_validation_is_grouped_by_document():
    examples = seed_examples()
    result = cross_validate(examples)
    assert result["scheme"] == "GroupKFold by source document, 5 folds"
    assert sum(map(sum, result["confusion_matrix"])) == len(examples)
    one_source = Examples(["a", "b"], ["", ""], ["", ""], ["other", "other"], ["s", "s"])
    with pytest.raises(PipelineError, match="two or more sources"):
        cross_validate(one_source)


def test_committed_model_labels_clear_cases_and_traps(classifier):
    cases = {
        "Leadership is about inspiring people to follow a vision.": "leadership_trait",
        "Management is about budgets, processes and control.": "management_trait",
        "Managers do things right, while leaders do the right thing.": "relationship_claim",
        "Thanks for the article!": "other",
        "I finally managed to finish the report on time.": "other",
        "What is the difference between leadership and management?": "other",
    }
    assert dict(zip(cases, classifier.predict(list(cases)))) == cases


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


def test_sentences_are_read_with_the_context_of_their_segment(classifier):
    # LABELING.md's own example: "This involves coaching, mentoring, equipping and so on."
    # after a sentence about leaders is a leadership trait.
    example = "This involves coaching, mentoring, equipping and so on."
    rows = [
        {"segment_id": "a", "text": "Leaders grow their people."},
        {"segment_id": "a", "text": example},
        {"segment_id": "a", "text": "It takes years."},
        {"segment_id": "b", "text": "Managers keep the rota straight."},
        {"segment_id": "b", "text": example},
    ]
    contexts, antes = segment_context(rows)
    assert contexts == ["", "Leaders grow their people.", example, "",
                        "Managers keep the rota straight."]
    assert antes == ["", "Leaders grow their people.", "Leaders grow their people.", "",
                     "Managers keep the rota straight."]
    out = classify_sentences(rows, classifier)
    assert out[1]["label"] == "leadership_trait"
    assert out[2]["label"] == "other"
    # After a sentence about managers it is no longer read as being about leaders (its own
    # words, coaching and mentoring, still lean that way, so the flip is tested below).
    assert out[1]["p_leadership_trait"] - out[4]["p_leadership_trait"] > 0.3
    assert out[4]["p_management_trait"] > out[1]["p_management_trait"]
    for r in out:
        assert abs(sum(r[f"p_{label}"] for label in LABELS) - 1.0) < 1e-5
        assert r["confidence"] == max(r[f"p_{label}"] for label in LABELS)


@pytest.mark.parametrize("sentence", [
    "They need to be good listeners above all.",
    "This means they must be able to handle conflict calmly.",
    "It is mostly about being there when things go wrong.",
])
def test_a_sentence_that_names_no_role_takes_the_role_of_its_paragraph(classifier, sentence):
    rows = [{"segment_id": "a", "text": "Leaders grow their people."},
            {"segment_id": "a", "text": sentence},
            {"segment_id": "b", "text": "Managers keep the rota straight."},
            {"segment_id": "b", "text": sentence}]
    out = classify_sentences(rows, classifier)
    assert [out[1]["label"], out[3]["label"]] == ["leadership_trait", "management_trait"]
    # Without context it is not read as one role's trait with any confidence.
    alone = classify_sentences([{"segment_id": "c", "text": sentence}], classifier)[0]
    assert alone["confidence"] < out[1]["confidence"]


def test_margins_rank_unsure_rows_first():
    probs = np.array([[0.9, 0.05, 0.03, 0.02], [0.4, 0.35, 0.2, 0.05]])
    assert np.allclose(margins(probs), [0.85, 0.05])


def clause_feature(text, context="", antecedent="", name=None):
    X = frame([text], [context], [antecedent])
    values = dict(zip(ClauseFeatures.feature_names,
                      ClauseFeatures().fit(X).transform(X).toarray()[0]))
    return values[name] if name else values


def test_clause_features_read_what_is_not_a_claim():
    assert clause_feature("2. They keep the permit board current.", "",
                          "Habits of site supervisors", name="list_item_after_manage") == 1.0
    assert clause_feature("My manager reorganised it.", name="specific_past") == 1.0
    assert clause_feature("This study examines how managers lead.", name="meta_role") == 1.0
    assert clause_feature('Stop calling every manager a "leader."', name="mention_role") == 1.0
    assert clause_feature("Crews replaced 312 lead service lines.",
                          name="lead_other_sense_more") == 1.0
    assert clause_feature("Leaders listen.", name="specific_role") == 0.0


def test_experts_are_one_linear_model_once_exported():
    examples = seed_examples()
    model = train(examples, TrainingSettings())
    assert isinstance(model, LinearExperts)
    exported = export_model(model)
    assert [b["type"] for b in exported["blocks"]] == [
        "tfidf", "tfidf", "semantic", "clause"]
    assert len(exported["coef"][0]) == sum(
        len(b.get("idf", b.get("features", []))) for b in exported["blocks"])
    single = train(examples, TrainingSettings(experts=False))
    assert [b["type"] for b in export_model(single)["blocks"]] == [
        "tfidf", "tfidf", "semantic", "clause"]


def test_balanced_classes_weigh_the_rare_labels_up():
    # Seed labels: `other` and `relationship_claim` are common, the two traits rare, so
    # weighting labels by inverse frequency raises the traits' share of the probability.
    examples = seed_examples()
    plain = train(examples, TrainingSettings())
    balanced = train(examples, TrainingSettings(balanced_classes=True))
    frame = examples.frame()
    traits = [list(plain.classes_).index(label)
              for label in ("leadership_trait", "management_trait")]
    plain_share = plain.predict_proba(frame)[:, traits].sum(axis=1).mean()
    balanced_share = balanced.predict_proba(frame)[:, traits].sum(axis=1).mean()
    assert balanced_share > plain_share + 0.01
