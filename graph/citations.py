"""References to other documents and named programmes.

* CITED: an existing policy, ``《title》(文号)`` or a bare ``《title》``;
* PLANNED: a document the policy says it will draft or issue
  (``制定《承德市工业重点项目工作方案》``, ``出台《…》``; not ``出台了《…》``, which
  tells what was done), and the titles listed right after one;
* PROGRAMME: a named programme: a quoted name ending in 计划
  (``“许昌英才计划”2.0版``, ``科技型中小企业“春笋”计划``, ``“龙城青年创业”三年行动计划``)
  or a talent scheme's proper name (``中原英才计划``, ``京津冀协同发展引智计划``); the
  version (2.0版, 升级版) is kept in the span, not in the name.

Not references: the document's own title (the cover notice), 《…》 on page
furniture lines (``下一篇：关于印发《…》的通知``), newspapers.
"""

from __future__ import annotations

import re

from .furniture import is_furniture
from .header import doc_number_text
from .model import Citation, CitationKind, SourceText
from .normalize import squash, strip_quotes

_CITE = re.compile(
    r"《([^《》]{4,120})》(?:\s*\(\s*([\u4e00-\u9fff]{1,10})\s*\[\s*((?:19|20)\d{2})\s*\]\s*(\d{1,4})\s*号\s*\))?"
)
_NOT_POLICY = re.compile(r"^(人民日报|求是|光明日报)")
# a verb of drafting or issuing right before the title; 出台了 tells the past
_PLANNING = re.compile(r"(制定|制订|出台|编制|起草|研究制定|修订|研究出台|印发实施)(?!了)\s*$")
_LISTED = re.compile(r"^\s*[、和及与]\s*$")
_QUOTED_PROGRAMME = re.compile(
    r"“([^“”《》]{2,24}?)”([\u4e00-\u9fff]{0,6}?计划)?(\d+(?:\.\d+)?版|升级版)?"
)
_NAMED_PROGRAMME = re.compile(r"([\u4e00-\u9fff]{2,12}?(?:英才|千人|引智)计划)(\d+(?:\.\d+)?版|升级版)?")
_VERB = re.compile(
    r"^.*(实施|落实|申报|推进|入选|拓展|支持|组织|参与|参加|依托|按照|对接|开展|深化|用好|利用|进入|纳入|推荐|培育)"
)
_GENERIC = re.compile(r"^(国家|省|市|各类|有关|相关|各级|重大)")


def _line(text: str, pos: int) -> str:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return text[a : b if b >= 0 else len(text)]


def find_citations(
    source: SourceText, norm: str, start: int, own_title: str | None
) -> list[Citation]:
    """References in the text from ``start`` on, except the document's own title."""
    own = squash(own_title) if own_title else None
    text = source.text
    out: list[Citation] = []
    seen: set[tuple[str, str | None]] = set()
    titles: list[tuple[int, int]] = []
    prev_end, prev_planned = -1, False
    for m in _CITE.finditer(norm, start):
        titles.append((m.start(), m.end()))
        if is_furniture(_line(text, m.start())):
            continue
        title = text[m.start(1) : m.end(1)].strip()
        if _NOT_POLICY.match(title) or (own and squash(title) == own):
            continue
        number = doc_number_text(m.group(2), m.group(3), m.group(4)) if m.group(2) else None
        before = norm[max(0, m.start() - 8) : m.start()]
        planned = number is None and (
            bool(_PLANNING.search(before)) or (prev_planned and _LISTED.match(norm[prev_end : m.start()]) is not None)
        )
        prev_end, prev_planned = m.end(), planned
        kind = CitationKind.PLANNED if planned else CitationKind.CITED
        key = (squash(title), number)
        if kind is CitationKind.CITED:
            if key in seen:
                continue
            seen.add(key)
        out.append(Citation(title, number, source.span(m.start(), m.end()), kind))
    out += _programmes(source, norm, start, titles)
    out.sort(key=lambda c: c.span.start)
    return out


def _programmes(source: SourceText, norm: str, start: int, titles: list[tuple[int, int]]) -> list[Citation]:
    """Every mention of a named programme outside 《》 and page furniture."""
    found: list[tuple[int, int, str]] = []
    for m in _QUOTED_PROGRAMME.finditer(norm, start):
        inner, tail = m.group(1), m.group(2) or ""
        if not (inner.endswith("计划") or tail):
            continue
        name = strip_quotes(inner)[0] + tail
        found.append((m.start(), m.end(), name))
    for m in _NAMED_PROGRAMME.finditer(norm, start):
        if norm[max(0, m.start() - 1) : m.start()] == "“":
            continue  # quoted: read above
        name = _VERB.sub("", m.group(1))
        if len(name) < 4 or _GENERIC.match(name):
            continue
        s = m.start() + (len(m.group(1)) - len(name))
        found.append((s, m.end(), name))
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for s, e, name in sorted(found):
        if any(a <= s < b for a, b in titles) or any(a < e and s < b for a, b in taken):
            continue
        if is_furniture(_line(source.text, s)):
            continue
        taken.append((s, e))
        out.append(Citation(name, None, source.span(s, e), CitationKind.PROGRAMME))
    return out
