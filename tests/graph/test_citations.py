"""References: cited policies, planned documents, programme mentions, and what is none of them."""

from __future__ import annotations

from graph.citations import find_citations
from graph.model import CitationKind as K, SourceText
from graph.normalize import normalize


def refs(text: str, own_title: str | None = None):
    src = SourceText("t.txt", text, "utf-8")
    found = find_citations(src, normalize(text), 0, own_title)
    for c in found:
        assert text[c.span.start : c.span.end] == c.span.quote
    return [(c.kind, c.title, c.doc_number) for c in found]


def test_cited_with_and_without_number():
    assert refs("根据《河南省人民政府关于实施创新驱动提速增效工程的意见》(豫政〔2019〕4号)和《建设创新型城市工作指引》,制定本方案。") == [
        (K.CITED, "河南省人民政府关于实施创新驱动提速增效工程的意见", "豫政〔2019〕4号"),
        (K.CITED, "建设创新型城市工作指引", None),
    ]


def test_documents_to_be_drafted_are_planned():
    assert refs("研究制定《科技成果转化实施细则》、《科技金融扶持办法》,出台《关于加快创新发展的意见》。") == [
        (K.PLANNED, "科技成果转化实施细则", None),
        (K.PLANNED, "科技金融扶持办法", None),
        (K.PLANNED, "关于加快创新发展的意见", None),
    ]
    # 出台了 tells what was done; a 文号 says the document exists
    assert [k for k, *_ in refs("出台了《漯河市加快研究中心建设实施方案》。制定《某某办法》(漯政〔2016〕1号)。")] == [
        K.CITED, K.CITED]


def test_page_chrome_and_own_title_are_not_references():
    text = "现将《某市科技创新实施方案》印发给你们。\n正文。\n上一篇:关于印发《某省科技特派员行动计划》的通知\n下一篇:《某某通知》"
    assert refs(text, own_title="某市科技创新实施方案") == []


def test_named_programmes():
    got = refs("深入实施“龙城英才计划”升级版和科技型中小企业“春笋”计划,支持人才申报中原英才计划,实施京津冀协同发展引智计划。")
    assert got == [
        (K.PROGRAMME, "龙城英才计划", None),
        (K.PROGRAMME, "春笋计划", None),
        (K.PROGRAMME, "中原英才计划", None),
        (K.PROGRAMME, "京津冀协同发展引智计划", None),
    ]
    # descriptive plans and generic national/provincial programmes are not names
    assert refs("实施企业家培养计划,推荐人才进入国家、省科技创新人才计划。") == []
    # a programme named inside a title belongs to the title
    assert [k for k, *_ in refs("落实《“许昌英才计划”实施办法》。")] == [K.CITED]
