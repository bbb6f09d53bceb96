"""Load the reference vocabularies of ontology/ for the extractor.

Measure types, industries, department types and indicators are SKOS
schemes whose concepts carry ``pk:pattern`` regular expressions; units give
each written unit its family and factor; institutions are a registry of
named bodies with their aliases. Keeping this knowledge in Turtle
lets a curator extend it without touching code, and the same files go into
the graph as the schemes' named graph.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, RDFS, SKOS

from .model import OrgKind
from .normalize import squash
from .vocab import ORG, PK

SCHEME_FILES = (
    "policykg.ttl",
    "stip.ttl",
    "measure-types.ttl",
    "industries.ttl",
    "department-types.ttl",
    "institutions.ttl",
    "responsibility-words.ttl",
    "policy-tools.ttl",
    "indicators.ttl",
)


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    label_en: str
    broader: str | None
    patterns: tuple[re.Pattern[str], ...]
    alt_labels: tuple[str, ...] = ()
    takes_object: bool = False  # its family names instruments applied to something (X税收优惠)


@dataclass(frozen=True)
class DepartmentType:
    iri: str
    label: str  # 科技局
    label_en: str
    kind: OrgKind
    patterns: tuple[re.Pattern[str], ...]
    full_template: str | None  # {city}科学技术局
    short_template: str | None  # 市科技局
    province_template: str | None = None  # {city}科学技术厅, where a province names it otherwise
    name_en_template: str | None = None  # General Office of the CPC {en} {level} Committee
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Institution:
    iri: str
    name: str
    name_en: str | None
    kind: OrgKind
    aliases: tuple[str, ...]
    parent: str | None
    home_city: str | None


@dataclass(frozen=True)
class Unit:
    iri: str
    label: str  # 家, 万人, %, 个百分点 ...
    family: str  # local name of its unit family: count, people, money, area, percent ...
    factor: float  # to the family's base unit: 万人 = 10000 人


@dataclass(frozen=True)
class IndicatorConcept:
    """A statistic targets are stated in (ontology/indicators.ttl)."""

    iri: str
    label: str
    label_en: str
    definition: str
    broader: str | None
    patterns: tuple[re.Pattern[str], ...]  # its own, or for a levelled concept without any, its broader's
    admin_level: str | None  # 国家级 / 省级以上 / 省级 / 市级: only phrases that state it
    unit_families: tuple[str, ...]
    measured_as: str | None  # SHARE / GROWTH_RATE / RANK for ratio, growth and rank statistics
    depth: int = 0


@dataclass
class Schemes:
    graph: Graph
    measure_types: list[Concept]
    industries: list[Concept]
    department_types: list[DepartmentType]
    institutions: list[Institution]
    stip: list[Concept] = field(default_factory=list)
    policy_tools: list[Concept] = field(default_factory=list)  # pt: (graph.policy_tools)
    indicators: list[IndicatorConcept] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    measure_type_not_evidence: tuple[re.Pattern[str], ...] = ()


def _label(g: Graph, s: URIRef, lang: str, prop: URIRef = SKOS.prefLabel) -> str | None:
    for o in g.objects(s, prop):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return None


def _patterns(g: Graph, s: URIRef) -> tuple[re.Pattern[str], ...]:
    out = []
    for o in sorted(g.objects(s, PK.pattern), key=str):
        try:
            out.append(re.compile(str(o)))
        except re.error as exc:
            raise ValueError(f"bad pk:pattern on {s}: {o!r} ({exc})") from None
    return tuple(out)


def _kind(g: Graph, s: URIRef, default: OrgKind = OrgKind.OTHER) -> OrgKind:
    k = g.value(s, PK.kind)
    if k is None:
        return default
    name = str(k).rsplit("#", 1)[-1]
    return OrgKind[name] if name in OrgKind.__members__ else default


def _concepts(g: Graph, scheme: URIRef) -> list[Concept]:
    out = []
    for s in sorted(set(g.subjects(SKOS.inScheme, scheme)), key=str):
        broader = g.value(s, SKOS.broader)
        takes = any(bool(o) for x in (s, broader) if x is not None for o in g.objects(x, PK.takesObject))
        out.append(
            Concept(
                iri=str(s),
                label=_label(g, s, "zh") or str(s),
                label_en=_label(g, s, "en") or _label(g, s, "zh") or str(s),
                broader=str(broader) if broader is not None else None,
                patterns=_patterns(g, s),
                alt_labels=tuple(sorted(str(o) for o in g.objects(s, SKOS.altLabel))),
                takes_object=takes,
            )
        )
    return out


def _not_evidence(g: Graph, scheme: URIRef) -> tuple[re.Pattern[str], ...]:
    out = []
    for o in sorted(g.objects(scheme, PK.notEvidence), key=str):
        try:
            out.append(re.compile(str(o)))
        except re.error as exc:
            raise ValueError(f"bad pk:notEvidence on {scheme}: {o!r} ({exc})") from None
    return tuple(out)


def _local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _indicators(g: Graph, scheme: URIRef) -> list[IndicatorConcept]:
    subjects = sorted(set(g.subjects(SKOS.inScheme, scheme)), key=str)
    broader = {s: g.value(s, SKOS.broader) for s in subjects}
    own = {s: _patterns(g, s) for s in subjects}

    def patterns(s):
        # a concept that only narrows the level uses its broader concept's words
        while not own[s] and broader.get(s) is not None:
            s = broader[s]
        return own[s]

    def depth(s):
        d = 0
        while broader.get(s) is not None:
            s, d = broader[s], d + 1
        return d

    out = []
    for s in subjects:
        level = g.value(s, PK.adminLevel)
        measured = g.value(s, PK.measuredAs)
        out.append(
            IndicatorConcept(
                iri=str(s),
                label=_label(g, s, "zh") or str(s),
                label_en=_label(g, s, "en") or _label(g, s, "zh") or str(s),
                definition=_label(g, s, "en", SKOS.definition) or "",
                broader=str(broader[s]) if broader[s] is not None else None,
                patterns=patterns(s),
                admin_level=str(level) if level is not None else None,
                unit_families=tuple(sorted(_local(o) for o in g.objects(s, PK.unitFamily))),
                measured_as=_local(measured) if measured is not None else None,
                depth=depth(s),
            )
        )
    return out


def _units(g: Graph) -> list[Unit]:
    out = []
    for s in sorted(set(g.subjects(RDF.type, PK.Unit)), key=str):
        family = g.value(s, PK.unitFamily)
        factor = g.value(s, PK.factor)
        out.append(Unit(str(s), _label(g, s, "zh") or _local(s), _local(family) if family is not None else "",
                        float(factor) if factor is not None else 1.0))
    return out


@functools.cache
def load_schemes() -> Schemes:
    from .vocab import DT, IND, KPI, MT, PT, STIP

    parsed = Graph()
    pkg = resources.files("ontology")
    for name in SCHEME_FILES:
        parsed.parse(data=pkg.joinpath(name).read_text(encoding="utf-8"), format="turtle")
    # OWL lists are blank nodes with random labels: label them canonically so
    # the serialized dataset is byte-identical from build to build.
    g = Graph()
    g.addN((s, p, o, g) for s, p, o in to_canonical_graph(parsed))

    depts = []
    for s in sorted(set(g.subjects(SKOS.inScheme, URIRef(str(DT)))), key=str):
        full = g.value(s, PK.fullNameTemplate)
        short = g.value(s, PK.shortNameTemplate)
        province = g.value(s, PK.provinceNameTemplate)
        name_en = g.value(s, PK.nameEnTemplate)
        depts.append(
            DepartmentType(
                iri=str(s),
                label=_label(g, s, "zh") or str(s),
                label_en=_label(g, s, "en") or str(s),
                kind=_kind(g, s, OrgKind.GOVERNMENT_DEPARTMENT),
                patterns=_patterns(g, s),
                full_template=str(full) if full is not None else None,
                short_template=str(short) if short is not None else None,
                province_template=str(province) if province is not None else None,
                name_en_template=str(name_en) if name_en is not None else None,
                alt_labels=tuple(sorted(str(o) for o in g.objects(s, SKOS.altLabel))),
            )
        )

    insts = []
    for s in sorted(set(g.subjects(RDF.type, ORG.Organization)), key=str):
        name = _label(g, s, "zh", RDFS.label)
        if name is None:
            continue
        en = g.value(s, PK.nameEn)
        parent = g.value(s, ORG.subOrganizationOf)
        home = g.value(s, PK.homeCity)
        aliases = {name} | {str(o) for o in g.objects(s, SKOS.altLabel)}
        insts.append(
            Institution(
                iri=str(s),
                name=name,
                name_en=str(en) if en is not None else None,
                kind=_kind(g, s),
                aliases=tuple(sorted(aliases)),
                parent=str(parent) if parent is not None else None,
                home_city=str(home) if home is not None else None,
            )
        )
    return Schemes(
        graph=g,
        measure_types=_concepts(g, URIRef(str(MT))),
        industries=_concepts(g, URIRef(str(IND))),
        department_types=depts,
        institutions=insts,
        stip=_concepts(g, URIRef(str(STIP))),
        policy_tools=_concepts(g, URIRef(str(PT))),
        indicators=_indicators(g, URIRef(str(KPI))),
        units=_units(g),
        measure_type_not_evidence=_not_evidence(g, URIRef(str(MT))),
    )


def alias_index(institutions: list[Institution]) -> dict[str, Institution]:
    """Squashed alias -> institution (first registered wins on a clash)."""
    index: dict[str, Institution] = {}
    for inst in institutions:
        for alias in inst.aliases:
            index.setdefault(squash(alias), inst)
    return index
