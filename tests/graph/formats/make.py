"""The seeds converted to real formats, by code, at test time.

- ``portal_page``: a government portal page (navigation, breadcrumbs, an
  info table, <meta> tags, share bar, 上一篇/下一篇, footer) around the
  seed's text; the annex's task table as a <table> whose 序号 / 工作重点 /
  工作目标 cells span their task rows (rowspan) and whose unit lists are
  <br>-separated lines.
- ``word_file``: python-docx, with the plan's 一、/（一）/1. numbering made by
  numbering.xml (the labels are removed from the text), the annex as a Word
  table with vertical merges (vMerge) over the task rows, a header and a
  footer, and a text box.
- ``printed_pdf``: the document as plain HTML printed by headless Chromium
  (with its own running header and footer and page numbers), with a CJK
  font from Debian's fonts-wqy-microhei.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

from .seeds import ANNEX, CHENGDE, Paragraph, TaskTable, annex_table, plan_paragraphs

CHROME_HEAD = """<div class="top-bar"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/zwfw/">政务服务</a>
 | <a href="/hdjl/">互动交流</a></div>
<div id="nav" class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/zwgk/">信息公开</a></li>
<li><a href="/zcwj/">政策文件</a></li><li><a href="/zcjd/">政策解读</a></li><li><a href="/tzgg/">通知公告</a></li></ul></div>
<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zcwj/">政策文件</a></div>
"""
CHROME_TAIL = """<div class="bdshare">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="article-tools">【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="prev-next"><p>上一篇：<a href="/a/1.html">关于做好2021年度科技计划项目申报工作的通知</a></p>
<p>下一篇：<a href="/a/3.html">关于公布第二批市级创新平台名单的通知</a></p></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/x">国务院关于印发“十四五”国家科技创新规划的通知</a></li>
<li><a href="/y">关于进一步加强科技创新工作的若干措施</a></li></ul></div>
<div id="footer" class="footer"><p>主办单位：市人民政府办公室 承办单位：市大数据中心</p>
<p>网站标识码：1308000001 备案号：冀ICP备12345678号 <img src="/images/jiucuo.png" alt="政府网站找错"></p></div>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
"""


def _info_table(fields: list[tuple[str, str]]) -> str:
    cells = [f"<td class=\"label\">{html.escape(k)}：</td><td>{html.escape(v)}</td>" for k, v in fields]
    rows = ["<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
    return '<table class="xxgk-info" border="1">' + "".join(rows) + "</table>"


def _page(title: str, meta: dict[str, str], info: list[tuple[str, str]], body: str, charset: str | None) -> str:
    metas = "".join(f'<meta name="{k}" content="{html.escape(v)}">\n' for k, v in meta.items())
    declared = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n' if charset else ""
    return (f"<!DOCTYPE html>\n<html><head>{declared}<title>{html.escape(title)}_市人民政府门户网站</title>\n{metas}"
            '<link rel="stylesheet" href="/css/main.css"><style>.zoom p{text-indent:2em}</style></head>\n<body>\n'
            f"{CHROME_HEAD}<div class=\"main\"><div class=\"xxgk\">{_info_table(info)}</div>\n"
            f'<div class="article"><h1 class="article-title">{html.escape(title)}</h1>\n'
            '<div class="article-info">发布时间：2021-11-10 09:30 来源：市政府办公室 浏览次数：<span>1024</span>'
            '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>\n'
            f'<div id="zoom" class="zoom">\n{body}\n</div>\n{CHROME_TAIL}</div></div></body></html>\n')


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def plan_html(paragraphs: list[Paragraph]) -> str:
    """The plan's paragraphs as a CMS writes them: one <p> each, labels typed."""
    return "\n".join(_p(p.label + p.text) for p in paragraphs)


_WIDTHS = (5, 10, 19, 36, 12, 18)  # per cent, as a Word table's column widths would be


