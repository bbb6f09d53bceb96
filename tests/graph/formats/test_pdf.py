"""pdf.py: printed PDFs read back as paragraphs and grids; unusable text layers refused."""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from graph.formats import decode_document
from graph.formats.errors import DocumentError
from graph.formats.pdf import _PAGE_NUMBER, _fix_char
from graph.paths import RAW_DIR

from .conftest import NO_CHROMIUM, check_grid
from .make import chromium, portal_page, print_pdf, tiny_png
from .seeds import ANNEX, CHENGDE, annex_table

needs_chromium = pytest.mark.skipif(chromium() is None, reason=NO_CHROMIUM)


def test_the_plan_reads_back_as_its_seed(made):
    path = made(CHENGDE, "pdf")
    src = decode_document(path.name, path.read_bytes())
    seed = [ln for ln in (RAW_DIR / CHENGDE).read_text("utf-8").splitlines() if ln.strip()]
    # lines re-joined into the seed's paragraphs (CJK: no space), across wraps and pages; Chromium's
    # running header (date, title) and footer (file URL, page x/y) dropped
    assert src.text.rstrip("\n").split("\n") == seed
    assert src.format == "pdf" and len(src.pages) >= 4 and src.pages[0] == 0
    assert list(src.pages) == sorted(set(src.pages))


def test_page_offsets_point_at_each_page_s_first_line(made):
    import pdfplumber

    path = made(CHENGDE, "pdf")
    src = decode_document(path.name, path.read_bytes())
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            body = [ln for ln in page.extract_text_lines() if ln["top"] > page.height * 0.05]
            first = body[0]["text"]
            at = src.pages[number - 1]
            assert src.text[at:at + len(first)] == first, number
            assert src.page_of(at) == number and src.page_of(at + len(first) - 1) == number


def test_the_annex_table_reads_as_the_web_page_s(made):
    path = made(ANNEX, "pdf")
    src = decode_document(path.name, path.read_bytes())
    (grid,) = src.grids  # one table over all its pages, its header row once
    fields = check_grid(src, grid)
    html = decode_document("a.html", portal_page(ANNEX).encode("utf-8"))
    assert fields == check_grid(html, html.grids[0])  # every cell, merged cells included, the same
    assert len(src.pages) > 4
    starts = {(c.row, c.col): c for c in grid.cells}
    row = 1
    for g in annex_table().groups:
        assert starts[(row, 0)].rowspan == len(g.tasks)
        row += len(g.tasks)


@needs_chromium
def test_a_merged_cell_cut_by_a_page_break_stays_one_cell(tmp_path):
    merged = '<td rowspan="40">促进科技型中小企业蓬勃发展</td>'
    rows = "".join(f"<tr>{merged if i == 0 else ''}<td>({i + 1})实施第{i + 1}项任务，完善培育孵化体系。</td>"
                   "<td>市科技局</td></tr>" for i in range(40))
    page = ('<html><head><meta charset="utf-8"><style>body{font-family:"WenQuanYi Micro Hei"}'
            "table{border-collapse:collapse}td,th{border:1px solid #000;padding:4px}</style></head><body>"
            f"<table><thead><tr><th>工作重点</th><th>重点任务</th><th>牵头单位</th></tr></thead>{rows}</table>"
            "</body></html>")
    path = print_pdf(page, tmp_path / "long.pdf")
    src = decode_document("long.pdf", path.read_bytes())
    assert len(src.pages) >= 2
    (grid,) = src.grids
    fields = check_grid(src, grid)
    assert len(fields) == 41 and fields[0] == ["工作重点", "重点任务", "牵头单位"]
    first = next(c for c in grid.cells if (c.row, c.col) == (1, 0))
    assert first.rowspan == 40
    assert [f[1] for f in fields[1:]] == [f"({i + 1})实施第{i + 1}项任务，完善培育孵化体系。" for i in range(40)]


@needs_chromium
def test_a_scanned_pdf_is_refused_not_read(tmp_path):
    png = base64.b64encode(tiny_png()).decode()
    page = f'<html><body><img src="data:image/png;base64,{png}" style="width:500px"></body></html>'
    path = print_pdf(page, tmp_path / "scan.pdf", header_footer=False)
    with pytest.raises(DocumentError, match=r"^scan\.pdf: the PDF has no text layer .*does not OCR"):
        decode_document("scan.pdf", path.read_bytes())


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file from its objects, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def cid_pdf() -> bytes:
    """Text shown in a CID font with no ToUnicode map: its characters have no Unicode."""
    glyphs = "".join(f"{g:04x}" for g in range(100, 160))
    content = f"BT /F1 12 Tf 72 720 Td <{glyphs}> Tj ET".encode()
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 "
        b"/Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>",
    ])


def test_characters_without_unicode_are_refused_not_read():
    with pytest.raises(DocumentError, match=r"^cid\.pdf: the PDF's text layer is unusable: 60 of 60 characters"):
        decode_document("cid.pdf", cid_pdf())


def test_damaged_and_truncated_pdfs_are_refused_by_name():
    good = cid_pdf()
    with pytest.raises(DocumentError, match=r"^cut\.pdf: the PDF is truncated"):
        decode_document("cut.pdf", good[: len(good) // 2])
    junk = b"%PDF-1.7\n" + zlib.compress(bytes(range(256)) * 50) + b"\n%%EOF\n"
    with pytest.raises(DocumentError, match=r"^junk\.pdf: "):
        decode_document("junk.pdf", junk)


def test_kangxi_radicals_read_as_the_ideographs_they_look_like():
    assert "".join(_fix_char(c) for c in "⼀⼆⼯作") == "一二工作"
    assert _fix_char("、") == "、" and _fix_char("，") == "，"  # full-width punctuation is left alone


@pytest.mark.parametrize("line, is_number", [
    ("3", True), ("- 3 -", True), ("— 12 —", True), ("第3页", True), ("第 3 页 共 8 页", True), ("3/8", True),
    ("2022年", False), ("3.强化政策引导", False),
])
def test_page_number_lines(line, is_number):
    assert bool(_PAGE_NUMBER.match(line)) is is_number


def test_no_page_without_its_offset(made):
    path = made(ANNEX, "pdf")
    src = decode_document(path.name, path.read_bytes())
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert len(src.pages) == len(pdf.pages)
    assert not re.search(r"file://|\d+/\d+$", src.text, re.M)
