"""Label files in every format, good and bad; the card; evaluation helpers."""

import json

import pytest

from pipeline import io as pio
from pipeline.classify import TrainingSettings, score
from pipeline.errors import PipelineError
from pipeline.training import (
    bootstrap_interval,
    build_card,
    format_metrics,
    paired_difference,
    to_examples,
    validate_rows,
)


def rows(*pairs):
    return [{"text": t, "label": lab, "source": "s"} for t, lab in pairs]


def test_valid_rows_become_sentences():
    out = validate_rows(rows(("Leaders inspire.", "leadership_trait"), ("Hi", "other")), "f.csv")
    assert [(s.text, s.label, s.where) for s in out] == [
        ("Leaders inspire.", "leadership_trait", "f.csv:2"), ("Hi", "other", "f.csv:3")]


@pytest.mark.parametrize("bad,message", [
    (rows(("Leaders inspire.", "leader_trait")), "f.csv:2: unknown label 'leader_trait' "
     "(expected one of leadership_trait, management_trait, relationship_claim, other)"),
    (rows(("ok", "other"), ("  ", "other")), "f.csv:3: empty text"),
    (rows(("Managers plan.", "management_trait"), ("managers  plan.", "other")),
     "f.csv:3: sentence is labeled 'other' here but 'management_trait' at f.csv:2"),
    ([{"sentence": "x", "label": "other"}], "f.csv: missing column 'text' (need text and label)"),
    ([], "f.csv: no labeled rows"),
])
def test_bad_csv_rows_are_refused_naming_the_line(bad, message):
    with pytest.raises(PipelineError) as info:
        validate_rows(bad, "f.csv")
    assert str(info.value) == message


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_without_a_label_yet_are_skipped(tmp_path):
    path = write(tmp_path / "export.csv", "source,position,text,context,label,model_label\n"
                 "a.txt,0,Leaders inspire.,,leadership_trait,other\n"
                 "a.txt,1,Managers plan.,Leaders inspire.,,management_trait\n")
    labels, files = pio.read_label_files([path])
    assert [s.text for s in labels.sentences] == ["Leaders inspire."]
    assert labels.unlabeled == 1
    assert files[0][0].endswith("export.csv")


LABEL_STUDIO = [
    {"id": 7, "data": {"text": "Leaders inspire people."},
     "annotations": [{"result": [{"type": "choices", "from_name": "label", "to_name": "text",
                                  "value": {"choices": ["leadership_trait"]}}]}]},
    {"id": 8, "data": {"text": "Managers plan the work.", "source": "blog.html"},
     "annotations": [{"was_cancelled": True, "result": []},
                     {"result": [{"value": {"choices": ["management_trait"]}}]}]},
    {"id": 9, "data": {"text": "Not yet labeled."}, "annotations": []},
]


def test_label_studio_export_is_read(tmp_path):
    path = write(tmp_path / "ls.json", json.dumps(LABEL_STUDIO))
    labels, _ = pio.read_label_files([path])
    assert [(s.text, s.label, s.source) for s in labels.sentences] == [
        ("Leaders inspire people.", "leadership_trait", "ls.json"),
        ("Managers plan the work.", "management_trait", "blog.html")]
    assert labels.unlabeled == 1
    minimal = write(tmp_path / "min.json", json.dumps([{"text": "Hi", "label": "other"}]))
    assert pio.read_label_files([minimal])[0].sentences[0].label == "other"


@pytest.mark.parametrize("tasks,message", [
    ({"text": "x"}, "not a Label Studio export"),
    ([{"id": 3, "data": {"text": "x"}, "annotations": [{"result": [
        {"value": {"choices": ["boss_trait"]}}]}]}],
     r"task 1 \(id 3\): unknown label 'boss_trait'"),
    ([{"data": {"text": " "}, "annotations": [{"result": [
        {"value": {"choices": ["other"]}}]}]}], "task 1: empty text"),
    ([{"data": {"text": "x"}, "annotations": [{"result": [
        {"value": {"choices": ["other", "leadership_trait"]}}]}]}], "task 1: 2 labels"),
])
def test_bad_label_studio_exports_are_refused(tmp_path, tasks, message):
    path = write(tmp_path / "ls.json", json.dumps(tasks))
    with pytest.raises(PipelineError, match=message):
        pio.read_label_files([path])


