"""The naive baseline a data scientist would write first, for the benchmark to beat.

Load spaCy's English pipeline with every component, run ``nlp.pipe`` over every whole
document, then classify every sentence spaCy finds with the project's model. No cleaning,
no batching beyond ``nlp.pipe``'s own. Prints one JSON line of figures.

    python benchmarks/naive.py --input /tmp/corpus_1000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=ROOT / "models")
    args = parser.parse_args()

    import spacy

    from pipeline.io import SPACY_MODEL, load_classifier

    started = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    classifier = load_classifier(args.model)
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.input.glob("*.txt"))]
    labels = 0
    for doc in nlp.pipe(texts, batch_size=64):
        sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
        labels += len(classifier.predict(sentences))
    seconds = time.perf_counter() - started
    print(json.dumps({"documents": len(texts), "sentences": labels, "seconds": seconds}))


if __name__ == "__main__":
    main()
