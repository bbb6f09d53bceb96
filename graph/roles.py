"""The vocabulary of responsibility statements, read from ontology/responsibility-words.ttl.

Role labels are compositional: role heads (牵头, 主要, 责任, 配合, 考核 …) and
an optional unit noun (单位, 部门, 处室 …). The same reading serves a clause's
``牵头单位：`` and a task table's ``牵头单位`` column, so a new combination
(``协办处室``, ``牵头督办单位``) needs no new code, and a new word is one
literal in the Turtle file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from rdflib import Graph, URIRef

from .model import Role
from .vocab import PK, RW

WORDS_FILE = "responsibility-words.ttl"
_RW = str(RW)

# when heads of several roles meet in one label, the first role listed wins
_PRECEDENCE = (Role.SUPERVISING, Role.LEAD, Role.COOPERATING, Role.RESPONSIBLE)


@dataclass(frozen=True)
class LabelReading:
    """What a label (a clause's ``X：`` or a column header) names."""

    kind: str  # "role" / "person" / "deadline" / "score" / "other"
    role: Role | None = None
    owner: str | None = None  # 市卫健委 in 市卫健委内牵头处室: the body the units belong to


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class RoleWords:
    heads: dict[str, Role]  # role head -> role
    verbs: tuple[tuple[str, Role], ...]  # longest first
    marks: dict[str, Role]
    companions: tuple[str, ...]
    unit_nouns: tuple[str, ...]
    person_nouns: tuple[str, ...]
    deadline_labels: tuple[str, ...]
    score_labels: tuple[str, ...]
    other_labels: tuple[str, ...]
    not_verb_after: tuple[str, ...]
    body_suffixes: tuple[str, ...]
    defined_roles: tuple[str, ...]
    joint_bodies: tuple[str, ...] = ()
    predicate_starts: tuple[str, ...] = ()
    remark_words: tuple[str, ...] = ()
    proper_endings: tuple[str, ...] = ()  # 管委会, 有限公司 …: a body's own name without a jurisdiction
    vague_collectives: tuple[str, ...] = ()  # 各地各部门: no set of bodies one can name
    first_leads: tuple[re.Pattern[str], ...] = ()  # "排在第一位的责任单位为牵头单位"
    supervising_phrases: tuple[re.Pattern[str], ...] = ()  # 将…纳入督查督办
    openings: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (section kind, how such an item opens)
    columns: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()  # (kind, words, parts)

    # -- compiled forms ----------------------------------------------------

    @functools.cached_property
    def _label_rx(self) -> re.Pattern[str]:
        heads = _alternation(self.heads)
        nouns = _alternation(self.unit_nouns + self.person_nouns)
        return re.compile(rf"^(?P<owner>.{{1,12}}?内)?(?P<heads>(?:{heads})+)(?P<noun>{nouns})?$")

    @functools.cached_property
    def label_start(self) -> re.Pattern[str]:
        """A segment that opens with a label and a colon: ``牵头单位：``, ``责任领导:``, ``完成时限：``."""
        heads = _alternation(self.heads)
        nouns = _alternation(self.unit_nouns + self.person_nouns)
        plain = _alternation(self.deadline_labels + self.score_labels + self.other_labels)
        person = rf"[\u4e00-\u9fff]{{0,4}}(?:{_alternation(self.person_nouns)})"
        return re.compile(rf"\s*(?P<label>(?:{heads})+(?:{nouns})?|{plain}|{person})\s*:\s*")

    @functools.cached_property
    def verb_end(self) -> re.Pattern[str]:
        """A role verb closing a segment (``…牵头``, ``…按职责分工配合``)."""
        return re.compile(rf"(?P<verb>{_alternation(v for v, _ in self.verbs)})$")

    @functools.cached_property
    def verb_any(self) -> re.Pattern[str]:
        """A role verb anywhere, not used as a noun (负责人, 牵头单位 are nouns)."""
        after = _alternation(self.not_verb_after)
        return re.compile(rf"(?P<verb>{_alternation(v for v, _ in self.verbs)})(?!{after})")

    @functools.cached_property
    def mark_end(self) -> re.Pattern[str]:
        """A role mark in brackets after a unit: ``市科技局(牵头)``."""
        return re.compile(rf"\((?P<mark>{_alternation(self.marks)})\)$|\[(?P<mark2>{_alternation(self.marks)})\]$")

    @functools.cached_property
    def companion_rx(self) -> re.Pattern[str]:
        return re.compile(_alternation(self.companions))

    @functools.cached_property
    def body_end(self) -> re.Pattern[str]:
        return re.compile(rf"(?:{_alternation(self.body_suffixes)})$")

    @functools.cached_property
    def predicate_rx(self) -> re.Pattern[str]:
        """What may follow a body's name in prose: a predicate's first word, a verb, punctuation."""
        verbs = _alternation(v for v, _ in self.verbs)
        after = _alternation(self.not_verb_after)
        starts = _alternation(self.predicate_starts + self.companions)
        return re.compile(rf"(?:{verbs})(?!{after})|(?:{starts})|[,;:。)]|$")

    @functools.cached_property
    def remark_rx(self) -> re.Pattern[str]:
        """A trailing remark in brackets after a unit: (设在市科技局)."""
        return re.compile(rf"\((?:{_alternation(self.remark_words)})[^()]*\)$")

    @functools.cached_property
    def _verb_roles(self) -> dict[str, Role]:
        return dict(self.verbs)

    # -- readings ------------------------------------------------------------

    def verb_role(self, verb: str) -> Role:
        return self._verb_roles[verb]

    def mark_role(self, mark: str) -> Role:
        return self.marks[mark]

    def read_label(self, label: str) -> LabelReading | None:
        """Read a label or a column header; None when it names nothing known."""
        label = re.sub(r"\s+", "", label).rstrip(":")
        if not label:
            return None
        if label in self.deadline_labels or label.endswith(("时限", "期限", "时间", "节点")):
            return LabelReading("deadline")
        if label in self.score_labels:
            return LabelReading("score")
        if label in self.other_labels:
            return LabelReading("other")
        m = self._label_rx.match(label)
        if m is None:
            if label.endswith(self.person_nouns) and len(label) <= 6:
                return LabelReading("person")
            return None
        if m.group("noun") in self.person_nouns:
            return LabelReading("person")
        found = {self.heads[h] for h in re.findall(_alternation(self.heads), m.group("heads"))}
        role = next(r for r in _PRECEDENCE if r in found)
        owner = m.group("owner")[:-1] if m.group("owner") else None
        return LabelReading("role", role, owner)

    def read_header(self, header: str) -> LabelReading | None:
        """Read a task table's column header: a role label, or number / task / heading /
        goal / deadline / score / person / note; None when it is none of these."""
        # 牵头单位（部门）, 完成时限(年): a bracket qualifies the header, it does not name it
        h = re.sub(r"\s+|[(（][^()（）]{1,8}[)）]", "", header)
        if not h:
            return None
        number = next((words for kind, words, _ in self.columns if kind == "number"), ())
        if h in number:
            return LabelReading("number")
        reading = self.read_label(h)
        if reading is not None and reading.kind != "other":
            return reading
        for kind, words, parts in self.columns:
            if h in words or any(p in h for p in parts):
                return LabelReading(kind)
        return None

    def first_leads_rule(self, norm: str) -> tuple[int, Role] | None:
        """Where a document says the first unit of a list leads (from there on), and the others' role.
        A note (注：…) states it for the tables it closes: from the document's start."""
        for rx in self.first_leads:
            m = rx.search(norm)
            if m:
                rest = m.groupdict().get("restrole")
                role = self.heads.get(rest, Role.RESPONSIBLE) if rest else Role.RESPONSIBLE
                line = norm.rfind("\n", 0, m.start()) + 1
                note = re.match(r"\s*(?:注|备注|说明)\s*\d?\s*[:：.]", norm[line : m.start()])
                return (0 if note else m.start()), role
        return None

    def opening_kind(self, text: str) -> str | None:
        """background / principles / goals when an item's text opens like one."""
        for kind, rx in self.openings:
            if rx.search(text):
                return kind
        return None

    def looks_like_body(self, name: str) -> bool:
        return bool(self.body_end.search(name))

    def is_defined_role(self, name: str) -> bool:
        return name in self.defined_roles


def _literals(g: Graph, s: URIRef, p: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in g.objects(s, p)))


