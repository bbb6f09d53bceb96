"""The extraction report: what each document yielded, and what it did not.

A passage "reads like an assignment" when one clause of it (between
``。`` ``；`` line breaks and brackets) holds a role word — a role verb not
used as a noun, or a role label — and a name that ends like a body and opens
like one (省/市/区/县…, 各…, 中共…). Every such passage that no clause, table
cell or prose reading covered is listed with its span: this is how a user
trusts a new corpus, and how the next unread form is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Basis, DocumentFacts, Span
from .roles import RoleWords

_PIECE = re.compile(r"[^。;\n()]+")
_BODY_NAME = re.compile(r"(?:[省市区县州盟旗]|各|中共|国家)[\u4e00-\u9fff、]{0,16}?(?:局|委|办|厅|政府|管委会|委员会|中心|小组|办公室|支行|分局)")


@dataclass
class DocumentReport:
    document: str
    policy: str | None  # the policy's file (None when refused)
    error: str | None
    measures: int = 0
    measures_with_explicit: int = 0
    unexplained: list[Span] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "document": self.document,
            "policy": self.policy,
            "error": self.error,
            "measures": self.measures,
            "measuresWithExplicit": self.measures_with_explicit,
            "unexplained": [{"start": s.start, "end": s.end, "quote": s.quote} for s in self.unexplained],
            "notes": self.notes,
        }


def unexplained_passages(
    source, norm: str, facts: DocumentFacts, covered: list[tuple[int, int]], words: RoleWords, body_start: int
) -> list[Span]:
    """Passages after ``body_start`` that read like an assignment but yielded none."""

    def is_covered(a: int, b: int) -> bool:
        return any(x < b and a < y for x, y in covered)

    found: list[Span] = []
    for m in _PIECE.finditer(norm, body_start):
        a, b = m.start(), m.end()
        piece = norm[a:b]
        # a role verb right after a body's name (市科技局牵头, 由市财政局负责), or a role label
        names = [n.end() for n in _BODY_NAME.finditer(piece)]
        triggers = [t for t in words.verb_any.finditer(piece) if any(0 <= t.start() - e <= 3 for e in names)]
        labelled = [
            lm for lm in re.finditer(r"(?:^|(?<=[,:]))\s*", piece)
            if (lab := words.label_start.match(piece, lm.end())) is not None
            and (reading := words.read_label(lab.group("label"))) is not None and reading.kind == "role"
        ]
        if not triggers and not (labelled and names):
            continue
        if is_covered(a, b):
            continue
        while a < b and norm[a].isspace():
            a += 1
        while b > a and norm[b - 1].isspace():
            b -= 1
        found.append(source.span(a, b))
    return found


def corpus_report(facts: list[DocumentFacts], refused: dict[str, str]) -> list[DocumentReport]:
    """One report per document of the manifest, built or refused, by file name."""
    reports = [document_report(f) for f in facts] + [refused_report(file, why) for file, why in refused.items()]
    return sorted(reports, key=lambda r: r.document)


def document_report(facts: DocumentFacts) -> DocumentReport:
    explicit = {r.measure for r in facts.responsibilities if r.basis is Basis.EXPLICIT}
    return DocumentReport(
        document=facts.source.name,
        policy=facts.source.name,
        error=None,
        measures=len(facts.measures),
        measures_with_explicit=len(explicit),
        unexplained=list(facts.unexplained),
        notes=list(facts.notes),
    )


def refused_report(file: str, error: str) -> DocumentReport:
    return DocumentReport(document=file, policy=None, error=error)
