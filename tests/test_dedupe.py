"""Exact and near-duplicate pages are found and marked; the first of each group is kept."""

import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.dedupe import DuplicateFinder, signature

from .conftest import MODELS, SEEDS, write_page

PAGE = (SEEDS / "003_1bc1e90af6bd0924.txt").read_text(encoding="utf-8")
OTHER = (SEEDS / "001_0c75c724f4bdfed5.txt").read_text(encoding="utf-8")


def test_finder_keeps_the_first_of_each_group():
    finder = DuplicateFinder()
    residebar = PAGE.replace("16 comments", "17 comments") + "\nRelated posts\nAbout Jane\n"
    reworded = PAGE.replace("opposing disciplines", "two different disciplines")
    assert finder.check("a", "a.txt", signature(PAGE)) is None
    assert finder.check("b", "b.txt", signature(OTHER)) is None
    assert finder.check("c", "c.txt", signature(residebar)) == ("a", "a.txt")
    assert finder.check("d", "d.txt", signature(reworded)) == ("a", "a.txt")
    assert finder.check("e", "e.txt", signature(PAGE)) == ("a", "a.txt")
    assert list(signature(PAGE)) == list(signature(PAGE))


def test_pages_that_share_only_a_quote_are_not_duplicates():
    finder = DuplicateFinder()
    quote = "Peter Drucker said management is doing things right and leadership is doing " \
            "the right things."
    one = f"Managers and budgets\n\n{quote} I think budgets are where it shows. " * 1 + \
          "Managers who hide from their budgets end up managing nothing at all, and their " \
          "teams learn to ignore the plan because nobody checks it.\n"
    two = f"Leaders and vision\n\n{quote} Vision is the part people remember. " + \
          "A leader who cannot say where the team is going in one sentence is not leading, " \
          "whatever the title says, and people can tell within a week.\n"
    assert finder.check("1", "1.txt", signature(one)) is None
    assert finder.check("2", "2.txt", signature(two)) is None


def test_duplicates_are_marked_in_documents_and_absent_downstream(tmp_path):
    folder = tmp_path / "in"
    write_page(folder, "a_original.txt", PAGE)
    write_page(folder, "b_other.txt", OTHER)
    write_page(folder, "c_scraped_again.txt", PAGE.replace("16 comments", "18 comments")
               + "\nFeatured Posts\nShare this:\n")
    (folder / "d_syndicated.jsonl").write_text(json.dumps({"text": PAGE, "url": "https://x.y/"})
                                               + "\n", encoding="utf-8")
    for command in (["run", "--jobs", "1"], ["run", "--jobs", "2", "--batch-size", "1"]):
        out = tmp_path / f"out{command[-1]}"
        result = CliRunner().invoke(cli, [*command, "--input", str(folder), "--output",
                                          str(out), "--model", str(MODELS)])
        assert result.exit_code == 0, result.output
        docs = {d["source"]: d for d in pq.read_table(out / "documents.parquet").to_pylist()}
        original = docs["a_original.txt"]["doc_id"]
        for source in ("c_scraped_again.txt", "d_syndicated.jsonl:1"):
            assert docs[source]["status"] == "duplicate"
            assert docs[source]["duplicate_of"] == original
            assert docs[source]["reason"] == "near-duplicate of a_original.txt"
        assert docs["b_other.txt"]["status"] == "ok"
        dropped = {docs["c_scraped_again.txt"]["doc_id"], docs["d_syndicated.jsonl:1"]["doc_id"]}
        for name in ("segments", "split", "sentences", "claims"):
            rows = pq.read_table(out / f"{name}.parquet").to_pylist()
            assert rows and not {r["doc_id"] for r in rows} & dropped, name
    # The stage command marks the same duplicates.
    result = CliRunner().invoke(cli, ["ingest", "--input", str(folder), "--output",
                                      str(tmp_path / "documents.parquet")])
    assert result.exit_code == 0, result.output
    staged = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert [d["status"] for d in staged] == ["ok", "ok", "duplicate", "duplicate"]
