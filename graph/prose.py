"""Assignments written as sentences of a measure's own text (form PROSE).

A sentence is read clause by clause (between ``，`` ``；`` ``：`` ``。``). A
clause that opens with bodies, after its numbering (第四条, 1.), assigns them:

* ``市科技局负责…``, ``市科技局牵头，市财政局、市税务局配合``, ``X要牵头…``:
  a role verb after the bodies gives its role;
* ``市科技局会同市财政局建立…``: the bodies after the companion word (会同)
  cooperate, the first ones are responsible (or take the verb after both);
* ``市委督查室对…进行监督``: a role verb closing the clause;
* ``由市科技局负责解释``, ``由X约谈…``: an agent introduced by 由 carries
  out the clause (RESPONSIBLE, or the role of a role verb right after it);
* ``X按照本办法，负责…``: a clause that opens with a role verb takes the
  bodies that opened the clause before it;
* ``设立市创新委员会，负责统筹…``: a body set up and made responsible.

Where the bodies end is read from what follows them: a predicate's first word
(统筹, 对, 按照 …, listed in ontology/responsibility-words.ttl), a verb or
punctuation; so 市卫健委、市科技局统筹安排 ends at 市科技局 and 市政府督查室对
at 督查室. Bodies must be bodies (``is_body``: a jurisdiction leads their name,
or a department type, the registry or a collective knows them); 企业负责,
高校参与 and defined roles (运营单位, 项目承担单位) are not assignments, and a
role word used as a noun (负责人, 牵头单位, 督查室) is no verb.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .clauses import Assignment, Unit, split_units
from .model import Role
from .roles import RoleWords

_CLAUSE = re.compile(r"[^,;:。\n]+")
_LABEL = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零]{1,5}条|[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十\d]{1,3}\s*\)"
    r"|\d{1,2}\s*[.、)](?!\d)|[①-⑳]|[一二三四五六七八九十]{1,3}是)?\s*(?:同时|并且|并|还|另外)?\s*"
)
_FILLER = re.compile(r"(?:要|应|须|需|将|要切实|具体|统一|共同|分别|依法|定期|积极|主动)?")
_OVER = re.compile(r"(?:要|应|将|依法|定期)?对[^,;。]{1,40}?(?:进行|开展|实施|加强)?(?:跟踪|全过程|全程|定期|常态化)?")
_ADVERBIAL = re.compile(r"(?:要|应|将)?(?:按照|根据|依据|依照|结合|围绕|在)")
_AGENT = re.compile(r"(?<!理)由(?!于|此|来|衷)")
_NOT_AGENCY = re.compile(r"^(?:组成|构成|牵头组成)")
_SETUP = re.compile(r"(?:设立|成立|组建|建立)(?P<name>[^,;。]{3,30}?(?:委员会|领导小组|工作组|办公室|中心|专班|联席会议))\s*,\s*(?:由其|专门)?负责")
_JURISDICTION_SET = re.compile(
    r"^各(?:县级市|乡镇|街道|开发区|园区|[省市县区乡镇旗])(?:\([^()]*\))?"
    r"(?:、(?:县级市|乡镇|街道|开发区|园区|[省市县区乡镇旗])(?:\([^()]*\))?)*$"
)

IsBody = Callable[[str], bool]


@dataclass(frozen=True)
class ProseAssignment:
    start: int  # the clause (or sentence) that assigns it
    end: int
    assignments: tuple[Assignment, ...]


def _all_bodies(units: list[Unit], is_body: IsBody) -> bool:
    return bool(units) and all(is_body(u.name) or _JURISDICTION_SET.match(u.name) for u in units)


def leading_units(norm: str, start: int, end: int, words: RoleWords, is_body: IsBody) -> list[Unit]:
    """The longest list of bodies opening norm[start:end] that a predicate follows."""
    best: list[Unit] = []
    cm = words.companion_rx.search(norm, start, end)
    if cm:
        end = cm.start()  # 州财政局会同州科技局: the list stops at 会同
    for k in range(start + 2, min(end, start + 80) + 1):
        if not (words.looks_like_body(norm[start:k]) or norm[k - 1] == ")"):
            continue
        if norm.count("(", start, k) != norm.count(")", start, k):
            continue  # inside a bracket: 办公室(设在省科技厅
        if not words.predicate_rx.match(norm, k, end):
            continue
        units = split_units(norm, start, k, words)
        if units and units[-1].end >= k - 1 and _all_bodies(units, is_body):
            best = units
    return best


def _role_after(norm: str, at: int, end: int, words: RoleWords) -> Role | None:
    """The role of a role verb right after ``at`` (fillers such as 要 / 具体 allowed)."""
    fm = _FILLER.match(norm, at, end)
    pos = fm.end() if fm else at
    vm = words.verb_any.match(norm, pos, end)
    return words.verb_role(vm.group("verb")) if vm else None


def _closing_role(norm: str, at: int, end: int, words: RoleWords) -> Role | None:
    """``对…进行监督``: a role verb that closes the clause after an 对-phrase."""
    om = _OVER.match(norm, at, end)
    if not om or om.end() == at:
        return None
    vm = words.verb_end.search(norm[om.end() : end])
    if vm and om.end() + vm.start() >= om.end():
        return words.verb_role(vm.group("verb"))
    return None


def _read_clause(norm: str, a: int, b: int, words: RoleWords, is_body: IsBody,
                 subject: list[Unit] | None) -> tuple[list[Assignment], list[Unit] | None]:
    """Assignments of one clause, and the bodies a following clause may continue."""
    lm = _LABEL.match(norm, a, b)
    at = lm.end() if lm else a
    # 由X…: an agent (within the first words: 本办法由市科技局负责解释)
    agent = _AGENT.search(norm, at, min(b, at + 8))
    if agent:
        units = leading_units(norm, agent.end(), b, words, is_body)
        if units:
            after = units[-1].end
            if _NOT_AGENCY.match(norm[after:b]):
                return [], None
            out = [Assignment(_role_after(norm, after, b, words) or Role.RESPONSIBLE, tuple(units))]
            cm = words.companion_rx.match(norm, after, b)
            if cm:
                partners = leading_units(norm, cm.end(), b, words, is_body)
                if partners:
                    role = _role_after(norm, partners[-1].end, b, words) or Role.RESPONSIBLE
                    out = [Assignment(role, tuple(units)), Assignment(Role.COOPERATING, tuple(partners))]
            return out, None
    units = leading_units(norm, at, b, words, is_body)
    if not units:
        role = _role_after(norm, at, b, words)
        if role is not None and subject:
            return [Assignment(role, tuple(subject))], None
        return [], None
    after = units[-1].end
    while after < b and norm[after] in ")":
        after += 1
    cm = words.companion_rx.match(norm, after, b)
    if cm:
        partners = leading_units(norm, cm.end(), b, words, is_body)
        if partners:
            role = _role_after(norm, partners[-1].end, b, words) or Role.RESPONSIBLE
            return [Assignment(role, tuple(units)), Assignment(Role.COOPERATING, tuple(partners))], units
    role = _role_after(norm, after, b, words) or _closing_role(norm, after, b, words)
    if role is not None:
        return [Assignment(role, tuple(units))], units
    # 市统计局按照本办法和考评细则, 负责…: a subject with only an adverbial carries
    # to the next clause (one with a predicate of its own does not)
    return [], units if _ADVERBIAL.match(norm, after, b) else None


def find_prose(
    norm: str, start: int, end: int, words: RoleWords, is_body: IsBody, skip: list[tuple[int, int]]
) -> list[ProseAssignment]:
    """Prose assignments in norm[start:end], outside the ``skip`` ranges (clauses).

    ``is_body`` tells whether a name stands for a body in this document's
    jurisdiction (graph.orgs.OrgResolver.names_a_body).
    """
    found: list[ProseAssignment] = []

    def skipped(i: int, j: int) -> bool:
        return any(x < j and i < y for x, y in skip)

    for m in _SETUP.finditer(norm, start, end):
        if skipped(m.start(), m.end()):
            continue
        units = split_units(norm, m.start("name"), m.end("name"), words)
        if len(units) == 1 and is_body(units[0].name):
            stop = norm.find("。", m.end(), end)
            found.append(ProseAssignment(m.start(), stop if stop >= 0 else end,
                                         (Assignment(Role.RESPONSIBLE, tuple(units)),)))

    subject: list[Unit] | None = None
    for cm in _CLAUSE.finditer(norm, start, end):
        a, b = cm.start(), cm.end()
        if skipped(a, b) or any(p.start <= a < p.end for p in found):
            subject = None
            continue
        assignments, subject = _read_clause(norm, a, b, words, is_body, subject)
        if assignments:
            found.append(ProseAssignment(a, b, tuple(assignments)))
        # a subject carries over a comma only, never past a full stop
        if b < end and norm[b] in "。;\n":
            subject = None
    return found
