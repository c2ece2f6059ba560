"""Run every stage over a folder of pages in bounded batches: one process, several, or Dask.

A run has two passes, because a site's chrome is only known once all its pages are read:

1. **ingest**: the input is cut into batches of pages (``batch_size`` pages, in input
   order); workers decode and judge each page and return its duplicate signature and the
   keys of the lines that could be its site's chrome. The driver marks duplicates (in
   input order), appends the batch to ``documents`` and counts each distinct page's lines
   per site (``pipeline.sites``).
2. **analyse**: the driver reads ``documents`` back one row group at a time and sends each
   batch's readable pages, with the chrome lines of their sites, to the workers, which run
   clean, split, classify and claims on them and return their tables.

Each worker loads spaCy and the model once and keeps them. Tables are appended as one
Parquet row group per batch, in batch order, so memory stays bounded whatever the corpus
size, and the tables are the same bytes whatever the number of workers or the engine.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from pipeline import io as pio
from pipeline import schemas
from pipeline.claims import TraitTally, extract_claims
from pipeline.classify import classify_sentences
from pipeline.clean import CleanSettings, clean_documents
from pipeline.dedupe import DuplicateFinder, signature
from pipeline.errors import PipelineError
from pipeline.ingest import RawFile, ingest_documents
from pipeline.sites import SiteChrome, SiteLineCounter, candidate_keys, lines_of
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
class IngestResult:
    """A batch of pages after ingest: their ``documents`` rows and what the driver needs."""

    documents: pa.Table
    signatures: list[tuple[str, str, np.ndarray]]
    """(doc_id, source, MinHash values) of each readable page, for the duplicate check."""
    site_keys: dict[str, tuple[str, set[int]]]
    """doc_id → (site, keys of the page's candidate chrome lines), for each readable page."""
    seconds: dict[str, float]
    counts: dict[str, Counter[str]]


@dataclass
class BatchResult:
    """The tables of one batch of readable pages, and the seconds each stage took on it."""

    tables: dict[str, pa.Table]
    seconds: dict[str, float]
    counts: dict[str, Counter[str]]
    """Per stage: rows in, rows out, and rows by status or reason."""


Page = tuple[str, str, frozenset[int]]
"""A readable page for the analyse pass: doc_id, text and its site's chrome line keys."""


class Worker:
    """A worker's loaded models: spaCy's sentence splitter and parser, the classifier."""

    def __init__(self, model_dir: Path, spam_threshold: float, claims: bool = True) -> None:
        self.classifier = pio.load_classifier(model_dir)
        self.splitter = pio.load_sentence_splitter()
        self.parser = pio.load_parser() if claims else None
        self.clean_settings = CleanSettings(spam=SpamSettings(threshold=spam_threshold))

    def ingest(self, batch: Sequence[RawFile]) -> IngestResult:
        """Ingest a batch of raw pages."""
        started = time.perf_counter()
        documents = list(ingest_documents(batch, self.clean_settings))
        readable = [d for d in documents if d.status == "ok"]
        signatures = [(d.doc_id, d.source, signature(d.text)) for d in readable]
        site_keys = {d.doc_id: (d.site, candidate_keys(d.text, d.site, self.clean_settings))
                     for d in readable}
        counts = {"ingest": Counter({"rows_in": len(batch), "rows_out": len(documents)})
                  + Counter(f"status:{d.status}" for d in documents)}
        return IngestResult(pio.to_table(documents, schemas.DOCUMENTS), signatures, site_keys,
                            {"ingest": time.perf_counter() - started}, counts)

    def analyse(self, pages: Sequence[Page]) -> BatchResult:
        """Run clean, split, classify (and claims) on a batch of readable pages."""
        seconds: dict[str, float] = {}
        tick = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal tick
            now = time.perf_counter()
            seconds[stage] = now - tick
            tick = now

        raw = {doc_id: text for doc_id, text, _ in pages}
        segments = [asdict(s) for s in clean_documents(pages, self.clean_settings)]
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
            "clean": Counter({"rows_in": len(raw), "rows_out": len(segments)})
            + Counter(f"removed:{'spam' if s['status'] == 'spam' else s['reason']}"
                      for s in segments if s["status"] != "kept"),
            "split": Counter({"rows_in": len(kept), "rows_out": len(split)}),
            "classify": Counter({"rows_in": len(split), "rows_out": len(sentences)})
            + Counter(f"label:{r['label']}" for r in sentences),
        }
        tables = {
            "segments": pio.to_table(segments, schemas.SEGMENTS),
            "split": pio.to_table(split, schemas.SPLIT),
            "sentences": pio.to_table(sentences, schemas.SENTENCES),
        }
        if self.parser is not None:
            counts["claims"] = Counter({"rows_in": len(sentences), "rows_out": len(claims)})
            tables["claims"] = pio.to_table(claims, schemas.CLAIMS)
        return BatchResult(tables, seconds, counts)


_WORKER: Worker | None = None


def init_worker(model_dir: Path, spam_threshold: float, claims: bool = True) -> None:
    """Load the models of this process once (a process pool's initializer)."""
    # One thread per worker process: the processes are the parallelism.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    global _WORKER
    _WORKER = Worker(model_dir, spam_threshold, claims)


def _worker() -> Worker:
    if _WORKER is None:
        raise RuntimeError("init_worker was not called in this process")
    return _WORKER


def ingest_batch(batch: Sequence[RawFile]) -> IngestResult:
    """Ingest a batch with this process's worker (see ``init_worker``)."""
    return _worker().ingest(batch)


def analyse_batch(pages: Sequence[Page]) -> BatchResult:
    """Analyse a batch with this process's worker (see ``init_worker``)."""
    return _worker().analyse(pages)


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