@functools.cache
def load_role_words() -> RoleWords:
    g = Graph()
    g.parse(data=resources.files("ontology").joinpath(WORDS_FILE).read_text(encoding="utf-8"), format="turtle")
    heads: dict[str, Role] = {}
    verbs: list[tuple[str, Role]] = []
    marks: dict[str, Role] = {}
    companions: list[str] = []
    for s in g.subjects(PK.role, None):
        role = Role(str(g.value(s, PK.role)).rsplit("#", 1)[-1])
        heads.update({w: role for w in _literals(g, s, PK.roleHead)})
        verbs.extend((w, role) for w in _literals(g, s, PK.roleVerb))
        marks.update({w: role for w in _literals(g, s, PK.roleMark)})
        companions.extend(_literals(g, s, PK.companionWord))

    def words(local: str) -> tuple[str, ...]:
        return _literals(g, URIRef(_RW + local), PK.word)

    return RoleWords(
        heads=heads,
        verbs=tuple(sorted(verbs, key=lambda v: (-len(v[0]), v[0]))),
        marks=marks,
        companions=tuple(sorted(companions)),
        unit_nouns=words("unit-noun"),
        person_nouns=words("person-noun"),
        deadline_labels=words("deadline-label"),
        score_labels=words("score-label"),
        other_labels=words("other-label"),
        not_verb_after=words("not-a-verb"),
        body_suffixes=words("body-suffix"),
        defined_roles=words("defined-role"),
        joint_bodies=words("joint-body"),
        predicate_starts=words("predicate-start"),
        remark_words=words("remark-word"),
        proper_endings=words("proper-body-ending"),
        vague_collectives=words("vague-collective"),
        first_leads=tuple(re.compile(str(p)) for p in g.objects(URIRef(_RW + "first-leads"), PK.pattern)),
        openings=tuple(
            (kind, re.compile(str(p)))
            for kind in ("background", "principles", "goals")
            for p in sorted(g.objects(URIRef(_RW + f"{kind.removesuffix('s')}-opening"), PK.pattern), key=str)
        ),
        supervising_phrases=tuple(
            re.compile(str(p)) for p in g.objects(URIRef(_RW + "supervising-phrase"), PK.pattern)
        ),
        columns=tuple(
            (kind, words(f"{kind}-column"), _literals(g, URIRef(_RW + f"{kind}-column"), PK.headerPart))
            for kind in ("number", "note", "goal", "task", "heading")
        ),
    )
