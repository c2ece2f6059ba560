from pipeline.text import fold, strip_markup, visible_text


def test_visible_text_strips_tags_and_urls_and_maps_offsets():
    raw = 'Hi <a href="http://x.io/a">there</a>, see http://example.com/p?q=1.\n\nNext  line'
    view = visible_text(raw)
    assert view.text == "Hi there, see .\n\nNext line"
    start = view.text.index("there")
    a, b = view.raw_span(start, start + len("there"))
    assert raw[a:b] == "there"
    start = view.text.index("Next")
    a, b = view.raw_span(start, len(view.text))
    assert raw[a:b] == "Next  line"


def test_visible_text_keeps_line_structure():
    view = visible_text("one\r\ntwo   \n\n\n  three")
    assert view.text == "one\ntwo\n\nthree"


def test_visible_text_of_a_span_and_of_markup_only():
    raw = "xx <b>bold</b> yy"
    view = visible_text(raw, 3, 14)
    assert view.text == "bold"
    assert visible_text("<br/> <img src='a.png'>").text == ""


def test_url_keeps_trailing_full_stop():
    assert visible_text("Read www.site.org/page.").text == "Read ."


def test_fold_and_strip_markup():
    assert fold("  a \n\t b  ") == "a b"
    assert strip_markup("<i>a</i> http://u.v/w b") == "a  b"
