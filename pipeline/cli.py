"""The ``leadclaims`` command: thin wiring of options, stages, I/O, progress and errors."""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline import __version__, schemas
from pipeline import io as pio
from pipeline.claims import build_traits, extract_claims
from pipeline.classify import (
    FAMILIES,
    Classifier,
    Examples,
    TrainingSettings,
    classify_sentences,
    cross_validate,
    cross_validated_predictions,
    export_model,
    keyword_baseline,
    model_bytes,
    score,
    train,
    version_for,
)
from pipeline.clean import CleanSettings, clean_documents
from pipeline.dedupe import DuplicateFinder
from pipeline.errors import PipelineError
from pipeline.ingest import ingest_documents
from pipeline.runner import RunSettings, run_local
from pipeline.sites import learn_site_chrome, lines_of
from pipeline.spam import SpamSettings
from pipeline.split import split_segments
from pipeline.training import (
    LABEL_EXPORT_COLUMNS,
    build_card,
    format_metrics,
    paired_difference,
    to_examples,
    uncertain_sentences,
)
from pipeline.training import evaluate as evaluate_metrics

DEFAULT_MODEL_DIR = Path("models")


def _report(message: str) -> None:
    click.echo(message, err=True)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into a one-line message and exit code 2 (traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except PipelineError as exc:
            if debug:
                raise
            _report(f"leadclaims: error: {exc}")
            sys.exit(2)
        except (OSError, MemoryError) as exc:
            if debug:
                raise
            where = getattr(exc, "filename", None)
            _report(f"leadclaims: error: {where + ': ' if where else ''}{exc.__class__.__name__}:"
                    f" {getattr(exc, 'strerror', None) or exc}")
            sys.exit(1)

    return wrapper


def model_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--model", "model_dir", type=click.Path(path_type=Path),
                        default=DEFAULT_MODEL_DIR, show_default=True,
                        help="Folder holding model.json and card.json.")(func)


def documents_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--documents", required=True, type=click.Path(path_type=Path),
                        help="documents.parquet from 'ingest'.")(func)


def segments_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--segments", required=True, type=click.Path(path_type=Path),
                        help="segments.parquet from 'clean'.")(func)


def input_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--input", "input_dir", required=True, type=click.Path(path_type=Path),
                        help="Folder of raw .txt documents.")(func)


def spam_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--spam-threshold", type=click.FloatRange(0.0, 1.0),
                        default=SpamSettings().threshold, show_default=True,
                        help="Comments whose spam score reaches this are removed.")(func)


class _Timer:
    def __init__(self, stage: str) -> None:
        self.stage, self.start = stage, time.perf_counter()

    def done(self, summary: str) -> None:
        _report(f"{self.stage}: {summary} [{time.perf_counter() - self.start:.1f}s]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leadclaims")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """Mine what web pages claim about leadership and management.

    Stages: ingest -> clean -> split -> classify, each writing a Parquet table;
    'run' does them all.

    \b
    Example:
        leadclaims run --input seeds --output outputs
    """


# ---------------------------------------------------------------------------------------
# Stage steps shared by the stage commands and 'run'. Each reads its input table(s), calls
# the stage, writes its table, records figures in the manifest and reports one line.

def _finish(stage: str, table: str, output: Path, records: list[Any], started: float,
            stats: dict[str, Any], summary: str, extra: dict[str, Any] | None = None) -> None:
    rows = pio.write_records(records, output, schemas.TABLES[table])
    seconds = time.perf_counter() - started
    pio.record_stage(stage, output, table, rows, seconds, stats, extra)
    _report(f"{stage}: {summary} -> {output} [{seconds:.1f}s]")


