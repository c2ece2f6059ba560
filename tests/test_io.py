"""Parquet tables: schema checks, atomic writes, raw folders."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import io as pio
from pipeline import schemas
from pipeline.errors import PipelineError

from .conftest import write_page

DOC = {"doc_id": "a", "source": "a.txt", "format": "txt", "record_id": None, "url": None,
       "site": "dir:.", "date": None, "title": None, "n_chars": 3, "sha256": "0" * 64,
       "encoding": "utf-8", "status": "ok", "reason": None, "duplicate_of": None, "text": "abc"}


def test_round_trip_keeps_schema_and_descriptions(tmp_path):
    path = tmp_path / "documents.parquet"
    assert pio.write_records([DOC], path, schemas.DOCUMENTS) == 1
    table = pio.read_table(path, schemas.DOCUMENTS)
    assert table.to_pylist() == [DOC]
    field = pq.read_schema(path).field("doc_id")
    assert field.metadata[b"description"].startswith(b"Stable id")


def test_reading_refuses_a_table_of_another_schema_naming_the_column(tmp_path):
    path = tmp_path / "documents.parquet"
    pq.write_table(pa.table({"doc_id": ["a"], "source": [1]}), path)
    with pytest.raises(PipelineError, match="column 'source' has type int64"):
        pio.read_table(path, schemas.DOCUMENTS)
    pq.write_table(pa.table({"doc_id": ["a"]}), path)
    with pytest.raises(PipelineError, match="column 'source' is missing"):
        pio.read_table(path, schemas.DOCUMENTS)
    path.write_bytes(b"not parquet")
    with pytest.raises(PipelineError, match="not a readable Parquet file"):
        pio.read_table(path, schemas.DOCUMENTS)


def test_a_failed_write_leaves_the_old_table(tmp_path):
    path = tmp_path / "documents.parquet"
    pio.write_records([DOC], path, schemas.DOCUMENTS)
    before = path.read_bytes()
    with pytest.raises(PipelineError):
        pio.write_records([{**DOC, "n_chars": "three"}], path, schemas.DOCUMENTS)

    def boom():
        yield DOC
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        pio.write_records(boom(), path, schemas.DOCUMENTS)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["documents.parquet"]


def test_raw_folder_listing_and_errors(tmp_path):
    with pytest.raises(PipelineError, match="input folder does not exist"):
        list(pio.iter_raw_files(tmp_path / "missing"))
    with pytest.raises(PipelineError, match="no raw documents"):
        list(pio.iter_raw_files(tmp_path))
    write_page(tmp_path, "b.txt", "B")
    write_page(tmp_path, "sub/a.txt", "A")
    write_page(tmp_path, "notes.md", "ignored")
    assert [r.source for r in pio.iter_raw_files(tmp_path)] == ["b.txt", "sub/a.txt"]
