"""Policy tools (政策工具): each measure coded into Rothwell & Zegveld's tools.

A measure gets a tool in three ways, each with the words that justify it:

1. the tool's own ``pk:pattern`` matches the measure's own text (the words);
2. one of the measure's measure types maps to the tool in the crosswalk of
   ontology/policy-tools.ttl (``mt:x skos:broadMatch|skos:closeMatch pt:y``):
   the measure type's evidence phrase, and the measure type as ``via``;
3. the measure stands in the goals section (主要目标): 目标规划, quoting its title.

The matrices researchers draw (city × tool, and tool × measure-type family,
the "二维分析框架") are plain functions over coding rows, which can come from
the facts of a build (:func:`rows_from_facts`) or from a built dataset
(:func:`rows_from_store`), so that a notebook and the service compute the same
numbers.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import SKOS

from .model import ConceptHit, Measure, SourceText, ToolCoding
from .normalize import StrippedText
from .concepts import concept_hits
from .schemes import Concept, Schemes
from .vocab import PK, PT

GOAL_PLANNING = str(PT["goal-planning"])
TYPES = ("supply", "environment", "demand")  # 供给型, 环境型, 需求型: the columns' order


@dataclass(frozen=True)
class ToolScheme:
    tools: list[Concept]  # every pt: concept, the three types included
    crosswalk: dict[str, tuple[str, ...]]  # mt: or stip: IRI -> pt: IRIs
    strong: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)  # pt: IRI -> pk:strongPattern
    notation: dict[str, str] = field(default_factory=dict)  # pt: IRI -> S1 … D5 (skos:notation): the tools' order

    @property
    def sub_tools(self) -> list[Concept]:
        return [t for t in self.tools if t.broader]

    def type_of(self, tool: str) -> str:
        """The tool's type (供给型 / 环境型 / 需求型) IRI; a type is its own."""
        by_iri = {t.iri: t for t in self.tools}
        t = by_iri[tool]
        return t.broader or t.iri


_SCHEMES: dict[int, ToolScheme] = {}


def tool_scheme(schemes: Schemes) -> ToolScheme:
    """The tools and the crosswalk of a loaded vocabulary (made once per Schemes)."""
    made = _SCHEMES.get(id(schemes))
    if made is None:
        made = _SCHEMES[id(schemes)] = _read_scheme(schemes)
    return made


def _read_scheme(schemes: Schemes) -> ToolScheme:
    g = schemes.graph
    crosswalk: dict[str, set[str]] = defaultdict(set)
    for prop in (SKOS.broadMatch, SKOS.closeMatch):
        for s, o in g.subject_objects(prop):
            if str(o).startswith(str(PT)):
                crosswalk[str(s)].add(str(o))
    strong = {}
    for t in schemes.policy_tools:
        pats = []
        for o in sorted(g.objects(URIRef(t.iri), PK.strongPattern), key=str):
            try:
                pats.append(re.compile(str(o)))
            except re.error as exc:
                raise ValueError(f"bad pk:strongPattern on {t.iri}: {o!r} ({exc})") from None
        strong[t.iri] = tuple(pats)
    notation = {t.iri: str(g.value(URIRef(t.iri), SKOS.notation) or t.iri) for t in schemes.policy_tools}
    return ToolScheme(schemes.policy_tools, {k: tuple(sorted(v)) for k, v in sorted(crosswalk.items())}, strong,
                      notation)


# A tool's words in a measure's heading (its first sentence, which names what
# the measure does) code it; words only in the body code it when they recur,
# since a body names many things in passing (测得: a single mention in the body
# was the coder's choice in 27 of 163 hand-coded cases, three or more in 48 of 73).
MIN_BODY_MENTIONS = 3


