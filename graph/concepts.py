"""Measure types and industries: SKOS pattern hits assigned to measures.

Each concept's ``pk:pattern`` runs once over the document (quotation marks
stripped, so 揭榜挂帅 matches “揭榜挂帅”); a hit belongs to the measure whose
own text range holds it, and only the first evidence of a concept in a
measure is kept.

Evidence must be what the measure does, so a hit is not evidence when it is

* inside a responsibility clause (a unit's name) or a title in 《》;
* inside a region the scheme's ``pk:notEvidence`` patterns mark (named group
  ``x`` when only part of the match is the region): purposes and roles
  (为…提供支撑, 在…等方面的作用), slogans, the actors a measure asks to act
  (鼓励骨干企业、新型研发机构建设…), what an assessment or a land quota applies to;
* a word that only says what an instrument of a ``pk:takesObject`` family
  applies to: right before it (成果转化引导基金, 众创空间税收优惠) or alone in the
  list item before it (孵化器、众创空间税收优惠).

``skip_kinds``: section kinds whose items are not measures (指导思想, 基本原则).
"""

from __future__ import annotations

import bisect
import re

from .model import ConceptHit, Measure, SourceText
from .normalize import StrippedText
from .schemes import Concept

_TITLE = re.compile(r"《[^《》]{1,120}》")
_LIST_SEP = re.compile(r"^[、和及与]$")


def _regions(stripped: StrippedText, patterns, n: int) -> list[tuple[int, int]]:
    out = []
    for rx in patterns:
        for m in rx.finditer(stripped.text):
            a, b = (m.start("x"), m.end("x")) if "x" in rx.groupindex and m.group("x") is not None else m.span()
            if b > a:
                out.append((stripped.positions[a], stripped.positions[b - 1] + 1))
    return out


def concept_hits(
    source: SourceText,
    stripped: StrippedText,
    measures: list[Measure],
    ranges: dict[str, tuple[int, int]],
    concepts: list[Concept],
    clause_ranges: list[tuple[int, int]],
    not_evidence: tuple[re.Pattern[str], ...] = (),
    skip_kinds: frozenset[str] = frozenset(),
) -> list[ConceptHit]:
    """First evidence of each concept in each measure's own text.

    Own ranges do not overlap, so a hit is found by bisection.
    """
    kinds = {m.code: m.section_kind for m in measures}
    owned = sorted((s, e, code) for code, (s, e) in ranges.items() if e > s and kinds.get(code) not in skip_kinds)
    starts = [o[0] for o in owned]
    text = source.text
    blocked = sorted(
        list(clause_ranges) + [m.span() for m in _TITLE.finditer(text)] + _regions(stripped, not_evidence, len(text))
    )
    block_starts = [x for x, _ in blocked]
    reach: list[int] = []  # the furthest end of any region starting at or before each one
    for _, y in blocked:
        reach.append(max(y, reach[-1]) if reach else y)

    def is_blocked(a: int, b: int) -> bool:
        k = bisect.bisect_right(block_starts, a) - 1
        return k >= 0 and reach[k] >= b

    hits: list[tuple[int, int, Concept]] = []
    for c in concepts:
        for rx in c.patterns:
            for a, b, _ in stripped.search(rx, 0, len(text)):
                hits.append((a, b, c))
    hits.sort(key=lambda h: (h[0], -h[1]))
    heads = [(a, b) for a, b, c in hits if c.takes_object]

    first: dict[tuple[str, str], tuple[int, int]] = {}
    for a, b, c in hits:
        k = bisect.bisect_right(starts, a) - 1
        if k < 0 or a >= owned[k][1]:
            continue
        if is_blocked(a, b):
            continue
        if not c.takes_object and _qualifies_head(text, a, b, heads, owned[k][1]):
            continue
        key = (owned[k][2], c.iri)
        if key not in first or a < first[key][0]:
            first[key] = (a, b)
    order = {m.code: i for i, m in enumerate(measures)}
    return [
        ConceptHit(code, iri, source.span(a, b))
        for (code, iri), (a, b) in sorted(first.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]


def _qualifies_head(text: str, a: int, b: int, heads: list[tuple[int, int]], limit: int) -> bool:
    """The words only say what an instrument that takes an object applies to.

    成果转化引导基金: the hit runs into the head within its list item;
    孵化器、众创空间税收优惠: the hit ends its item and the next item ends in a head.
    """
    item_end = b
    while item_end < limit and text[item_end] not in "、,，;；。:：()（）和及与\n":
        item_end += 1
    for x, y in heads:
        if b <= x and y <= item_end and (x, y) != (a, b):
            return True  # the head is in the same item, after the hit
    if b != item_end:
        return False
    # a bare item: the head may close one of the next bare items (A、B、C税收优惠)
    pos = item_end
    while pos < limit and _LIST_SEP.match(text[pos]):
        nxt = pos + 1
        end = nxt
        while end < limit and text[end] not in "、,，;；。:：()（）和及与\n":
            end += 1
        if end - nxt > 16:
            return False
        tail = re.match(r"(.*?)(等)?(政策|措施|优惠)?$", text[nxt:end])
        stop = nxt + len(tail.group(1))
        # the head must close an item that names something before it (众创空间税收优惠),
        # not stand alone as an instrument of its own (孵化服务、后补助)
        if any(nxt < x and y == stop for x, y in heads):
            return True
        pos = end
    return False
