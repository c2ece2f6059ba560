"""Bad input, interrupted runs and reruns: nothing lost, nothing silent, same bytes."""

import codecs
import os
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline import schemas
from pipeline.cli import cli

from .conftest import MODELS, SEEDS, write_page

GOOD = """Leaders and managers

A good leader sets a direction people want to follow. A good manager turns that direction
into plans, budgets and weekly goals. Both roles need trust.
"""
SPANISH = ("El liderazgo no es lo mismo que la gestión. " * 3 + "Un buen jefe escucha a su "
           "equipo y toma decisiones con los datos que tiene. " * 4 + "Es muy importante para "
           "la empresa que las personas se sientan parte de un proyecto común. " * 3)
RECIPE = ("Chocolate brownies\n\n" + "Preheat the oven and grease a tin. Melt the butter with "
          "the chocolate, then beat in the sugar and the eggs. Fold in the flour, pour the "
          "batter into the tin and bake for twenty minutes until just set. " * 4)


CLAIMS = [
    "A good leader sets a direction people want to follow.",
    "A good manager turns that direction into plans, budgets and weekly goals.",
    "Leaders earn trust by keeping small promises.",
    "Managers protect the team's time from needless meetings.",
    "Leadership is not about titles.",
    "Management is about getting the routine right every single week.",
    "Both roles need trust, and the best people learn both.",
    "Leaders explain why; managers explain how and by when.",
    "A manager who never delegates becomes the team's bottleneck.",
    "A leader who never listens soon has nobody to lead.",
    "Supervisors keep the rota fair and the paperwork clean.",
    "Captains hold a squad together when the score turns against them.",
]


def good_page(n: int, extra: str = "") -> str:
    """A short on-topic page, different for each n (so no two are near-duplicates)."""
    picks = [CLAIMS[(n * 5 + k * 7) % len(CLAIMS)] for k in range(4)]
    return f"Leaders and managers, part {n}\n\n" + " ".join(picks) + f" {extra}\n"


def build_bad_folder(folder):
    """Every kind of bad input the issue names, plus good pages in awkward encodings."""
    write_page(folder, "good1.txt", good_page(1))
    write_page(folder, "nested/good2.txt", good_page(2))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\t\n  ")
    write_page(folder, "chrome.txt", "Leave a Reply\nYour email address will not be published."
               "\n%d bloggers like this:\n")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20
    (folder / "image.txt").write_bytes(png)
    (folder / "latin1.txt").write_bytes(good_page(3, "Confiança é tudo.").encode("latin-1"))
    (folder / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + good_page(4).encode("utf-16-le"))
    (folder / "cp1252.txt").write_bytes(good_page(5, "We need “trust”.").encode("cp1252"))
    (folder / "mixed_endings.txt").write_bytes(good_page(6).replace("\n", "\r\n", 1).encode())
    nul = good_page(7).encode().replace(b"part", b"pa\x00rt")
    (folder / "nul.txt").write_bytes(nul)
    (folder / "longline.txt").write_text("Leaders inspire people. " * 220_000, encoding="utf-8")
    write_page(folder, "spanish.txt", SPANISH)
    write_page(folder, "recipe.txt", RECIPE)


EXPECTED_STATUS = {
    "good1.txt": "ok", "nested/good2.txt": "ok", "latin1.txt": "ok", "utf16.txt": "ok",
    "cp1252.txt": "ok", "mixed_endings.txt": "ok", "nul.txt": "ok",
    "empty.txt": "empty", "blank.txt": "empty", "chrome.txt": "chrome_only",
    "image.txt": "quarantined", "longline.txt": "chrome_only",
    "spanish.txt": "foreign_language", "recipe.txt": "off_topic",
}


def test_a_folder_of_bad_inputs_runs_to_the_end(tmp_path):
    build_bad_folder(tmp_path / "in")
    result = CliRunner().invoke(cli, ["run", "--input", str(tmp_path / "in"), "--output",
                                      str(tmp_path / "out"), "--model", str(MODELS)])
    assert result.exit_code == 0, result.output
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert {d["source"]: d["status"] for d in docs} == EXPECTED_STATUS
    for doc in docs:
        assert (doc["reason"] is None) == (doc["status"] == "ok"), doc["source"]
    # One line per bad file, naming it and what happened.
    for source, status in EXPECTED_STATUS.items():
        if status != "ok":
            assert f"{source}: {status}: " in result.output
    sentences = pq.read_table(tmp_path / "out" / "sentences.parquet").to_pylist()
    by_doc = {d["doc_id"]: d["source"] for d in docs}
    with_sentences = {by_doc[s["doc_id"]] for s in sentences}
    assert with_sentences == {s for s, status in EXPECTED_STATUS.items() if status == "ok"}
    texts = {s["text"] for s in sentences}
    assert any("“trust”" in t for t in texts)
    assert any("Confiança é tudo." in t for t in texts)
    assert not any("\x00" in t for t in texts)


