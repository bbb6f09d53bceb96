"""Score extracted assignments against an annotated corpus (tests/fixtures/genre/truth.json).

An annotation names an assignment by what a reader sees: an ``anchor`` (a
substring of the measure's own text that occurs once in the document), the
unit as written and its role. An extracted EXPLICIT responsibility matches
when it is for the measure whose own text holds the anchor, names the same
unit (whitespace and full-width forms aside) and has the same role. Scores
are per document: precision, recall, and the misses and extras themselves,
which are what a developer reads next.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .model import Basis, DocumentFacts
from .normalize import squash
from .structure import own_ranges

Key = tuple[str, str, str]  # measure code, unit, role


@dataclass
class DocumentScore:
    file: str
    expected: int
    found: int
    correct: int
    missed: list[Key] = field(default_factory=list)
    extra: list[Key] = field(default_factory=list)
    unanchored: list[str] = field(default_factory=list)  # anchors that hit no measure
    wrongly_inherited: list[str] = field(default_factory=list)  # non-task measures that inherit

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def _ranges(facts: DocumentFacts) -> list[tuple[int, int, str]]:
    ranges = own_ranges([m for m in facts.measures if m.table_row is None])
    ranges.update({m.code: (m.span.start, m.span.end) for m in facts.measures if m.table_row is not None})
    return sorted((s, e, code) for code, (s, e) in ranges.items())


def _measure_at(ranges: list[tuple[int, int, str]], offset: int) -> str | None:
    for s, e, code in ranges:
        if s <= offset < e:
            return code
    return None


def score_document(facts: DocumentFacts, truth: dict) -> DocumentScore:
    text = facts.source.text
    ranges = _ranges(facts)
    expected: set[Key] = set()
    unanchored: list[str] = []
    for a in truth.get("assignments", []):
        at = text.find(a["anchor"])
        code = _measure_at(ranges, at) if at >= 0 else None
        if code is None:
            unanchored.append(a["anchor"])
            continue
        expected.add((code, squash(a["unit"]), a["role"]))
    found: set[Key] = {
        (r.measure, squash(r.mention.surface), r.role.value)
        for r in facts.responsibilities
        if r.basis is Basis.EXPLICIT
    }
    inherits = {r.measure for r in facts.responsibilities if r.basis is Basis.INHERITED}
    wrongly = []
    for anchor in truth.get("no_inheritance", []):
        at = text.find(anchor)
        code = _measure_at(ranges, at) if at >= 0 else None
        if code in inherits:
            wrongly.append(anchor)
    return DocumentScore(
        file=facts.source.name,
        expected=len(expected),
        found=len(found),
        correct=len(expected & found),
        missed=sorted(expected - found),
        extra=sorted(found - expected),
        unanchored=unanchored,
        wrongly_inherited=wrongly,
    )


def load_truth(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text("utf-8"))
    docs = data["documents"] if isinstance(data, dict) and "documents" in data else data
    return {d["file"]: d for d in docs}


def score_corpus(facts: list[DocumentFacts], truth: dict[str, dict]) -> list[DocumentScore]:
    by_file = {f.source.name: f for f in facts}
    out = []
    for file, t in sorted(truth.items()):
        f = by_file.get(file)
        if f is None:
            out.append(DocumentScore(file, len(t.get("assignments", [])), 0, 0))
            continue
        out.append(score_document(f, t))
    return out
