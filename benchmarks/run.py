"""Benchmark: the whole pipeline against the naive baseline, memory at 10x, 1 vs 2 workers.

Builds a corpus of N pages and one of 10N (``make_corpus.py``, deterministic), then runs,
each in a fresh process whose peak memory (the whole process tree's RSS) is sampled:

- ``leadclaims run --no-claims`` (ingest, clean, split, classify: the work the baseline
  does) with 1 and 2 workers on N pages, and on 10N pages,
- ``leadclaims run`` with claims extraction on top (2 workers) on N pages,
- the naive baseline (``naive.py``: every spaCy component on every whole page, then the
  classifier on every sentence) on N pages,

and prints tokens/s, documents/s, peak RSS, per-stage seconds and the ratios against the
targets: pipeline >= 5x the baseline's tokens/s, peak RSS at 10N <= 1.2x that at N, 2 workers
>= 1.7x one (measured on the 10N corpus, where start-up is amortised).

    python benchmarks/run.py --n 1000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.make_corpus import make_corpus  # noqa: E402


def measure(command: list[str]) -> tuple[float, int, str]:
    """Run a command; return its wall seconds, the peak RSS of its process tree, stdout."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    return time.perf_counter() - started, peak, out


def tokens_in(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def pipeline(folder: Path, out: Path, jobs: int, claims: bool = False) -> dict:
    seconds, peak, _ = measure([sys.executable, "-m", "pipeline", "run", "--input", str(folder),
                                "--output", str(out), "--jobs", str(jobs), "--model",
                                str(ROOT / "models"), "--claims" if claims else "--no-claims"])
    manifest = json.loads((out / "manifest.json").read_text())
    return {"seconds": seconds, "peak_rss": peak, "stages": {
        stage: entry["seconds"] for stage, entry in manifest["stages"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="pages in the small corpus")
    parser.add_argument("--scale", type=int, default=10, help="the large corpus is n x scale")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="leadclaims-bench-"))
    small, large = work / f"corpus_{args.n}", work / f"corpus_{args.n * args.scale}"
    for folder, n in ((small, args.n), (large, args.n * args.scale)):
        if not folder.exists():
            make_corpus(n, folder)
    tokens = tokens_in(small)
    print(f"corpus: {args.n} pages, {tokens} tokens (and {args.n * args.scale} pages); "
          f"work folder {work}", flush=True)

    one = pipeline(small, work / "out_1", jobs=1)
    two = pipeline(small, work / "out_2", jobs=2)
    with_claims = pipeline(small, work / "out_claims", jobs=2, claims=True)
    big_one = pipeline(large, work / "out_big_1", jobs=1)
    big_two = pipeline(large, work / "out_big_2", jobs=2)
    seconds, peak, out = measure([sys.executable, str(ROOT / "benchmarks" / "naive.py"),
                                  "--input", str(small)])
    naive = {"seconds": seconds, "peak_rss": peak, **json.loads(out)}

    def row(name: str, result: dict, pages: int, n_tokens: int) -> str:
        return (f"{name:<34} {result['seconds']:>7.1f} s {n_tokens / result['seconds']:>9.0f} "
                f"tok/s {pages / result['seconds']:>7.1f} doc/s "
                f"{result['peak_rss'] / 2**20:>7.0f} MiB")

    big_tokens = tokens_in(large)
    big_n = args.n * args.scale
    print(row("pipeline, 1 worker", one, args.n, tokens))
    print(row("pipeline, 2 workers", two, args.n, tokens))
    print(row("pipeline + claims, 2 workers", with_claims, args.n, tokens))
    print(row(f"pipeline, 1 worker, x{args.scale}", big_one, big_n, big_tokens))
    print(row(f"pipeline, 2 workers, x{args.scale}", big_two, big_n, big_tokens))
    print(row("naive baseline, 1 process", naive, args.n, tokens))
    for name, result in (("pipeline, 1 worker", one), ("pipeline + claims, 2 workers",
                                                         with_claims)):
        print(f"stage seconds, {name} (summed over workers): " + ", ".join(
            f"{stage} {seconds:.1f}" for stage, seconds in result["stages"].items()))
    checks = (
        ("pipeline / baseline tokens/s, 1 worker", naive["seconds"] / one["seconds"], 5.0, True),
        ("pipeline / baseline tokens/s, 2 workers", naive["seconds"] / two["seconds"], 5.0,
         True),
        ("pipeline+claims / baseline, 2 workers", naive["seconds"] / with_claims["seconds"],
         5.0, True),
        (f"peak RSS at x{args.scale} / at x1", big_one["peak_rss"] / one["peak_rss"], 1.2,
         False),
        (f"2 workers / 1 worker speed, x{args.scale}", big_one["seconds"] / big_two["seconds"],
         1.7, True),
    )
    for name, value, target, higher in checks:
        met = value >= target if higher else value <= target
        print(f"{name:<42} {value:6.2f}  (target {'>=' if higher else '<='} {target}: "
              f"{'met' if met else 'NOT met'})")


if __name__ == "__main__":
    main()