def _ingest(input_dir: Path, output: Path) -> None:
    started = time.perf_counter()
    pio.list_raw_files(input_dir)
    pio.check_writable(output.parent)
    records = list(ingest_documents(pio.iter_raw_files(input_dir),
                                    duplicates=DuplicateFinder()))
    for record in records:
        if record.status != "ok":
            _report(f"ingest: {input_dir / record.source}: {record.status}: {record.reason}")
    if not any(r.status == "ok" for r in records):
        raise PipelineError(f"{input_dir}: no readable document among {len(records)} files "
                            "(see the lines above); no table written")
    statuses = Counter(r.status for r in records)
    inputs = [{"source": r.source, "sha256": r.sha256, "status": r.status} for r in records]
    _finish("ingest", "documents", output, records, started,
            {"rows_in": len(records), "rows_out": len(records), "by_status": dict(statuses)},
            f"{len(records)} documents ({_counts(statuses)})", {"inputs": inputs})


def _clean(documents: Path, output: Path, spam_threshold: float) -> None:
    started = time.perf_counter()
    pio.check_writable(output.parent)
    table = pio.read_table(documents, schemas.DOCUMENTS)
    settings = CleanSettings(spam=SpamSettings(threshold=spam_threshold))
    pages = [row for row in table.select(["doc_id", "status", "site", "text"]).to_pylist()
             if row["status"] == "ok"]
    chrome = learn_site_chrome(((row["site"], row["text"]) for row in pages),
                               clean_settings=settings, workdir=output.parent)
    records = list(clean_documents(
        ((row["doc_id"], row["text"], lines_of(chrome, row["site"])) for row in pages),
        settings))
    statuses = Counter(r.status for r in records)
    removed = Counter("spam" if r.status == "spam" else r.reason
                      for r in records if r.status != "kept")
    _finish("clean", "segments", output, records, started,
            {"rows_in": len(pages), "rows_out": len(records), "by_status": dict(statuses),
             "removed_by_reason": dict(removed),
             "site_chrome": {"sites": len(chrome),
                             "lines": sum(len(lines) for lines in chrome.values())}},
            f"{len(pages)} documents -> {len(records)} segments ({_counts(statuses)}); "
            f"removed: {_counts(removed) or 'nothing'}")


def _split(documents: Path, segments: Path, output: Path) -> None:
    started = time.perf_counter()
    pio.check_writable(output.parent)
    docs = {row["doc_id"]: row["text"]
            for row in pio.read_table(documents, schemas.DOCUMENTS).to_pylist()}
    segment_rows = pio.read_table(segments, schemas.SEGMENTS).to_pylist()
    missing = {row["doc_id"] for row in segment_rows} - docs.keys()
    if missing:
        raise PipelineError(f"{segments}: segments of documents not in {documents}: "
                            f"{sorted(missing)[0]}")
    nlp = pio.load_sentence_splitter()
    records = list(split_segments(docs, segment_rows, nlp))
    kept = sum(1 for row in segment_rows if row["status"] == "kept")
    _finish("split", "split", output, records, started,
            {"rows_in": kept, "rows_out": len(records)},
            f"{kept} kept segments -> {len(records)} sentences")


def _classify(split: Path, output: Path, classifier: Any, model_dir: Path) -> None:
    started = time.perf_counter()
    pio.check_writable(output.parent)
    rows = pio.read_table(split, schemas.SPLIT).to_pylist()
    records = classify_sentences(rows, classifier)
    labels = Counter(r["label"] for r in records)
    model_sha = pio.sha256_bytes((model_dir / pio.MODEL_FILE).read_bytes())
    _finish("classify", "sentences", output, records, started,
            {"rows_in": len(rows), "rows_out": len(records), "by_label": dict(labels)},
            f"{len(records)} sentences ({_counts(labels)}) with {classifier.version}",
            {"model": {"version": classifier.version, "sha256": model_sha}})


