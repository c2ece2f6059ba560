"""How the classifier does on sentences written by people it never learned from.

Each label file of ``labels/`` was written by one team of writers. Grouped cross-validation
keeps a page out of training but not its writers, whose wording and habits the model has
learned from their other pages; this check leaves out a whole file at a time instead: train
on the other files, score the left-out one, and pool the predictions. With ``--without FILE``
(repeatable) it also shows what files add: the same check with them left out of every
training set.

    python benchmarks/authors.py
    python benchmarks/authors.py --without labels/corpus_voices.csv
    python benchmarks/authors.py --without labels/corpus_pages.csv \
        --without labels/corpus_pages2.csv --without labels/corpus_pages3.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import io as pio  # noqa: E402
from pipeline.classify import TrainingSettings, score, train  # noqa: E402
from pipeline.training import to_examples  # noqa: E402


def training_label_files() -> list[str]:
    """Every label file in ``labels/`` but the held-out ones, the seeds first."""
    names = sorted(p.name for p in (ROOT / "labels").glob("*.csv")
                   if not p.name.startswith("heldout"))
    names.sort(key=lambda name: name != "seeds.csv")
    return [f"labels/{name}" for name in names]


def examples_of(paths: list[Path]):
    labels, _ = pio.read_label_files(paths)
    return to_examples(labels.sentences)


def leave_one_file_out(files: list[Path], held: list[Path], always_out: list[Path],
                       settings: TrainingSettings) -> tuple[dict[str, float], float]:
    """Macro-F1 on each file of ``held`` when trained on the other ``files`` (never on
    those in ``always_out``), and on all of them pooled."""
    truth: list[str] = []
    predicted: list[str] = []
    per_file: dict[str, float] = {}
    for left_out in held:
        training = [f for f in files if f != left_out and f not in always_out]
        model = train(examples_of(training), settings)
        test = examples_of([left_out])
        guess = [str(p) for p in model.predict(test.frame())]
        per_file[str(left_out)] = score(test.labels, guess)["macro_f1"]
        truth += test.labels
        predicted += guess
    return per_file, score(truth, predicted)["macro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", nargs="+", default=training_label_files(),
                        help="label files; the first (the seeds) is never left out")
    parser.add_argument("--without", type=Path, action="append", default=[],
                        help="also score every left-out file with this file out of training "
                             "(repeatable)")
    args = parser.parse_args()
    files = [ROOT / f if not Path(f).is_absolute() else Path(f) for f in args.labels]
    without = [f if f.is_absolute() else ROOT / f for f in args.without]
    held = [f for f in files[1:] if f not in without]
    settings = TrainingSettings()
    runs: list[tuple[str, list[Path]]] = [("trained on all other files", [])]
    if without:
        runs.append((f"without {', '.join(f.stem for f in without)}"[:32], without))
    print(f"{'left-out file':28} " + " ".join(f"{name:>32}" for name, _ in runs))
    results = [leave_one_file_out(files, held, out, settings) for _, out in runs]
    for f in held:
        print(f"{f.name:28} " + " ".join(f"{r[0][str(f)]:>32.3f}" for r in results))
    print(f"{'pooled macro-F1':28} " + " ".join(f"{r[1]:>32.3f}" for r in results))


if __name__ == "__main__":
    main()