def annex_html(table: TaskTable, tbody_per_group: bool = False) -> str:
    """The task table: group cells span their task rows; unit lists are <br>-separated lines."""
    out = [_p(line) for line in table.before]
    out.append('<table border="1" cellspacing="0" class="MsoTableGrid"><colgroup>'
               + "".join(f'<col style="width:{w}%">' for w in _WIDTHS) + "</colgroup><thead><tr>"
               + "".join(f"<th>{html.escape(h)}</th>" for h in table.header) + "</tr></thead>")
    if not tbody_per_group:
        out.append("<tbody>")
    for g in table.groups:
        if tbody_per_group:
            out.append("<tbody>")
        for i, (task, lead, resp) in enumerate(g.tasks):
            row = "<tr>"
            if i == 0:
                n = len(g.tasks)
                row += "".join(f'<td rowspan="{n}">{html.escape(v)}</td>' for v in (g.number, g.heading, g.goal))
            row += f"<td>{html.escape(task)}</td>"
            row += "".join("<td>" + "<br>".join(html.escape(u) for u in units) + "</td>" for units in (lead, resp))
            out.append(row + "</tr>")
        if tbody_per_group:
            out.append("</tbody>")
    if not tbody_per_group:
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def portal_page(seed: str, charset: str | None = "utf-8") -> str:
    """The seed as a portal page (the text of the page; encode it with ``charset``)."""
    if seed == CHENGDE:
        paragraphs = plan_paragraphs()
        return _page(
            "中共承德市委办公室 承德市人民政府办公室印发《关于加快推进科技强市建设的实施方案》的通知",
            {"ArticleTitle": "中共承德市委办公室 承德市人民政府办公室印发《关于加快推进科技强市建设的实施方案》的通知",
             "PubDate": "2021-11-10 09:30", "ContentSource": "承德市人民政府办公室",
             "ColumnName": "政策文件", "Keywords": "科技强市,实施方案"},
            [("索引号", "000014349/2021-00124"), ("主题分类", "科技、教育"), ("发文机关", "中共承德市委办公室"),
             ("成文日期", "2021年11月04日"), ("发文字号", "承办〔2021〕24号"), ("发布日期", "2021年11月10日")],
            plan_html(paragraphs), charset)
    if seed == ANNEX:
        table = annex_table()
        return _page(
            table.before[-1],
            {"ArticleTitle": table.before[-1], "PubDate": "2020-04-28 16:00", "ContentSource": "许昌市人民政府"},
            [("索引号", "11411000005747371F/2020-00053"), ("主题分类", "科技"), ("发布日期", "2020年04月28日")],
            annex_html(table), charset)
    raise ValueError(seed)


# -- PDF -----------------------------------------------------------------------------------

PRINT_CSS = """@page { size: A4; margin: 22mm 18mm; }
body { font-family: "WenQuanYi Micro Hei", sans-serif; font-size: 12pt; line-height: 1.6; }
p { margin: 0 0 0.3em 0; text-indent: 2em; text-align: justify; }
p.title { text-align: center; text-indent: 0; font-size: 16pt; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
th, td { border: 1px solid #000; padding: 3px 4px; vertical-align: middle; }
tr { break-inside: avoid; }
table { table-layout: fixed; }
thead { display: table-header-group; }
"""


