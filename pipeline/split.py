"""Stage 3, split: kept segments to sentences, with offsets into the raw document.

A page breaks lines on purpose (a list item, a one-line answer, a paragraph), so a sentence
never crosses a line break, except where a line is visibly hard-wrapped prose (a long line
with no closing punctuation followed by one that starts in lower case). Within a line, spaCy
finds the sentence boundaries. Leading list markers ("1)", "*", "-") are not part of a
sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from pipeline.text import VisibleText, fold, visible_text

KEPT_KINDS = ("title", "post", "comment")
_LIST_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[*•\-–—·+]|\(\w\))\s+")
_LINE_END = re.compile(r"[.!?:;]['\"”’)\]]*$")
# A line this long with no closing punctuation, followed by a lower-case line, was wrapped.
SOFT_WRAP_MIN_CHARS = 60


@dataclass(frozen=True)
class SentenceRecord:
    """One row of ``split.parquet`` (see ``schemas.SPLIT``)."""

    doc_id: str
    segment_id: str
    sentence_id: str
    position: int
    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class _Block:
    doc_id: str
    segment_id: str
    view: VisibleText
    start: int  # slice of view.text
    end: int


def line_blocks(view: VisibleText) -> Iterator[tuple[int, int]]:
    """Spans ``(start, end)`` of ``view.text`` that a sentence may not cross.

    Each line is a block, list markers stripped; a hard-wrapped line is joined to the next.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in view.text.split("\n"):
        if line:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        line = view.text[start:end]
        if merged:
            prev = view.text[merged[-1][0] : merged[-1][1]]
            if (
                len(prev) >= SOFT_WRAP_MIN_CHARS
                and not _LINE_END.search(prev)
                and line[0].islower()
                and not _LIST_MARKER.match(line)
            ):
                merged[-1] = (merged[-1][0], end)
                continue
        marker = _LIST_MARKER.match(line)
        if marker and marker.end() < len(line):
            start += marker.end()
        merged.append((start, end))
    yield from merged


def _blocks(documents: Mapping[str, str], segments: Iterable[Mapping[str, Any]]) -> Iterator[
        _Block]:
    for segment in segments:
        if segment["status"] != "kept" or segment["kind"] not in KEPT_KINDS:
            continue
        raw = documents[segment["doc_id"]]
        view = visible_text(raw, segment["char_start"], segment["char_end"])
        for start, end in line_blocks(view):
            yield _Block(segment["doc_id"], segment["segment_id"], view, start, end)


def split_segments(
    documents: Mapping[str, str],
    segments: Iterable[Mapping[str, Any]],
    nlp: Language,
    batch_size: int = 256,
) -> Iterator[SentenceRecord]:
    """Split the kept segments into sentences.

    ``documents`` maps doc_id to raw text; ``segments`` are rows of ``segments.parquet`` in
    document order; ``nlp`` is a spaCy pipeline that sets sentence boundaries.
    Positions count sentences within each document, in order.
    """
    positions: dict[str, int] = {}
    texts_with_blocks = ((b.view.text[b.start : b.end], b) for b in _blocks(documents, segments))
    for doc, block in nlp.pipe(texts_with_blocks, as_tuples=True, batch_size=batch_size):
        for sent in doc.sents:
            start, end = _trim(block.view.text, block.start + sent.start_char,
                               block.start + sent.end_char)
            if start >= end or not any(ch.isalnum() for ch in block.view.text[start:end]):
                continue
            char_start, char_end = block.view.raw_span(start, end)
            position = positions.get(block.doc_id, 0)
            positions[block.doc_id] = position + 1
            yield SentenceRecord(
                doc_id=block.doc_id,
                segment_id=block.segment_id,
                sentence_id=f"{block.doc_id}#{position:04d}",
                position=position,
                text=fold(block.view.text[start:end]),
                char_start=char_start,
                char_end=char_end,
            )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
