"""Property-based tests: any text in, no exception, offsets inside, no text invented."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_document, page_verdict
from pipeline.ingest import decode_bytes
from pipeline.split import split_segments
from pipeline.text import fold, strip_markup, visible_text

# Text with the characters that matter to the cleaner: markup, URLs, line breaks, names.
PIECES = st.sampled_from([
    "\n", "\n\n", "  ", "<a href='x'>", "</a>", "<br>", "http://x.io/a", "Leave a Reply",
    "12 comments", "Reply", "dennis", "Jane Doe says:", "March 3, 2020 at 9:00 pm", "1. ",
    "* ", "Feedback: ", "Leaders inspire.", "managers plan", "?", "!", ".", "\t", "é", "“",
    "#tag", "%d bloggers like this:", "\r\n",
])
PAGES = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@given(PAGES)
@settings(max_examples=300, deadline=None)
def test_clean_never_fails_and_never_invents_text(raw):
    segments = clean_document("d", raw)
    for s in segments:
        assert 0 <= s.char_start < s.char_end <= len(raw)
        assert fold(strip_markup(raw[s.char_start:s.char_end])) == fold(s.text)
    kept = [s for s in segments if s.status == "kept"]
    for a, b in itertools.pairwise(kept):
        assert a.char_end <= b.char_start
    assert page_verdict(raw)[0] in ("ok", "empty", "chrome_only", "foreign_language",
                                    "off_topic")


@given(PAGES)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_split_never_fails_and_sentences_come_from_the_page(nlp, raw):
    segments = [s.__dict__ for s in clean_document("d", raw)]
    for sentence in split_segments({"d": raw}, segments, nlp):
        assert 0 <= sentence.char_start < sentence.char_end <= len(raw)
        assert fold(strip_markup(raw[sentence.char_start:sentence.char_end])) == sentence.text
        assert sentence.text.strip() == sentence.text and sentence.text


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_visible_text_offsets_point_at_the_same_characters(raw):
    view = visible_text(raw)
    for i, ch in enumerate(view.text):
        if not ch.isspace():
            assert raw[view.offsets[i]] == ch


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None)
def test_decoding_any_bytes_never_fails(data):
    text, _encoding, problem = decode_bytes(data)
    assert (text is None) == (problem is not None)
    if text is not None:
        assert "\r" not in text and "\x00" not in text
