"""Shared fixtures: the project's seeds, spaCy, the committed model, one full run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline import io as pio
from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MODELS = ROOT / "models"
SEED_LABELS = ROOT / "labels" / "seeds.csv"


@pytest.fixture(scope="session")
def nlp():
    return pio.load_sentence_splitter()


@pytest.fixture(scope="session")
def classifier():
    return pio.load_classifier(MODELS)


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory) -> dict:
    """One `leadclaims run` over seeds/; the tables read back as lists of dicts."""
    out = tmp_path_factory.mktemp("seed_run")
    result = CliRunner().invoke(
        cli, ["run", "--input", str(SEEDS), "--output", str(out), "--model", str(MODELS)]
    )
    assert result.exit_code == 0, result.output
    tables = {name: pq.read_table(out / f"{name}.parquet").to_pylist()
              for name in ("documents", "segments", "split", "sentences", "claims")}
    tables["dir"] = out
    return tables


def write_page(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
