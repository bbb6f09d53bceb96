"""What a document says about itself: title, 文号, date of issue, issuers.

Read from the lines before the numbered body: the cover notice
(``印发《X》的通知``, ``现将《X》印发给你们``), a line of issuing bodies, a
standalone date line, the 文号 in any bracket style (``〔〕 [] ﹝﹞ ［］``), and the
文件编号 line of saved web pages.
"""

from __future__ import annotations

import re

from .furniture import is_furniture, is_metadata
from .lines import Line
from .model import DocumentHeader, SourceText, Span
from .normalize import normalize

_DOC_NO = re.compile(
    r"([\u4e00-\u9fff]{1,10})\s*\[\s*((?:19|20)\d{2})\s*\]\s*(\d{1,4})\s*号"
)
_CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
_DATE_LINE = re.compile(r"^\s*\(?\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\)?\s*$")
_NOTICE = re.compile(r"(?:印发|转发|现将)\s*《([^》]{4,120})》")
_DOC_TYPES = re.compile(
    r"(方案|意见|规划|办法|通知|一览表|计划|措施|纲要|决定|细则|规定|要点|清单|政策|条例|若干|指南|指引|分工)"
)
_ISSUER_WORD = re.compile(
    r"(委员会|人民政府|政府|办公室|办公厅|党委|市委|省委|局|委|厅|部)$"
)
_ADDRESSEES = re.compile(r"[:：]\s*$")


def doc_number_text(prefix: str, year: str, number: str) -> str:
    """The canonical spelling of a 文号: 许政〔2020〕18号."""
    return f"{prefix}〔{year}〕{number}号"


def find_doc_numbers(norm: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """文号 in norm[start:end], as (start, end, canonical text)."""
    return [
        (m.start(), m.end(), doc_number_text(m.group(1), m.group(2), m.group(3)))
        for m in _DOC_NO.finditer(norm, start, end)
    ]


def _iso(y: str, m: str, d: str) -> str | None:
    mi, di = int(m), int(d)
    if not (1 <= mi <= 12 and 1 <= di <= 31):
        return None
    return f"{int(y):04d}-{mi:02d}-{di:02d}"


def _is_issuer_line(text: str) -> bool:
    parts = text.split()
    return bool(parts) and all(_ISSUER_WORD.search(p) and len(p) <= 20 for p in parts)


def body_start_line(source: SourceText, lines: list[Line]) -> int:
    """Index of the first line of numbered body text (or len(lines))."""
    from .structure import _LINE_LABELS, BODY_RANKS  # the same labels the body parser uses

    norm = normalize(source.text)
    for i, line in enumerate(lines):
        if not line.stripped or is_furniture(line.text):
            continue
        text = norm[line.content_start : line.end]
        for rank, rx in _LINE_LABELS:
            if rank in BODY_RANKS and rx.match(text):
                return i
    return len(lines)


def parse_header(source: SourceText, lines: list[Line], body_line: int) -> DocumentHeader:
    text = source.text
    norm = normalize(text)
    header = DocumentHeader()
    head = [ln for ln in lines[:body_line] if ln.stripped]
    content = [ln for ln in head if not is_furniture(ln.text) or is_metadata(ln.text)]

    # 文号: first one in the header that is not a citation 《...》(文号)
    for ln in content:
        for s, e, _canon in find_doc_numbers(norm, ln.start, ln.end):
            before = norm[max(ln.start, s - 2) : s]
            if "》" in before:
                continue
            prefix_at = s
            m = re.match(r"(?:文件编号|发文字号)[:]\s*", norm[ln.content_start : s + 1])
            if m:
                prefix_at = max(prefix_at, ln.content_start + m.end())
            header.doc_number = source.span(prefix_at, e)
            break
        if header.doc_number:
            break

    # title: named in a cover notice, else the first title-like line
    notice = None
    for ln in content:
        m = _NOTICE.search(norm, ln.start, ln.end)
        if m:
            notice = (m.start(1), m.end(1), re.sub(r"\s+", "", m.group(1)))
            break
    title_line: Line | None = None
    for ln in content:
        t = norm[ln.content_start : ln.content_end]
        if is_metadata(ln.text) or "。" in t or _ADDRESSEES.search(t):
            continue
        if notice and re.sub(r"\s+", "", t) == notice[2]:
            title_line = ln
            break
    if title_line is None and notice is None:
        for ln in content:
            t = norm[ln.content_start : ln.content_end]
            if is_metadata(ln.text) or "。" in t or _ADDRESSEES.search(t):
                continue
            if 4 <= len(t) <= 120 and _DOC_TYPES.search(t) and not re.match(r"^附\s*件", t):
                title_line = ln
                break
    if title_line is not None:
        start, end = title_line.content_start, title_line.content_end
        # "中共常州市委 常州市人民政府 关于…的实施意见": issuers lead the title
        parts = list(re.finditer(r"\S+", text[start:end]))
        lead = [p for p in parts[:-1] if _ISSUER_WORD.search(p.group(0))]
        if parts and len(lead) == len(parts) - 1 and lead:
            header.issuers.extend(source.span(start + p.start(), start + p.end()) for p in lead)
            start = start + parts[-1].start()
        header.title = source.span(start, end)
    elif notice is not None:
        header.title = source.span(notice[0], notice[1])

    # issuers: a line made of issuing bodies only, before the title
    if not header.issuers:
        for ln in content:
            if header.title and ln.start >= header.title.start:
                break
            t = text[ln.content_start : ln.content_end]
            if _is_issuer_line(normalize(t)) and not _DOC_NO.search(normalize(t)):
                for p in re.finditer(r"\S+", t):
                    header.issuers.append(
                        source.span(ln.content_start + p.start(), ln.content_start + p.end())
                    )
                break

    # date: a standalone date line in the header, else a signature at the end,
    # else the page date of a saved web page
    for ln in content + [ln for ln in lines[body_line:] if ln.stripped][-3:]:
        if _DATE_LINE.match(norm[ln.start : ln.end]):
            m = _CN_DATE.search(norm, ln.start, ln.end)
            if m:
                iso = _iso(*m.groups())
                if iso:
                    header.issued = (iso, source.span(m.start(), m.end()))
                    break
    if header.issued is None:
        for ln in head:
            if is_furniture(ln.text) and not is_metadata(ln.text):
                m = _ISO_DATE.search(norm, ln.start, ln.end)
                if m and re.match(r"^\s*\d{4}-\d{2}-\d{2}", ln.text):
                    iso = _iso(*m.groups())
                    if iso:
                        header.issued = (iso, source.span(m.start(), m.end()))
                        break
    return header


def doc_number_of(span: Span | None) -> str | None:
    if span is None:
        return None
    m = _DOC_NO.search(normalize(span.quote))
    return doc_number_text(*m.groups()) if m else None
