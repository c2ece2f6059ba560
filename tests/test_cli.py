"""The command line: every command documented, errors in one line, predict keeps columns."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import io as pio
from pipeline.cli import cli
from pipeline.schemas import LABELS

from .conftest import MODELS, ROOT, write_page

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_example_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"leadclaims {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True,
                            text=True, check=True)
    assert all(name in result.stdout for name in COMMANDS)


def test_missing_or_empty_input_folder_is_one_line_exit_2(tmp_path):
    runner = CliRunner()
    for folder in (tmp_path / "nope", tmp_path):
        result = runner.invoke(cli, ["run", "--input", str(folder), "--output",
                                     str(tmp_path / "out"), "--model", str(MODELS)])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1 and result.output.startswith("leadclaims: error:")
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_bad_model_fails_before_any_work(tmp_path):
    write_page(tmp_path / "in", "a.txt", "Leaders inspire.\n")
    result = CliRunner().invoke(cli, ["run", "--input", str(tmp_path / "in"), "--output",
                                      str(tmp_path / "out"), "--model", str(tmp_path)])
    assert result.exit_code == 2 and "model file missing" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_labels_give_the_file_and_line(tmp_path):
    labels = tmp_path / "l.csv"
    labels.write_text("text,label\nLeaders inspire.,leader\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "--labels", str(labels), "--output",
                                      str(tmp_path / "m")])
    assert result.exit_code == 2
    assert f"{labels}:2: unknown label 'leader'" in result.output


def test_predict_keeps_columns_and_adds_probabilities(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["x", "y"], "text": ["Leaders inspire people.", "Thanks!"]}).to_csv(
        source, index=False)
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"out{suffix}"
        result = CliRunner().invoke(cli, ["predict", "--input", str(source), "--output",
                                          str(out), "--model", str(MODELS)])
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
        assert list(frame.columns) == ["id", "text", "label", "confidence",
                                       "p_leadership_trait", "p_management_trait",
                                       "p_relationship_claim", "p_other"]
        assert list(frame["id"]) == ["x", "y"]
        assert frame.loc[0, "label"] == "leadership_trait"


def test_evaluate_prints_metrics_intervals_and_baseline(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--labels", str(ROOT / "labels/heldout.csv"),
                                      "--model", str(MODELS)])
    assert result.exit_code == 0, result.output
    assert "training scores" not in result.output
    assert "keyword baseline: macro-F1" in result.output and "[0." in result.output
    seen = CliRunner().invoke(cli, ["evaluate", "--labels", str(ROOT / "labels/seeds.csv"),
                                    "--model", str(MODELS)])
    assert "these are training scores" in seen.output


def small_labels(folder, extra=()):
    """A small label file from the seeds' labels (5 documents), plus extra rows."""
    rows = pio.read_csv_rows(ROOT / "labels/seeds.csv")
    path = folder / "labels.csv"
    pio.write_csv_rows([*rows, *extra], path, ["source", "position", "text", "context", "label"])
    return path


def train(models, labels, heldout, *more):
    return CliRunner().invoke(cli, ["train", "--labels", str(labels), "--heldout", str(heldout),
                                    "--output", str(models), *more])


def test_train_versions_compares_and_refuses_a_worse_model(tmp_path):
    heldout = ROOT / "labels/heldout.csv"
    labels = small_labels(tmp_path)
    models = tmp_path / "models"
    first = train(models, labels, heldout, "--family", "logistic_regression")
    assert first.exit_code == 0, first.output
    assert "is now the model in" in first.output
    card = json.loads((models / "card.json").read_text())
    version = card["model_version"]
    assert (models / "versions" / version / "model.json").read_bytes() == (
        models / "model.json").read_bytes()
    assert card["heldout"]["macro_f1"] > card["heldout"]["keyword_baseline"]["macro_f1"] - 0.5
    assert len(card["heldout"]["interval_95"]["macro_f1"]) == 2

    # Same labels and seed: same bytes.
    again = train(tmp_path / "again", labels, heldout, "--family", "logistic_regression")
    assert again.exit_code == 0
    assert (tmp_path / "again" / "model.json").read_bytes() == (models / "model.json").read_bytes()
    assert (tmp_path / "again" / "card.json").read_bytes() == (models / "card.json").read_bytes()

    # Labels flipped on purpose make a worse model: it is stored but not used...
    rows = pio.read_csv_rows(labels)
    flipped = tmp_path / "flipped.csv"
    pio.write_csv_rows([{**r, "label": "other"} if r["label"] != "other" else r
                        for r in rows[:120]] + rows[120:], flipped,
                       ["source", "position", "text", "context", "label"])
    worse = train(models, flipped, heldout, "--family", "logistic_regression")
    assert worse.exit_code == 0, worse.output
    assert f"kept {version}" in worse.output
    assert json.loads((models / "card.json").read_text())["model_version"] == version
    assert len(list((models / "versions").iterdir())) == 2
    # ...unless forced.
    forced = train(models, flipped, heldout, "--family", "logistic_regression", "--force")
    assert "(forced)" in forced.output
    assert json.loads((models / "card.json").read_text())["model_version"] != version


