"""html.py: the article of a portal page, its metadata, its tables, in any page encoding."""

from __future__ import annotations

import pytest

from graph.build import build_corpus
from graph.formats import decode_document
from graph.formats.errors import DocumentError
from graph.header import body_start_line, parse_header
from graph.lines import split_lines
from graph.paths import RAW_DIR

from .conftest import check_grid
from .make import portal_page
from .seeds import ANNEX, CHENGDE, annex_table

CHROME = ["首页", "网站首页", "您当前的位置", "分享到", "打印本页", "关闭窗口", "上一篇", "下一篇", "相关链接",
          "主办单位", "备案号", "统计代码", "浏览次数", "字体", "政务服务"]


def test_the_article_is_kept_and_the_chrome_dropped():
    src = decode_document("chengde.html", portal_page(CHENGDE).encode("utf-8"))
    assert src.format == "html" and src.encoding == "utf-8"
    for word in CHROME:
        assert word not in src.text, word
    lines = src.text.split("\n")
    seed = [ln for ln in (RAW_DIR / CHENGDE).read_text("utf-8").splitlines() if ln.strip()]
    body = lines[lines.index(seed[0]):]
    assert body[: len(seed)] == seed  # every paragraph of the article, one per line, in order
    assert lines[0] == "索引号：000014349/2021-00124"
    assert lines[5].startswith("中共承德市委办公室 承德市人民政府办公室印发《")  # the page's <h1>


def test_info_table_fields_are_lines_the_header_reads_with_real_spans():
    src = decode_document("chengde.html", portal_page(CHENGDE).encode("utf-8"))
    assert "发文字号：承办〔2021〕24号\n" in src.text and "成文日期：2021年11月04日\n" in src.text
    lines = split_lines(src.text)
    header = parse_header(src, lines, body_start_line(src, lines))
    assert header.doc_number.quote == "承办〔2021〕24号"
    assert src.text[header.doc_number.start:header.doc_number.end] == header.doc_number.quote
    meta = dict(src.meta)
    assert meta["PubDate"] == "2021-11-10 09:30" and meta["发文机关"] == "中共承德市委办公室"
    assert meta["ArticleTitle"].endswith("实施方案》的通知")


@pytest.mark.parametrize("declared, codec", [
    ("utf-8", "utf-8"),
    ("gb2312", "gbk"),  # labelled GB2312, written in GBK, as such pages are
    ("GBK", "gbk"),
    ("gb18030", "gb18030"),
    (None, "gbk"),  # no declaration at all
    (None, "utf-8"),
])
def test_every_page_encoding_gives_the_same_text(declared, codec):
    reference = decode_document("p.html", portal_page(ANNEX).encode("utf-8")).text
    src = decode_document("p.html", portal_page(ANNEX, charset=declared).encode(codec))
    assert src.text == reference
    assert src.encoding == ("gb18030" if codec != "utf-8" else "utf-8")
    assert not src.notes


def test_a_mislabelled_page_is_read_and_noted():
    src = decode_document("p.html", portal_page(ANNEX, charset="utf-8").encode("gbk"))
    assert "许昌市加快科技创新" in src.text
    assert any("declares utf-8" in n for n in src.notes)


def test_gb18030_four_byte_characters():
    page = "<html><body><div><p>一、总体要求</p><p>支持𠀀字号企业和䶮氏研究院开展科技创新活动，建设一批新型研发机构和创新平台。</p></div></body></html>"
    src = decode_document("p.html", page.encode("gb18030"))
    assert "支持𠀀字号企业和䶮氏研究院" in src.text


def test_the_task_table_is_a_grid_with_its_merged_cells():
    src = decode_document("annex.html", portal_page(ANNEX).encode("utf-8"))
    (grid,) = src.grids
    fields = check_grid(src, grid)
    table = annex_table()
    assert fields[0] == table.header
    assert len(fields) == 1 + 55
    cells = {(c.row, c.col): c for c in grid.cells}
    row = 1
    for g in table.groups:
        for col in (0, 1, 2):  # 序号, 工作重点, 工作目标 span the group's task rows
            assert cells[(row, col)].rowspan == len(g.tasks)
        for task, lead, resp in g.tasks:
            assert src.text[cells[(row, 3)].start:cells[(row, 3)].end] == task
            assert fields[row][4] == " ".join(lead)  # <br>-separated units: one space each
            row += 1
    assert src.text[grid.end] == "\n"


