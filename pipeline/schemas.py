"""Table schemas, declared once: every writer, reader, test and the README use these.

Each table is a pyarrow schema whose fields carry a ``description`` in their metadata, so
the documentation of a column lives next to its type.
"""

from __future__ import annotations

import pyarrow as pa

LABELS: tuple[str, ...] = (
    "leadership_trait",
    "management_trait",
    "relationship_claim",
    "other",
)
"""The four sentence labels of LABELING.md, in a fixed order (probability columns follow it)."""

PROBABILITY_COLUMNS: tuple[str, ...] = tuple(f"p_{label}" for label in LABELS)

SEGMENT_KINDS: tuple[str, ...] = ("title", "post", "comment", "chrome")
SEGMENT_STATUSES: tuple[str, ...] = ("kept", "boilerplate", "spam", "duplicate")
DOCUMENT_STATUSES: tuple[str, ...] = (
    "ok", "empty", "quarantined", "chrome_only", "foreign_language", "off_topic", "duplicate",
)


def _field(name: str, type_: pa.DataType, description: str, nullable: bool = False) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


DOCUMENTS = pa.schema(
    [
        _field("doc_id", pa.string(), "Stable id: a hash of the source path."),
        _field("source", pa.string(), "File name relative to the input folder; for a record of "
               "a .jsonl or .parquet file, the file, a colon and the line or row (from 1)."),
        _field("format", pa.string(), "txt, html, jsonl or parquet."),
        _field("record_id", pa.string(), "The record's own id in a crawl dump, if it has one.",
               nullable=True),
        _field("url", pa.string(), "The page's URL (canonical link or og:url in HTML; the "
               "record's url in a dump).", nullable=True),
        _field("site", pa.string(), "The site the page belongs to, for chrome learned across "
               "its pages: the URL's host, else dir: and the folder, or file: and the crawl "
               "dump, the page was read from."),
        _field("date", pa.string(), "The page's date (HTML metadata; the record's timestamp).",
               nullable=True),
        _field("title", pa.string(), "The page's title, where one was found.", nullable=True),
        _field("n_chars", pa.int64(), "Characters in the decoded text."),
        _field("sha256", pa.string(), "SHA-256 of the raw bytes of the file."),
        _field("encoding", pa.string(), "How the bytes were decoded (null if they could not be).",
               nullable=True),
        _field("status", pa.string(), "ok (cleaned further), empty, quarantined (not text), "
               "chrome_only, foreign_language, off_topic or duplicate."),
        _field("reason", pa.string(), "Why the status is not ok.", nullable=True),
        _field("duplicate_of", pa.string(), "For a duplicate: the doc_id of the page kept.",
               nullable=True),
        _field("text", pa.large_string(), "The decoded raw text; offsets in other tables point "
               "into it."),
    ]
)

SEGMENTS = pa.schema(
    [
        _field("doc_id", pa.string(), "The document this piece comes from."),
        _field("segment_id", pa.string(), "doc_id, a slash and the piece's order in the page."),
        _field("kind", pa.string(), "title, post, comment or chrome."),
        _field("author", pa.string(), "Author of the post or comment, where the page names one.",
               nullable=True),
        _field("comment_index", pa.int32(), "Which comment of the thread (0-based); null outside "
               "comments.", nullable=True),
        _field("text", pa.large_string(), "Visible text: markup and bare URLs removed, white "
               "space folded within lines."),
        _field("char_start", pa.int64(), "Start offset in the document's text."),
        _field("char_end", pa.int64(), "End offset (exclusive) in the document's text."),
        _field("status", pa.string(), "kept, boilerplate, spam or duplicate."),
        _field("reason", pa.string(), "Why the piece was removed (null when kept).",
               nullable=True),
        _field("spam_score", pa.float64(), "Off-topic/spam score of the comment, 0 to 1; null "
               "outside comments.", nullable=True),
    ]
)

