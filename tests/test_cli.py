"""The command line: every command documented, errors in one line, predict keeps columns."""

import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

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


def test_evaluate_prints_metrics(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--labels", str(ROOT / "labels/seeds.csv"),
                                      "--model", str(MODELS), "--no-cv"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "training scores" in result.output


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
    from pipeline.schemas import TABLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, schema in TABLES.items():
        section = readme.split(f"### `{name}.parquet`", 1)[1].split("###", 1)[0]
        for field in schema:
            assert f"| `{field.name}` |" in section, (name, field.name)