def code_measures(
    source: SourceText,
    stripped: StrippedText,
    measures: list[Measure],
    ranges: dict[str, tuple[int, int]],
    clause_ranges: list[tuple[int, int]],
    measure_types: list[ConceptHit],
    schemes: Schemes,
) -> list[ToolCoding]:
    """The policy tools of each measure in ``ranges`` (its own text), with evidence.

    One coding per (measure, tool), by the first rule that applies: a measure
    of the goals section is 目标规划 (and nothing else: goals name every
    field they aim at); the tool's words (pk:pattern) in the measure's heading,
    or recurring (``MIN_BODY_MENTIONS``) in its body; its specific words
    (pk:strongPattern) anywhere; a measure type whose evidence is in the
    heading and that maps to the tool in the crosswalk.
    """
    scheme = tool_scheme(schemes)
    by_code = {m.code: m for m in measures}
    # 指导思想 / 基本原则 state a stance, not a tool
    ranges = {c: r for c, r in ranges.items() if by_code[c].section_kind != "principles"}
    measure_types = [h for h in measure_types if h.measure in ranges]
    heads = {code: _heading(by_code[code], rng) for code, rng in ranges.items()}
    owned = sorted((s, e, code) for code, (s, e) in ranges.items() if e > s)
    starts = [o[0] for o in owned]
    mentions: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    strong: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for tool in scheme.sub_tools:
        for found, patterns in ((mentions, tool.patterns), (strong, scheme.strong.get(tool.iri, ()))):
            for rx in patterns:
                for a, b, _ in stripped.search(rx, 0, len(source.text)):
                    k = bisect.bisect_right(starts, a) - 1
                    if k < 0 or a >= owned[k][1] or any(x <= a < y for x, y in clause_ranges):
                        continue
                    found[(owned[k][2], tool.iri)].append((a, b))
    coded: dict[tuple[str, str], ToolCoding] = {}
    goals = {code for code in ranges if by_code[code].section_kind == "goals"}
    for code in sorted(goals):
        m = by_code[code]
        coded[(code, GOAL_PLANNING)] = ToolCoding(code, GOAL_PLANNING, m.title_span or _head(source, ranges[code]))
    for (code, tool), found in sorted(mentions.items()):
        if code in goals:
            continue
        found.sort()
        h0, h1 = heads[code]
        in_head = [ab for ab in found if h0 <= ab[0] < h1]
        if in_head or len({a for a, _ in found}) >= MIN_BODY_MENTIONS:
            a, b = (in_head or found)[0]
            coded[(code, tool)] = ToolCoding(code, tool, source.span(a, b))
    for (code, tool), found in sorted(strong.items()):
        if code not in goals and (code, tool) not in coded:
            a, b = min(found)
            coded[(code, tool)] = ToolCoding(code, tool, source.span(a, b))
    for hit in measure_types:
        if hit.measure not in ranges or hit.measure in goals:
            continue
        h0, h1 = heads[hit.measure]
        if not h0 <= hit.span.start < h1:
            continue
        for tool in scheme.crosswalk.get(hit.concept, ()):
            if (hit.measure, tool) not in coded:
                coded[(hit.measure, tool)] = ToolCoding(hit.measure, tool, hit.span, via=hit.concept)
    order = {m.code: i for i, m in enumerate(measures)}
    return sorted(coded.values(), key=lambda c: (order[c.measure], c.tool))


def _heading(m: Measure, rng: tuple[int, int]) -> tuple[int, int]:
    """Where a measure's heading is: its title, else (a table task, an untitled
    paragraph) its whole own text."""
    if m.title_span is not None:
        return m.title_span.start, m.title_span.end
    return rng


def _head(source: SourceText, rng: tuple[int, int]):
    """The first line of a measure's own text (at most 40 characters): its heading."""
    s, e = rng
    text = source.text[s:e]
    cut = min([i for i in (text.find("\n"), text.find("。"), 40) if i > 0] or [len(text)])
    return source.span(s, s + max(1, min(cut, len(text))))


# -- matrices ------------------------------------------------------------------


@dataclass(frozen=True)
class CodingRow:
    """One measure coded with one tool: what the matrices count."""

    city: str  # the city's name (许昌市)
    document: str
    measure: str  # measure IRI
    tool: str  # pt: IRI
    measure_types: tuple[str, ...] = ()  # the measure's mt: IRIs


@dataclass
class Matrix:
    """Counts of distinct measures per (row, column); labels in the schemes' order."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    row_labels: dict[str, str] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)

    def get(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)

    def as_records(self) -> list[dict]:
        """One dict per row: ``{"row": label, <column label>: count, ...}``."""
        return [
            {"row": self.row_labels.get(r, r), **{self.column_labels.get(c, c): self.get(r, c) for c in self.columns}}
            for r in self.rows
        ]

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([""] + [self.column_labels.get(c, c) for c in self.columns])
        for r in self.rows:
            w.writerow([self.row_labels.get(r, r)] + [self.get(r, c) for c in self.columns])
        return buf.getvalue()


def _tool_axis(scheme: ToolScheme, level: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The tool columns (sub-tools in scheme order, or the three types) and each tool's column."""
    type_order = {str(PT[name]): i for i, name in enumerate(TYPES)}
    subs = sorted(scheme.sub_tools, key=lambda t: (type_order[t.broader], len(scheme.notation[t.iri]),
                                                   scheme.notation[t.iri]))
    labels = {t.iri: t.label for t in scheme.tools}
    if level == "type":
        cols = sorted(type_order, key=type_order.get)
        return cols, labels, {t.iri: t.broader for t in subs}
    if level != "tool":
        raise ValueError(f"level must be 'tool' or 'type', not {level!r}")
    return [t.iri for t in subs], labels, {t.iri: t.iri for t in subs}


def city_tool_matrix(rows: list[CodingRow], schemes: Schemes, level: str = "tool") -> Matrix:
    """City × policy tool: how many measures of each city use each tool (or type: ``level="type"``)."""
    scheme = tool_scheme(schemes)
    cols, labels, column_of = _tool_axis(scheme, level)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        seen[(r.city, column_of.get(r.tool, r.tool))].add(r.measure)
    cities = sorted({r.city for r in rows})
    return Matrix(cities, cols, {k: len(v) for k, v in seen.items()}, {}, labels)


