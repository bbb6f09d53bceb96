"""sniff.py: the bytes choose the decoder, not the file name."""

from __future__ import annotations

import io
import zipfile

import pytest

from graph.formats import decode_document
from graph.formats.errors import DocumentError
from graph.formats.sniff import sniff
from graph.paths import RAW_DIR

from .seeds import CHENGDE


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("data, name, kind", [
    (b"%PDF-1.7\n...", "plan.txt", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "plan.docx", "ole"),
    (b"{\\rtf1\\ansi ...}", "plan.doc", "ole"),
    (_zip(["[Content_Types].xml", "word/document.xml"]), "plan.pdf", "docx"),
    ("<!DOCTYPE html><html><body><p>一、总体要求</p></body></html>".encode(), "page.txt", "html"),
    (b"\xef\xbb\xbf<html><head><meta charset=utf-8>", "page", "html"),
    (b"<!-- saved from url=(0043) -->\r\n<html>", "page.txt", "html"),
    ("<p>一、总体要求</p>".encode(), "page.htm", "html"),  # a fragment is markup only by its name
    ("<p>一、总体要求</p>".encode(), "page.txt", "txt"),
    ("一、总体要求\n".encode(), "plan.html", "txt"),  # no markup at all: plain text, whatever the name
])
def test_the_content_decides(data, name, kind):
    assert sniff(data, name) == kind


@pytest.mark.parametrize("names, what", [
    (["[Content_Types].xml", "xl/workbook.xml"], "Excel"),
    (["a.txt", "b.txt"], "zip archive"),
])
def test_other_zips_are_named(names, what):
    with pytest.raises(DocumentError, match=f"x.docx: .*{what}"):
        decode_document("x.docx", _zip(names))


def test_a_txt_seed_still_decodes_as_it_is():
    data = (RAW_DIR / CHENGDE).read_bytes()
    src = decode_document(CHENGDE, data)
    assert src.format == "txt" and src.text == data.decode("utf-8") and not src.grids
