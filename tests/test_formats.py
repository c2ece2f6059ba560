"""Real-world inputs: saved HTML pages, JSONL crawl dumps (plain and gzipped), Parquet."""

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from pipeline import io as pio
from pipeline.cli import cli
from pipeline.html import page_from_html

from .conftest import MODELS, write_page

HTML = """<!doctype html>
<html><head><title>Leaders vs managers | Example Blog</title>
<link rel="canonical" href="https://blog.example.com/leaders-vs-managers">
<meta property="article:published_time" content="2021-03-04">
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/login">Log in</a></nav>
<article><h1>Leaders vs managers</h1>
<p>Leaders set a direction people want to follow. Managers turn that direction into plans,
budgets and weekly goals.</p>
<p>A team needs both roles, and sometimes one person has to play them both.</p>
</article>
<aside class="sidebar"><h3>About the author</h3><p>Hi, I'm Sam and this is my personal blog.</p>
<ul><li><a href="/tag/leadership">leadership</a></li></ul></aside>
<section id="comments"><h3>3 thoughts on “Leaders vs managers”</h3>
<ol class="commentlist">
<li class="comment" id="comment-11"><div class="comment-author vcard">
<cite class="fn">Jane Doe</cite> <span class="says">says:</span></div>
<div class="comment-meta">March 4, 2021 at 9:00 pm</div>
<div class="comment-content"><p>Good managers protect the team's time; that is half the job.
</p></div>
<ul class="children"><li class="comment" id="comment-12"><div class="comment-author vcard">
<cite class="fn">bob_77</cite></div><div class="comment-content"><p>And good leaders explain
why the work matters.</p></div></li></ul></li>
<li class="comment" id="comment-13"><div class="comment-author vcard"><cite class="fn">spammy</cite>
</div><div class="comment-content"><p>Buy cheap viagra and cialis online, no prescription, best
pharmacy prices http://pills.example.ru</p></div></li>
</ol></section>
<footer>© 2021 Example Blog. All rights reserved.</footer>
</body></html>
"""


def test_html_page_gives_title_url_date_post_and_comments_with_authors():
    page = page_from_html(HTML)
    assert page.url == "https://blog.example.com/leaders-vs-managers"
    assert page.date == "2021-03-04"
    assert "Leaders set a direction" in page.text
    for chrome in ("Log in", "personal blog", "All rights reserved", "Home"):
        assert chrome not in page.text
    assert "Jane Doe says:" in page.text and "bob_77 says:" in page.text


def run(tmp_path, folder):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "--input", str(folder), "--output", str(out),
                                      "--model", str(MODELS), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    tables = {name: pq.read_table(out / f"{name}.parquet").to_pylist()
              for name in ("documents", "segments", "sentences")}
    return tables, result.output


def build_mixed_folder(folder):
    write_page(folder, "blog/post.html", HTML)
    write_page(folder, "notes.txt", "Bosses and leaders\n\nA boss assigns the work. A leader "
               "makes people want to do it.\n")
    good = {"text": "Managers keep the trains running. Leaders decide where the line goes.",
            "url": "https://forum.example.org/t/1", "timestamp": "2020-05-01", "id": "a1"}
    lines = [json.dumps(good), "{not json", json.dumps({"text": "Leadership is not about "
             "titles; it is about trust.", "id": "a2"})]
    (folder / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(folder / "crawl2.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "A good manager removes obstacles for the team."}) + "\n")
    pq.write_table(pa.table({"text": ["Leaders listen first and decide second."],
                             "url": ["https://example.net/x"]}), folder / "rows.parquet")


def test_a_mixed_folder_of_all_four_formats_runs_in_one_run(tmp_path):
    build_mixed_folder(tmp_path / "in")
    tables, output = run(tmp_path, tmp_path / "in")
    docs = {d["source"]: d for d in tables["documents"]}
    assert sorted(docs) == ["blog/post.html", "crawl.jsonl:1", "crawl.jsonl:2", "crawl.jsonl:3",
                            "crawl2.jsonl.gz:1", "notes.txt", "rows.parquet:1"]
    assert {d["format"] for d in docs.values()} == {"html", "txt", "jsonl", "parquet"}
    # The malformed line is reported with its line number; the rest of the file is processed.
    assert docs["crawl.jsonl:2"]["status"] == "quarantined"
    assert docs["crawl.jsonl:2"]["reason"].startswith("line 2: not valid JSON")
    assert "crawl.jsonl:2: quarantined: line 2: not valid JSON" in output
    assert docs["crawl.jsonl:1"]["url"] == "https://forum.example.org/t/1"
    assert docs["crawl.jsonl:1"]["date"] == "2020-05-01"
    assert docs["crawl.jsonl:1"]["record_id"] == "a1"
    assert docs["rows.parquet:1"]["url"] == "https://example.net/x"
    html = docs["blog/post.html"]
    assert html["url"] == "https://blog.example.com/leaders-vs-managers"
    assert html["title"].startswith("Leaders vs managers")
    # Comments and authors found in the HTML; the spam comment removed; chrome gone.
    segments = [s for s in tables["segments"] if s["doc_id"] == html["doc_id"]]
    kept_authors = [s["author"] for s in segments if s["kind"] == "comment"
                    and s["status"] == "kept"]
    assert kept_authors == ["Jane Doe", "bob_77"]
    assert [s["author"] for s in segments if s["status"] == "spam"] == ["spammy"]
    texts = " ".join(s["text"] for s in tables["sentences"] if s["doc_id"] == html["doc_id"])
    assert "Managers turn that direction into plans" in texts
    assert "personal blog" not in texts and "rights reserved" not in texts
    docs_with_sentences = {s["doc_id"] for s in tables["sentences"]}
    assert {d["doc_id"] for d in docs.values() if d["status"] == "ok"} == docs_with_sentences


def test_dump_readers_stream_records_and_report_problems(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "notext.parquet")
    with gzip.open(tmp_path / "cut.jsonl.gz", "wb") as handle:
        handle.write(b'{"text": "fine"}\n')
    data = (tmp_path / "cut.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(data[:-8])  # truncated gzip
    (tmp_path / "list.jsonl").write_text('[1, 2]\n{"no_text": 1}\n', encoding="utf-8")
    records = {r.source: r.error for r in pio.iter_raw_files(tmp_path)}
    assert records["bad.parquet"].startswith("not a readable Parquet file")
    assert records["notext.parquet"] == "no 'text' column"
    assert records["list.jsonl:1"] == "line 1: not a JSON object"
    assert records["list.jsonl:2"] == "no 'text' string in the record"
    assert any(source.startswith("cut.jsonl.gz") and error and "cannot read" in error
               for source, error in records.items())


def test_a_single_dump_file_is_an_input(tmp_path):
    build_mixed_folder(tmp_path / "in")
    records = list(pio.iter_raw_files(tmp_path / "in" / "crawl.jsonl"))
    assert [r.source for r in records] == ["crawl.jsonl:1", "crawl.jsonl:2", "crawl.jsonl:3"]
