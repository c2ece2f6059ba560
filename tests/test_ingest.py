import codecs

from pipeline.ingest import RawFile, decode_bytes, doc_id_for, ingest_document


def test_utf8_page_is_ok_with_title_and_hash():
    record = ingest_document(RawFile("a/page.txt", b"Leaders vs managers\n\nBody."))
    assert record.status == "ok"
    assert record.title == "Leaders vs managers"
    assert record.doc_id == doc_id_for("a/page.txt")
    assert len(record.sha256) == 64
    assert record.n_chars == len("Leaders vs managers\n\nBody.")


def test_doc_id_depends_on_source_not_order():
    assert doc_id_for("x.txt") == doc_id_for("x.txt")
    assert doc_id_for("x.txt") != doc_id_for("y.txt")


def test_encodings_are_decoded():
    text = "Managers’ “rules” – café\n"
    assert decode_bytes(text.encode("utf-8"))[0] == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))[0] == text
    assert decode_bytes(text.encode("utf-16"))[0] == text
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252", None)
    messy = b"Managers plan.\r\nLeaders\x00 inspire.\rThe end.\n" * 5
    assert decode_bytes(messy)[0] == "Managers plan.\nLeaders inspire.\nThe end.\n" * 5


def test_binary_file_is_quarantined_with_reason():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    record = ingest_document(RawFile("image.txt", png))
    assert record.status == "quarantined"
    assert "binary" in record.reason
    assert record.text == ""


def test_empty_and_whitespace_documents():
    assert ingest_document(RawFile("e.txt", b"")).status == "empty"
    record = ingest_document(RawFile("w.txt", b" \n\t\n"))
    assert (record.status, record.reason) == ("empty", "only white space")
