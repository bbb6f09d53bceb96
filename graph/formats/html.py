"""Government portal pages: the article body, its info table and metadata, its tables.

A saved portal page is mostly chrome: navigation, breadcrumbs, share bars,
上一篇/下一篇 links, footers. The article is the element that gathers the
most running Chinese text that is not link text (a readability-style
score: each paragraph credits its parent in full and its grandparent by
half), preferring the containers Chinese CMSs name (#zoom, .TRS_Editor, …)
when they hold real text. Its title (<h1> or the element matching
<meta name="ArticleTitle">) is kept above it.

Portals publish the document's metadata twice: in <meta> tags (ArticleTitle,
PubDate, ContentSource, …) and in an info table (索引号 / 发文字号 / 成文日期
…). Info-table fields that graph/header.py and graph/furniture.py read are
rendered as lines ("发文字号：许政〔2020〕18号") at the top of the text, so
they carry real spans; every field and <meta> value is also kept on
SourceText.meta as a fallback for the extractor.

Parser: lxml.html (libxml2's HTML parser, whose tokenizer follows HTML5).
It reads tag soup — unclosed <p>/<td>, misnested <font>, layout tables —
into the same tree shapes that matter here, runs about ten times faster than
html5lib (pure Python), and comes with python-docx's dependency anyway. The
bytes are decoded by this module (BOM, <meta charset>/http-equiv, else
UTF-8, else GB18030), so that GB2312/GBK pages, declared or not, read the
same; a declared GB2312/GBK is read as GB18030, its superset, because
pages so labelled routinely use characters outside GB2312.
"""

from __future__ import annotations

import re
import lxml.html
from lxml import etree

from ..model import SourceText
from .errors import DocumentError
from .render import TextBuilder, clean_line, place_rows
from .text import check_size, decode_bytes

MAX_BYTES = 16 * 1024 * 1024  # pages carry inline scripts and styles; the text limit still applies

