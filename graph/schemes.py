"""Load the reference vocabularies of ontology/ for the extractor.

Measure types, industries and department types are SKOS schemes whose
concepts carry ``pk:pattern`` regular expressions; institutions are a
registry of named bodies with their aliases. Keeping this knowledge in Turtle
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
)


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    label_en: str
    broader: str | None
    patterns: tuple[re.Pattern[str], ...]
    alt_labels: tuple[str, ...] = ()


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


@dataclass
class Schemes:
    graph: Graph
    measure_types: list[Concept]
    industries: list[Concept]
    department_types: list[DepartmentType]
    institutions: list[Institution]
    stip: list[Concept] = field(default_factory=list)
    policy_tools: list[Concept] = field(default_factory=list)  # pt: (graph.policy_tools)


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
        out.append(
            Concept(
                iri=str(s),
                label=_label(g, s, "zh") or str(s),
                label_en=_label(g, s, "en") or _label(g, s, "zh") or str(s),
                broader=str(broader) if broader is not None else None,
                patterns=_patterns(g, s),
                alt_labels=tuple(sorted(str(o) for o in g.objects(s, SKOS.altLabel))),
            )
        )
    return out


@functools.cache
def load_schemes() -> Schemes:
    from .vocab import DT, IND, MT, PT, STIP

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
    )


def alias_index(institutions: list[Institution]) -> dict[str, Institution]:
    """Squashed alias -> institution (first registered wins on a clash)."""
    index: dict[str, Institution] = {}
    for inst in institutions:
        for alias in inst.aliases:
            index.setdefault(squash(alias), inst)
    return index