def _claims(documents: Path, segments: Path, sentences: Path, output: Path,
            traits_output: Path) -> None:
    started = time.perf_counter()
    pio.check_writable(output.parent)
    docs = {row["doc_id"]: row["text"]
            for row in pio.read_table(documents, schemas.DOCUMENTS).to_pylist()}
    segment_rows = pio.read_table(segments, schemas.SEGMENTS).to_pylist()
    sentence_rows = pio.read_table(sentences, schemas.SENTENCES).to_pylist()
    records = extract_claims(sentence_rows, docs, pio.load_parser())
    traits = build_traits(records, sentence_rows, segment_rows)
    kinds = Counter(f"{r.kind}:{r.role}" for r in records)
    _finish("claims", "claims", output, records, started,
            {"rows_in": len(sentence_rows), "rows_out": len(records), "by_kind": dict(kinds)},
            f"{len(sentence_rows)} sentences -> {len(records)} claims ({_counts(kinds)})")
    pio.write_records(traits, traits_output, schemas.TRAITS)
    pio.record_stage("traits", traits_output, "traits", len(traits), 0.0, {})
    _report(f"claims: {len(traits)} (role, trait) rows -> {traits_output}")


def _counts(counter: Counter) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items(), key=lambda kv: str(kv)))


# ---------------------------------------------------------------------------------------
# Commands.

@cli.command()
@input_dir_option
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="Folder for the tables (documents, segments, split, sentences, claims, "
                   "traits).")
@model_option
@spam_option
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="all cores", help="Worker processes.")
@click.option("--batch-size", type=click.IntRange(min=1), default=RunSettings.batch_size,
              show_default=True, help="Documents per batch (one Parquet row group each).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Run on this machine, or on a Dask cluster.")
@click.option("--scheduler", default=None,
              help="Dask scheduler address (with --engine dask; default: a local cluster "
                   "of --jobs workers).")
@click.option("--claims/--no-claims", default=True, show_default=True,
              help="Extract claims and count traits (parses the claim sentences).")
@handle_errors
def run(input_dir: Path, output: Path, model_dir: Path, spam_threshold: float, jobs: int,
        batch_size: int, engine: str, scheduler: str | None, claims: bool) -> None:
    """Run every stage on a folder of raw documents, in batches, on --jobs processes.

    Memory stays bounded (batches of --batch-size documents, written as they come); the
    tables are the same bytes whatever --jobs or --engine.

    \b
    Example:
        leadclaims run --input seeds --output outputs
        leadclaims run --input pages --output out --engine dask --scheduler tcp://host:8786
    """
    # Everything that can be checked is checked before any work: model, input, output.
    classifier = pio.load_classifier(model_dir)
    pio.list_raw_files(input_dir)
    pio.check_writable(output)
    settings = RunSettings(model_dir=model_dir, spam_threshold=spam_threshold,
                           batch_size=batch_size, jobs=jobs, claims=claims)
    started = time.perf_counter()
    if engine == "dask":
        try:
            from pipeline.dask_engine import run_dask
        except ImportError as exc:
            raise PipelineError("the dask engine needs dask[distributed] "
                                "(pip install 'leadclaims[dask]')") from exc
        summary = run_dask(input_dir, output, settings, scheduler, _report)
    else:
        summary = run_local(input_dir, output, settings, _report)
    model_sha = pio.sha256_bytes((model_dir / pio.MODEL_FILE).read_bytes())
    pio.record_run(output, summary["rows"], {
        "engine": engine, "jobs": jobs, "batch_size": batch_size,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "stages": summary["stages"], "by_status": summary["by_status"],
    }, inputs=summary["inputs"], model={"version": classifier.version, "sha256": model_sha})
    for entry in summary["inputs"]:
        if entry["status"] != "ok":
            _report(f"run: {input_dir / entry['source']}: {entry['status']}: "
                    f"{entry['reason']}")
    _report(f"run: {sum(summary['by_status'].values())} documents "
            f"({_counts(Counter(summary['by_status']))}) -> "
            + ", ".join(f"{name} {rows}" for name, rows in summary["rows"].items())
            + f" rows in {output} [{time.perf_counter() - started:.1f}s]")


