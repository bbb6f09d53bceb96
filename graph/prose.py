"""Assignments written as sentences of a measure's own text (form PROSE).

Read at the start of a clause (after a sentence start, ``，`` ``；`` or ``：``):

* ``由市科技局负责…``, ``市科技局牵头，市财政局、市税务局配合，…``,
  ``北京市经济和信息化局负责…的统筹协调``: units, then a role verb;
* ``市科技局会同市财政局建立…机制``: units, a companion word (会同), partner
  units (they cooperate), then any action: the first units are responsible;
* ``设立市创新委员会，负责统筹…``: a body set up and made responsible.

Units in prose must name bodies: they end like one (局, 委员会, 政府 …) or are
collectives of jurisdictions (各县(市、区)); 企业负责, 高校参与 and defined roles
(运营单位, 项目承担单位) are not assignments. A role word used as a noun
(负责人, 牵头单位, 配合机制) is no verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .clauses import Assignment, Unit, split_units
from .model import Role
from .roles import RoleWords

_CLAUSE_START = re.compile(r"(?:^|(?<=[。;,:\n]))\s*")
_FILLER = re.compile(r"(?:要|应|须|需|将|要切实|具体|统一|共同|分别)$")
_SETUP = re.compile(r"(?:设立|成立|组建|建立)(?P<name>[^,;。]{3,30}?(?:委员会|领导小组|工作组|办公室|中心|专班))\s*,\s*(?:由其|专门)?负责")
_JURISDICTION_SET = re.compile(r"^各(?:县级市|乡镇|街道|开发区|园区|[省市县区乡镇旗])(?:\([^()]*\))?(?:、(?:县级市|乡镇|街道|开发区|园区|[省市县区乡镇旗])(?:\([^()]*\))?)*$")


@dataclass(frozen=True)
class ProseAssignment:
    start: int  # the clause of the sentence that assigns it
    end: int
    assignments: tuple[Assignment, ...]


IsBody = Callable[[str], bool]


def _all_bodies(units: list[Unit], is_body: IsBody) -> bool:
    return bool(units) and all(is_body(u.name) or _JURISDICTION_SET.match(u.name) for u in units)


def _partners(norm: str, start: int, end: int, words: RoleWords, is_body: IsBody) -> list[Unit]:
    """The longest unit list opening norm[start:end] (``市财政局建立…`` → 市财政局)."""
    best: list[Unit] = []
    for k in range(start + 2, min(end, start + 60) + 1):
        if not words.looks_like_body(norm[start:k]):
            continue
        units = split_units(norm, start, k, words)
        if _all_bodies(units, is_body) and units[-1].end == k:
            best = units
    return best


def _clause_end(norm: str, at: int, end: int) -> int:
    m = re.compile(r"[。;\n]").search(norm, at, end)
    return m.start() if m else end


def find_prose(
    norm: str, start: int, end: int, words: RoleWords, is_body: IsBody, skip: list[tuple[int, int]]
) -> list[ProseAssignment]:
    """Prose assignments in norm[start:end], outside the ``skip`` ranges (clauses).

    ``is_body`` tells whether a name stands for a body in this document's
    jurisdiction (graph.orgs.OrgResolver.names_a_body).
    """
    found: list[ProseAssignment] = []

    def skipped(i: int) -> bool:
        return any(a <= i < b for a, b in skip)

    for m in _SETUP.finditer(norm, start, end):
        if skipped(m.start()):
            continue
        a, b = m.start("name"), m.end("name")
        units = split_units(norm, a, b, words)
        if len(units) == 1 and is_body(units[0].name):
            found.append(ProseAssignment(m.start(), _clause_end(norm, m.end(), end), (Assignment(Role.RESPONSIBLE, tuple(units)),)))

    for cm in _CLAUSE_START.finditer(norm, start, end):
        at = cm.end()
        if at >= end or skipped(at):
            continue
        stop = _clause_end(norm, at, end)
        vm = words.verb_any.search(norm, at, stop)
        comp = words.companion_rx.search(norm, at, stop)
        if comp and (vm is None or comp.start() < vm.start()):
            units = split_units(norm, at, comp.start(), words)
            partners = _partners(norm, comp.end(), stop, words, is_body)
            if _all_bodies(units, is_body) and partners:
                role = Role.RESPONSIBLE
                after = partners[-1].end
                tail = words.verb_any.match(norm, after) or words.verb_any.match(norm, after + 1)
                if tail and norm[after:tail.start()] in ("", "共同"):
                    role = words.verb_role(tail.group("verb"))
                found.append(ProseAssignment(
                    at, stop,
                    (Assignment(role, tuple(units)), Assignment(Role.COOPERATING, tuple(partners))),
                ))
            continue
        if vm is None:
            continue
        head_end = vm.start()
        fm = _FILLER.search(norm, at, head_end)
        if fm:
            head_end = fm.start()
        units = split_units(norm, at, head_end, words)
        if not _all_bodies(units, is_body) or units[-1].end != head_end:
            continue
        role = words.verb_role(vm.group("verb"))
        found.append(ProseAssignment(at, stop, (Assignment(role, tuple(units)),)))
    return _dedupe(found)


def _dedupe(found: list[ProseAssignment]) -> list[ProseAssignment]:
    out: list[ProseAssignment] = []
    seen: set[tuple[int, int]] = set()
    for p in sorted(found, key=lambda p: p.start):
        key = (p.assignments[0].units[0].start, p.assignments[0].units[0].end)
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out
