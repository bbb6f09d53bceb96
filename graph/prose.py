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
* ``设立市创新委员会，负责统筹…``: a body set up and made responsible;
* oversight: a supervising verb or construction (督查, 追究…责任, 对…进行监督检查), also after
  负责 (负责对…进行督查) or 牵头 (牵头组织考核), and the agent of a sentence about an
  assessment (考核工作…，由X组织实施) supervise.

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
    r"|\d{1,2}\s*[.、)](?!\d)|[①-⑳]|[一二三四五六七八九十]{1,3}是)?\s*(?:同时|并且|并|还|另外)?\s*(?:明确|确定)?\s*"
)
_FILLER = re.compile(r"(?:要|应|须|需|将)?(?:切实|具体|统一|共同|分别|依法|定期|积极|主动|密切|加强|全力)?")
_OVER = re.compile(
    r"(?:要|应|将|依法|定期)?(?:按照?职责(?:分工)?|依职责)?对[^,;。]{1,40}?(?:进行|开展|实施|加强)?"
    r"(?:跟踪|全过程|全程|定期|常态化)?"
)
_OPEN_TAIL = re.compile(r"等+(?:(?:有关|相关|其他)?(?:部门|单位|机构))?")  # 省财政厅等部门: the list goes on
_ADVERBIAL = re.compile(r"(?:要|应|将)?(?:按照|根据|依据|依照|结合|围绕|在)")
_ASSESSING = re.compile(r"(?:进行|开展|组织)[^,;。]{0,8}?(?:考核|考评|综合评价|评价考核|监督检查|绩效评价|督办|督查|督导)")
_SUPERVISED = re.compile(r"(?:考核|考评|督查|督导|督办|监督)(?:工作|评价|结果)?")
# 牵头组织考核: leading the assessment is overseeing (负责考核工作的统筹领导 stays a duty of its own)
_ASSESSMENT_DUTY = re.compile(r"(?:要|应|将)?牵头(?:组织|开展)(?:实施)?(?:考核|考评|督查|督导|督办)(?!办法|细则|指标)")
# an office set up in a body and made responsible: 联席会议办公室设在省科技厅，负责…
_SEATED = re.compile(r"(?P<name>[^,;。]{2,30}?(?:办公室|办))设在(?P<host>[^,;。]{2,24}?)\s*,\s*(?:具体|主要)?负责")
_AGENT = re.compile(r"(?<!理)由(?!于|此|来|衷)")
# after 由X: composition (由…组成), or a person of X (由市政府分管领导约谈…, 由县政府分管副县长任组长)
_NOT_AGENCY = re.compile(r"^(?:组成|构成|牵头组成|分管|主要负责同志|主要领导|[副正]?(?:省|市|县|区)长|领导)")
_SETUP = re.compile(
    r"(?:设立|成立|组建|建立)(?P<name>[^,;。]{3,40}?(?:委员会|领导小组|工作组|办公室|中心|专班|联席会议))"
    r"(?:\s*,[^,;。]{0,16}(?:组长|主任|召集人|成员)[^,;。]{0,8}){0,3}\s*,\s*(?:由其|专门)?负责"
)
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


@dataclass(frozen=True)
class BodyNames:
    """What counts as a body's name in this document's jurisdiction.

    ``is_body``: a name that can stand for a body (graph.orgs.OrgResolver.names_a_body);
    ``is_known``: one that a department type or the registry knows (市委组织部).
    """

    is_body: IsBody
    is_known: IsBody


def leading_units(norm: str, start: int, end: int, words: RoleWords, bodies: BodyNames) -> tuple[list[Unit], int]:
    """The list of bodies opening norm[start:end] that a predicate follows, and where it ends.

    The shortest such list, because a predicate's object can end like a body
    too (市财政局负责落实…所需资金: 所; 会同市财政局建立…投资机构: 机构); a list
    goes on over 、 and 和, which no predicate opens. A longer reading wins
    where its last name is a known body that the shorter one cuts
    (市委 + 组织… is 市委组织部).
    """
    cm = words.companion_rx.search(norm, start, end)
    if cm:
        end = cm.start()  # 州财政局会同州科技局: the list stops at 会同
    found: list[tuple[list[Unit], int]] = []  # followed by a predicate
    known: list[tuple[list[Unit], int]] = []  # or made of known bodies only (市科技局梳理…)
    for k in range(start + 2, min(end, start + 80) + 1):
        if not (words.looks_like_body(norm[start:k]) or norm[k - 1] == ")"):
            continue
        if norm.count("(", start, k) != norm.count(")", start, k):
            continue  # inside a bracket: 办公室(设在省科技厅
        if "的" in norm[start:k]:
            break  # a relative clause (由县政府分管副县长任组长的…专班): no body's name has one
        units = split_units(norm, start, k, words)
        # the last unit reaches k, but for a remark in brackets (设在市科技局) stripped from it
        tail = norm[units[-1].end : k] if units else ""
        if not units or (tail and not (words.remark_rx.fullmatch(tail) or _OPEN_TAIL.fullmatch(tail))) \
                or not _all_bodies(units, bodies.is_body):
            continue
        if words.predicate_rx.match(norm, k, end):
            found.append((units, k))
        elif all(bodies.is_known(u.name) for u in units) and norm[k : k + 1] not in ("、", "和", "及", "与", "等"):
            known.append((units, k))
    for units, k in found + known:
        last = units[-1]
        # 市委 + 组织部…: the name goes on into a known body's
        if any(bodies.is_known(norm[last.start : j]) for j in range(k + 1, min(end, k + 8) + 1)):
            continue
        return units, k
    return [], start