Submit = Callable[[Callable[..., Any], tuple[Any, ...]], Any]
"""``submit(function, args)``: start a task; returns something with ``get()`` or
``result()``."""


class _Done:
    """A task run at once, in this process (the ``submit`` of a one-process run)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def get(self) -> Any:
        return self.value


def run_local(input_path: Path, output: Path, settings: RunSettings,
              progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run on this machine with ``settings.jobs`` worker processes (1: in this process)."""
    if settings.jobs <= 1:
        init_worker(settings.model_dir, settings.spam_threshold, settings.claims)
        return execute(input_path, output, settings, lambda f, args: _Done(f(*args)), 1,
                       progress)
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(settings.jobs, initializer=init_worker,
                      initargs=(settings.model_dir, settings.spam_threshold,
                                settings.claims)) as pool:
        return execute(input_path, output, settings, pool.apply_async, 2 * settings.jobs,
                       progress)


def in_order(submit: Submit, function: Callable[[Any], Any], work: Iterable[Any],
             window: int) -> Iterator[Any]:
    """Submit ``function`` on each item of ``work`` with at most ``window`` in flight; yield
    the results in order. Reading the input only as fast as results come back keeps the
    driver's memory bounded."""
    pending: list[Any] = []

    def result(handle: Any) -> Any:
        return handle.get() if hasattr(handle, "get") else handle.result()

    for item in work:
        pending.append(submit(function, (item,)))
        if len(pending) >= window:
            yield result(pending.pop(0))
    for handle in pending:
        yield result(handle)


def mark_duplicates(result: IngestResult, duplicates: DuplicateFinder) -> pa.Table:
    """The batch's ``documents`` with each page that repeats an earlier page (in input
    order) marked as a duplicate of it."""
    kept_of = {}
    for doc_id, source, values in result.signatures:
        kept = duplicates.check(doc_id, source, values)
        if kept is not None:
            kept_of[doc_id] = kept
    if not kept_of:
        return result.documents
    documents = result.documents.to_pylist()
    for row in documents:
        if row["doc_id"] in kept_of:
            kept_id, kept_source = kept_of[row["doc_id"]]
            row.update(status="duplicate", reason=f"near-duplicate of {kept_source}",
                       duplicate_of=kept_id)
    return pio.to_table(documents, schemas.DOCUMENTS)


def readable_pages(documents: Path, chrome: SiteChrome) -> Iterator[list[Page]]:
    """The readable pages of a ``documents`` file, one batch per row group, each with its
    site's chrome lines."""
    for table in pio.iter_row_groups(documents, ["doc_id", "status", "site", "text"]):
        pages = [(row["doc_id"], row["text"], lines_of(chrome, row["site"]))
                 for row in table.to_pylist() if row["status"] == "ok"]
        if pages:
            yield pages


def execute(input_path: Path, output: Path, settings: RunSettings, submit: Submit,
            window: int, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Both passes of a run (see the module's docstring), with tasks started by ``submit``
    and at most ``window`` in flight; commits the tables at the end."""
    started = time.perf_counter()
    seconds: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    statuses: Counter[str] = Counter()
    traits = TraitTally()
    duplicates = DuplicateFinder()
    sites = SiteLineCounter(workdir=output)
    inputs = []

    def tally(result: IngestResult | BatchResult) -> None:
        seconds.update(result.seconds)
        for stage, counter in result.counts.items():
            counts.setdefault(stage, Counter()).update(counter)

    names = [name for name in BATCH_TABLES if settings.claims or name != "claims"]
    with pio.TableSink(output, {name: schemas.TABLES[name] for name in names}) as sink:
        try:
            for number, result in enumerate(in_order(
                    submit, ingest_batch, batches(input_path, settings.batch_size), window),
                    start=1):
                tally(result)
                documents = mark_duplicates(result, duplicates)
                sink.write({"documents": documents})
                for row in documents.select(["doc_id", "status"]).to_pylist():
                    if row["status"] == "ok":
                        sites.add(*result.site_keys[row["doc_id"]])
                statuses.update(documents.column("status").to_pylist())
                inputs.extend(documents.select(["source", "sha256", "status", "reason"])
                              .to_pylist())
                progress(f"run: ingest batch {number}, {sum(statuses.values())} documents")
            if not statuses.get("ok"):
                raise PipelineError(f"no readable document among {sum(statuses.values())} "
                                    "files; no table written")
            chrome = sites.chrome()
        finally:
            sites.close()
        if chrome:
            progress(f"run: chrome learned on {len(chrome)} sites "
                     f"({sum(len(lines) for lines in chrome.values())} lines)")
        documents_file = sink.finish("documents")
        done = 0
        for result in in_order(submit, analyse_batch, readable_pages(documents_file, chrome),
                               window):
            tally(result)
            sink.write(result.tables)
            if "claims" in result.tables:
                traits.add(result.tables["claims"].to_pylist(),
                           result.tables["sentences"].to_pylist(),
                           result.tables["segments"].to_pylist())
            done += len(set(result.tables["segments"].column("doc_id").to_pylist()))
            progress(f"run: analysed {done} of {statuses['ok']} readable documents")
        if settings.claims:
            sink.write_whole("traits", pio.to_table(traits.records(), schemas.TRAITS),
                             schemas.TRAITS)
        rows = sink.commit()
    stages = {stage: {"seconds": round(seconds[stage], 3), **dict(sorted(counter.items()))}
              for stage, counter in counts.items()}
    return {"rows": rows, "stages": stages,
            "wall_seconds": round(time.perf_counter() - started, 3), "inputs": inputs,
            "by_status": dict(statuses)}