_SENTENCE_FIELDS = [
    _field("doc_id", pa.string(), "The document of the sentence."),
    _field("segment_id", pa.string(), "The kept segment the sentence comes from."),
    _field("sentence_id", pa.string(), "doc_id, a hash sign and the sentence's position."),
    _field("position", pa.int32(), "Order of the sentence in its document (0-based)."),
    _field("text", pa.large_string(), "The sentence, white space folded."),
    _field("char_start", pa.int64(), "Start offset in the document's text."),
    _field("char_end", pa.int64(), "End offset (exclusive) in the document's text."),
]

SPLIT = pa.schema(_SENTENCE_FIELDS)
"""Sentences before classification (the split stage's output)."""

SENTENCES = pa.schema(
    [
        *_SENTENCE_FIELDS,
        _field("label", pa.string(), "One of the four labels of LABELING.md."),
        _field("confidence", pa.float64(), "Probability of the chosen label."),
        *[
            _field(column, pa.float64(), f"Probability of {label}.")
            for column, label in zip(PROBABILITY_COLUMNS, LABELS)
        ],
        _field("model_version", pa.string(), "Version of the classifier that labeled the row."),
    ]
)

CLAIM_KINDS: tuple[str, ...] = ("trait", "relationship")
CLAIM_ROLES: tuple[str, ...] = ("leadership", "management", "both")
RELATIONS: tuple[str, ...] = (
    "distinct", "same", "complementary", "opposed", "overlapping", "hierarchical", "both_needed",
)

CLAIMS = pa.schema(
    [
        _field("claim_id", pa.string(), "sentence_id, a slash and the claim's order in it."),
        _field("sentence_id", pa.string(), "The sentence the claim comes from."),
        _field("doc_id", pa.string(), "The document of the sentence."),
        _field("kind", pa.string(), "trait or relationship."),
        _field("role", pa.string(), "leadership, management, or both (relationship claims)."),
        _field("phrase", pa.large_string(), "The trait or relation as it stands in the text."),
        _field("trait", pa.string(), "The phrase normalised to a short canonical form "
               "(lemmatised, stop words and hedges dropped); null for relationship claims.",
               nullable=True),
        _field("relation", pa.string(), "For relationship claims: distinct, same, "
               "complementary, opposed, overlapping, hierarchical or both_needed.",
               nullable=True),
        _field("negated", pa.bool_(), "True when the text denies the claim."),
        _field("attributed_to", pa.string(), "The person the text quotes or paraphrases.",
               nullable=True),
        _field("char_start", pa.int64(), "Start offset of the phrase in the document's text."),
        _field("char_end", pa.int64(), "End offset (exclusive) of the phrase."),
    ]
)

TRAITS = pa.schema(
    [
        _field("role", pa.string(), "leadership or management."),
        _field("trait", pa.string(), "Canonical trait, as in claims.trait."),
        _field("n_claims", pa.int64(), "Claims that make it."),
        _field("n_documents", pa.int64(), "Documents that make it."),
        _field("n_authors", pa.int64(), "Distinct comment/post authors that make it."),
        _field("example_sentence_id", pa.string(), "One sentence that makes it."),
        _field("example_phrase", pa.large_string(), "That sentence's phrase."),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "segments": SEGMENTS,
    "split": SPLIT,
    "sentences": SENTENCES,
    "claims": CLAIMS,
    "traits": TRAITS,
}
"""Every table the pipeline writes, by name; the file is ``<name>.parquet``."""


def markdown_tables() -> str:
    """Every table's columns as Markdown, for the README (``python -m pipeline.schemas``)."""
    parts = []
    for name, schema in TABLES.items():
        parts += [f"### `{name}.parquet`", "", "| column | type | meaning |", "|---|---|---|"]
        for field in schema:
            nullable = " (nullable)" if field.nullable else ""
            description = field.metadata[b"description"].decode()
            parts.append(f"| `{field.name}` | {field.type}{nullable} | {description} |")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown_tables())