# -- bytes to text -------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "hz-gb-2312", "csgb2312"}


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in its first 4 KiB (<meta charset>, http-equiv, <?xml?>)."""
    head = data[:4096]
    m = _CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    if label in _GB:
        return "gb18030"
    if label in ("utf8", "utf-8"):
        return "utf-8"
    import codecs

    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(name: str, data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, notes) of a page's bytes."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", notes
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(name, data)[0], "utf-16", notes
    declared = declared_encoding(data)
    if declared:
        try:
            return data.decode(declared), declared, notes
        except UnicodeDecodeError as exc:
            # mislabelled pages are common (a GBK page still saying utf-8, or the reverse)
            text, encoding = decode_bytes(name, data)
            notes.append(f"{name}: the page declares {declared} but is not ({exc.reason} at byte {exc.start}); "
                         f"read as {encoding}")
            return text, encoding, notes
    text, encoding = decode_bytes(name, data)
    return text, encoding, notes


# -- the tree ------------------------------------------------------------------------------

_DROP = {"script", "style", "noscript", "template", "iframe", "frame", "frameset", "form", "input",
         "button", "select", "textarea", "nav", "footer", "aside", "svg", "canvas", "map", "head",
         "audio", "video", "link", "meta", "title"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
          "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "address", "center", "figure",
          "figcaption", "hr", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "body",
          "html", "fieldset", "legend", "details", "summary"}
# class/id words of page chrome inside or around an article
_CHROME = re.compile(
    r"(?:^|[-_\s])(?:share|bdshare|fenxiang|print|dayin|close|prev|next|related|xgxx|"
    r"breadcrumb|crumb|position|location|weizhi|dqwz|nav|menu|toolbar|fontsize|zihao|font-size|qrcode|ewm|"
    r"erweima|footer|foot|copyright|banquan|sidebar|comment|pinglun|search)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
# whole lines of chrome text: previous/next links, share and print bars, counters
_CHROME_LINE = re.compile(
    r"^\s*(?:上一篇|下一篇|上一条|下一条|【?打印本?页】?|【?关闭(?:本页|窗口)?】?|分享到|扫一扫|【?字体|字号[:：]|"
    r"浏览次数|阅读次数|访问量|点击数|【?返回顶部】?|返回首页|您当前的位置|当前位置)"
)
# names CMSs give the article container (checked first, kept when they hold real text)
_CONTAINERS = [
    "zoom", "Zoom", "UCAP-CONTENT", "TRS_Editor", "TRS_UEDITOR", "pages_content", "article-content",
    "article_content", "articleContent", "content_text", "contentText", "con_text", "news_content",
    "wzcon", "zwnr", "xxgk_content", "view TRS_UEDITOR", "Custom_UnionStyle", "detail-content",
    "main-content", "text_content",
]
# fields of the info table (信息公开 pages) and what furniture/header call them
_INFO_LABELS = {
    "索引号": "索引号", "主题分类": "主题分类", "主题词": "主题词", "信息分类": "主题分类",
    "发文机关": "发文机关", "发布机构": "发布机构", "发文单位": "发文机关", "公开主体": "发布机构",
    "成文日期": "成文日期", "发文日期": "成文日期", "印发日期": "成文日期",
    "发布日期": "发布日期", "公开日期": "公开日期", "发布时间": "发布日期",
    "标题": "标题", "名称": "标题", "信息名称": "信息名称", "文件名称": "标题",
    "发文字号": "发文字号", "文号": "发文字号", "文件编号": "文件编号",
    "有效性": "有效性", "时效": "有效性", "废止日期": "废止日期", "内容概述": "内容概述",
}
# the fields rendered as lines: the ones graph/furniture.py knows (header.py reads 文号 from them)
_RENDERED = ("索引号", "主题分类", "发布机构", "文件编号", "发文字号", "成文日期", "发布日期", "公开日期",
             "废止日期", "信息名称", "内容概述")
_MIN_ARTICLE = 30  # CJK characters: below this, a page has no article worth the name
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _is_chrome(el) -> bool:
    if _tag(el) in _DROP:
        return True
    words = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(words and _CHROME.search(words))


def _text_of(el) -> str:
    return "".join(el.itertext()) if isinstance(el.tag, str) else ""


# -- finding the article -------------------------------------------------------------------

def _paragraph_weight(el) -> int:
    """CJK characters an element holds directly (its text and its inline children's),
    links not counted."""
    n = _cjk(el.text or "")
    for child in el:
        t = _tag(child)
        if t and t not in _BLOCK and t != "a" and not _is_chrome(child):
            n += _cjk(_text_of(child))
        n += _cjk(child.tail or "")
    return n


def _link_density(el) -> float:
    total = _cjk(_text_of(el)) or 1
    linked = sum(_cjk(_text_of(a)) for a in el.iter("a"))
    return linked / total


def find_article(root):
    """The element holding the article text, or None."""
    for name in _CONTAINERS:
        for el in root.xpath(f'//*[@id="{name}" or contains(concat(" ", normalize-space(@class), " "), " {name} ")]'):
            if _cjk(_text_of(el)) >= _MIN_ARTICLE and _link_density(el) < 0.5:
                return el
    scores: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or _tag(el) in _DROP:
            continue
        w = _paragraph_weight(el)
        if w < 5:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + w
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + w / 2
    best, best_score = None, 0.0
    for el, score in scores.items():
        if _is_chrome(el) and _tag(el) != "body":
            continue
        score *= 1 - _link_density(el)
        if score > best_score:
            best, best_score = el, score
    if best is None or _cjk(_text_of(best)) - sum(_cjk(_text_of(a)) for a in best.iter("a")) < _MIN_ARTICLE:
        return None
    return best


def _title_element(root, article, meta: dict[str, str]):
    """The page's heading for the article when it stands outside the article element."""
    wanted = re.sub(r"\s+", "", meta.get("ArticleTitle") or meta.get("title") or "")
    candidates = [el for el in root.iter("h1", "h2", "h3") if not _is_chrome(el)]
    candidates += root.xpath('//*[contains(@class, "title") or contains(@id, "title")]')
    for el in candidates:
        if article in el.iterancestors() or el is article:
            continue
        if any(a is el for a in article.iterancestors()):
            continue
        t = re.sub(r"\s+", "", _text_of(el))
        if not t or _cjk(t) < 4 or len(t) > 200:
            continue
        if wanted and (t == wanted or t in wanted or wanted in t):
            return el
    for el in root.iter("h1"):
        if article not in el.iterancestors() and _cjk(_text_of(el)) >= 4 and not _is_chrome(el):
            return el
    return None


# -- metadata ------------------------------------------------------------------------------

def page_meta(root) -> list[tuple[str, str]]:
    """<meta name|property=… content=…> pairs and the <title>, in page order."""
    out: list[tuple[str, str]] = []
    for el in root.iter("meta"):
        key = el.get("name") or el.get("property")
        value = clean_line(el.get("content") or "")
        if key and value and len(value) <= 500 and key.lower() not in ("viewport", "robots", "renderer"):
            out.append((key, value))
    title = root.find(".//title")
    if title is not None and clean_line(_text_of(title)):
        out.append(("title", clean_line(_text_of(title))))
    return out


def _label(text: str) -> str | None:
    key = re.sub(r"[\s\u3000\u00a0:：]+", "", text)
    return _INFO_LABELS.get(key)


def info_fields(root) -> tuple[list[tuple[str, str]], set]:
    """Fields of the info table (or list) of a 信息公开 page, and the elements that hold them."""
    fields: list[tuple[str, str]] = []
    holders: set = set()
    for table in root.iter("table"):
        found: list[tuple[str, str]] = []
        for tr in table.iter("tr"):
            cells = [c for c in tr if _tag(c) in ("td", "th")]
            i = 0
            while i < len(cells):
                text = clean_line(_text_of(cells[i]))
                label = _label(text)
                if label and i + 1 < len(cells):
                    found.append((label, clean_line(_text_of(cells[i + 1]))))
                    i += 2
                    continue
                m = re.match(r"^([^:：]{2,6})\s*[:：]\s*(.+)$", text)
                if m and _label(m.group(1)):
                    found.append((_label(m.group(1)), m.group(2).strip()))
                i += 1
        if len([f for f in found if f[1]]) >= 2:
            fields += found
            holders.add(table)
    if not fields:  # info as a list: <li><b>索引号：</b>…</li>
        for el in root.iter("li", "p", "div", "span"):
            if el in holders or any(a in holders for a in el.iterancestors()):
                continue
            if len(el) > 3:
                continue
            m = re.match(r"^\s*([^:：]{2,8})\s*[:：]\s*(.{1,200})$", _text_of(el), re.DOTALL)
            if m and _label(m.group(1)) and _tag(el) in ("li", "p", "div", "span"):
                fields.append((_label(m.group(1)), clean_line(m.group(2))))
                holders.add(el)
        if len(fields) < 2:
            return [], set()
    return [(k, v) for k, v in fields if v], holders


# -- rendering -----------------------------------------------------------------------------

class _Renderer:
    """Walks the article element, writing paragraphs and tables into a TextBuilder."""

    def __init__(self, out: TextBuilder, skip: set):
        self.out = out
        self.skip = skip
        self.buf: list[str] = []

    def flush(self) -> None:
        for piece in "".join(self.buf).split("\n"):
            line = clean_line(piece)
            if line and not _CHROME_LINE.match(line):
                self.out.paragraph(line)
        self.buf = []

    def walk(self, el, in_cell: bool = False) -> None:
        tag = _tag(el)
        if not tag or el in self.skip or _hidden(el) or (_is_chrome(el) and tag not in ("body", "html")):
            return
        if tag == "br":
            self.buf.append(" " if in_cell else "\n")
            return
        if tag in ("img", "object", "embed"):
            what = el.get("alt") or el.get("title") or el.get("src") or el.get("data") or ""
            self.out.note(f"{tag} not read (no OCR): {what[:120]}" if what else f"{tag} not read (no OCR)")
            return
        if tag == "a" and re.search(r"\.(pdf|docx?|wps|xlsx?|zip|rar|ofd)$", el.get("href") or "", re.I):
            self.out.note(f"attachment not read (add it as its own document): {(el.get('href') or '')[:160]}")
        if tag == "table" and not in_cell:
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCK
        if block:
            self.buf.append(" " if in_cell else "\n")
        if tag == "li" and not in_cell:
            label = _list_label(el)
            if label:
                self.buf.append(label)
        self.buf.append(el.text or "")
        for child in el:
            self.walk(child, in_cell)
            self.buf.append(child.tail or "")
        if block:
            self.buf.append(" " if in_cell else "\n")

    def cell_text(self, cell) -> str:
        saved, self.buf = self.buf, []
        self.buf.append(cell.text or "")
        for child in cell:
            self.walk(child, in_cell=True)
            self.buf.append(child.tail or "")
        text, self.buf = clean_line("".join(self.buf)), saved
        return text

    def table(self, table) -> None:
        rows = _rows(table)
        nested = any(t is not table for t in table.iter("table"))
        widths = [sum(_span(c, "colspan") for c in row) for row in rows]
        if nested or not rows or max(widths, default=0) < 2 or len(rows) < 2:
            # a layout table (or a one-column list): its cells are blocks of text
            self.buf.append("\n")
            for child in table:
                self.walk(child)
                self.buf.append(child.tail or "")
            self.flush()
            return
        caption = table.find("caption")
        if caption is not None:
            self.out.paragraph(self.cell_text(caption))
        grid_rows = [[(self.cell_text(c), _span(c, "rowspan"), _span(c, "colspan")) for c in row] for row in rows]
        self.out.table(place_rows(grid_rows))


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(re.sub(r"\D", "", cell.get(attr) or "1") or 1), 1000))
    except ValueError:
        return 1


