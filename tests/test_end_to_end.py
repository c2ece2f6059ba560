"""The whole run over seeds/: the issue's acceptance checks, on the Parquet read back."""

import re
from collections import Counter

import pyarrow.parquet as pq

from pipeline import schemas
from pipeline.io import read_csv_rows
from pipeline.text import fold, strip_markup

from .conftest import SEED_LABELS, SEEDS

CHROME_WORDS = re.compile(
    r"leave a reply|email address|required fields|commenting using|log out|bloggers like"
    r"|connecting to|featured posts|iphone version|filed under|trackbacks|^\d+ thoughts on"
    r"|^\d+ comments$|wordpress\.com logo|photo$|picture$|#\w+|genesis site|this is my "
    r"personal blog|^about ", re.IGNORECASE)


def test_every_table_is_written_with_its_declared_schema(seed_run):
    for name, schema in schemas.TABLES.items():
        assert pq.read_schema(seed_run["dir"] / f"{name}.parquet").equals(schema), name


def test_documents_have_stable_ids_titles_and_hashes(seed_run):
    docs = seed_run["documents"]
    assert sorted(d["source"] for d in docs) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len({d["doc_id"] for d in docs}) == 5
    assert all(d["status"] == "ok" and len(d["sha256"]) == 64 for d in docs)
    titles = {d["source"][:3]: d["title"] for d in docs}
    assert titles["001"] == "Manager VS Leader"
    assert titles["000"] == "Management vs Leadership"


def test_exactly_one_comment_is_spam_and_none_of_it_is_a_sentence(seed_run):
    spam = [s for s in seed_run["segments"] if s["status"] == "spam"]
    assert len({(s["doc_id"], s["comment_index"]) for s in spam}) == 1
    doc, start, end = spam[0]["doc_id"], spam[0]["char_start"], spam[0]["char_end"]
    for table in ("split", "sentences"):
        for row in seed_run[table]:
            assert not (row["doc_id"] == doc and row["char_start"] < end
                        and row["char_end"] > start)


def test_no_chrome_line_is_a_sentence(seed_run):
    offenders = [r["text"] for r in seed_run["sentences"] if CHROME_WORDS.search(r["text"])]
    assert offenders == []


def test_every_on_topic_comment_survives_with_its_author(seed_run):
    authors = Counter(s["author"] for s in seed_run["segments"]
                      if s["kind"] == "comment" and s["status"] == "kept")
    expected = {"wdywft", "gbohrn", "dennis", "jamjube", "CharlieSpencer", "jim.lackey",
                "peter.moyes", "tom", "Ileana B", "mafergus", "pctech1", "Bruce", "mp/m"}
    assert expected <= set(authors)
    assert authors["dennis"] == 2
    kept_comments = {(s["doc_id"], s["comment_index"]) for s in seed_run["segments"]
                     if s["kind"] == "comment" and s["status"] == "kept"}
    # 2 numbered comments, 6 answers, 12 of 13 named comments, Bruce's.
    assert len(kept_comments) == 2 + 6 + 12 + 1


def test_every_sentence_traces_back_to_the_raw_text(seed_run):
    raw = {d["doc_id"]: d["text"] for d in seed_run["documents"]}
    kept = [s for s in seed_run["segments"] if s["status"] == "kept"]
    for row in seed_run["sentences"]:
        text = raw[row["doc_id"]]
        assert fold(strip_markup(text[row["char_start"]:row["char_end"]])) == row["text"]
        assert any(s["segment_id"] == row["segment_id"] and s["char_start"] <= row["char_start"]
                   and row["char_end"] <= s["char_end"] for s in kept)
    for seg in seed_run["segments"]:
        text = raw[seg["doc_id"]]
        assert fold(strip_markup(text[seg["char_start"]:seg["char_end"]])) == fold(seg["text"])


def test_sentences_are_labeled_with_probabilities(seed_run):
    rows = seed_run["sentences"]
    assert len(rows) == len(seed_run["split"]) > 100
    versions = {r["model_version"] for r in rows}
    assert len(versions) == 1
    for r in rows:
        probs = [r[c] for c in schemas.PROBABILITY_COLUMNS]
        assert r["label"] in schemas.LABELS and abs(sum(probs) - 1) < 1e-5
        assert r["confidence"] == max(probs)


def test_seed_label_file_matches_the_split_sentences(seed_run):
    """labels/seeds.csv is a fixture: its sentences are exactly what the pipeline splits."""
    docs = {d["doc_id"]: d["source"] for d in seed_run["documents"]}
    split = [(docs[r["doc_id"]], int(r["position"]), r["text"]) for r in seed_run["split"]]
    labeled = [(r["source"], int(r["position"]), r["text"]) for r in read_csv_rows(SEED_LABELS)]
    assert sorted(split) == sorted(labeled)


def test_rerun_gives_identical_bytes(seed_run, tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    from .conftest import MODELS
    result = CliRunner().invoke(cli, ["run", "--input", str(SEEDS), "--output", str(tmp_path),
                                      "--model", str(MODELS)])
    assert result.exit_code == 0
    for name in schemas.TABLES:
        assert (tmp_path / f"{name}.parquet").read_bytes() == (
            seed_run["dir"] / f"{name}.parquet").read_bytes(), name


def test_statuses_and_kinds_come_from_the_declared_vocabularies(seed_run):
    assert {d["status"] for d in seed_run["documents"]} <= set(schemas.DOCUMENT_STATUSES)
    assert {s["status"] for s in seed_run["segments"]} == set(schemas.SEGMENT_STATUSES)
    assert {s["kind"] for s in seed_run["segments"]} == set(schemas.SEGMENT_KINDS)
    assert {c["kind"] for c in seed_run["claims"]} == set(schemas.CLAIM_KINDS)
    assert {c["relation"] for c in seed_run["claims"]} - {None} <= set(schemas.RELATIONS)