def test_doccano_export_is_read_and_bad_lines_named(tmp_path):
    good = write(tmp_path / "d.jsonl", "\n".join([
        json.dumps({"id": 1, "text": "Leaders inspire.", "label": ["leadership_trait"]}),
        json.dumps({"id": 2, "text": "Managers plan.", "label": "management_trait"}),
        json.dumps({"id": 3, "text": "Pending.", "label": []}),
    ]))
    labels, _ = pio.read_label_files([good])
    assert [s.label for s in labels.sentences] == ["leadership_trait", "management_trait"]
    assert labels.unlabeled == 1
    bad = write(tmp_path / "b.jsonl", json.dumps({"text": "a", "label": ["other"]}) + "\n{oops")
    with pytest.raises(PipelineError, match=r"b.jsonl:2: not valid JSON"):
        pio.read_label_files([bad])
    conflict = write(tmp_path / "c.jsonl", "\n".join([
        json.dumps({"text": "Same words.", "label": ["other"]}),
        json.dumps({"text": "same words.", "label": ["leadership_trait"]})]))
    with pytest.raises(PipelineError, match=r"c\.jsonl:2: sentence is labeled 'leadership_trait'"):
        pio.read_label_files([conflict])


def test_conflicts_across_files_and_unknown_formats_are_refused(tmp_path):
    a = write(tmp_path / "a.csv", "text,label\nLeaders inspire.,leadership_trait\n")
    b = write(tmp_path / "b.jsonl", json.dumps({"text": "Leaders inspire.", "label": "other"}))
    with pytest.raises(PipelineError, match=r"b\.jsonl:1: sentence is labeled 'other' here"):
        pio.read_label_files([a, b])
    with pytest.raises(PipelineError, match=r"unsupported label file type '\.xlsx'"):
        pio.read_label_files([write(tmp_path / "x.xlsx", "")])


def test_examples_rebuild_paragraphs_for_the_antecedent():
    sentences = validate_rows([
        {"source": "d", "text": "Leaders set direction.", "context": "",
         "label": "leadership_trait"},
        {"source": "d", "text": "They listen.", "context": "Leaders set direction.",
         "label": "leadership_trait"},
        {"source": "d", "text": "And they wait.", "context": "They listen.",
         "label": "leadership_trait"},
        {"source": "d", "text": "New paragraph.", "context": "", "label": "other"},
    ], "f.csv")
    examples = to_examples(sentences)
    assert examples.antecedents == ["", "Leaders set direction.", "Leaders set direction.", ""]
    assert examples.groups == ["d"] * 4


def test_paired_difference_sees_a_gain_that_the_models_own_intervals_hide():
    y_true = (["other"] * 6 + ["leadership_trait"] * 2 + ["management_trait"] * 2) * 40
    groups = [f"g{i // 10}" for i in range(400)]
    old = list(y_true)
    for doc in range(40):  # documents differ, from no error to five
        for j in range(doc % 6):
            old[doc * 10 + j] = "management_trait" if j % 2 else "leadership_trait"
    new = list(old)
    fixed = [doc for doc in range(0, 40, 5) if doc % 6 > 1]
    for doc in fixed:  # the new model gets one more sentence right in these documents
        new[doc * 10 + 1] = "other"
    assert len(fixed) == 5
    paired = paired_difference(y_true, new, old, groups, seed=1)
    gain = score(y_true, new)["macro_f1"] - score(y_true, old)["macro_f1"]
    assert paired["difference"] == pytest.approx(gain, abs=1e-4)
    assert 0 < paired["interval_95"][0] <= paired["difference"] <= paired["interval_95"][1]
    # Each model's own interval is wide enough to contain the other's score.
    new_low, _ = bootstrap_interval(y_true, new, groups, seed=1)["macro_f1"]
    _, old_high = bootstrap_interval(y_true, old, groups, seed=1)["macro_f1"]
    assert new_low < score(y_true, old)["macro_f1"] < score(y_true, new)["macro_f1"] < old_high
    same = paired_difference(y_true, old, old, groups, seed=1)
    assert same == {"difference": 0.0, "interval_95": [0.0, 0.0]}


def test_bootstrap_interval_contains_the_estimate():
    y_true = ["other", "leadership_trait"] * 20
    y_pred = ["other", "leadership_trait"] * 18 + ["leadership_trait", "other"] * 2
    groups = [f"g{i // 4}" for i in range(40)]
    interval = bootstrap_interval(y_true, y_pred, groups, seed=1)
    macro = score(y_true, y_pred)["macro_f1"]
    assert interval["macro_f1"][0] <= macro <= interval["macro_f1"][1]
    assert interval == bootstrap_interval(y_true, y_pred, groups, seed=1)


def test_card_is_date_free_and_counts_labels():
    sentences = validate_rows(rows(("Leaders inspire.", "leadership_trait")), "f.csv")
    metrics = score(["leadership_trait"], ["leadership_trait"])
    card = build_card(version="v", model_sha256="h", family="logistic_regression",
                      files=[("f.csv", b"x")], sentences=sentences,
                      settings=TrainingSettings(), cross_validation=metrics, families={})
    assert card["training_data"]["label_counts"]["leadership_trait"] == 1
    assert card["training_data"]["label_counts"]["other"] == 0
    assert "date" not in json.dumps(card).lower()
    assert "macro-F1" in format_metrics(metrics)
