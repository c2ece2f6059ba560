"""Run every stage over a folder of pages in bounded batches: one process, several, or Dask.

The input is cut into batches of documents (``batch_size`` pages, in sorted path order).
Each batch goes through all the stages in one worker, which loads spaCy and the model once
and keeps them; its tables come back to the driver, which appends them to the output tables
as one Parquet row group per batch, in batch order. So memory stays bounded whatever the
corpus size, and the tables are the same bytes whatever the number of workers or the engine.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import io as pio
from pipeline import schemas
from pipeline.claims import TraitTally, extract_claims
from pipeline.classify import classify_sentences
from pipeline.clean import CleanSettings, clean_documents
from pipeline.dedupe import DuplicateFinder, signature
from pipeline.errors import PipelineError
from pipeline.ingest import RawFile, ingest_documents
from pipeline.spam import SpamSettings
from pipeline.split import split_segments

BATCH_TABLES = ("documents", "segments", "split", "sentences", "claims")
"""Tables built batch by batch; ``traits`` is tallied over all batches at the end."""


@dataclass(frozen=True)
class RunSettings:
    """What a run needs besides its input and output folders."""

    model_dir: Path
    spam_threshold: float = SpamSettings().threshold
    batch_size: int = 100
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    claims: bool = True
    """Also extract claims and count traits (the parser's work); off: stop after classify."""


@dataclass
class BatchResult:
    """The tables of one batch, and the seconds each stage took on it."""

    tables: dict[str, pa.Table]
    seconds: dict[str, float]
    signatures: list[tuple[str, str, np.ndarray]]
    """(doc_id, source, MinHash values) of each readable page, for the duplicate check."""
    counts: dict[str, Counter[str]]
    """Per stage: rows in, rows out, and rows by status or reason."""


class Worker:
    """A worker's loaded models: spaCy's sentence splitter and parser, the classifier."""

    def __init__(self, model_dir: Path, spam_threshold: float, claims: bool = True) -> None:
        self.classifier = pio.load_classifier(model_dir)
        self.splitter = pio.load_sentence_splitter()
        self.parser = pio.load_parser() if claims else None
        self.clean_settings = CleanSettings(spam=SpamSettings(threshold=spam_threshold))

    def process(self, batch: Sequence[RawFile]) -> BatchResult:
        """Run every stage on a batch of raw pages."""
        seconds: dict[str, float] = {}
        tick = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal tick
            now = time.perf_counter()
            seconds[stage] = now - tick
            tick = now

        documents = list(ingest_documents(batch, self.clean_settings))
        signatures = [(d.doc_id, d.source, signature(d.text)) for d in documents
                      if d.status == "ok"]
        lap("ingest")
        raw = {d.doc_id: d.text for d in documents if d.status == "ok"}
        segments = [asdict(s) for s in clean_documents(raw.items(), self.clean_settings)]
        lap("clean")
        split = [asdict(s) for s in split_segments(raw, segments, self.splitter)]
        lap("split")
        sentences = classify_sentences(split, self.classifier)
        lap("classify")
        claims = []
        if self.parser is not None:
            claims = extract_claims(sentences, raw, self.parser)
            lap("claims")
        kept = [s for s in segments if s["status"] == "kept"]
        counts = {
            "ingest": Counter({"rows_in": len(batch), "rows_out": len(documents)})
            + Counter(f"status:{d.status}" for d in documents),
            "clean": Counter({"rows_in": len(raw), "rows_out": len(segments)})
            + Counter(f"removed:{'spam' if s['status'] == 'spam' else s['reason']}"
                      for s in segments if s["status"] != "kept"),
            "split": Counter({"rows_in": len(kept), "rows_out": len(split)}),
            "classify": Counter({"rows_in": len(split), "rows_out": len(sentences)})
            + Counter(f"label:{r['label']}" for r in sentences),
        }
        if self.parser is not None:
            counts["claims"] = Counter({"rows_in": len(sentences), "rows_out": len(claims)})
        tables = {
            "documents": pio.to_table(documents, schemas.DOCUMENTS),
            "segments": pio.to_table(segments, schemas.SEGMENTS),
            "split": pio.to_table(split, schemas.SPLIT),
            "sentences": pio.to_table(sentences, schemas.SENTENCES),
        }
        if self.parser is not None:
            tables["claims"] = pio.to_table(claims, schemas.CLAIMS)
        return BatchResult(tables, seconds, signatures, counts)


_WORKER: Worker | None = None


def init_worker(model_dir: Path, spam_threshold: float, claims: bool = True) -> None:
    """Load the models of this process once (a process pool's initializer)."""
    # One thread per worker process: the processes are the parallelism.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    global _WORKER
    _WORKER = Worker(model_dir, spam_threshold, claims)


def process_batch(batch: Sequence[RawFile]) -> BatchResult:
    """Process a batch with this process's worker (see ``init_worker``)."""
    if _WORKER is None:
        raise RuntimeError("init_worker was not called in this process")
    return _WORKER.process(batch)


def batches(input_path: Path, batch_size: int) -> Iterator[list[RawFile]]:
    """The input's pages (files, and records of crawl dumps) in order, in batches."""
    batch: list[RawFile] = []
    for raw in pio.iter_raw_files(input_path):
        batch.append(raw)
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_local(input_path: Path, output: Path, settings: RunSettings,
              progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run on this machine with ``settings.jobs`` worker processes (1: in this process)."""
    work = batches(input_path, settings.batch_size)
    if settings.jobs <= 1:
        init_worker(settings.model_dir, settings.spam_threshold, settings.claims)
        return _collect(map(process_batch, work), output, settings, progress)
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(settings.jobs, initializer=init_worker,
                      initargs=(settings.model_dir, settings.spam_threshold,
                                settings.claims)) as pool:
        return _collect(in_order(pool.apply_async, work, 2 * settings.jobs), output, settings,
                        progress)


def in_order(submit: Callable[..., Any], work: Iterator[list[RawFile]], window: int
             ) -> Iterator[BatchResult]:
    """Submit batches with at most ``window`` in flight; yield their results in order.

    ``submit(function, args)`` returns something with ``get()`` or ``result()``. Reading the
    input only as fast as results come back keeps the driver's memory bounded.
    """
    pending: list[Any] = []

    def result(handle: Any) -> BatchResult:
        return handle.get() if hasattr(handle, "get") else handle.result()

    for batch in work:
        pending.append(submit(process_batch, (batch,)))
        if len(pending) >= window:
            yield result(pending.pop(0))
    for handle in pending:
        yield result(handle)


def drop_duplicates(tables: dict[str, pa.Table], signatures: list[tuple[str, str, np.ndarray]],
                    duplicates: DuplicateFinder) -> dict[str, pa.Table]:
    """Mark the batch's pages that repeat an earlier page (in input order) as duplicates in
    ``documents``, and drop their rows from the other tables."""
    kept_of = {}
    for doc_id, source, values in signatures:
        kept = duplicates.check(doc_id, source, values)
        if kept is not None:
            kept_of[doc_id] = kept
    if not kept_of:
        return tables
    documents = tables["documents"].to_pylist()
    for row in documents:
        if row["doc_id"] in kept_of:
            kept_id, kept_source = kept_of[row["doc_id"]]
            row.update(status="duplicate", reason=f"near-duplicate of {kept_source}",
                       duplicate_of=kept_id)
    out = {"documents": pio.to_table(documents, schemas.DOCUMENTS)}
    dropped = pa.array(sorted(kept_of), type=pa.string())
    for name, table in tables.items():
        if name != "documents":
            out[name] = table.filter(pc.invert(pc.is_in(table["doc_id"], value_set=dropped)))
    return out


def _collect(results: Iterator[BatchResult], output: Path, settings: RunSettings,
             progress: Callable[[str], None]) -> dict[str, Any]:
    """Append each batch's tables to the output tables, in order; tally traits; commit."""
    started = time.perf_counter()
    seconds: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    statuses: Counter[str] = Counter()
    traits = TraitTally()
    duplicates = DuplicateFinder()
    inputs = []
    names = [name for name in BATCH_TABLES if settings.claims or name != "claims"]
    with pio.TableSink(output, {name: schemas.TABLES[name] for name in names}) as sink:
        for number, result in enumerate(results, start=1):
            tables = drop_duplicates(result.tables, result.signatures, duplicates)
            sink.write(tables)
            seconds.update(result.seconds)
            for stage, counter in result.counts.items():
                counts.setdefault(stage, Counter()).update(counter)
            if "claims" in tables:
                traits.add(tables["claims"].to_pylist(), tables["sentences"].to_pylist(),
                           tables["segments"].to_pylist())
            documents = tables["documents"]
            statuses.update(documents.column("status").to_pylist())
            inputs.extend(documents.select(["source", "sha256", "status", "reason"]).to_pylist())
            progress(f"run: batch {number}, {sum(statuses.values())} documents")
        if not statuses.get("ok"):
            raise PipelineError(f"no readable document among {sum(statuses.values())} "
                                    "files; no table written")
        if settings.claims:
            sink.write_whole("traits", pio.to_table(traits.records(), schemas.TRAITS),
                             schemas.TRAITS)
        rows = sink.commit()
    stages = {stage: {"seconds": round(seconds[stage], 3), **dict(sorted(counter.items()))}
              for stage, counter in counts.items()}
    return {"rows": rows, "stages": stages,
            "wall_seconds": round(time.perf_counter() - started, 3), "inputs": inputs,
            "by_status": dict(statuses)}
