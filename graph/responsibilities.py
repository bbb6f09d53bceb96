"""Who is responsible for each measure: what the document says, then what is inherited.

Explicit assignments, each with its form:

* TABLE: a role cell of a task-table row (graph/table.py);
* CLAUSE: a bracketed or paragraph-closing clause (graph/clauses.py);
* PROSE: a sentence of the measure's own text (graph/prose.py).

A body named twice for one measure in one role counts once (a table cell
before a clause before prose). Defined roles (运营单位) and persons
(责任领导) are never organizations.

Inherited ones (basis INHERITED), only for actionable measures (not 指导思想,
基本原则, 发展基础, 主要目标): from the nearest enclosing measure that names
units (PARENT); failing that, when no measure inside names any either, from
the issuing bodies (ISSUER), quoting the words that name them. Annex tasks
give their main-plan measures ANNEX responsibilities (graph/build.py).
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field

from .clauses import Unit, find_clauses, read_cell
from .gazetteer import City
from .model import Basis, Form, Measure, OrgMention, Responsibility, Role, SourceText, Span
from .orgs import OrgResolver
from .prose import BodyNames, find_prose
from .roles import RoleWords


@dataclass
class Assigned:
    """What the explicit pass found in one document."""

    responsibilities: list[Responsibility] = field(default_factory=list)
    clause_ranges: list[tuple[int, int]] = field(default_factory=list)  # clauses and prose read as assignments
    notes: list[str] = field(default_factory=list)


# 漳州市科技创新服务中心（以下简称服务中心）: the short name stands for the body in the articles after
_DEFINED_SHORT = re.compile(r"(?P<full>[^,;:。、()\s]{4,40}?)\((?:以下简称|下称|简称)(?P<short>[^()、,;]{2,12})\)")


class ResponsibilityReader:
    def __init__(self, resolver: OrgResolver, words: RoleWords):
        self.resolver = resolver
        self.words = words
        self._short: dict[str, str] = {}  # this document's defined short names → the full ones

    def _defined_shorts(self, norm: str, city: City) -> dict[str, str]:
        out = {}
        for m in _DEFINED_SHORT.finditer(norm):
            full = m.group("full")
            # the longest tail of the words before the bracket that names a body (委托漳州市…中心)
            for k in range(len(full) - 4, -1, -1):
                if self.resolver.names_a_body(full[k:], city, self.words):
                    out[m.group("short")] = full[k:]
                    break
        return out

    def explicit(
        self,
        source: SourceText,
        norm: str,
        measures: list[Measure],
        ranges: dict[str, tuple[int, int]],
        city: City,
    ) -> Assigned:
        out = Assigned()
        first_leads = self.words.first_leads_rule(norm)
        self._short = self._defined_shorts(norm, city)
        bodies = BodyNames(
            lambda name: name in self._short or self.resolver.names_a_body(name, city, self.words),
            lambda name: name in self._short or self.resolver.is_known_body(name, city),
        )
        for m in measures:
            found: list[Responsibility] = []
            if m.table_row is not None:
                for cell in m.table_cells:
                    assigned = [x for a, b in (cell.pieces or ((cell.span.start, cell.span.end),))
                                for x in read_cell(norm, a, b, cell.role, self.words)]
                    if all(x.role is cell.role for x in assigned):  # a plain list: the column's role
                        units = [u for x in assigned for u in x.units]
                        ranked = _ranked(self._bodies(norm, units, m, out), cell.role, first_leads, cell.span.start)
                    else:  # the cell writes its own roles (牵头：A 配合：B): no rule of order applies
                        ranked = [(u, x.role) for x in assigned for u in self._bodies(norm, list(x.units), m, out)]
                    for unit, role in ranked:
                        found.append(self._assign(source, city, m, unit, role, cell.span, Form.TABLE, cell.owner))
                if m.table_cells:
                    out.responsibilities += _unique(found)
                    continue
            s, e = ranges[m.code]
            for clause in find_clauses(norm, s, e, self.words, bodies.is_body):
                out.clause_ranges.append((clause.start, clause.end))
                span = source.span(clause.start, clause.end)
                for a in clause.assignments:
                    units = self._bodies(norm, list(a.units), m, out)
                    for unit, role in _ranked(units, a.role, first_leads, clause.start):
                        found.append(self._assign(source, city, m, unit, role, span, Form.CLAUSE))
                for skipped in clause.skipped:
                    out.notes.append(f"{source.name} {m.code}: {skipped}")
            for p in find_prose(norm, s, e, self.words, bodies, out.clause_ranges):
                out.clause_ranges.append((p.start, p.end))
                span = source.span(p.start, p.end)
                for a in p.assignments:
                    for unit in self._bodies(norm, list(a.units), m, out):
                        found.append(self._assign(source, city, m, unit, a.role, span, Form.PROSE))
            out.responsibilities += _unique(found)
        out.responsibilities = _hoist_closing_clauses(measures, out.responsibilities, norm)
        return out

    def _bodies(self, norm: str, units: list[Unit], m: Measure, out: Assigned) -> list[Unit]:
        kept = []
        for u in units:
            if self.words.is_defined_role(u.name):
                out.notes.append(f"{m.code}: {u.name} is a defined role, not a body")
            else:
                kept.append(u)
        return kept

    def _assign(
        self, source: SourceText, city: City, m: Measure, unit: Unit, role: Role, span: Span, form: Form,
        owner: str | None = None,
    ) -> Responsibility:
        surface = source.text[unit.start : unit.end]
        named = self._short.get(unit.name, surface)  # a defined short name resolves as the body it names
        org = self.resolver.resolve_part(owner, named, city) if owner else self.resolver.resolve(named, city)
        mention = OrgMention(org, surface, source.span(unit.start, unit.end), unit.open_ended)
        return Responsibility(m.code, mention, role, Basis.EXPLICIT, span, form)

    @staticmethod
    def inherited(measures: list[Measure], explicit: list[Responsibility], issuers: list[OrgMention]) -> list[Responsibility]:
        """Responsibilities of actionable measures that name no one themselves."""
        by_measure: dict[str, list[Responsibility]] = {}
        for r in explicit:
            by_measure.setdefault(r.measure, []).append(r)
        parent = {m.code: m.parent for m in measures}
        has_explicit_below: set[str] = set()
        for code in by_measure:
            p = parent.get(code)
            while p is not None:
                has_explicit_below.add(p)
                p = parent.get(p)
        out: list[Responsibility] = []
        for m in measures:
            if m.code in by_measure or not m.actionable:
                continue
            p = m.parent
            while p is not None and p not in by_measure:
                p = parent.get(p)
            if p is not None:
                for r in by_measure[p]:
                    out.append(Responsibility(m.code, r.mention, r.role, Basis.INHERITED, r.span, Form.PARENT))
            elif m.code not in has_explicit_below:
                for issuer in issuers:
                    out.append(Responsibility(m.code, issuer, Role.RESPONSIBLE, Basis.INHERITED, issuer.span, Form.ISSUER))
        return out


# enumerations inside an item: 一是 / 第一 (within the paragraph), ① and 1) (one per line)
_MINOR_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}|[①-⑳]|\d{1,2}\))$")


def _hoist_closing_clauses(measures: list[Measure], found: list[Responsibility], norm: str) -> list[Responsibility]:
    """A clause closing an enumerated paragraph is the paragraph's.

    ``8.推进…：①…；②…；③…。（牵头单位：…）`` and ``3.…第一，…；第二，…；第三，…（主办单位：…）``:
    the clause ends the last sub-item's text but names who carries out the
    whole item. It moves to the parent when the sub-items are such minor
    enumerations, it ends the parent's text and no other sub-item names
    anyone (when each has its own, each keeps its own). A numbered item's
    closing clause ((2)…（责任部门：…）, 5.…\n牵头单位：…) stays the item's.
    """
    children: dict[str, list[Measure]] = {}
    for m in measures:
        if m.parent is not None and m.table_row is None:
            children.setdefault(m.parent, []).append(m)
    by_measure: dict[str, list[Responsibility]] = {}
    for r in found:
        by_measure.setdefault(r.measure, []).append(r)
    by_code = {m.code: m for m in measures}
    moved: dict[str, str] = {}
    for parent, kids in children.items():
        last = kids[-1]
        named = [k for k in kids if k.code in by_measure]
        if named != [last] or parent in by_measure or not _MINOR_ITEM.match(last.label):
            continue
        end = by_code[parent].span.end
        while end > 0 and norm[end - 1] in " 。.\n":
            end -= 1
        rs = by_measure[last.code]
        if all(r.form is Form.CLAUSE and r.span.end >= end for r in rs):
            moved[last.code] = parent
    if not moved:
        return found
    return [
        Responsibility(moved[r.measure], r.mention, r.role, r.basis, r.span, r.form) if r.measure in moved else r
        for r in found
    ]


def _ranked(units: list[Unit], role: Role, rule: tuple[int, Role] | None, at: int) -> list[tuple[Unit, Role]]:
    """Roles of a list's units; under a document's "first-listed leads" rule a
    list of several responsible units is led by its first."""
    if rule is None or role is not Role.RESPONSIBLE or at < rule[0] or len(units) < 2:
        return [(u, role) for u in units]  # a single unit stays responsible: it leads no one
    return [(units[0], Role.LEAD)] + [(u, rule[1]) for u in units[1:]]


def _unique(found: list[Responsibility]) -> list[Responsibility]:
    """One responsibility per (body, role) and measure: the first form found wins."""
    seen: set[tuple[str, Role]] = set()
    out = []
    for r in found:
        key = (r.mention.org.key, r.role)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