@cli.command()
@input_dir_option
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="documents.parquet to write.")
@handle_errors
def ingest(input_dir: Path, output: Path) -> None:
    """Stage 1: read raw documents into documents.parquet.

    \b
    Example:
        leadclaims ingest --input seeds --output outputs/documents.parquet
    """
    _ingest(input_dir, output)


@cli.command()
@documents_option
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="segments.parquet to write.")
@spam_option
@handle_errors
def clean(documents: Path, output: Path, spam_threshold: float) -> None:
    """Stage 2: split pages into title, post and comments; mark chrome and spam.

    \b
    Example:
        leadclaims clean --documents outputs/documents.parquet \\
            --output outputs/segments.parquet
    """
    _clean(documents, output, spam_threshold)


@cli.command()
@documents_option
@segments_option
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="split.parquet to write.")
@handle_errors
def split(documents: Path, segments: Path, output: Path) -> None:
    """Stage 3: split kept segments into sentences with spaCy.

    \b
    Example:
        leadclaims split --documents outputs/documents.parquet \\
            --segments outputs/segments.parquet --output outputs/split.parquet
    """
    _split(documents, segments, output)


@cli.command()
@click.option("--input", "split_path", required=True, type=click.Path(path_type=Path),
              help="split.parquet from 'split'.")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="sentences.parquet to write.")
@model_option
@handle_errors
def classify(split_path: Path, output: Path, model_dir: Path) -> None:
    """Stage 4: label every sentence.

    \b
    Example:
        leadclaims classify --input outputs/split.parquet \\
            --output outputs/sentences.parquet
    """
    _classify(split_path, output, pio.load_classifier(model_dir), model_dir)


@cli.command()
@documents_option
@segments_option
@click.option("--sentences", required=True, type=click.Path(path_type=Path),
              help="sentences.parquet from 'classify'.")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="claims.parquet to write.")
@click.option("--traits", "traits_output", required=True, type=click.Path(path_type=Path),
              help="traits.parquet to write.")
@handle_errors
def claims(documents: Path, segments: Path, sentences: Path, output: Path,
           traits_output: Path) -> None:
    """Stage 5: structured claims of the claim sentences, and the trait counts.

    \b
    Example:
        leadclaims claims --documents outputs/documents.parquet \\
            --segments outputs/segments.parquet --sentences outputs/sentences.parquet \\
            --output outputs/claims.parquet --traits outputs/traits.parquet
    """
    _claims(documents, segments, sentences, output, traits_output)


@cli.command("train")
@click.option("--labels", "label_paths", required=True, multiple=True,
              type=click.Path(path_type=Path),
              help="Label file: .csv, Label Studio .json or doccano .jsonl (repeatable).")
@click.option("--heldout", "heldout_paths", type=click.Path(path_type=Path), multiple=True,
              help="Labeled file never trained on: the new model is compared with the "
                   "current one on it (repeatable: the files are pooled).")
@click.option("--output", "models_dir", type=click.Path(path_type=Path),
              default=DEFAULT_MODEL_DIR, show_default=True,
              help="Models folder: the new version goes to versions/<version>/.")
@click.option("--family", type=click.Choice(FAMILIES), default=None,
              help="Train this family only (default: compare all by grouped CV).")
@click.option("--seed", type=int, default=TrainingSettings().seed, show_default=True,
              help="Random seed of the training recipe and the bootstrap.")
@click.option("--force", is_flag=True,
              help="Use the new model even if its held-out macro-F1 is below the current one.")
