"""Stage 1, ingest: raw files (bytes) to document records.

Decoding is done here, not in the I/O module, because it is a decision about content: which
encoding a page is in, and whether it is text at all. A file that cannot be read as text is
kept as a ``quarantined`` record with its reason, so every input file has a row.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from pipeline.clean import CleanSettings, find_title, page_verdict
from pipeline.dedupe import DuplicateFinder, signature
from pipeline.html import page_from_html
from pipeline.sites import site_of


@dataclass(frozen=True)
class RawFile:
    """A file as read from disk: its path relative to the input folder and its bytes."""

    source: str
    data: bytes
    error: str | None = None
    """Why the file or record could not be read, if it could not."""
    format: str = "txt"
    """txt, html, or, for a record of a crawl dump, jsonl or parquet."""
    record_id: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class DocumentRecord:
    """One row of ``documents.parquet`` (see ``schemas.DOCUMENTS``)."""

    doc_id: str
    source: str
    format: str
    record_id: str | None
    url: str | None
    site: str
    date: str | None
    title: str | None
    n_chars: int
    sha256: str
    encoding: str | None
    status: str
    reason: str | None
    duplicate_of: str | None
    text: str


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which decoded bytes are not text but binary data.
MAX_CONTROL_SHARE = 0.02


def doc_id_for(source: str) -> str:
    """Stable document id derived from the source path (not from run order)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes) -> tuple[str | None, str | None, str | None]:
    """Decode a raw page. Returns ``(text, encoding, problem)``; text is None if undecodable.

    Tries a byte-order mark, then UTF-8, then Windows-1252 (which also reads Latin-1 text).
    Line endings become ``\\n`` and NUL bytes are dropped, so offsets are stable.
    """
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        if _looks_like_utf16(data):
            encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        elif b"\x00" in data[:4096] and data[:4096].count(b"\x00") > len(data[:4096]) // 10:
            return None, None, "binary content (many NUL bytes), not a text file"
    candidates = [encoding] if encoding else ["utf-8", "cp1252", "latin-1"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if _control_share(text) > MAX_CONTROL_SHARE:
            return None, None, "binary content (control characters), not a text file"
        return text, candidate, None
    return None, None, f"cannot be decoded as {', '.join(candidates)}"


def _looks_like_utf16(data: bytes) -> bool:
    head = data[:4096]
    if len(head) < 4:
        return False
    even_nuls = head[0::2].count(0) / len(head[0::2])
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    return max(even_nuls, odd_nuls) > 0.4 and min(even_nuls, odd_nuls) < 0.05


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f\v")
    return controls / len(sample)


def ingest_document(raw: RawFile, settings: CleanSettings | None = None) -> DocumentRecord:
    """Turn one raw file into a document record (never raises on bad content).

    Status ``ok`` documents go on to cleaning; the others (``empty``, ``quarantined``,
    ``chrome_only``, ``foreign_language``, ``off_topic``) are recorded with their reason.
    """
    digest = hashlib.sha256(raw.data).hexdigest()
    text, encoding, problem = decode_bytes(raw.data)
    if raw.error is not None:
        text, encoding, problem = None, None, raw.error
    url, date, title = raw.url, raw.date, None
    if text is not None and raw.format == "html" and text.strip():
        page = page_from_html(text)
        text, title = page.text, page.title
        url, date = page.url or url, page.date or date
    if text is None:
        status, reason, text = "quarantined", problem, ""
    elif not text.strip():
        status, reason = "empty", "no text" if not raw.data else "only white space"
    else:
        status, reason = page_verdict(text, settings)
    return DocumentRecord(
        doc_id=doc_id_for(raw.source),
        source=raw.source,
        format=raw.format,
        record_id=raw.record_id,
        url=url,
        site=site_of(url, raw.source),
        date=date,
        title=(title or find_title(text)) if status == "ok" else None,
        n_chars=len(text),
        sha256=digest,
        encoding=encoding,
        status=status,
        reason=reason,
        duplicate_of=None,
        text=text,
    )


def ingest_documents(raws: Iterable[RawFile], settings: CleanSettings | None = None,
                     duplicates: DuplicateFinder | None = None) -> Iterator[DocumentRecord]:
    """Ingest every raw file, in the order given; with a ``DuplicateFinder``, mark each page
    that repeats an earlier one as a duplicate of it."""
    for raw in raws:
        record = ingest_document(raw, settings)
        if duplicates is not None and record.status == "ok":
            record = mark_duplicate(record, duplicates.check(
                record.doc_id, record.source, signature(record.text)))
        yield record


def mark_duplicate(record: DocumentRecord, kept: tuple[str, str] | None) -> DocumentRecord:
    """The record with status ``duplicate`` if ``kept`` names the page it repeats."""
    if kept is None:
        return record
    return replace(record, status="duplicate", reason=f"near-duplicate of {kept[1]}",
                   duplicate_of=kept[0])