def test_train_refuses_heldout_sentences_in_the_training_labels(tmp_path):
    labels = small_labels(tmp_path)
    result = train(tmp_path / "m", labels, labels)
    assert result.exit_code == 2 and "held-out sentences are also in the training" in (
        result.output)


def test_train_pools_several_heldout_files(tmp_path):
    labels = small_labels(tmp_path)
    rows = pio.read_csv_rows(ROOT / "labels/heldout.csv")
    fields = ["source", "position", "text", "context", "label"]
    first, second = tmp_path / "held_a.csv", tmp_path / "held_b.csv"
    pio.write_csv_rows(rows[:150], first, fields)
    pio.write_csv_rows(rows[150:], second, fields)
    result = CliRunner().invoke(cli, ["train", "--labels", str(labels), "--heldout", str(first),
                                      "--heldout", str(second), "--output", str(tmp_path / "m"),
                                      "--family", "logistic_regression"])
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} sentences" in result.output
    held = json.loads((tmp_path / "m" / "card.json").read_text())["heldout"]
    assert [f["path"] for f in held["files"]] == [first.as_posix(), second.as_posix()]
    assert sum(held["per_label"][label]["support"] for label in LABELS) == len(rows)
    # Each file is also scored on its own, with its own baseline.
    by_file = held["by_file"]
    assert list(by_file) == [str(first), str(second)]
    assert [by_file[str(f)]["sentences"] for f in (first, second)] == [150, len(rows) - 150]
    assert all("keyword_baseline" in r and len(r["interval_95"]["macro_f1"]) == 2
               for r in by_file.values())
    assert f"{second}: macro-F1 {by_file[str(second)]['macro_f1']:.3f}" in result.output


def test_label_export_round_trips_into_train(tmp_path, seed_run):
    out = tmp_path / "to_label.csv"
    result = CliRunner().invoke(cli, ["label-export", "--input",
                                      str(seed_run["dir"] / "sentences.parquet"), "--output",
                                      str(out), "--limit", "20", "--model", str(MODELS)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert len(frame) == 20
    assert list(frame["margin"]) == sorted(frame["margin"])
    assert set(frame["label"]) == {""}
    assert set(frame["model_label"]) <= {"leadership_trait", "management_trait",
                                         "relationship_claim", "other"}
    # A person fills in some labels; the same file is a label file for train.
    frame.loc[:4, "label"] = frame.loc[:4, "model_label"]
    frame.to_csv(out, index=False)
    labels, _ = pio.read_label_files([out])
    assert len(labels.sentences) == 5 and labels.unlabeled == 15
    assert {s.source for s in labels.sentences} <= {p.name for p in (ROOT / "seeds").glob("*")}


def test_stage_commands_chain(tmp_path):
    write_page(tmp_path / "in", "p.txt", "Leaders and managers\n\nLeaders inspire people. "
               "Managers plan the work.\n\nLeave a Reply\n")
    runner, out = CliRunner(), tmp_path / "out"
    steps = [
        ["ingest", "--input", str(tmp_path / "in"), "--output", str(out / "documents.parquet")],
        ["clean", "--documents", str(out / "documents.parquet"), "--output",
         str(out / "segments.parquet")],
        ["split", "--documents", str(out / "documents.parquet"), "--segments",
         str(out / "segments.parquet"), "--output", str(out / "split.parquet")],
        ["classify", "--input", str(out / "split.parquet"), "--output",
         str(out / "sentences.parquet"), "--model", str(MODELS)],
    ]
    for step in steps:
        result = runner.invoke(cli, step)
        assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "sentences.parquet")
    assert list(frame["text"]) == ["Leaders and managers", "Leaders inspire people.",
                                   "Managers plan the work."]


def test_readme_documents_every_column_of_every_table():
    from pipeline.schemas import markdown_tables

    assert markdown_tables() in (ROOT / "README.md").read_text(encoding="utf-8")
