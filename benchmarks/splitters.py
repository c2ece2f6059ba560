"""Compare sentence splitters on the labeled seed sentences: accuracy and speed.

The gold sentences are those of ``labels/seeds.csv`` (every sentence of the five seed pages,
checked by hand when they were labeled). Each candidate splits the same kept lines the split
stage hands to spaCy; a predicted sentence counts as right when its text is exactly a gold
sentence. Speed is measured on the benchmark corpus's kept lines (``--corpus``, default: the
seeds repeated).

    python benchmarks/splitters.py
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from pipeline.clean import clean_document  # noqa: E402
from pipeline.io import SPACY_MODEL, load_sentence_splitter  # noqa: E402
from pipeline.split import split_segments  # noqa: E402


def candidates() -> dict[str, spacy.language.Language]:
    """senter alone (what the pipeline uses), the dependency parser, the rule sentencizer."""
    parser = spacy.load(SPACY_MODEL, exclude=["ner", "senter", "lemmatizer", "attribute_ruler"])
    rules = spacy.blank("en")
    rules.add_pipe("sentencizer")
    return {"senter": load_sentence_splitter(), "parser": parser, "sentencizer": rules}


def pages(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def split_all(docs: dict[str, str], nlp: spacy.language.Language) -> list[tuple[str, str]]:
    segments = [asdict(s) for name, raw in docs.items() for s in clean_document(name, raw)]
    return [(s.doc_id, s.text) for s in split_segments(docs, segments, nlp)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder of pages for the speed test (default: seeds x 40)")
    args = parser.parse_args()
    with (ROOT / "labels" / "seeds.csv").open(encoding="utf-8") as handle:
        gold = [(row["source"], row["text"]) for row in csv.DictReader(handle)]
    seeds = pages(ROOT / "seeds")
    speed_docs = pages(args.corpus) if args.corpus else {
        f"{n}_{name}": raw for n in range(40) for name, raw in seeds.items()}
    words = sum(len(raw.split()) for raw in speed_docs.values())
    print(f"{'splitter':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'sentences':>9} "
          f"{'words/s':>9}")
    for name, nlp in candidates().items():
        predicted = split_all(seeds, nlp)
        right = len(set(predicted) & set(gold))
        precision, recall = right / len(predicted), right / len(gold)
        f1 = 2 * precision * recall / (precision + recall)
        started = time.perf_counter()
        split_all(speed_docs, nlp)
        speed = words / (time.perf_counter() - started)
        print(f"{name:<12} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {len(predicted):>9d} "
              f"{speed:>9.0f}")


if __name__ == "__main__":
    main()