def _verb_after(norm: str, at: int, end: int, words: RoleWords) -> re.Match[str] | None:
    """A role verb right after ``at`` (fillers such as 要 / 具体 allowed)."""
    fm = _FILLER.match(norm, at, end)
    return words.verb_any.match(norm, fm.end() if fm else at, end)


def _role_after(norm: str, at: int, end: int, words: RoleWords) -> Role | None:
    """The role of a role verb right after ``at``."""
    vm = _verb_after(norm, at, end, words)
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


@dataclass(frozen=True)
class _Subject:
    """The bodies that opened the clause before, for a clause that goes on without naming any."""

    units: list[Unit]
    assigned: bool  # they took a role there: a bare verb after them adds none (X牵头，负责…)


def _read_clause(norm: str, a: int, b: int, words: RoleWords, bodies: BodyNames,
                 subject: _Subject | None, assessment: bool = False) -> tuple[list[Assignment], _Subject | None]:
    """Assignments of one clause, and the subject a following clause may continue; ``assessment``:
    the sentence is about an assessment (考核工作在…领导下进行，由X组织实施)."""
    lm = _LABEL.match(norm, a, b)
    at = lm.end() if lm else a
    # 由X…: an agent (within the first words: 本办法由市科技局负责解释)
    agent = _AGENT.search(norm, at, min(b, at + 8))
    if agent:
        # 考核工作由X组织实施: the agent of an assessment supervises
        assessed = assessment or _SUPERVISED.search(norm, at, agent.start())
        default = Role.SUPERVISING if assessed else Role.RESPONSIBLE
        units, after = leading_units(norm, agent.end(), b, words, bodies)
        if units:
            if _NOT_AGENCY.match(norm[after:b]):
                return [], None
            cm = words.companion_rx.match(norm, after, b)
            if cm:
                partners, p_end = leading_units(norm, cm.end(), b, words, bodies)
                if partners:
                    role = _assessing(_verb_role(norm, p_end, b, words), default)
                    return ([Assignment(role, tuple(units)), Assignment(Role.COOPERATING, tuple(partners))],
                            _Subject(units, True))
            role = _assessing(_verb_role(norm, after, b, words), default)
            return [Assignment(role, tuple(units))], _Subject(units, True)
    # 会同Y…: the subject of the clause before acts with partners
    if subject:
        cm = words.companion_rx.match(norm, at, b)
        if cm:
            partners, p_end = leading_units(norm, cm.end(), b, words, bodies)
            if partners:
                together = [Assignment(Role.COOPERATING, tuple(partners))]
                # 州财政局负责…，会同州科技局对资金使用情况进行监督检查: the subject oversees too
                if _closing_role(norm, p_end, b, words) is Role.SUPERVISING:  # not …开展绩效评价
                    together.insert(0, Assignment(Role.SUPERVISING, tuple(subject.units)))
                return together, subject
    units, after = leading_units(norm, at, b, words, bodies)
    if not units:
        role = _role_after(norm, at, b, words) or _closing_role(norm, at, b, words)
        # a subject goes on into a bare verb: 市统计局按照本办法，负责…; once it took a role, only
        # oversight is a duty of its own (市财政局负责…，并对资金使用情况实施监督)
        if role is not None and subject and (not subject.assigned or role is Role.SUPERVISING):
            return [Assignment(role, tuple(subject.units))], None
        # a clause naming no one goes on with the subject before it (市科技局负责…，组织…，会同Y…)
        return [], subject if role is None else None
    fm = _FILLER.match(norm, after, b)
    cm = words.companion_rx.match(norm, fm.end() if fm else after, b)  # X要会同Y…
    if cm:
        partners, p_end = leading_units(norm, cm.end(), b, words, bodies)
        if partners:
            # 市科技局会同市统计局进行综合评价: leading an assessment supervises
            default = Role.SUPERVISING if _ASSESSING.search(norm, p_end, b) else Role.RESPONSIBLE
            role = _role_after(norm, p_end, b, words) or default
            return ([Assignment(role, tuple(units)), Assignment(Role.COOPERATING, tuple(partners))],
                    _Subject(units, True))
    role = _verb_role(norm, after, b, words) or _role_named(norm, after, b, words)
    if role is not None:
        return [Assignment(role, tuple(units))], _Subject(units, True)
    # 市统计局按照本办法和考评细则, 负责…: a subject with only an adverbial carries
    # to the next clause (one with a predicate of its own does not)
    return [], _Subject(units, False) if _ADVERBIAL.match(norm, after, b) else None


