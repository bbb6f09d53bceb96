"""Word (.docx): paragraphs with their automatic numbering, tables with merged cells, text boxes.

python-docx opens the package (zip, relationships, parts); the document's
XML is then read directly, because what matters here is what python-docx
leaves out:

* list numbers. ``paragraph.text`` omits them, yet in Chinese policy files
  the 一、/（一）/1. labels that structure the document are usually Word
  numbering. They are rebuilt from numbering.xml the way Word counts them:
  numbering instances (w:num) that share an abstract definition continue
  one another unless a w:startOverride restarts them, a level restarts when
  a higher level is used (or as w:lvlRestart says), %1…%9 in w:lvlText take
  each level's own format (一 / 1 / a / ① …), and numbering may come from a
  paragraph's style;
* merged cells. A vertical merge (w:vMerge) is one cell with a rowspan at
  its top; a horizontal one (w:gridSpan) a colspan; w:gridBefore/After
  leave positions empty;
* text boxes (w:txbxContent, DrawingML or VML; mc:AlternateContent is read
  once, not twice) are read as paragraphs after the paragraph that anchors
  them;
* headers and footers (separate parts) are not read; neither are deleted
  revisions, field instructions, hidden text. Images, charts and embedded
  objects are noted on SourceText.notes (there is no OCR).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..model import SourceText
from .errors import DocumentError
from .render import PlacedCell, TextBuilder, clean_line
from .text import check_size

MAX_BYTES = 64 * 1024 * 1024  # a Word file carries its images
MAX_XML = 256 * 1024 * 1024  # uncompressed XML: a zip bomb is refused before it is inflated

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el, attr: str = "val") -> str | None:
    return None if el is None else el.get(_w(attr))


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# -- number formats ------------------------------------------------------------------------

_CN = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def chinese_number(n: int, digits: str = _CN, units: str = "十百千", zero: str = "零") -> str:
    """一, 十, 十一, 二十一, 一百零五 … (the numerals Word's chineseCounting writes)."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    out = ""
    parts = [(n // 1000, units[2]), (n // 100 % 10, units[1]), (n // 10 % 10, units[0]), (n % 10, "")]
    gap = False
    for d, unit in parts:
        if d == 0:
            gap = bool(out)
            continue
        if gap:
            out += zero  # 一百零五: a skipped place is read 零
            gap = False
        out += digits[d] + unit
    if out.startswith(digits[1] + units[0]) and n < 20:
        out = out[1:]  # 十一, not 一十一
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                       (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting", "ideographDigital-counting"):
        return chinese_number(n)
    if fmt == "ideographDigital" or fmt == "taiwaneseDigital" or fmt == "japaneseDigitalTenThousand":
        return "".join(_CN[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _LEGAL, "拾佰仟")
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _CIRCLED[n - 1] if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)  # decimal, and the formats without a better rendering here


_BULLETS = {"\uf0b7": "•", "\uf06c": "●", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "o": "o"}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    restart: int | None = None  # w:lvlRestart (1-based level after which it restarts; 0: never)
    legal: bool = False  # w:isLgl: the %N of higher levels are written in decimal
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


_CUSTOM = {"一": "chineseCounting", "壹": "chineseLegalSimplified", "甲": "ideographTraditional",
           "①": "decimalEnclosedCircle", "01": "decimalZero", "1": "decimal"}


def _num_format(lvl) -> str:
    """w:numFmt, including Word 2010's custom formats (w14, in mc:AlternateContent: the Choice
    names the sequence, "一, 二, 三, ..."; the Fallback an older approximation)."""
    direct = lvl.find(_w("numFmt"))
    if direct is not None:
        return _val(direct) or "decimal"
    for fmt in lvl.iter(_w("numFmt")):
        custom = fmt.get(_w("format"))
        if _val(fmt) == "custom" and custom:
            first = custom.split(",")[0].strip()
            if first in _CUSTOM:
                return _CUSTOM[first]
            continue
        return _val(fmt) or "decimal"
    return "decimal"


class Numbering:
    """numbering.xml: definitions, plus the counters of a reading in document order."""

    def __init__(self, numbering, styles: "Styles"):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.num_abstract: dict[str, str] = {}
        self.overrides: dict[str, dict[int, _Level | int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.styles = styles
        if numbering is None:
            return
        links: dict[str, str] = {}
        for an in numbering.iterfind(_w("abstractNum")):
            aid = an.get(_w("abstractNumId"))
            self.abstract[aid] = {int(lvl.get(_w("ilvl"), "0")): self._level(lvl) for lvl in an.iterfind(_w("lvl"))}
            link = _val(an.find(_w("numStyleLink")))
            if link:
                links[aid] = link
        for num in numbering.iterfind(_w("num")):
            nid = num.get(_w("numId"))
            self.num_abstract[nid] = _val(num.find(_w("abstractNumId"))) or ""
            over: dict[int, _Level | int] = {}
            for lo in num.iterfind(_w("lvlOverride")):
                ilvl = int(lo.get(_w("ilvl"), "0"))
                lvl = lo.find(_w("lvl"))
                start = _val(lo.find(_w("startOverride")))
                if lvl is not None:
                    over[ilvl] = self._level(lvl)
                elif start is not None:
                    over[ilvl] = int(start)
            if over:
                self.overrides[nid] = over
        # an abstract definition that only links to a numbering style takes that style's list
        for aid, style_id in links.items():
            num_id, _ = styles.numbering_of(style_id)
            target = self.num_abstract.get(num_id or "")
            if target and target != aid and self.abstract.get(target):
                self.abstract[aid] = self.abstract[target]

    @staticmethod
    def _level(lvl) -> _Level:
        level = _Level()
        start = _val(lvl.find(_w("start")))
        if start is not None and start.lstrip("-").isdigit():
            level.start = int(start)
        level.fmt = _num_format(lvl)
        text = lvl.find(_w("lvlText"))
        level.text = _val(text) if text is not None and _val(text) is not None else ""
        level.suffix = _val(lvl.find(_w("suff"))) or "tab"
        restart = _val(lvl.find(_w("lvlRestart")))
        level.restart = int(restart) if restart is not None and restart.isdigit() else None
        legal = lvl.find(_w("isLgl"))
        level.legal = legal is not None and _val(legal) not in ("0", "false")
        level.style = _val(lvl.find(_w("pStyle")))
        return level

    def _levels(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.abstract.get(self.num_abstract.get(num_id, ""), {}))
        for ilvl, over in self.overrides.get(num_id, {}).items():
            if isinstance(over, _Level):
                levels[ilvl] = over
        return levels

    def level_of_style(self, num_id: str, style_id: str) -> int | None:
        for ilvl, level in self._levels(num_id).items():
            if level.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str:
        """The label of the next paragraph numbered (num_id, ilvl), counting it."""
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return ""
        key = self.num_abstract.get(num_id, num_id)
        counters = self.counters.setdefault(key, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, over in self.overrides.get(num_id, {}).items():
                start = over if isinstance(over, int) else over.start
                counters[lvl] = start - 1  # this instance restarts the level here
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper, dl in levels.items():
            if deeper <= ilvl or deeper not in counters:
                continue
            # a deeper level restarts after a higher one is used (by default: any higher level)
            if dl.restart == 0:
                continue
            if dl.restart is None or ilvl < dl.restart:
                del counters[deeper]
        if level.fmt == "bullet":
            text = "".join(_BULLETS.get(ch, ch) for ch in level.text)
        else:
            text = level.text
            for k in range(9):
                placeholder = f"%{k + 1}"
                if placeholder not in text:
                    continue
                lk = levels.get(k, _Level())
                value = counters.get(k, lk.start)
                fmt = "decimal" if level.legal and k < ilvl else lk.fmt
                text = text.replace(placeholder, format_number(value, fmt))
        if not text:
            return ""
        if level.suffix == "space":
            return text + " "
        if level.suffix == "tab" and not _closes_label(text[-1]):
            return text + " "
        return text


def _closes_label(ch: str) -> bool:
    """A label ending like 一、 or （一） or ①: a reader sees no gap to fill after it."""
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in ")）."


class Styles:
    """styles.xml: the numbering a paragraph style brings (following w:basedOn)."""

    def __init__(self, styles):
        self.by_id: dict[str, object] = {}
        self.default_paragraph: str | None = None
        if styles is None:
            return
        for st in styles.iterfind(_w("style")):
            sid = st.get(_w("styleId"))
            if sid:
                self.by_id[sid] = st
                if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                    self.default_paragraph = sid

    def numbering_of(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            st = self.by_id.get(style_id)
            if st is None:
                return None, None
            num_pr = st.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                num_id = _val(num_pr.find(_w("numId")))
                ilvl = _val(num_pr.find(_w("ilvl")))
                return num_id, int(ilvl) if ilvl and ilvl.isdigit() else None
            style_id = _val(st.find(_w("basedOn")))
        return None, None


# -- the body ------------------------------------------------------------------------------

class _Reader:
    def __init__(self, numbering: Numbering, styles: Styles, out: TextBuilder):
        self.numbering = numbering
        self.styles = styles
        self.out = out
        self.paragraphs = 0
        self.footnotes = 0

    # blocks ---------------------------------------------------------------------------

    def blocks(self, parent) -> None:
        for el in parent:
            name = _local(el)
            if name == "p":
                text, boxes = self.paragraph(el)
                for line in text.split("\n"):
                    self.out.paragraph(line)
                for box in boxes:
                    self.blocks(box)
            elif name == "tbl":
                self.table(el)
            elif name in ("sdt", "customXml", "ins", "moveTo"):
                self.blocks(el.find(_w("sdtContent")) if name == "sdt" else el)
            elif name == "AlternateContent":
                self.blocks(self._choice(el))
            elif name == "altChunk":
                self.out.note("an embedded document chunk (w:altChunk) not read: open and save the file in Word")

    @staticmethod
    def _choice(alt):
        choice = alt.find(f"{{{MC}}}Choice")
        return choice if choice is not None else alt.find(f"{{{MC}}}Fallback")

    def _number(self, p) -> str:
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        style_id = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        style_id = style_id or self.styles.default_paragraph
        num_id = ilvl = None
        if num_pr is not None:
            num_id = _val(num_pr.find(_w("numId")))
            lv = _val(num_pr.find(_w("ilvl")))
            ilvl = int(lv) if lv and lv.isdigit() else None
        if num_id is None:
            num_id, style_ilvl = self.styles.numbering_of(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":
            return ""
        if ilvl is None:
            ilvl = self.numbering.level_of_style(num_id, style_id or "") or 0
        return self.numbering.label(num_id, ilvl)

    def paragraph(self, p, in_cell: bool = False) -> tuple[str, list]:
        """(text with its numbering label, text-box contents it anchors)."""
        self.paragraphs += 1
        parts: list[str] = []
        boxes: list = []
        self._inline(p, parts, boxes, [])
        body = "".join(parts)
        if not body.strip() and not boxes:
            return "", boxes
        label = self._number(p) if body.strip() else ""
        text = label + body.lstrip(" \t\u3000") if label else body
        return text, boxes

    def _inline(self, el, parts: list[str], boxes: list, fields: list[str]) -> None:
        for child in el:
            name = _local(child)
            if name == "r":
                self._run(child, parts, boxes, fields)
            elif name in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "bdo", "dir"):
                self._inline(child, parts, boxes, fields)
            elif name == "sdt":
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._inline(content, parts, boxes, fields)
            elif name == "AlternateContent":
                choice = self._choice(child)
                if choice is not None:
                    self._inline(choice, parts, boxes, fields)
            # pPr, del, moveFrom, bookmarks, proofErr, commentRange…: no text of the document

    def _run(self, r, parts: list[str], boxes: list, fields: list[str]) -> None:
        rpr = r.find(_w("rPr"))
        if rpr is not None and (
            (rpr.find(_w("vanish")) is not None and _val(rpr.find(_w("vanish"))) not in ("0", "false"))
            or rpr.find(_w("webHidden")) is not None
        ):
            return
        for child in r:
            name = _local(child)
            if name == "fldChar":
                kind = _val(child, "fldCharType")
                if kind == "begin":
                    fields.append("instruction")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if name == "instrText" or "instruction" in fields:
                continue  # a field's instruction (PAGE, TOC …): between begin and separate
            if name == "t":
                parts.append(child.text or "")
            elif name in ("tab", "ptab"):
                parts.append(" ")
            elif name in ("br", "cr"):
                if _val(child, "type") not in ("page", "column"):
                    parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name == "sym":
                char = child.get(_w("char")) or ""
                self.out.note(f"a symbol-font character (w:sym {char}) not read")
            elif name in ("drawing", "pict", "object", "AlternateContent"):
                self._graphic(child, boxes, "".join(parts))
            elif name in ("footnoteReference", "endnoteReference"):
                self.footnotes += 1

    def _graphic(self, el, boxes: list, context: str) -> None:
        if _local(el) == "AlternateContent":
            choice = self._choice(el)
            if choice is None:
                return
            for child in choice:
                self._graphic(child, boxes, context)
            return
        found_box = False
        for box in el.iter(_w("txbxContent")):
            if not any(_local(a) == "txbxContent" for a in box.iterancestors()):
                boxes.append(box)
                found_box = True
        near = clean_line(context)[-20:]
        where = f" after “{near}”" if near else ""
        if _local(el) == "object" or any(_local(x) == "OLEObject" for x in el.iter()):
            self.out.note(f"an embedded object not read{where}")
        elif any(_local(x) == "chart" for x in el.iter()):
            self.out.note(f"a chart not read{where}")
        elif any(_local(x) in ("blip", "imagedata") for x in el.iter()):
            self.out.note(f"an image not read (no OCR){where}")
        elif not found_box and _local(el) == "drawing":
            self.out.note(f"a drawing not read{where}")

    # tables ---------------------------------------------------------------------------

    def _cell_text(self, tc) -> str:
        pieces: list[str] = []
        for el in tc.iter(_w("p")):
            if any(_local(a) == "txbxContent" for a in el.iterancestors()):
                continue  # read below, through the paragraph that anchors its text box
            # a paragraph of a table nested in this cell is read as part of the cell
            text, boxes = self.paragraph(el, in_cell=True)
            pieces.append(text)
            for box in boxes:
                pieces.extend(self.paragraph(bp, in_cell=True)[0] for bp in box.iter(_w("p")))
        if any(t is not tc for t in tc.iter(_w("tbl"))):
            self.out.note("a table nested in a table cell: read as the cell's text")
        return clean_line(" ".join(pieces))

    def _rows(self, tbl) -> list:
        rows = []
        for el in tbl:
            name = _local(el)
            if name == "tr":
                rows.append(el)
            elif name in ("sdt", "customXml", "ins"):
                inner = el.find(_w("sdtContent")) if name == "sdt" else el
                if inner is not None:
                    rows.extend(self._rows(inner))
        return rows

    @staticmethod
    def _cells(tr) -> list:
        cells = []
        for el in tr:
            name = _local(el)
            if name == "tc":
                cells.append(el)
            elif name in ("sdt", "customXml"):
                inner = el.find(_w("sdtContent")) if name == "sdt" else el
                if inner is not None:
                    cells.extend(_Reader._cells(inner))
        return cells

    def table(self, tbl) -> None:
        placed: list[PlacedCell] = []
        open_merge: dict[int, PlacedCell] = {}  # column -> the cell a vMerge continues
        for r, tr in enumerate(self._rows(tbl)):
            trpr = tr.find(_w("trPr"))
            col = int(_val(trpr.find(_w("gridBefore"))) or 0) if trpr is not None else 0
            for tc in self._cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span = 1
                vmerge = hmerge = None
                if tcpr is not None:
                    gs = _val(tcpr.find(_w("gridSpan")))
                    span = max(1, int(gs)) if gs and gs.isdigit() else 1
                    vm = tcpr.find(_w("vMerge"))
                    vmerge = (_val(vm) or "continue") if vm is not None else None
                    hm = tcpr.find(_w("hMerge"))
                    hmerge = (_val(hm) or "continue") if hm is not None else None
                if hmerge == "continue" and placed and placed[-1].row == r:
                    placed[-1].colspan += span  # the legacy horizontal merge
                    col += span
                    continue
                if vmerge == "continue" and col in open_merge:
                    anchor = open_merge[col]
                    anchor.rowspan = r - anchor.row + 1
                    extra = self._cell_text(tc)
                    if extra:  # Word keeps only the first cell's text; a stray one is kept, not lost
                        anchor.text = f"{anchor.text} {extra}".strip()
                    col += span
                    continue
                cell = PlacedCell(r, col, self._cell_text(tc), 1, span)
                placed.append(cell)
                for c in range(col, col + span):
                    if vmerge == "restart":
                        open_merge[c] = cell
                    else:
                        open_merge.pop(c, None)
                col += span
        self.out.table(placed)


def _part_xml(document_part, reltype: str):
    try:
        return document_part.part_related_by(reltype).element
    except (KeyError, AttributeError):
        return None


def _open(name: str, data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            bad = z.testzip()
            if bad is not None:
                raise DocumentError(name, f"the Word file is damaged (part {bad} fails its checksum): "
                                          "open it in Word or WPS and save it again")
            size = sum(i.file_size for i in z.infolist() if i.filename.endswith((".xml", ".rels")))
            if size > MAX_XML:
                raise DocumentError(name, f"the Word file's XML inflates to {size} bytes, over the {MAX_XML}-byte "
                                          "limit")
            if "word/document.xml" not in z.namelist() and "[Content_Types].xml" not in z.namelist():
                raise DocumentError(name, "the zip holds no Word document (no word/document.xml)")
    except zipfile.BadZipFile as exc:
        raise DocumentError(name, f"not a readable Word document: the zip container is damaged ({exc}); "
                                  "open it in Word or WPS and save it again") from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise DocumentError(name, f"not a readable Word document ({exc})") from None
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package

    try:
        part = Package.open(io.BytesIO(data)).main_document_part
        part.element  # noqa: B018 - parse it now, so that damage is reported here
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, EOFError) as exc:
        raise DocumentError(name, f"not a readable Word document ({type(exc).__name__}: {exc}); "
                                  "open it in Word or WPS and save it again") from None
    return part


def decode(name: str, data: bytes) -> SourceText:
    check_size(name, data, MAX_BYTES)
    part = _open(name, data)
    body = part.element.find(_w("body"))
    if body is None:
        raise DocumentError(name, "the Word document has no body")
    styles = Styles(_part_xml(part, _RT_STYLES))
    numbering = Numbering(_part_xml(part, _RT_NUMBERING), styles)
    out = TextBuilder()
    reader = _Reader(numbering, styles, out)
    reader.blocks(body)
    if reader.footnotes:
        out.note(f"{reader.footnotes} footnote(s) or endnote(s) not read")
    if not out.text.strip():
        what = "; ".join(out.notes) if out.notes else "no paragraphs"
        raise DocumentError(name, f"the Word document has no text ({what}): a scanned document needs OCR first")
    return out.source(name, "docx", "docx")
