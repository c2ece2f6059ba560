"""The batch runner: same tables whatever the number of workers or the engine."""

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline import schemas
from pipeline.cli import cli

from .conftest import MODELS, SEEDS, write_page
from .test_sites import site_page


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The seeds and variations of them (enough pages for several batches), and the pages of
    one site with chrome to learn."""
    folder = tmp_path_factory.mktemp("pages")
    for n in range(3):
        for seed in SEEDS.glob("*.txt"):
            write_page(folder, f"{n}_{seed.name}", seed.read_text(encoding="utf-8")
                       .replace("the", f"the {n}", 1))
    for n in range(4):
        write_page(folder, f"site/page{n}.txt", site_page(n))
    return folder


def run(pages, out, *options):
    result = CliRunner().invoke(cli, ["run", "--input", str(pages), "--output", str(out),
                                      "--model", str(MODELS), "--batch-size", "4", *options])
    assert result.exit_code == 0, result.output
    return {name: (out / f"{name}.parquet").read_bytes() for name in schemas.TABLES}


def test_one_and_two_workers_write_the_same_bytes(pages, tmp_path):
    one = run(pages, tmp_path / "one", "--jobs", "1")
    two = run(pages, tmp_path / "two", "--jobs", "2")
    assert one == two
    table = pq.ParquetFile(tmp_path / "one" / "documents.parquet")
    assert table.metadata.num_row_groups == 5  # 19 pages in batches of 4: one group each
    assert table.metadata.num_rows == 19
    reasons = pq.read_table(tmp_path / "one" / "segments.parquet").column("reason")
    assert reasons.to_pylist().count("site_repeated") == 4 * 2


def test_dask_local_cluster_writes_the_same_tables(pages, tmp_path):
    pytest.importorskip("dask.distributed")
    local = run(pages, tmp_path / "local", "--jobs", "1")
    dask = run(pages, tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    assert dask == local


def test_stage_commands_and_run_agree_on_content(tmp_path, seed_run):
    """Make drives the stages one by one; their tables hold what 'run' writes."""
    out, runner = tmp_path / "stages", CliRunner()
    t = {name: str(out / f"{name}.parquet") for name in schemas.TABLES}
    for step in (
        ["ingest", "--input", str(SEEDS), "--output", t["documents"]],
        ["clean", "--documents", t["documents"], "--output", t["segments"]],
        ["split", "--documents", t["documents"], "--segments", t["segments"], "--output",
         t["split"]],
        ["classify", "--input", t["split"], "--output", t["sentences"], "--model", str(MODELS)],
        ["claims", "--documents", t["documents"], "--segments", t["segments"], "--sentences",
         t["sentences"], "--output", t["claims"], "--traits", t["traits"]],
    ):
        result = runner.invoke(cli, step)
        assert result.exit_code == 0, result.output
    for name in schemas.TABLES:
        staged = pq.read_table(out / f"{name}.parquet").to_pylist()
        assert staged == pq.read_table(seed_run["dir"] / f"{name}.parquet").to_pylist(), name


def test_an_empty_batch_of_bad_files_is_fine(tmp_path):
    write_page(tmp_path / "in", "a.txt", "Leaders inspire people. Managers plan the work.\n")
    (tmp_path / "in" / "b.txt").write_bytes(b"")
    run(tmp_path / "in", tmp_path / "out", "--jobs", "1")
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert [d["status"] for d in docs] == ["ok", "empty"]


def test_no_claims_stops_after_classification(tmp_path):
    result = CliRunner().invoke(cli, ["run", "--input", str(SEEDS), "--output",
                                      str(tmp_path), "--model", str(MODELS), "--no-claims"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == [
        "documents.parquet", "segments.parquet", "sentences.parquet", "split.parquet"]
    assert CliRunner().invoke(cli, ["verify", str(tmp_path)]).exit_code == 0