def print_document(seed: str) -> str:
    """The seed as a plain document page, for printing (no portal chrome)."""
    if seed == CHENGDE:
        body = plan_html(plan_paragraphs())
    elif seed == ANNEX:
        body = annex_html(annex_table())
    else:
        raise ValueError(seed)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{seed}</title>'
            f"<style>{PRINT_CSS}</style></head><body>{body}</body></html>")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_pdf(page_html: str, out: Path, header_footer: bool = True) -> Path:
    """Print an HTML page to PDF with headless Chromium (its date/title/URL/page-number header
    and footer are on unless ``header_footer`` is False)."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed")
    src = out.with_suffix(".src.html")
    src.write_text(page_html, "utf-8")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", f"--user-data-dir={out.parent / '.chromium'}",
            f"--print-to-pdf={out}"]
    if not header_footer:
        args.append("--no-pdf-header-footer")
    subprocess.run([*args, src.as_uri()], check=True, capture_output=True, timeout=120)
    src.unlink()
    return out


def printed_pdf(seed: str, out: Path) -> Path:
    return print_pdf(print_document(seed), out)


# -- Word ----------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS_DECL = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml"')


def _xml(fragment: str):
    from docx.oxml import parse_xml

    return parse_xml(fragment)


def _lvl(ilvl: int, fmt: str, text: str, suff: str = "nothing", restart: int | None = None,
         style: str | None = None) -> str:
    extra = f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else ""
    extra += f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


def add_numbering(document, abstract_id: int, num_id: int, levels: list[str]) -> None:
    """An abstract list definition and one instance of it, in the document's numbering.xml."""
    numbering = document.part.numbering_part.element
    abstract = _xml(f'<w:abstractNum {_NS_DECL} w:abstractNumId="{abstract_id}">'
                    f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>')
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums
    else:
        numbering.append(abstract)
    numbering.append(_xml(f'<w:num {_NS_DECL} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))


def number(paragraph, num_id: int, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(_xml(f'<w:numPr {_NS_DECL}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def text_box(paragraph, lines: list[str]) -> None:
    """A floating text box anchored in the paragraph, written the way Word 2010+ does: DrawingML
    in mc:Choice and the same text again as VML in mc:Fallback."""
    paras = "".join(f"<w:p><w:r><w:t>{html.escape(t)}</w:t></w:r></w:p>" for t in lines)
    run = _xml(
        f'<w:r {_NS_DECL}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="3000000" cy="400000"/><wp:wrapTopAndBottom/><wp:docPr id="901" name="文号框"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape style="width:236pt;height:31pt"><v:textbox><w:txbxContent>{paras}'
        '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    paragraph._p.append(run)


def tiny_png() -> bytes:
    """A 4×4 red PNG (a seal or a scanned figure stands for any image)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _header_footer(document, header: str) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    footer.text = "— "
    footer._p.append(_xml(f'<w:r {_NS_DECL}><w:fldChar w:fldCharType="begin"/></w:r>'))
    footer._p.append(_xml(f'<w:r {_NS_DECL}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'))
    footer._p.append(_xml(f'<w:r {_NS_DECL}><w:fldChar w:fldCharType="separate"/></w:r>'))
    footer.add_run("1")
    footer._p.append(_xml(f'<w:r {_NS_DECL}><w:fldChar w:fldCharType="end"/></w:r>'))
    footer.add_run(" —")


def plan_docx(out: Path) -> Path:
    """承德's plan: 一、 by a numbered paragraph style, （一） and 1. by direct numbering (1. never
    restarts: the plan counts its measures 1–24 through every section), 文号 in a text box, a seal."""
    import io

    import docx
    from docx.shared import Cm

    document = docx.Document()
    styles = document.styles.element
    styles.append(_xml(
        f'<w:style {_NS_DECL} w:type="paragraph" w:styleId="PolicyH1"><w:name w:val="Policy Heading 1"/>'
        '<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="71"/></w:numPr></w:pPr></w:style>'))
    add_numbering(document, 70, 71, [
        _lvl(0, "chineseCounting", "%1、", style="PolicyH1"),
        _lvl(1, "chineseCounting", "（%2）"),
        _lvl(2, "decimal", "%3.", suff="tab", restart=0),
    ])
    _header_footer(document, "承德市人民政府文件")
    paragraphs = plan_paragraphs()
    for p in paragraphs:
        if p.text.startswith("(承办"):
            continue  # in the text box of the notice line, below
        para = document.add_paragraph(p.text)
        if p.level == 0:
            para.style = document.styles["Policy Heading 1"]
        elif p.level is not None:
            number(para, 71, p.level)
        if p.text.startswith("印发《"):
            text_box(para, [next(q.text for q in paragraphs if q.text.startswith("(承办"))])
        if p.text == "2021年11月4日":
            document.add_picture(io.BytesIO(tiny_png()), width=Cm(1))
    document.save(out)
    return out


def annex_docx(out: Path) -> Path:
    """许昌's annex: 序号 / 工作重点 / 工作目标 merged vertically (vMerge) over their task rows, the
    (1)…(55) task numbers by numbering.xml, one paragraph per unit in the unit cells."""
    import docx

    table_data = annex_table()
    document = docx.Document()
    add_numbering(document, 80, 81, [_lvl(0, "decimal", "(%1)")])
    _header_footer(document, "许昌市人民政府")
    for line in table_data.before:
        document.add_paragraph(line)
    n_rows = 1 + sum(len(g.tasks) for g in table_data.groups)
    table = document.add_table(rows=n_rows, cols=6)
    table.style = document.styles["Table Grid"]
    for c, h in enumerate(table_data.header):
        table.cell(0, c).text = h
    r = 1
    for g in table_data.groups:
        first, last = r, r + len(g.tasks) - 1
        for c, value in enumerate((g.number, g.heading, g.goal)):
            cell = table.cell(first, c).merge(table.cell(last, c)) if last > first else table.cell(first, c)
            cell.text = value
        for task, lead, resp in g.tasks:
            task_cell = table.cell(r, 3)
            task_cell.text = task.split(")", 1)[1]  # the number comes from numbering.xml
            number(task_cell.paragraphs[0], 81, 0)
            for c, units in ((4, lead), (5, resp)):
                cell = table.cell(r, c)
                cell.text = units[0]
                for unit in units[1:]:
                    cell.add_paragraph(unit)
            r += 1
    document.save(out)
    return out


def word_file(seed: str, out: Path) -> Path:
    if seed == CHENGDE:
        return plan_docx(out)
    if seed == ANNEX:
        return annex_docx(out)
    raise ValueError(seed)
