"""docx.py: Word numbering rebuilt from numbering.xml, merged cells, text boxes; headers dropped."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from graph.formats import decode_document
from graph.formats.docx import chinese_number, format_number
from graph.formats.errors import DocumentError
from graph.normalize import normalize
from graph.paths import RAW_DIR

from .conftest import check_grid
from .make import _NS_DECL, _lvl, _xml, add_numbering, number, tiny_png
from .seeds import ANNEX, CHENGDE, annex_table


def _decode(document) -> object:
    buf = io.BytesIO()
    document.save(buf)
    return decode_document("t.docx", buf.getvalue())


def test_the_plan_reads_as_its_seed_with_the_numbers_word_draws(made):
    src = decode_document("chengde.docx", made(CHENGDE, "docx").read_bytes())
    seed = [ln for ln in (RAW_DIR / CHENGDE).read_text("utf-8").splitlines() if ln.strip()]
    lines = src.text.rstrip("\n").split("\n")
    # every label comes from numbering.xml (the fixture removed them from the text); 1.–24. run on
    # through the sections; （一） is Word's full-width spelling of the seed's (一)
    assert [normalize(ln) for ln in lines] == [normalize(ln) for ln in seed]
    assert "（一）深入实施国家战略，打造承德可持续发展强力引擎".replace("，", ",") in src.text
    assert "24.加强创新环境营造" in src.text
    assert "(承办〔2021〕24号)" in lines  # the text box, read once (DrawingML, not its VML copy too)
    assert src.text.count("(承办〔2021〕24号)") == 1
    assert "承德市人民政府文件" not in src.text and "PAGE" not in src.text  # header, footer field
    assert any("image not read" in n for n in src.notes)


def test_the_annex_table_with_vertical_merges(made):
    src = decode_document("annex.docx", made(ANNEX, "docx").read_bytes())
    (grid,) = src.grids
    fields = check_grid(src, grid)
    table = annex_table()
    assert fields[0] == table.header and len(fields) == 56
    cells = {(c.row, c.col): c for c in grid.cells}
    row, task_no = 1, 0
    for g in table.groups:
        assert [cells[(row, c)].rowspan for c in (0, 1, 2)] == [len(g.tasks)] * 3
        assert fields[row][0] == g.number
        for task, lead, resp in g.tasks:
            task_no += 1
            assert fields[row][3] == task and task.startswith(f"({task_no})")  # numbered by numbering.xml
            assert fields[row][4] == " ".join(lead)  # one paragraph per unit: one space between
            row += 1
    assert src.text.startswith("附\u3000件\n许昌市加快科技创新")


def _numbered_doc(levels, paragraphs, num_ids=(11,), overrides=""):
    d = docx.Document()
    add_numbering(d, 10, num_ids[0], levels)
    numbering = d.part.numbering_part.element
    for extra in num_ids[1:]:
        numbering.append(_xml(f'<w:num {_NS_DECL} w:numId="{extra}"><w:abstractNumId w:val="10"/>{overrides}</w:num>'))
    for text, num_id, ilvl in paragraphs:
        p = d.add_paragraph(text)
        if num_id is not None:
            number(p, num_id, ilvl)
    return d


def test_levels_restart_under_their_parent_and_formats_follow_numbering_xml():
    levels = [_lvl(0, "chineseCounting", "%1、"), _lvl(1, "chineseCounting", "（%2）"),
              _lvl(2, "decimal", "%1.%3", suff="space"), _lvl(3, "decimalEnclosedCircle", "%4")]
    paras = [("总体要求", 11, 0), ("指导思想", 11, 1), ("基本原则", 11, 1), ("坚持创新", 11, 2), ("一是", 11, 3),
             ("二是", 11, 3), ("主要任务", 11, 0), ("建设平台", 11, 1), ("不编号的段落", None, 0), ("培育企业", 11, 1)]
    lines = _decode(_numbered_doc(levels, paras)).text.split("\n")
    # %1 in a deeper level's text keeps level 1's own format (一), as Word draws it
    assert lines[:10] == ["一、总体要求", "（一）指导思想", "（二）基本原则", "一.1 坚持创新", "①一是", "②二是",
                          "二、主要任务", "（一）建设平台", "不编号的段落", "（二）培育企业"]


def test_instances_of_one_list_continue_unless_one_restarts():
    levels = [_lvl(0, "decimal", "%1.")]
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    d = _numbered_doc(levels, [("a", 11, 0), ("b", 11, 0), ("c", 12, 0), ("d", 13, 0)], num_ids=(11, 12))
    d.part.numbering_part.element.append(
        _xml(f'<w:num {_NS_DECL} w:numId="13"><w:abstractNumId w:val="10"/>{restart}</w:num>'))
    assert _decode(d).text.split("\n")[:4] == ["1.a", "2.b", "3.c", "1.d"]


def test_numbering_from_a_paragraph_style():
    d = docx.Document()
    add_numbering(d, 20, 21, [_lvl(0, "chineseCounting", "%1、", style="Heading1"),
                              _lvl(1, "chineseCounting", "（%2）", style="Heading2")])
    for sid, ilvl in (("Heading1", 0), ("Heading2", 1)):
        d.styles.element.find(f".//{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}style"
                              f"[@{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}styleId='{sid}']")\
            .get_or_add_pPr().append(_xml(f'<w:numPr {_NS_DECL}><w:numId w:val="21"/></w:numPr>'))
    for text, style in (("总体要求", "Heading 1"), ("指导思想", "Heading 2"), ("主要任务", "Heading 1"),
                        ("建设平台", "Heading 2")):
        d.add_paragraph(text, style=style)
    assert _decode(d).text.split("\n")[:4] == ["一、总体要求", "（一）指导思想", "二、主要任务", "（一）建设平台"]


@pytest.mark.parametrize("n, fmt, text", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (21, "chineseCountingThousand", "二十一"), (105, "chineseCounting", "一百零五"),
    (3, "ideographTraditional", "丙"), (3, "decimalEnclosedCircle", "③"), (12, "decimalZero", "12"),
    (28, "lowerLetter", "bb"), (4, "upperRoman", "IV"), (2, "chineseLegalSimplified", "贰"), (7, "decimal", "7"),
])
def test_number_formats(n, fmt, text):
    assert format_number(n, fmt) == text


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 15, 30, 99, 100, 101, 110)] == \
        ["一", "九", "十", "十五", "三十", "九十九", "一百", "一百零一", "一百一十"]


def test_horizontal_merges_and_skipped_grid_columns():
    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "任务"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "责任单位"
    for c, v in enumerate(["1", "建设平台", "市科技局", "市财政局"]):
        t.cell(1, c).text = v
    t.cell(2, 0).merge(t.cell(1, 0))  # 1 spans two rows
    t.cell(2, 1).text = "培育企业"
    src = _decode(d)
    (grid,) = src.grids
    fields = check_grid(src, grid)
    assert fields == [["任务", "", "责任单位", ""], ["1", "建设平台", "市科技局", "市财政局"], ["", "培育企业", "", ""]]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans[(0, 0)] == (1, 2) and spans[(1, 0)] == (2, 1)


def test_revisions_hidden_text_and_fields():
    d = docx.Document()
    p = d.add_paragraph("（一）加强")
    p._p.append(_xml(f'<w:del {_NS_DECL} w:id="1" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>'))
    p._p.append(_xml(f'<w:ins {_NS_DECL} w:id="2" w:author="a"><w:r><w:t>组织</w:t></w:r></w:ins>'))
    p._p.append(_xml(f'<w:r {_NS_DECL}><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'))
    for run in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> HYPERLINK "http://x" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', '<w:t>领导</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        p._p.append(_xml(f"<w:r {_NS_DECL}>{run}</w:r>"))
    assert _decode(d).text == "（一）加强组织领导\n"


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("一、总体要求")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_damaged_word_files_are_refused_by_name():
    good = _docx_bytes()
    with pytest.raises(DocumentError, match=r"^cut\.docx: not a readable Word document"):
        decode_document("cut.docx", good[: len(good) // 2])
    # a member whose bytes were changed in place: the zip opens, its checksum fails
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename), zipfile.ZIP_STORED)
    data = bytearray(buf.getvalue())
    at = data.find(b"<w:body>")
    data[at + 1: at + 4] = b"XYZ"
    with pytest.raises(DocumentError, match=r"^crc\.docx: .*damaged"):
        decode_document("crc.docx", bytes(data))
    # a whole zip whose document part is not XML
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = b"<w:document>not xml" if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item.filename, body)
    with pytest.raises(DocumentError, match=r"^xml\.docx: not a readable Word document"):
        decode_document("xml.docx", buf.getvalue())


def test_a_word_file_of_images_only_is_refused():
    d = docx.Document()
    d.add_picture(io.BytesIO(tiny_png()))
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(DocumentError, match=r"^scan\.docx: the Word document has no text .*image not read"):
        decode_document("scan.docx", buf.getvalue())
