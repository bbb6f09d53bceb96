"""Document model: the numbering hierarchy of a policy text.

Numbering levels, outermost first: ``一、`` → ``(一)`` → ``1.`` → ``(1)`` → ``①``
→ ``一是``. Documents skip levels (承德 goes from ``四、`` straight to ``21.``),
so the parent of an item is the nearest open item of a *higher* rank, not the
one exactly one level up. ``一是/二是`` items also start inside a paragraph,
after a full stop or a semicolon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .furniture import is_furniture
from .lines import Line
from .model import Measure, SourceText
from .normalize import normalize

CN_DIGITS = "一二三四五六七八九十"
_CN_BIG = "一二三四五六七八九十百零〇"

# Ranks, outermost first. Chapters, sections and articles (第一章 / 第一节 /
# 第一条) frame assessment methods and regulations; the rest is the plans'
# own numbering.
CHAPTER, PART, ARTICLE, TOP, SUB, ITEM, SUBITEM, PAREN_ITEM, CIRCLED, INLINE = range(1, 11)

# (rank, regex on the normalized, left-stripped line)
_LINE_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (CHAPTER, re.compile(rf"^(第[{_CN_BIG}]{{1,4}}章)")),
    (PART, re.compile(rf"^(第[{_CN_BIG}]{{1,4}}(?:节|部分))")),
    (ARTICLE, re.compile(rf"^(第[{_CN_BIG}]{{1,5}}条)")),
    (TOP, re.compile(rf"^([{CN_DIGITS}]{{1,3}})\s*[、.]")),
    (SUB, re.compile(rf"^\(\s*([{CN_DIGITS}]{{1,3}})\s*\)")),
    (ITEM, re.compile(r"^(\d{1,2})\s*[.、](?!\d)")),
    (SUBITEM, re.compile(r"^\(\s*(\d{1,2})\s*\)")),
    (PAREN_ITEM, re.compile(r"^(\d{1,2})\s*\)")),
    (CIRCLED, re.compile(r"^([①-⑳])")),
    (INLINE, re.compile(rf"^([{CN_DIGITS}]{{1,3}})是(?=\S)")),
]
# ranks that open a document's body (a body never starts with 1) or 一是)
BODY_RANKS = (CHAPTER, PART, ARTICLE, TOP, SUB, ITEM)
_INLINE_SHI = re.compile(rf"[。;]\s*(([{CN_DIGITS}]{{1,3}})是)(?=\S)")
_INLINE_DI = re.compile(rf"[。;]\s*((第[{CN_DIGITS}]{{1,3}}),)")
_LEAD_DI = re.compile(rf"^(第[{CN_DIGITS}]{{1,3}}),")
_ANNEX_REF = re.compile(r"^\s*附\s*件\s*\d*\s*[:：]")
# a document's closing words: when it takes effect, how long it holds, who interprets it
_CLOSING = re.compile(
    r"^\s*(?:本[\u4e00-\u9fff]{0,6}?(?:方案|意见|措施|办法|规划|计划|细则|通知|规定|政策)"
    r"[^。]{0,40}?(?:施行|执行|实施|有效期|废止|负责解释)|(?:此件|本文件)?有效期(?:至|为|\d))"
)
_MAX_TITLE = 80

_SECTION_KINDS = [
    ("background", re.compile(r"基础|形势|现状|成效|成就|回顾|基本情况|概况")),
    ("principles", re.compile(r"总体要求|总体思路|指导思想|基本原则|总体目标与原则")),
    ("goals", re.compile(r"目标")),
    ("incentives", re.compile(r"奖补|奖励|扶持政策|支持政策")),
    ("safeguards", re.compile(r"保障|组织实施")),
    ("tasks", re.compile(r"任务|重点领域|主要措施|重点工作|工作措施|举措")),
]


def label_text(rank: int, raw: str) -> str:
    """The canonical spelling of a numbering label: ``三``, ``(一)``, ``1``, ``(1)``, ``1)``, ``第一条``."""
    if rank in (SUB, SUBITEM):
        return f"({raw})"
    if rank == PAREN_ITEM:
        return f"{raw})"
    if rank == INLINE:
        return f"{raw}是"
    return raw


@dataclass
class _Start:
    offset: int  # where the label begins
    body: int  # where the text after the label begins
    rank: int
    label: str


def _item_starts(source: SourceText, lines: list[Line], first: int) -> list[_Start]:
    norm = normalize(source.text)
    starts: list[_Start] = []
    for line in lines[first:]:
        if not line.stripped or is_furniture(line.text):
            continue
        lead = line.content_start
        text = norm[lead : line.end]
        for rank, rx in _LINE_LABELS:
            m = rx.match(text)
            if m:
                starts.append(_Start(lead, lead + m.end(), rank, label_text(rank, m.group(1))))
                break
        for m in _INLINE_SHI.finditer(norm, lead, line.end):
            at = m.start(1)
            if at == lead:
                continue
            starts.append(_Start(at, at + len(m.group(1)), INLINE, label_text(INLINE, m.group(2))))
        # 第一，…；第二，… enumerates inside a paragraph like 一是
        m = _LEAD_DI.match(text)
        if m:
            starts.append(_Start(lead, lead + m.end(), INLINE, m.group(1)))
        for m in _INLINE_DI.finditer(norm, lead, line.end):
            starts.append(_Start(m.start(1), m.end(1), INLINE, m.group(2)))
    starts.sort(key=lambda s: s.offset)
    return starts


def _content_end(source: SourceText, lines: list[Line], start: int, stop: int) -> int:
    """End of the last real (non-blank, non-furniture) text in [start, stop).

    A document's closing words (本方案自印发之日起施行, 有效期至…) on a line of
    their own end the text of the item before them: they belong to no item.
    """
    end = start
    for line in lines:
        if line.start >= stop:
            break
        if line.end <= start or not line.stripped:
            continue
        if is_furniture(line.text) or _ANNEX_REF.match(line.text):
            continue
        if line.start > start and _CLOSING.match(normalize(line.text)) and "解释" not in line.text:
            break  # (本措施由市科技局负责解释 names who interprets it: it is read with the item)
        end = max(end, min(line.content_end, stop))
    # trim trailing whitespace inside a line cut by ``stop``
    while end > start and source.text[end - 1].isspace():
        end -= 1
    return end


def _title(source: SourceText, body: int, end: int) -> tuple[str | None, int, int]:
    """A measure's title: its first sentence when short, else None."""
    text = source.text
    line_end = text.find("\n", body, end)
    line_end = end if line_end < 0 else line_end
    norm = normalize(text[body:line_end])
    stop = norm.find("。")
    if stop < 0:
        candidate_end = body + len(norm.rstrip())
    else:
        candidate_end = body + stop
    title = text[body:candidate_end].strip()
    if not title or len(title) > _MAX_TITLE:
        return None, body, body
    lead = body + (len(text[body:candidate_end]) - len(text[body:candidate_end].lstrip()))
    return title, lead, lead + len(title)


