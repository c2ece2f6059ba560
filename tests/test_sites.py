"""Chrome learned across a site: lines that recur on most pages of one site."""

import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.clean import clean_document, line_key
from pipeline.cli import cli
from pipeline.sites import (
    SiteLineCounter,
    SiteSettings,
    candidate_keys,
    learn_site_chrome,
    site_of,
)

from .conftest import MODELS, write_page

BANNER = "Teamcraft Journal | field notes on running teams"
SIDEBAR = ["Workshops for first-time team leads", "Ask the coaches anything",
           "Browse the archive by theme"]
QUOTE = "Leaders who listen build trust faster."
POSTS = [
    ("Why first-time leads struggle",
     "New team leads often keep doing the work themselves. A good leader hands over the "
     "interesting problems and explains why they matter.",
     "My own first year as a lead was mostly firefighting."),
    ("Budgets are a management job",
     "Managers own the budget, the rota and the hiring plan. Management keeps the promises "
     "the organisation already made to its customers.",
     "We rebuilt our planning calendar last spring."),
    ("Is vision overrated?",
     "Vision matters less than people think. Leadership is mostly the daily habit of "
     "explaining the direction again and again.",
     "I changed my mind about this after a rough quarter."),
    ("One person, two roles",
     "In a small company the same person has to lead and manage. Leadership and management "
     "are different jobs even when one person does both.",
     "Our founder did both for years and burned out."),
    ("The quiet manager",
     "The best manager I had never raised her voice. She kept a tidy backlog and told us "
     "early when a deadline was slipping.",
     "That team still meets for dinner twice a year."),
    ("Courage in the chain of command",
     "Military leaders are trained to decide with half the facts. Waiting for certainty is "
     "its own decision, usually the wrong one.",
     "I served nine years before moving into logistics."),
    ("Hiring for the first manager role",
     "A first-line manager needs patience with paperwork and with people. Most promotions "
     "reward the best engineer instead of the best organiser.",
     "We changed our promotion panel this year."),
    ("Coaches and captains",
     "A captain leads the dressing room; the coach manages the season. The two roles pull "
     "in different directions and a club needs both.",
     "Our under-twelves had a brilliant captain last season."),
    ("What nurses taught me about leading",
     "Charge nurses lead by example on the worst nights. Nobody follows a leader who will "
     "not do the hard jobs too.",
     "I spent a decade on a cardiac ward."),
    ("Meetings that managers should cancel",
     "Managers should cancel any status meeting that a written update could replace. "
     "Management time is best spent removing blockers.",
     "Our Tuesday sync is gone and nobody misses it."),
]
COMMENTS = [
    "Managers who protect focus time get better work from everyone.",
    "Leaders should admit mistakes in public, not only in private.",
    "I think a manager's first duty is clear priorities for the week.",
    "Good leaders make the team feel safe enough to disagree.",
    "A calm manager is worth more than a clever one.",
    "Leaders earn trust by deciding when it is uncomfortable.",
    "Promoting the best engineer to manager loses you an engineer.",
    "The captain and the coach need to trust each other completely.",
    "Leading on a night shift is mostly about showing up.",
    "Half my week is status meetings, so this hit home.",
]
def site_page(number: int, with_quote: bool = True) -> str:
    title, post, aside = POSTS[number]
    lines = [BANNER, title, "", post, aside]
    if with_quote:
        lines.append(QUOTE)
    lines += ["", *SIDEBAR, "", "2 comments", "", "Maria Lopez says:", COMMENTS[number],
              "", "Leave a Reply"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("url", "source", "site"), [
    ("https://www.Example.com/a/b?x=1", "pages/a.html", "example.com"),
    ("http://blog.example.org:8080/post", "dump.jsonl:3", "blog.example.org"),
    (None, "leadlab/page1.txt", "dir:leadlab"),
    (None, "page1.txt", "dir:."),
    (None, "dumps/c4.jsonl.gz:12", "file:dumps/c4.jsonl.gz"),
    (None, "dumps/rows.parquet:7", "file:dumps/rows.parquet"),
    ("not a url", "x/y.txt", "dir:x"),
])
def test_site_of_uses_the_host_else_the_folder_or_dump(url, source, site):
    assert site_of(url, source) == site


def test_lines_on_most_of_a_sites_pages_are_its_chrome():
    pages = [("dir:teamcraft", site_page(n, with_quote=n != 3)) for n in range(4)]
    chrome = learn_site_chrome(pages)
    # The regular commenter's header recurs too: cleaning keeps it as a comment header.
    assert chrome["dir:teamcraft"] == {line_key(text) for text in [BANNER, *SIDEBAR,
                                                                   "Maria Lopez says:"]}
    # The quote, a sentence on 3 of 4 pages of a folder (which may mix sites), is not
    # chrome; each page's own lines differ from page to page.
    assert line_key(QUOTE) not in chrome["dir:teamcraft"]


def test_a_host_named_site_also_learns_repeated_sentences():
    footer = "All opinions here are the author's own."
    pages = [("teamcraft.example", site_page(n) + footer + "\n") for n in range(3)]
    chrome = learn_site_chrome(pages)["teamcraft.example"]
    assert {line_key(footer), line_key(QUOTE), line_key(BANNER)} <= chrome
    assert line_key(footer) not in candidate_keys(site_page(0) + footer, "dir:x")


def test_sites_with_few_pages_or_rare_lines_learn_nothing():
    pages = [("dir:small", site_page(0)), ("dir:small", site_page(1))]
    # Four pages from four sites, sharing the banner: one page each, so no chrome.
    pages += [(f"site{n}.example", site_page(n)) for n in range(4)]
    assert learn_site_chrome(pages) == {}
    # The banner on 3 of 7 pages of a site is below half of them.
    pages = [("dir:big", site_page(n % 4) if n < 3 else POSTS[n % 4][1]) for n in range(7)]
    assert learn_site_chrome(pages) == {}