@handle_errors
def train_command(label_paths: tuple[Path, ...], heldout_paths: tuple[Path, ...],
                  models_dir: Path,
                  family: str | None, seed: int, force: bool) -> None:
    """Train the classifier; store it as a new version; use it unless it does worse.

    Compares the model families by cross-validation grouped by source document, trains the
    best on all labels, and writes models/versions/<version>/ (model.json and card.json).
    With --heldout, prints the new model's metrics beside the current model's and the
    keyword baseline's on those sentences, and replaces the current model (models/model.json)
    only if the new one's held-out macro-F1 is not lower, unless --force.

    \b
    Example:
        leadclaims train --labels labels/seeds.csv --labels labels/corpus.csv \\
            --heldout labels/heldout.csv
    """
    started = time.perf_counter()
    settings = TrainingSettings(seed=seed)
    labels, files = pio.read_label_files(label_paths)
    if labels.unlabeled:
        _report(f"train: skipped {labels.unlabeled} rows with no label yet")
    if not labels.sentences:
        raise PipelineError("no labeled sentences in " + ", ".join(map(str, label_paths)))
    examples = to_examples(labels.sentences)
    held, held_files = None, []
    if heldout_paths:
        held_set, held_files = pio.read_label_files(heldout_paths)
        overlap = {s.text.casefold() for s in held_set.sentences} & {
            t.casefold() for t in examples.texts}
        if overlap:
            raise PipelineError(f"{', '.join(map(str, heldout_paths))}: {len(overlap)} held-out "
                                f"sentences are also in the training labels "
                                f"(e.g. {sorted(overlap)[0]!r})")
        held = to_examples(held_set.sentences)
        # Each file also on its own: held-out files can differ in kind (claim-dense pairs
        # of sentences, whole pages that are mostly `other`).
        held_by_file = {str(path): to_examples(pio.read_label_files([path])[0].sentences)
                        for path in heldout_paths} if len(heldout_paths) > 1 else {}

    comparison, predictions = {}, {}
    for name in [family] if family else FAMILIES:
        predictions[name], scheme = cross_validated_predictions(examples, settings, name)
        result = score(examples.labels, predictions[name])
        comparison[name] = {"macro_f1": result["macro_f1"],
                            "f1": {k: v["f1"] for k, v in result["per_label"].items()}}
        _report(f"train: {name}: cross-validated macro-F1 {result['macro_f1']:.3f} ({scheme})")
    best = max(comparison, key=lambda name: (comparison[name]["macro_f1"], name))
    cv = evaluate_metrics(examples.labels, predictions[best], examples.groups, seed)
    cv["scheme"] = scheme
    cv["keyword_baseline"] = score(examples.labels, keyword_baseline(examples.texts))

    data = model_bytes(export_model(train(examples, settings, best)))
    version = version_for(data, best)
    new_model = Classifier.from_data(json.loads(data), version)
    held_result = None
    if held is not None:
        new_predictions = _predict(new_model, held)
        held_result = _metrics_with_baseline(held, new_predictions, seed)
        held_result["files"] = [{"path": name, "sha256": pio.sha256_bytes(data)}
                                for name, data in held_files]
        if held_by_file:
            held_result["by_file"] = {
                name: _metrics_with_baseline(one_file, _predict(new_model, one_file), seed)
                for name, one_file in held_by_file.items()}
    card = build_card(version=version, model_sha256=pio.sha256_bytes(data), family=best,
                      files=files, sentences=labels.sentences, settings=settings,
                      cross_validation=cv, families={"chosen": best, "by_family": comparison,
                                                     "criterion": "grouped CV macro-F1"},
                      heldout=held_result)
    version_dir = pio.save_model_version(models_dir, data, card)
    click.echo(f"{version} ({best}, {len(examples)} sentences) -> {version_dir}")
    click.echo(f"\ncross-validated ({scheme}):\n{format_metrics(cv)}")
    click.echo(f"keyword baseline, same sentences: macro-F1 "
               f"{cv['keyword_baseline']['macro_f1']:.3f}")

    current = _current_model(models_dir)
    promote = True
    if held is not None and held_result is not None:
        click.echo(f"\nheld out ({', '.join(map(str, heldout_paths))}, {len(held)} "
                   "sentences):")
        click.echo(format_metrics(held_result))
        for name, result in held_result.get("by_file", {}).items():
            low, high = result["interval_95"]["macro_f1"]
            click.echo(f"  {name}: macro-F1 {result['macro_f1']:.3f} [{low:.3f}, {high:.3f}] "
                       f"on {result['sentences']} sentences; keyword baseline "
                       f"{result['keyword_baseline']['macro_f1']:.3f}")
        rows = [("new " + version, held_result["macro_f1"]),
                ("keyword baseline", held_result["keyword_baseline"]["macro_f1"])]
        if current is not None:
            current_predictions = _predict(current, held)
            current_macro = score(held.labels, current_predictions)["macro_f1"]
            rows.insert(1, ("current " + current.version, current_macro))
            promote = held_result["macro_f1"] >= current_macro or current.version == version
            paired = paired_difference(held.labels, new_predictions, current_predictions,
                                       held.groups, seed)
        click.echo("held-out macro-F1: " + "; ".join(f"{n} {m:.3f}" for n, m in rows))
        if current is not None:
            low, high = paired["interval_95"]
            click.echo(f"new minus current: {paired['difference']:+.3f} [{low:+.3f}, "
                       f"{high:+.3f}] (paired bootstrap over held-out documents)")
    if promote or force:
        pio.promote(models_dir, version_dir)
        click.echo(f"{version} is now the model in {models_dir}"
                   + (" (forced)" if not promote else ""))
    else:
        click.echo(f"kept {current.version}: the new model does worse on the held-out file "
                   "(use --force to replace it anyway)")
    _report(f"train: done [{time.perf_counter() - started:.1f}s]")


