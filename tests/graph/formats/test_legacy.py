"""legacy.py: .doc and RTF files converted by LibreOffice, or refused with the fix named."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from graph.formats import decode_document, legacy
from graph.formats.errors import DocumentError

from .seeds import ANNEX, CHENGDE

needs_soffice = pytest.mark.skipif(
    legacy.soffice() is None,
    reason="LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui; .ci/run does)")


def _save_as(docx: Path, fmt: str, tmp_path: Path) -> Path:
    """LibreOffice writes the Word file as an old binary .doc (or RTF), as WPS or Word 97 would."""
    out = tmp_path / "out"
    subprocess.run([legacy.soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", fmt, "--outdir", str(out), str(docx)], check=True, capture_output=True,
                   timeout=180)
    return out / docx.with_suffix(f".{fmt}").name


_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", re.M)


@needs_soffice
@pytest.mark.parametrize("seed", [CHENGDE, ANNEX])
def test_a_doc_reads_as_the_word_file_it_was_saved_from(made, tmp_path, seed):
    docx = made(seed, "docx")
    doc = _save_as(docx, "doc", tmp_path)
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    src = decode_document(doc.name.replace(".doc", ".wps"), doc.read_bytes())  # the name does not matter
    original = decode_document(docx.name, docx.read_bytes())
    assert src.format == "doc" and any("LibreOffice" in n for n in src.notes)
    if seed == CHENGDE:
        # LibreOffice's .doc keeps the levels and formats (一、 （一） 1.) but not "never restart"
        # (w:lvlRestart 0): its 1. starts again under each （一）. Everything else is the same.
        assert _LABEL.findall(src.text)[:4] == ["一、", "二、", "（一）", "（二）"]
        assert _LABEL.sub("", src.text) == _LABEL.sub("", original.text)
    else:
        # numbering, merged cells survive the round trip through the binary format
        assert src.text == original.text
        assert [(c.row, c.col, c.rowspan, c.colspan) for g in src.grids for c in g.cells] == \
            [(c.row, c.col, c.rowspan, c.colspan) for g in original.grids for c in g.cells]


@needs_soffice
def test_rtf_too(made, tmp_path):
    rtf = _save_as(made(CHENGDE, "docx"), "rtf", tmp_path)
    src = decode_document("plan.rtf", rtf.read_bytes())
    assert "1.建设承德可持续发展研究院。" in src.text and "(责任单位:市科技局、市教育局、河北石油职业技术大学)" in src.text


@needs_soffice
def test_a_damaged_doc_is_refused_by_name():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20
    with pytest.raises(DocumentError, match=r"^bad\.doc: LibreOffice could not (convert|read) it"):
        decode_document("bad.doc", data)


def test_without_libreoffice_the_fix_is_named(monkeypatch):
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(DocumentError, match=r"^old\.doc: .*needs LibreOffice.*apt-get install libreoffice-writer"
                                            r"-nogui.*or save the file as \.docx"):
        decode_document("old.doc", data)


def test_excel_files_are_named_not_converted():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(400) + "Workbook".encode("utf-16-le") + bytes(400)
    with pytest.raises(DocumentError, match=r"^tasks\.xls: the file is an Excel workbook"):
        decode_document("tasks.xls", data)