def section_kind(title: str | None) -> str | None:
    if not title:
        return None
    for kind, rx in _SECTION_KINDS:
        if rx.search(title):
            return kind
    return None


def parse_numbered(
    source: SourceText, lines: list[Line], first_line: int, barriers: tuple[int, ...] = ()
) -> list[Measure]:
    """Measures of a numbered plan, starting at line index ``first_line``.

    ``lines`` may leave out the lines of task tables; ``barriers`` (offsets
    where such a table starts) close every open item, so that no measure's
    text runs across a table.
    """
    starts = _item_starts(source, lines, first_line)
    if not starts:
        return []
    pending = sorted(barriers)
    doc_end = len(source.text)
    stack: list[tuple[_Start, Measure]] = []
    seen_codes: dict[str, int] = {}
    measures: list[Measure] = []
    ends: dict[int, int] = {}  # index in measures -> boundary offset

    def close(upto_rank: int, at: int) -> None:
        while stack and stack[-1][0].rank >= upto_rank:
            st, m = stack.pop()
            ends[id(m)] = at

    for st in starts:
        while pending and pending[0] <= st.offset:
            close(0, pending.pop(0))
        close(st.rank, st.offset)
        parent = stack[-1][1] if stack else None
        code = st.label if parent is None else f"{parent.code}.{st.label}"
        # a repeated label under one parent (a numbering slip) keeps codes unique
        if code in seen_codes:
            seen_codes[code] += 1
            code = f"{code}~{seen_codes[code]}"
        else:
            seen_codes[code] = 1
        m = Measure(
            code=code,
            label=st.label,
            level=len(stack) + 1,
            title=None,
            span=source.span(st.offset, st.offset),
            parent=parent.code if parent else None,
            order=len(measures),
        )
        m._body = st.body  # type: ignore[attr-defined]
        measures.append(m)
        stack.append((st, m))
    close(0, pending[0] if pending else doc_end)

    kind_by_code: dict[str, str | None] = {}
    for m in measures:
        end = _content_end(source, lines, m.span.start, ends[id(m)])
        body = m._body  # type: ignore[attr-defined]
        del m._body  # type: ignore[attr-defined]
        m.span = source.span(m.span.start, max(end, body))
        title, t0, t1 = _title(source, body, m.span.end)
        m.title = title
        m.title_span = source.span(t0, t1) if title else None
        own = section_kind(title) if m.level <= 2 else None
        m.section_kind = own or (kind_by_code.get(m.parent) if m.parent else None)
        kind_by_code[m.code] = m.section_kind
    return measures


def own_ranges(measures: list[Measure]) -> dict[str, tuple[int, int]]:
    """Each measure's own text: from its start to its first child's start."""
    first_child: dict[str, int] = {}
    for m in measures:
        if m.parent is not None and m.parent not in first_child:
            first_child[m.parent] = m.span.start
    return {m.code: (m.span.start, first_child.get(m.code, m.span.end)) for m in measures}