def _predict(model: Classifier, examples: Examples) -> list[str]:
    return model.predict(examples.texts, examples.contexts, examples.antecedents)


def _metrics_with_baseline(examples: Examples, predicted: list[str], seed: int
                           ) -> dict[str, Any]:
    """Metrics of a model's ``predicted`` labels for labeled examples (with bootstrap
    intervals), and the keyword baseline's on the same sentences."""
    result = evaluate_metrics(examples.labels, predicted, examples.groups, seed)
    result["keyword_baseline"] = score(examples.labels, keyword_baseline(examples.texts))
    return result


def _current_model(models_dir: Path) -> Classifier | None:
    if not (models_dir / pio.MODEL_FILE).exists():
        return None
    try:
        return pio.load_classifier(models_dir)
    except PipelineError as exc:
        _report(f"train: the current model cannot be used ({exc}); it will be replaced")
        return None


@cli.command("evaluate")
@click.option("--labels", "label_paths", required=True, multiple=True,
              type=click.Path(path_type=Path),
              help="Label file: .csv, Label Studio .json or doccano .jsonl (repeatable).")
@model_option
@click.option("--cv/--no-cv", default=False, show_default=True,
              help="Also cross-validate the training recipe on the labels, by document.")
@click.option("--seed", type=int, default=TrainingSettings().seed, show_default=True,
              help="Seed of the bootstrap (and of the recipe, with --cv).")
@handle_errors
def evaluate_command(label_paths: tuple[Path, ...], model_dir: Path, cv: bool, seed: int
                     ) -> None:
    """Print per-label precision, recall, F1 and macro-F1 on labeled sentences.

    Scores the current model on the file, with bootstrap 95% intervals (resampling source
    documents), beside the keyword baseline; with --cv, also the training recipe by
    cross-validation grouped by document (no document in both train and test).

    \b
    Example:
        leadclaims evaluate --labels labels/heldout.csv
    """
    labels, files = pio.read_label_files(label_paths)
    examples = to_examples(labels.sentences)
    classifier = pio.load_classifier(model_dir)
    _, card = pio.load_model_files(model_dir)
    trained_on = {f["sha256"] for f in card.get("training_data", {}).get("files", [])}
    seen = [name for name, data in files if pio.sha256_bytes(data) in trained_on]
    note = f" (trained on {', '.join(seen)}: these are training scores)" if seen else ""
    metrics = _metrics_with_baseline(examples, _predict(classifier, examples), seed)
    click.echo(f"model {classifier.version} on {len(examples)} sentences{note}:\n"
               f"{format_metrics(metrics)}\nkeyword baseline: macro-F1 "
               f"{metrics['keyword_baseline']['macro_f1']:.3f}")
    if cv:
        settings = TrainingSettings(seed=seed)
        result = cross_validate(examples, settings, classifier.family)
        click.echo(f"\ncross-validated ({result['scheme']}):\n{format_metrics(result)}")


