"""Measure types and industries: SKOS pattern hits assigned to measures.

Each concept's ``pk:pattern`` runs once over the document (quotation marks
stripped, so 揭榜挂帅 matches “揭榜挂帅”); a hit belongs to the measure whose
own text range holds it, and only the first evidence of a concept in a
measure is kept.
"""

from __future__ import annotations

import bisect

from .model import ConceptHit, Measure, SourceText
from .normalize import StrippedText
from .schemes import Concept


def concept_hits(
    source: SourceText,
    stripped: StrippedText,
    measures: list[Measure],
    ranges: dict[str, tuple[int, int]],
    concepts: list[Concept],
    clause_ranges: list[tuple[int, int]],
) -> list[ConceptHit]:
    """First evidence of each concept in each measure's own text.

    Own ranges do not overlap, so a hit is found by bisection; hits inside a
    responsibility clause (a unit's name) are not evidence.
    """
    owned = sorted((s, e, code) for code, (s, e) in ranges.items() if e > s)
    starts = [o[0] for o in owned]
    first: dict[tuple[str, str], tuple[int, int]] = {}
    for c in concepts:
        for rx in c.patterns:
            for a, b, _ in stripped.search(rx, 0, len(source.text)):
                k = bisect.bisect_right(starts, a) - 1
                if k < 0 or a >= owned[k][1]:
                    continue
                if any(x <= a < y for x, y in clause_ranges):
                    continue
                key = (owned[k][2], c.iri)
                if key not in first or a < first[key][0]:
                    first[key] = (a, b)
    order = {m.code: i for i, m in enumerate(measures)}
    return [
        ConceptHit(code, iri, source.span(a, b))
        for (code, iri), (a, b) in sorted(first.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