def _assessing(role: Role | None, default: Role) -> Role:
    """The verb's role, but organizing an assessment (考核工作由X具体组织实施) is supervising it."""
    if role is None or (default is Role.SUPERVISING and role is Role.RESPONSIBLE):
        return default
    return role


# 作为牵头单位, 为责任单位, 是本地区…工作的责任主体
_AS = re.compile(r"(?:要|应)?(?:作为|为|是|担任)(?:[^,;。]{0,30}的)?")


def _role_named(norm: str, at: int, end: int, words: RoleWords) -> Role | None:
    """``市科技局作为牵头单位``, ``明确市科技局为责任单位``: a role label after 作为 / 为."""
    m = _AS.match(norm, at, end)
    if not m:
        return None
    for k in range(min(end, m.end() + 8), m.end() + 1, -1):
        reading = words.read_label(norm[m.end() : k])
        if reading is not None and reading.kind == "role":
            return reading.role
    return None


def _verb_role(norm: str, at: int, end: int, words: RoleWords) -> Role | None:
    """The role a predicate gives its bodies: a role verb right after them, a
    role verb closing an 对-phrase, or a supervising construction (将…纳入督查)."""
    role = _role_after(norm, at, end, words) or _closing_role(norm, at, end, words)
    if role is None and any(rx.match(norm, at, end) for rx in words.supervising_phrases):
        role = Role.SUPERVISING
    if role in (Role.LEAD, Role.RESPONSIBLE) and _ASSESSMENT_DUTY.match(norm, at, end):
        role = Role.SUPERVISING  # 由市委目标办牵头组织考核: the duty is the assessment
    elif role is Role.RESPONSIBLE:
        # 县委县政府督查室负责对各项任务的落实情况进行督查: responsible for overseeing is overseeing
        vm = _verb_after(norm, at, end, words)
        if vm and vm.group("verb") == "负责" and (
                _closing_role(norm, vm.end(), end, words) is Role.SUPERVISING
                or any(rx.match(norm, vm.end(), end) for rx in words.supervising_phrases)):
            role = Role.SUPERVISING
    return role


def find_prose(
    norm: str, start: int, end: int, words: RoleWords, bodies: BodyNames, skip: list[tuple[int, int]]
) -> list[ProseAssignment]:
    """Prose assignments in norm[start:end], outside the ``skip`` ranges (clauses)."""
    found: list[ProseAssignment] = []

    def skipped(i: int, j: int) -> bool:
        return any(x < j and i < y for x, y in skip)

    for m in _SEATED.finditer(norm, start, end):
        if skipped(m.start(), m.end()):
            continue
        units = split_units(norm, m.start("name"), m.end("name"), words)
        if len(units) == 1:
            stop = norm.find("。", m.end(), end)
            found.append(ProseAssignment(m.start(), stop if stop >= 0 else end,
                                         (Assignment(Role.RESPONSIBLE, tuple(units)),)))
    for m in _SETUP.finditer(norm, start, end):
        if skipped(m.start(), m.end()):
            continue
        # 成立由…任组长的X专班: the body is what follows the last 的
        a = max(m.start("name"), norm.rfind("的", m.start("name"), m.end("name")) + 1)
        units = split_units(norm, a, m.end("name"), words)
        if len(units) == 1 and bodies.is_body(units[0].name):
            stop = norm.find("。", m.end(), end)
            found.append(ProseAssignment(m.start(), stop if stop >= 0 else end,
                                         (Assignment(Role.RESPONSIBLE, tuple(units)),)))

    subject: _Subject | None = None
    assessment = False  # the sentence opens with an assessment as its topic (考核工作…)
    sentence = True
    for cm in _CLAUSE.finditer(norm, start, end):
        a, b = cm.start(), cm.end()
        if sentence:
            lm = _LABEL.match(norm, a, b)
            assessment = bool(_SUPERVISED.match(norm, lm.end() if lm else a, b))
            sentence = False
        if skipped(a, b) or any(p.start <= a < p.end for p in found):
            subject = None
        else:
            assignments, subject = _read_clause(norm, a, b, words, bodies, subject, assessment)
            if assignments:
                found.append(ProseAssignment(a, b, tuple(assignments)))
        # a subject carries over a comma only, never past a full stop
        if b < end and norm[b] in "。;\n":
            subject = None
            sentence = True
    return found