def test_spilling_to_partition_files_gives_the_same_chrome(tmp_path):
    pages = [(f"dir:site{n % 3}", site_page(n % 4)) for n in range(12)]
    in_memory = learn_site_chrome(pages)
    spilled = learn_site_chrome(pages, SiteSettings(spill_rows=7, partitions=2),
                                workdir=tmp_path)
    assert spilled == in_memory and len(in_memory) == 3
    assert list(tmp_path.iterdir()) == []  # the partition files are removed


def test_counter_counts_pages_not_repeats_within_a_page():
    counter = SiteLineCounter()
    for _ in range(3):
        counter.add("dir:a", [1, 2])
    counter.add("dir:a", [1])
    assert counter.chrome() == {"dir:a": frozenset({1, 2})}


def test_cleaning_removes_site_lines_but_keeps_title_and_comment_headers():
    raw = site_page(0)
    site_lines = frozenset(line_key(text) for text in [BANNER, *SIDEBAR, "Maria Lopez says:"])
    segments = clean_document("d", raw, site_lines=site_lines)
    by_text = {s.text: s for s in segments}
    assert by_text[BANNER].reason == "site_repeated"
    assert by_text[BANNER].status == "boilerplate"
    assert by_text["\n".join(SIDEBAR)].reason == "site_repeated"
    title = next(s for s in segments if s.kind == "title")
    assert title.text == POSTS[0][0]
    comment = next(s for s in segments if s.kind == "comment")
    assert (comment.author, comment.text, comment.status) == ("Maria Lopez", COMMENTS[0],
                                                              "kept")
    # Without the learned lines the banner is taken for the title and the sidebar is kept.
    plain = clean_document("d", raw)
    assert next(s for s in plain if s.kind == "title").text == BANNER
    assert any(SIDEBAR[0] in s.text and s.status == "kept" for s in plain)


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sites")
    for n in range(4):
        write_page(folder, f"teamcraft/page{n}.txt", site_page(n))
    for n in range(2):  # two pages of another site with the same banner: too few to learn
        write_page(folder, f"smallsite/page{n}.txt", site_page(4 + n))
    records = [{"text": site_page(6 + n) + "All opinions here are the author's own.\n",
                "url": f"https://teamcraft.example/post-{n}"} for n in range(3)]
    records.append({"text": site_page(9) + "All opinions here are the author's own.\n",
                    "url": "https://elsewhere.example/post"})
    (folder / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                       encoding="utf-8")
    return folder


def _segments_by_source(out):
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    source = {d["doc_id"]: d["source"] for d in documents}
    segments = pq.read_table(out / "segments.parquet").to_pylist()
    return documents, segments, {
        (source[s["doc_id"]], s["text"]): s for s in segments}


def test_run_learns_chrome_per_site_and_records_the_reason(site_folder, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "--input", str(site_folder), "--output",
                                      str(out), "--model", str(MODELS), "--jobs", "1",
                                      "--batch-size", "2", "--no-claims"])
    assert result.exit_code == 0, result.output
    documents, segments, by = _segments_by_source(out)
    assert {d["site"] for d in documents} == {"dir:teamcraft", "dir:smallsite",
                                              "teamcraft.example", "elsewhere.example"}
    assert all(d["status"] == "ok" for d in documents)  # same lines, different posts
    for n in range(4):
        assert by[(f"teamcraft/page{n}.txt", BANNER)]["reason"] == "site_repeated"
        assert by[(f"teamcraft/page{n}.txt", "\n".join(SIDEBAR))]["reason"] == "site_repeated"
    for n in range(2):  # too few pages: the banner is that site's title, the sidebar kept
        assert by[(f"smallsite/page{n}.txt", BANNER)]["kind"] == "title"
        assert any(source == f"smallsite/page{n}.txt" and SIDEBAR[0] in text
                   and s["status"] == "kept" for (source, text), s in by.items())
    footer = "All opinions here are the author's own."
    for n in range(3):
        assert by[(f"dump.jsonl:{n + 1}", footer)]["reason"] == "site_repeated"
    assert by[("dump.jsonl:4", footer)]["status"] == "kept"
    # The pages' claims and comments are all still there.
    kept = {s["text"] for s in segments if s["status"] == "kept"}
    assert all(any(post in k for k in kept) for _, post, _ in POSTS)
    assert set(COMMENTS) <= kept
    sentences = pq.read_table(out / "sentences.parquet").column("text").to_pylist()
    # Kept only on the pages of sites too small to learn from: two in a folder, one by host.
    assert sentences.count(BANNER) == 3 and sentences.count(SIDEBAR[0]) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    removed = sum(1 for s in segments if s["reason"] == "site_repeated")
    # Folder pages: the banner, the sidebar. Host pages: the banner, the quote and the
    # sidebar (one segment: consecutive lines removed for one reason), the footer.
    assert removed == 4 * 2 + 3 * 3
    assert manifest["stages"]["clean"]["removed:site_repeated"] == removed

    # The stage commands learn the same chrome from documents.parquet.
    staged = tmp_path / "staged"
    runner = CliRunner()
    for step in (["ingest", "--input", str(site_folder), "--output",
                  str(staged / "documents.parquet")],
                 ["clean", "--documents", str(staged / "documents.parquet"), "--output",
                  str(staged / "segments.parquet")]):
        result = runner.invoke(cli, step)
        assert result.exit_code == 0, result.output
    assert pq.read_table(staged / "segments.parquet").to_pylist() == segments
