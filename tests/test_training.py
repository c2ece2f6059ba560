import pytest

from pipeline.errors import PipelineError
from pipeline.training import build_card, format_metrics, validate_rows


def rows(*pairs):
    return [{"text": t, "label": lab, "source": "s"} for t, lab in pairs]


def test_valid_rows_become_sentences():
    out = validate_rows(rows(("Leaders inspire.", "leadership_trait"),
                             ("Hi", "other")), "f.csv")
    assert [(s.text, s.label, s.line) for s in out] == [
        ("Leaders inspire.", "leadership_trait", 2), ("Hi", "other", 3)]


@pytest.mark.parametrize("bad,message", [
    (rows(("Leaders inspire.", "leader_trait")), "f.csv:2: unknown label 'leader_trait'"),
    (rows(("ok", "other"), ("  ", "other")), "f.csv:3: empty text"),
    (rows(("Managers plan.", "management_trait"), ("managers  plan.", "other")),
     "f.csv:3: sentence is labeled 'other' here but 'management_trait' on line 2"),
    ([{"sentence": "x", "label": "other"}], "f.csv: missing column 'text'"),
    ([], "f.csv: no labeled rows"),
])
def test_bad_label_files_are_refused_naming_the_line(bad, message):
    with pytest.raises(PipelineError) as info:
        validate_rows(bad, "f.csv")
    assert str(info.value).startswith(message)


def test_same_sentence_same_label_twice_is_allowed():
    assert len(validate_rows(rows(("Thanks", "other"), ("Thanks", "other")), "f.csv")) == 2


def test_card_is_date_free_and_counts_labels():
    sentences = validate_rows(rows(("Leaders inspire.", "leadership_trait")), "f.csv")
    from pipeline.classify import TrainingSettings, score
    metrics = score(["leadership_trait"], ["leadership_trait"])
    card = build_card(version="v", model_sha256="h", files=[("f.csv", b"x")],
                      sentences=sentences, cv=metrics, settings=TrainingSettings())
    assert card["training_data"]["label_counts"]["leadership_trait"] == 1
    assert card["training_data"]["label_counts"]["other"] == 0
    assert "date" not in str(card).lower()
    assert "macro-F1" in format_metrics(metrics)