def test_colspan_captions_lists_layout_tables_and_what_is_not_read():
    page = """<html><body><div class="nav"><a href="/">首页</a></div><div id="zoom">
    <p>一、主要任务</p>
    <table><tr><td><p>（一）加强组织领导，建立健全科技创新工作推进机制。</p></td></tr></table>
    <ol><li>建设创新平台</li><li>培育科技型企业</li></ol>
    <p><img src="/upload/seal.png" alt="印章"> 附件：<a href="/upload/annex.xls">任务分工表.xls</a></p>
    <table border="1"><caption>重点任务分工表</caption>
      <tr><th rowspan="2">序号</th><th rowspan="2">任务</th><th colspan="2">责任单位</th></tr>
      <tr><th>牵头单位</th><th>配合单位</th></tr>
      <tr><td>1</td><td>建设创新平台</td><td>市科技局</td><td>市发改委<br/>市财政局</td></tr>
    </table></div></body></html>"""
    src = decode_document("p.html", page.encode("utf-8"))
    lines = src.text.split("\n")
    assert "（一）加强组织领导，建立健全科技创新工作推进机制。" in lines  # a one-cell layout table is text
    assert "1.建设创新平台" in lines and "2.培育科技型企业" in lines  # <ol> numbers as a reader sees them
    assert "重点任务分工表" in lines
    (grid,) = src.grids
    fields = check_grid(src, grid)
    assert fields == [["序号", "任务", "责任单位", ""], ["", "", "牵头单位", "配合单位"],
                      ["1", "建设创新平台", "市科技局", "市发改委 市财政局"]]
    assert any("img not read" in n and "印章" in n for n in src.notes)
    assert any("attachment not read" in n and "annex.xls" in n for n in src.notes)
    assert "首页" not in src.text


def test_an_info_list_instead_of_a_table():
    page = """<html><head><meta name="ArticleTitle" content="关于加快科技创新的实施意见"></head><body>
    <ul class="xxgk"><li><b>索引号：</b>A01-2021-0003</li><li><b>发文字号：</b>常政发〔2021〕20号</li>
    <li><b>成文日期：</b>2021年02月10日</li></ul>
    <h1>关于加快科技创新的实施意见</h1>
    <div class="content"><p>一、总体要求</p><p>（一）加强组织领导，建立健全科技创新工作推进机制和考核评价制度。</p></div>
    </body></html>"""
    src = decode_document("p.html", page.encode("utf-8"))
    assert src.text.split("\n")[:4] == ["索引号：A01-2021-0003", "发文字号：常政发〔2021〕20号",
                                        "成文日期：2021年02月10日", "关于加快科技创新的实施意见"]


def test_a_page_without_an_article_is_refused_by_name():
    page = """<html><head><title>市人民政府</title></head><body><div class="nav">
    <a href="/1">网站首页</a><a href="/2">政务公开</a><a href="/3">政策文件</a><a href="/4">互动交流</a>
    <a href="/5">关于加快推进科技强市建设的实施方案</a><a href="/6">关于印发重点任务分工方案的通知</a>
    </div><div class="footer">主办单位：市人民政府办公室</div></body></html>"""
    with pytest.raises(DocumentError, match=r"^nav\.html: no article text found"):
        decode_document("nav.html", page.encode("utf-8"))


def test_page_metadata_fills_the_header_where_text_and_manifest_are_silent(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    page = """<html><head><meta name="ArticleTitle" content="漯河市加快科技创新的若干措施">
    <meta name="PubDate" content="2023-05-26 10:00"><meta name="Url" content="https://www.luohe.gov.cn/a/1.html">
    </head><body><table class="info"><tr><td>发文机关：</td><td>漯河市人民政府</td>
    <td>成文日期：</td><td>2023年05月20日</td></tr></table><div id="zoom">
    <p>一、主要措施</p><p>（一）支持企业建设研发平台，对新认定的省级研发平台给予奖励。（责任单位：市科技局）</p>
    <p>（二）培育科技型中小企业，每年新增备案企业100家以上。（责任单位：市工信局）</p></div></body></html>"""
    (raw / "luohe-measures.html").write_bytes(page.encode("utf-8"))
    (raw / "sources.toml").write_text('[[document]]\nfile = "luohe-measures.html"\ncity = "漯河"\n', "utf-8")
    result = build_corpus(raw)
    assert not result.errors, result.errors
    (facts,) = result.facts
    assert facts.meta.issued == "2023-05-20"  # 成文日期 before the publication date
    assert [i.org.name for i in facts.meta.issuers] == ["漯河市人民政府"]
    assert facts.meta.url == "https://www.luohe.gov.cn/a/1.html"
    assert {r.mention.surface for r in facts.responsibilities} >= {"市科技局", "市工信局"}
