"""graph/header.py: what a document says about itself, each fact with the span it is written in."""

from __future__ import annotations

from graph.header import body_start_line, doc_number_of, doc_number_text, find_doc_numbers, parse_header
from graph.lines import split_lines
from graph.model import SourceText
from graph.normalize import normalize

COVER_NOTICE = """许昌市人民政府
许政〔2020〕18号

许昌市人民政府关于印发许昌市创新型城市建设实施方案的通知

各县（市、区）人民政府，城乡一体化示范区、经济技术开发区、东城区管委会，市人民政府各部门：
    现将《许昌市创新型城市建设实施方案》印发给你们，请认真贯彻执行。

2020年4月24日

许昌市创新型城市建设实施方案

    根据《河南省人民政府关于实施创新驱动提速增效工程的意见》（豫政〔2019〕4号），制定本方案。
一、总体要求
    以习近平新时代中国特色社会主义思想为指导。
"""


def _read(text: str, name: str = "doc.txt"):
    src = SourceText(name, text, "utf-8")
    lines = split_lines(src.text)
    body = body_start_line(src, lines)
    return src, lines, body, parse_header(src, lines, body)


def _check_spans(src: SourceText, header) -> None:
    for span in [header.title, header.doc_number, *(header.issuers), header.issued[1] if header.issued else None]:
        if span is not None:
            assert src.text[span.start:span.end] == span.quote and span.document == src.name


def test_a_cover_notice_gives_title_number_date_and_issuer():
    src, lines, body, header = _read(COVER_NOTICE)
    _check_spans(src, header)
    assert lines[body].stripped == "一、总体要求"
    assert header.title.quote == "许昌市创新型城市建设实施方案"
    assert header.doc_number.quote == "许政〔2020〕18号"
    assert header.issued[0] == "2020-04-24" and header.issued[1].quote == "2020年4月24日"
    assert [s.quote for s in header.issuers] == ["许昌市人民政府"]


def test_a_number_inside_a_citation_is_not_the_document_s_own():
    text = COVER_NOTICE.replace("许政〔2020〕18号\n", "")
    src, _, _, header = _read(text)
    assert header.doc_number is None  # only 《…》（豫政〔2019〕4号） is left, and it is cited


def test_issuers_leading_the_title_are_issuers():
    text = "中共常州市委 常州市人民政府 关于加快推进科技创新的实施意见\n\n2021年2月10日\n\n一、总体要求\n加快创新。\n"
    src, _, _, header = _read(text)
    _check_spans(src, header)
    assert [s.quote for s in header.issuers] == ["中共常州市委", "常州市人民政府"]
    assert header.title.quote == "关于加快推进科技创新的实施意见"
    assert header.issued[0] == "2021-02-10"


def test_a_saved_web_page_gives_its_number_and_page_date():
    text = ("您当前的位置：首页 > 政策文件\n文件编号：承市政〔2021〕11号\n2021-11-04 09:30\n"
            "承德市科技创新三年行动计划\n一、主要目标\n到2023年。\n")
    src, _, _, header = _read(text)
    _check_spans(src, header)
    assert header.doc_number.quote == "承市政〔2021〕11号"
    assert header.title.quote == "承德市科技创新三年行动计划"
    assert header.issued[0] == "2021-11-04"  # no date line: the page's date


def test_an_impossible_date_is_no_date():
    text = "某市科技创新实施方案\n\n2021年13月40日\n\n一、总体要求\n加快。\n"
    assert _read(text)[3].issued is None


def test_a_document_without_numbered_body_is_all_header():
    src, lines, body, header = _read("关于科技创新的若干政策\n\n加快科技创新。\n")
    assert body == len(lines)
    assert header.title.quote == "关于科技创新的若干政策"


def test_document_numbers_in_every_bracket_style_read_the_same():
    for written in ("许政〔2020〕18号", "许政[2020]18号", "许政［2020］18号", "许政﹝2020﹞18号", "许政 〔 2020 〕 18 号"):
        norm = normalize(written)
        found = find_doc_numbers(norm, 0, len(norm))
        assert [f[2] for f in found] == ["许政〔2020〕18号"], written
        assert doc_number_of(SourceText("x", written, "utf-8").span(0, len(written))) == "许政〔2020〕18号"
    assert doc_number_text("豫政", "2019", "4") == "豫政〔2019〕4号"
    assert doc_number_of(None) is None