def _rows(table) -> list[list]:
    """The table's own rows (not those of tables nested in it), each a list of td/th."""
    rows = []
    for tr in table.iter("tr"):
        owner = next((a for a in tr.iterancestors() if _tag(a) == "table"), None)
        if owner is not table:
            continue
        rows.append([c for c in tr if _tag(c) in ("td", "th") and not _hidden(c)])
    return [r for r in rows if r]


def _list_label(li) -> str:
    ol = li.getparent()
    if ol is None or _tag(ol) != "ol":
        return ""
    items = [c for c in ol if _tag(c) == "li"]
    try:
        n = int(ol.get("start") or 1) + items.index(li)
    except ValueError:
        n = 1
    kind = ol.get("type") or "1"
    if kind in ("a", "A") and 1 <= n <= 26:
        label = chr(ord("a") + n - 1)
        return (label.upper() if kind == "A" else label) + "."
    return f"{n}."


# -- the decoder ---------------------------------------------------------------------------

def _parse(text: str):
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses an encoding declaration in a str
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        return None if "empty" in str(exc).lower() else lxml.html.fromstring(f"<html><body>{text}</body></html>")


def decode(name: str, data: bytes) -> SourceText:
    if not data.strip():
        raise DocumentError(name, "the file is empty")
    check_size(name, data, MAX_BYTES)
    text, encoding, notes = decode_page(name, data)
    root = _parse(text)
    if root is None:
        raise DocumentError(name, "the page has no content")
    meta = page_meta(root)
    fields, holders = info_fields(root)
    out = TextBuilder(notes=notes, meta=meta + fields)
    article = find_article(root)
    if article is None:
        raise DocumentError(
            name,
            "no article text found in the page (only navigation, links or images): save the page that "
            "shows the document itself, or its attachment",
        )
    for label, value in fields:
        if label in _RENDERED:
            out.paragraph(f"{label}：{value}")
    title = _title_element(root, article, dict(meta))
    renderer = _Renderer(out, holders)
    if title is not None:
        renderer.walk(title)
        renderer.flush()
    renderer.walk(article)
    renderer.flush()
    if _cjk(out.text) + len(re.findall(r"[A-Za-z]+", out.text)) < _MIN_ARTICLE:
        raise DocumentError(name, "no article text found in the page")
    return out.source(name, encoding, "html")