@cli.command("label-export")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="CSV file to write, for people to fill in the label column.")
@click.option("--input", "sentences_path", type=click.Path(path_type=Path),
              default=Path("outputs/sentences.parquet"), show_default=True,
              help="sentences.parquet from a run.")
@click.option("--documents", type=click.Path(path_type=Path), default=None,
              help="documents.parquet of the same run (default: beside --input).")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
              help="How many sentences to export.")
@model_option
@handle_errors
def label_export(output: Path, sentences_path: Path, documents: Path | None, limit: int,
                 model_dir: Path) -> None:
    """Export the sentences the current model is least sure about, for labeling.

    Lowest margin between the two likeliest labels first, with the model's guess. Fill in
    the 'label' column in a spreadsheet and pass the file to 'train --labels' as it is.

    \b
    Example:
        leadclaims label-export --output to_label.csv --limit 100
    """
    classifier = pio.load_classifier(model_dir)
    rows = pio.read_table(sentences_path, schemas.SENTENCES).to_pylist()
    documents = documents or sentences_path.parent / "documents.parquet"
    sources = {d["doc_id"]: d["source"]
               for d in pio.read_table(documents, schemas.DOCUMENTS).to_pylist()}
    export = uncertain_sentences(rows, sources, classifier, limit)
    count = pio.write_csv_rows(export, output, list(LABEL_EXPORT_COLUMNS))
    _report(f"label-export: {count} of {len(rows)} sentences, least sure first -> {output}")


@cli.command()
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path),
              help="CSV or Parquet file with a 'text' column (optional 'context').")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="CSV or Parquet file to write (by its suffix).")
@model_option
@handle_errors
def predict(input_path: Path, output: Path, model_dir: Path) -> None:
    """Label the sentences of a CSV or Parquet file, keeping all its columns.

    Adds label, confidence and one probability column per label.

    \b
    Example:
        leadclaims predict --input mine.csv --output mine.labeled.csv
    """
    classifier = pio.load_classifier(model_dir)
    frame = pio.read_sentence_file(input_path)
    texts = frame["text"].fillna("").astype(str).tolist()
    contexts = (frame["context"].fillna("").astype(str).tolist()
                if "context" in frame.columns else None)
    probs = classifier.predict_proba(texts, contexts)
    frame = frame.copy()
    frame["label"] = [schemas.LABELS[i] for i in probs.argmax(axis=1)]
    frame["confidence"] = probs.max(axis=1).round(6)
    for j, column in enumerate(schemas.PROBABILITY_COLUMNS):
        frame[column] = probs[:, j].round(6)
    pio.write_sentence_file(frame, output)
    _report(f"predict: {len(frame)} sentences labeled with {classifier.version} -> {output}")


@cli.command()
@click.argument("output_dir", type=click.Path(path_type=Path))
@handle_errors
def verify(output_dir: Path) -> None:
    """Check an output folder's tables against its manifest.json and the schemas.

    Exit code 0 if every table matches, 1 with one line per difference otherwise.

    \b
    Example:
        leadclaims verify outputs
    """
    problems = pio.verify_output(output_dir, schemas.TABLES)
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(1)
    tables = pio.read_manifest(output_dir).get("tables", {})
    click.echo(f"{output_dir}: {len(tables)} tables match the manifest and their schemas")


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="leadclaims")
