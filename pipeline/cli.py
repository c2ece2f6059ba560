"""The ``leadclaims`` command: thin wiring of options, stages, I/O, progress and errors."""

from __future__ import annotations

import functools
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline import __version__, schemas
from pipeline import io as pio
from pipeline.classify import (
    TrainingSettings,
    classify_sentences,
    cross_validate,
    export_model,
    model_bytes,
    train,
    version_for,
)
from pipeline.clean import CleanSettings, clean_documents
from pipeline.errors import PipelineError
from pipeline.ingest import ingest_documents
from pipeline.spam import SpamSettings
from pipeline.split import split_segments
from pipeline.training import build_card, format_metrics, validate_rows

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
    records = list(ingest_documents(pio.iter_raw_files(input_dir)))
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
    pairs = [(row["doc_id"], row["text"]) for row in table.to_pylist() if row["status"] == "ok"]
    records = list(clean_documents(pairs, settings))
    statuses = Counter(r.status for r in records)
    removed = Counter("spam" if r.status == "spam" else r.reason
                      for r in records if r.status != "kept")
    _finish("clean", "segments", output, records, started,
            {"rows_in": len(pairs), "rows_out": len(records), "by_status": dict(statuses),
             "removed_by_reason": dict(removed)},
            f"{len(pairs)} documents -> {len(records)} segments ({_counts(statuses)}); "
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


def _counts(counter: Counter) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items(), key=lambda kv: str(kv)))


# ---------------------------------------------------------------------------------------
# Commands.

@cli.command()
@click.option("--input", "input_dir", required=True, type=click.Path(path_type=Path),
              help="Folder of raw .txt documents.")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="Folder for the tables (documents, segments, split, sentences).")
@model_option
@spam_option
@handle_errors
def run(input_dir: Path, output: Path, model_dir: Path, spam_threshold: float) -> None:
    """Run every stage on a folder of raw documents.

    \b
    Example:
        leadclaims run --input seeds --output outputs
    """
    # Everything that can be checked is checked before any work: model, output folder.
    classifier = pio.load_classifier(model_dir)
    pio.list_raw_files(input_dir)
    pio.check_writable(output)
    tables = {name: output / f"{name}.parquet" for name in schemas.TABLES}
    _ingest(input_dir, tables["documents"])
    _clean(tables["documents"], tables["segments"], spam_threshold)
    _split(tables["documents"], tables["segments"], tables["split"])
    _classify(tables["split"], tables["sentences"], classifier, model_dir)


@cli.command()
@click.option("--input", "input_dir", required=True, type=click.Path(path_type=Path),
              help="Folder of raw .txt documents.")
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
@click.option("--documents", required=True, type=click.Path(path_type=Path),
              help="documents.parquet from 'ingest'.")
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
@click.option("--documents", required=True, type=click.Path(path_type=Path),
              help="documents.parquet from 'ingest'.")
@click.option("--segments", required=True, type=click.Path(path_type=Path),
              help="segments.parquet from 'clean'.")
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


def _read_labels(paths: tuple[Path, ...]) -> tuple[list[Any], list[tuple[str, bytes]]]:
    sentences, files = [], []
    for path in paths:
        rows = pio.read_csv_rows(path)
        sentences.extend(validate_rows(rows, str(path)))
        files.append((path.as_posix(), path.read_bytes()))
    return sentences, files


@cli.command("train")
@click.option("--labels", "label_paths", required=True, multiple=True,
              type=click.Path(path_type=Path), help="Label CSV file (repeatable).")
@click.option("--output", "model_dir", type=click.Path(path_type=Path),
              default=DEFAULT_MODEL_DIR, show_default=True,
              help="Folder to write model.json and card.json into.")
@click.option("--seed", type=int, default=TrainingSettings().seed, show_default=True,
              help="Random seed of the training recipe.")
@handle_errors
def train_command(label_paths: tuple[Path, ...], model_dir: Path, seed: int) -> None:
    """Train the classifier on labeled sentences; write the model and its card.

    \b
    Example:
        leadclaims train --labels labels/seeds.csv --output models
    """
    timer = _Timer("train")
    settings = TrainingSettings(seed=seed)
    sentences, files = _read_labels(label_paths)
    texts = [s.text for s in sentences]
    contexts = [s.context for s in sentences]
    labels = [s.label for s in sentences]
    cv = cross_validate(texts, contexts, labels, [s.source for s in sentences], settings)
    data = model_bytes(export_model(train(texts, contexts, labels, settings)))
    version = version_for(data)
    card = build_card(version=version, model_sha256=pio.sha256_bytes(data), files=files,
                      sentences=sentences, cv=cv, settings=settings)
    pio.save_model(model_dir, data, card)
    click.echo(f"cross-validated ({cv['scheme']}):\n{format_metrics(cv)}")
    timer.done(f"{len(sentences)} sentences -> {version} in {model_dir}")


@cli.command()
@click.option("--labels", "label_paths", required=True, multiple=True,
              type=click.Path(path_type=Path), help="Label CSV file (repeatable).")
@model_option
@click.option("--cv/--no-cv", default=True, show_default=True,
              help="Also cross-validate the training recipe on the labels, by document.")
@handle_errors
def evaluate(label_paths: tuple[Path, ...], model_dir: Path, cv: bool) -> None:
    """Print per-label precision, recall, F1 and macro-F1 on labeled sentences.

    Scores the current model on the file, and (with --cv) the training recipe by
    cross-validation grouped by document, so no document is in both train and test.

    \b
    Example:
        leadclaims evaluate --labels labels/seeds.csv
    """
    from pipeline.classify import score

    sentences, files = _read_labels(label_paths)
    classifier = pio.load_classifier(model_dir)
    _, card = pio.load_model_files(model_dir)
    trained_on = {f["sha256"] for f in card.get("training_data", {}).get("files", [])}
    texts = [s.text for s in sentences]
    contexts = [s.context for s in sentences]
    labels = [s.label for s in sentences]
    metrics = score(labels, classifier.predict(texts, contexts))
    seen = [name for name, data in files if pio.sha256_bytes(data) in trained_on]
    note = f" (trained on {', '.join(seen)}: these are training scores)" if seen else ""
    click.echo(f"model {classifier.version} on {len(sentences)} sentences{note}:\n"
               f"{format_metrics(metrics)}")
    if cv:
        result = cross_validate(texts, contexts, labels, [s.source for s in sentences])
        click.echo(f"\ncross-validated ({result['scheme']}):\n{format_metrics(result)}")


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
