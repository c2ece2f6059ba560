"""Benchmark: the whole pipeline against the naive baseline, memory at 10x, 1 vs 2 workers.

Builds a corpus of N pages and one of 10N (``make_corpus.py``, deterministic), then runs,
each in a fresh process whose peak memory (the whole process tree's RSS) is sampled:

- ``leadclaims run --jobs 1`` and ``--jobs 2`` on N pages,
- ``leadclaims run --jobs 1`` on 10N pages (memory must stay nearly flat),
- the naive baseline (``naive.py``: every spaCy component on every whole page) on N pages.

and prints tokens/s, documents/s, peak RSS, per-stage seconds and the ratios against the
targets (pipeline >= 5x the baseline's tokens/s, peak RSS at 10N <= 1.2x that at N, 2 workers
>= 1.7x one).

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


def pipeline(folder: Path, out: Path, jobs: int) -> dict:
    seconds, peak, _ = measure([sys.executable, "-m", "pipeline", "run", "--input", str(folder),
                                "--output", str(out), "--jobs", str(jobs), "--model",
                                str(ROOT / "models")])
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
    big = pipeline(large, work / "out_big", jobs=1)
    seconds, peak, out = measure([sys.executable, str(ROOT / "benchmarks" / "naive.py"),
                                  "--input", str(small)])
    naive = {"seconds": seconds, "peak_rss": peak, **json.loads(out)}

    def row(name: str, result: dict, pages: int, n_tokens: int) -> str:
        return (f"{name:<28} {result['seconds']:>8.1f} s {n_tokens / result['seconds']:>10.0f} "
                f"tok/s {pages / result['seconds']:>8.1f} doc/s "
                f"{result['peak_rss'] / 2**20:>8.0f} MiB")

    big_tokens = tokens_in(large)
    print(row("pipeline, 1 worker", one, args.n, tokens))
    print(row("pipeline, 2 workers", two, args.n, tokens))
    print(row(f"pipeline, 1 worker, x{args.scale}", big, args.n * args.scale, big_tokens))
    print(row("naive baseline", naive, args.n, tokens))
    print("per-stage seconds (1 worker): " + ", ".join(
        f"{stage} {seconds:.1f}" for stage, seconds in one["stages"].items()))
    speed_1 = naive["seconds"] / one["seconds"]
    speed_2 = naive["seconds"] / two["seconds"]
    memory = big["peak_rss"] / one["peak_rss"]
    workers = one["seconds"] / two["seconds"]
    for name, value, target, higher in (
        ("pipeline / baseline tokens/s, 2 workers", speed_2, 5.0, True),
        ("pipeline / baseline tokens/s, 1 worker", speed_1, 5.0, True),
        (f"peak RSS at x{args.scale} / at x1", memory, 1.2, False),
        ("2 workers / 1 worker speed", workers, 1.7, True),
    ):
        met = value >= target if higher else value <= target
        print(f"{name:<42} {value:6.2f}  (target {'>=' if higher else '<='} {target}: "
              f"{'met' if met else 'NOT met'})")


if __name__ == "__main__":
    main()