def tool_family_matrix(rows: list[CodingRow], schemes: Schemes, level: str = "tool") -> Matrix:
    """Policy tool × measure-type family (the 二维分析框架): measures coded with a
    tool whose measure types fall in each family (a measure counts once per cell)."""
    scheme = tool_scheme(schemes)
    cols, labels, column_of = _tool_axis(scheme, level)
    family_of = {c.iri: (c.broader or c.iri) for c in schemes.measure_types}
    families = sorted({c.iri for c in schemes.measure_types if not c.broader})
    fam_labels = {c.iri: c.label for c in schemes.measure_types if not c.broader}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        for mt in r.measure_types:
            fam = family_of.get(mt)
            if fam:
                seen[(column_of.get(r.tool, r.tool), fam)].add(r.measure)
    return Matrix(cols, families, {k: len(v) for k, v in seen.items()}, labels, fam_labels)


def rows_from_facts(facts, cities) -> list[CodingRow]:
    """Coding rows of a build's facts (``BuildResult.facts`` and ``.cities``)."""
    from .rdf import measure_iri

    out: list[CodingRow] = []
    for f in facts:
        city = cities[f.meta.city_code].name
        types: dict[str, set[str]] = defaultdict(set)
        for h in f.measure_types:
            types[h.measure].add(h.concept)
        for c in f.policy_tools:
            out.append(CodingRow(city, f.source.name, str(measure_iri(f.source.name, c.measure)), c.tool,
                                 tuple(sorted(types.get(c.measure, ())))))
    return out


def rows_from_store(store) -> list[CodingRow]:
    """Coding rows of a built dataset loaded in a pyoxigraph Store (the TriG, union of its graphs)."""
    from .vocab import SPARQL_PREFIXES

    q = SPARQL_PREFIXES + """
        SELECT DISTINCT ?m ?tool ?cityName ?doc WHERE {
          ?c a pk:PolicyToolCoding ; pk:measure ?m ; pk:concept ?tool .
          ?m eli:is_part_of ?p ; pk:city ?city .
          ?p pk:sourceDocument ?doc .
          ?city rdfs:label ?cityName . FILTER (lang(?cityName) = "zh")
        }"""
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.query(SPARQL_PREFIXES + "SELECT DISTINCT ?m ?t WHERE { ?m a pk:Measure ; pk:measureType ?t }",
                           use_default_graph_as_union=True):
        types[row["m"].value].add(row["t"].value)
    out = [
        CodingRow(row["cityName"].value, row["doc"].value, row["m"].value, row["tool"].value,
                  tuple(sorted(types.get(row["m"].value, ()))))
        for row in store.query(q, use_default_graph_as_union=True)
    ]
    return sorted(out, key=lambda r: (r.city, r.document, r.measure, r.tool))


__all__ = [
    "CodingRow", "Matrix", "ToolScheme", "city_tool_matrix", "code_measures", "rows_from_facts",
    "rows_from_store", "tool_family_matrix", "tool_scheme",
]


# -- scoring against a hand-coded set --------------------------------------------


@dataclass
class ToolScore:
    """Precision and recall of the coding against measures coded by hand."""

    measures: int
    true_pos: int
    false_pos: int
    false_neg: int
    per_tool: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # tool local name -> tp, fp, fn
    misses: list[str] = field(default_factory=list)  # "document measure: +extra -missing", for reading

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)


def score_codings(facts, entries: list[dict]) -> ToolScore:
    """Compare each hand-coded measure (``{"document", "measure": a substring of
    exactly one measure's own text, "tools": [local names]}``) with its codings."""
    from .structure import own_ranges

    by_file = {f.source.name: f for f in facts}
    tp = fp = fn = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[str] = []
    for e in entries:
        f = by_file.get(e["document"])
        if f is None:
            raise ValueError(f"annotation names {e['document']!r}, which is not in the corpus")
        ranges = own_ranges([m for m in f.measures if m.table_row is None])
        ranges.update({m.code: (m.span.start, m.span.end) for m in f.measures if m.table_row is not None})
        found = [c for c, (s, t) in ranges.items() if e["measure"] in f.source.text[s:t]]
        if len(found) != 1:
            raise ValueError(f"{e['document']}: {e['measure']!r} is in {len(found)} measures' own text, not one")
        code = found[0]
        got = {c.tool.rsplit("/", 1)[-1] for c in f.policy_tools if c.measure == code}
        want = set(e["tools"])
        for t in got & want:
            per[t][0] += 1
        for t in got - want:
            per[t][1] += 1
        for t in want - got:
            per[t][2] += 1
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        if got != want:
            misses.append(f"{e['document']} {code}: +{sorted(got - want)} -{sorted(want - got)}")
    return ToolScore(len(entries), tp, fp, fn, {k: tuple(v) for k, v in sorted(per.items())}, misses)
