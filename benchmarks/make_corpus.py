"""Build N realistic raw pages by recombining the seed pages' pieces, deterministically.

Each page gets a title, a post of paragraphs recombined from the seeds' post sentences,
site chrome lines taken from the seeds, and a comment thread in one of the layouts the
cleaner reads (a name repeated on two lines, ``Name says:`` with a date, numbered comments,
an answer label), with comment bodies recombined from the seeds' comment sentences and, now
and then, the seeds' spam comment. The same N and seed always give the same files.

    python benchmarks/make_corpus.py --n 10000 --out /tmp/corpus_10000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean import clean_document  # noqa: E402

AUTHORS = ["alex_k", "Maria Lopez", "jt2009", "Sam", "dev.guy", "Priya N", "tom", "kaylee",
           "R. Okafor", "mgr_mike", "Lena", "bobby77"]
DATES = ["March 3, 2011 at 9:12 pm", "January 10, 2009 at 4:44 am", "June 1, 2015",
         "September 30, 2009", "2020-05-17 08:30"]


def _pools() -> dict[str, list[str]]:
    """Sentences of posts and comments (from the labeled seeds) and chrome and spam lines
    (from cleaning the seeds)."""
    pools: dict[str, list[str]] = {"post": [], "comment": [], "title": [], "chrome": [],
                                   "spam": []}
    seeds = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    for name, raw in seeds.items():
        for segment in clean_document(name, raw):
            text = raw[segment.char_start:segment.char_end]
            if segment.kind == "title":
                pools["title"].append(text)
            elif segment.status == "spam":
                pools["spam"].append(text)
            elif segment.kind == "chrome" and segment.reason not in ("comment_header", "signoff",
                                                                     "answer_label"):
                pools["chrome"].extend(line for line in text.splitlines() if line.strip())
    with (ROOT / "labels" / "seeds.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = "comment" if row["source"].startswith(("000", "002", "003")) else "post"
            pools[kind].append(row["text"])
    return pools


def _paragraph(rng: random.Random, pool: list[str], low: int, high: int) -> str:
    return " ".join(rng.choice(pool) for _ in range(rng.randint(low, high)))


def make_page(rng: random.Random, pools: dict[str, list[str]]) -> str:
    """One raw page."""
    lines = [rng.choice(pools["title"]), ""]
    for _ in range(rng.randint(1, 5)):
        lines += [_paragraph(rng, pools["post"], 1, 5), ""]
    lines += [rng.choice(pools["chrome"]) for _ in range(rng.randint(0, 3))]
    n_comments = rng.choice([0, 1, 2, 3, 5, 8, 12])
    if n_comments:
        lines += ["", f"{n_comments} comments", ""]
    layout = rng.choice(["repeated", "says", "numbered", "label"])
    for i in range(n_comments):
        author = rng.choice(AUTHORS)
        body = (rng.choice(pools["spam"]) if pools["spam"] and rng.random() < 0.05
                else _paragraph(rng, pools["comment"], 1, 6))
        if layout == "repeated":
            lines += [author, author, "", body, ""]
        elif layout == "says":
            lines += [f"{author} says:", rng.choice(DATES), body, "Reply", ""]
        elif layout == "numbered":
            lines += [f"  {i + 1}. {author}", f"    {rng.choice(DATES)}", "", f"    {body}", ""]
        else:
            lines += [f"Community Answer: {body}"]
    lines += ["", "Leave a Reply", "Your email address will not be published."]
    return "\n".join(lines) + "\n"


def make_corpus(n: int, out: Path, seed: int = 0) -> list[Path]:
    """Write ``n`` pages into ``out`` (created); returns their paths."""
    rng = random.Random(seed)
    pools = _pools()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = out / f"page_{i:07d}.txt"
        path.write_text(make_page(rng, pools), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of pages")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = make_corpus(args.n, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} pages, {size / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()
