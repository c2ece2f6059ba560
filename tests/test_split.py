"""Sentence splitting on small segments written for the case."""

from pipeline.clean import clean_document
from pipeline.split import line_blocks, split_segments
from pipeline.text import fold, strip_markup, visible_text


def split_raw(raw, nlp):
    segments = [s.__dict__ for s in clean_document("d", raw)]
    return list(split_segments({"d": raw}, segments, nlp))


def test_sentences_never_cross_a_deliberate_line_break(nlp):
    raw = ("Leaders and managers\n\nWhat a leader does:\n* sets direction\n* builds trust\n"
           "Managers plan\nLeaders inspire\n")
    texts = [s.text for s in split_raw(raw, nlp)]
    assert texts == ["Leaders and managers", "What a leader does:", "sets direction",
                     "builds trust", "Managers plan", "Leaders inspire"]


def test_hard_wrapped_prose_is_joined(nlp):
    raw = ("A note on bosses\n\nIn most companies I have worked for, the managers who did best "
           "were\nthe ones who explained their decisions. The others did not last.\n")
    texts = [s.text for s in split_raw(raw, nlp)]
    assert texts[1:] == ["In most companies I have worked for, the managers who did best were "
                         "the ones who explained their decisions.", "The others did not last."]


def test_offsets_trace_back_to_raw_text(nlp):
    raw = ("Managing people\n\n1) Managers <b>plan</b> the work. Leaders set the "
           "<i>direction</i>!\n2) See http://example.com/x. Both matter.\n")
    sentences = split_raw(raw, nlp)
    assert [s.text for s in sentences] == [
        "Managing people", "Managers plan the work.", "Leaders set the direction!", "See .",
        "Both matter."]
    for s in sentences:
        assert fold(strip_markup(raw[s.char_start:s.char_end])) == s.text
    assert [s.position for s in sentences] == list(range(len(sentences)))
    assert sentences[1].sentence_id == "d#0001"


def test_removed_segments_give_no_sentences(nlp):
    raw = "Title here\n\nLeave a Reply\nYour email address will not be published.\n"
    assert [s.text for s in split_raw(raw, nlp)] == ["Title here"]


def test_line_blocks_strip_list_markers():
    view = visible_text("- first item\n2. second item\nplain")
    assert [view.text[a:b] for a, b in line_blocks(view)] == [
        "first item", "second item", "plain"]