def test_a_50_megabyte_page_is_ingested(tmp_path):
    page = GOOD * (50_000_000 // len(GOOD) + 1)
    write_page(tmp_path / "in", "big.txt", page)
    result = CliRunner().invoke(cli, ["ingest", "--input", str(tmp_path / "in"), "--output",
                                      str(tmp_path / "documents.parquet")])
    assert result.exit_code == 0, result.output
    doc = pq.read_table(tmp_path / "documents.parquet").to_pylist()[0]
    assert doc["status"] == "ok" and doc["n_chars"] == len(page)


def test_no_readable_document_is_exit_2_and_touches_no_table(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "image.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.parquet").write_bytes(b"old")
    result = CliRunner().invoke(cli, ["run", "--input", str(tmp_path / "in"), "--output",
                                      str(out), "--model", str(MODELS)])
    assert result.exit_code == 2
    assert "no readable document among 2 files" in result.output
    assert (out / "documents.parquet").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["documents.parquet"]


def test_output_folder_that_is_not_writable_fails_before_work(tmp_path):
    write_page(tmp_path / "in", "a.txt", GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    result = CliRunner().invoke(cli, ["run", "--input", str(tmp_path / "in"), "--output",
                                      str(blocker / "out"), "--model", str(MODELS)])
    assert result.exit_code == 2
    assert result.output.startswith(f"leadclaims: error: {blocker / 'out'}: output folder is "
                                    "not writable")


def test_a_table_of_an_older_schema_is_refused_with_the_column(tmp_path):
    import pyarrow as pa
    old = pa.table({"doc_id": ["a"], "source": ["a.txt"], "title": ["t"], "n_chars": [1],
                    "sha256": ["x"], "text": ["t"]})
    pq.write_table(old, tmp_path / "documents.parquet")
    result = CliRunner().invoke(cli, ["clean", "--documents", str(tmp_path / "documents.parquet"),
                                      "--output", str(tmp_path / "segments.parquet")])
    assert result.exit_code == 2
    assert "column 'format' is missing" in result.output
    assert not (tmp_path / "segments.parquet").exists()


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["--debug", "ingest", "--input", str(tmp_path / "nope"),
                                      "--output", str(tmp_path / "d.parquet")])
    assert result.exit_code != 0 and result.exception is not None


def test_verify_finds_what_does_not_match(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(cli, ["run", "--input", str(SEEDS), "--output", str(out),
                               "--model", str(MODELS)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(out)])
    assert result.exit_code == 0 and "match the manifest" in result.output
    table = pq.read_table(out / "split.parquet")
    pq.write_table(table.slice(0, 10), out / "split.parquet")
    pq.write_table(pq.read_table(out / "segments.parquet").drop_columns(["reason"]),
                   out / "segments.parquet")
    result = runner.invoke(cli, ["verify", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any("split.parquet: sha256" in line for line in lines)
    assert any("split.parquet: 10 rows, the manifest says" in line for line in lines)
    assert any("segments.parquet: column 'reason' is missing" in line for line in lines)


def test_manifest_records_versions_hashes_counts_and_times(tmp_path):
    import json
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["run", "--input", str(SEEDS), "--output", str(out),
                             "--model", str(MODELS)])
    manifest = json.loads((out / "manifest.json").read_text())
    card = json.loads((MODELS / "card.json").read_text())
    assert manifest["model"] == {"version": card["model_version"],
                                 "sha256": card["model_sha256"]}
    assert len(manifest["inputs"]) == 5
    assert set(manifest["tables"]) == set(schemas.TABLES)
    assert set(manifest["stages"]) == {"ingest", "clean", "split", "classify", "claims"}
    assert all(stage["seconds"] >= 0 for stage in manifest["stages"].values())
    assert manifest["stages"]["clean"]["removed:spam"] == 1
    assert manifest["stages"]["ingest"] == {**manifest["stages"]["ingest"], "rows_in": 5,
                                            "rows_out": 5, "status:ok": 5}
    assert manifest["tables"]["sentences"]["rows"] == manifest["stages"]["classify"]["rows_out"]


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory):
    """300 pages (the seeds, varied), their complete run, and a run over seeds/ to kill into."""
    base = tmp_path_factory.mktemp("kill")
    inputs = base / "in"
    for n in range(60):
        for seed in SEEDS.glob("*.txt"):
            write_page(inputs, f"{n:03d}_{seed.name}", seed.read_text(encoding="utf-8")
                       .replace("the", f"the {n}", 1))
    runner = CliRunner()
    for folder, source in (("complete", inputs), ("old", SEEDS)):
        result = runner.invoke(cli, ["run", "--input", str(source), "--output",
                                     str(base / folder), "--model", str(MODELS)])
        assert result.exit_code == 0, result.output
    return base


@pytest.mark.parametrize("delay", [0.5, 2.5, 4.0, 5.5, 7.0])
def test_a_run_killed_mid_way_leaves_old_or_new_tables(kill_setup, tmp_path, delay):
    """Kill a run at several moments: each table is the previous run's or the new one's."""
    out = tmp_path / "out"
    shutil.copytree(kill_setup / "old", out)
    old = {name: (out / f"{name}.parquet").read_bytes() for name in schemas.TABLES
           if (out / f"{name}.parquet").exists()}
    assert old
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--input", str(kill_setup / "in"),
         "--output", str(out), "--model", str(MODELS)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for name in old:
        data = (out / f"{name}.parquet").read_bytes()
        assert data in (old[name], (kill_setup / "complete" / f"{name}.parquet").read_bytes())
        pq.read_table(out / f"{name}.parquet")  # never a broken file
