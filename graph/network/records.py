"""The slice of the RDF graph the network views are made of, as typed records.

``source.read_corpus`` fills a ``Corpus`` from any SPARQL store; the views
(``views.py``) and the analytics (``analytics.py``) read only these records,
so neither knows SPARQL and a notebook can build them from a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ..model import GOVERNMENT_KINDS, Span


@dataclass(frozen=True, slots=True)
class City:
    iri: str
    code: str  # GB/T 2260, the stable sort key of cities
    name: str  # 许昌市
    name_en: str  # Xuchang
    short: str  # 许昌


@dataclass(frozen=True, slots=True)
class Concept:
    """A measure type or an industry (SKOS concept)."""

    iri: str
    scheme: str  # "measureType" | "industry"
    label: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Organization:
    iri: str
    name: str
    name_en: str
    kind: str  # pk:kind: GOVERNMENT_DEPARTMENT, UNIVERSITY, ... (the views' "category" attribute)
    city_iri: str | None  # home city; None for national bodies
    aliases: tuple[str, ...] = ()

    @property
    def is_institution(self) -> bool:
        return self.kind not in GOVERNMENT_KINDS


@dataclass(frozen=True, slots=True)
class Measure:
    iri: str
    code: str  # 三.(一).1, (28)
    title: str
    policy_iri: str
    city_iri: str
    document: str
    order: int
    source: Span | None
    measure_types: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()  # pk:involves: named in the text, not assigned


@dataclass(frozen=True, slots=True)
class Responsibility:
    iri: str
    organization_iri: str
    measure_iri: str
    role: str  # LEAD | RESPONSIBLE | COOPERATING | SUPERVISING
    basis: str  # EXPLICIT | INHERITED
    source: Span | None  # the whole passage that assigns (cell, clause, sentence, issuer line)
    mention: Span | None = None  # the organization's own name as written there
    form: str = ""  # TABLE | CLAUSE | PROSE | PARENT | ANNEX | ISSUER


@dataclass(frozen=True, slots=True)
class Classification:
    """Why a measure has a measure type or industry: the matched words."""

    iri: str
    measure_iri: str
    concept_iri: str
    source: Span | None


@dataclass
class Corpus:
    """Everything the views need, in a stable order (cities by code, measures
    by city, document and position), with the reverse maps built once."""

    cities: dict[str, City]
    concepts: dict[str, Concept]
    organizations: dict[str, Organization]
    measures: dict[str, Measure]
    responsibilities: list[Responsibility]
    classifications: list[Classification]
    # every jurisdiction node, enclosing ones and those of named bodies (a county's
    # government) too; ``cities`` are only the ones whose documents are in the corpus
    jurisdictions: dict[str, City] = field(default_factory=dict)
    resp_by_measure: dict[str, list[Responsibility]] = field(default_factory=dict)
    classifications_by_measure: dict[str, list[Classification]] = field(default_factory=dict)
    measure_pos: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.measure_pos = {iri: i for i, iri in enumerate(self.measures)}
        for r in self.responsibilities:
            self.resp_by_measure.setdefault(r.measure_iri, []).append(r)
        for c in self.classifications:
            self.classifications_by_measure.setdefault(c.measure_iri, []).append(c)

    def scoped(self, inherited: bool = False) -> Corpus:
        """The corpus as views and analytics count it: EXPLICIT responsibilities only, unless
        ``inherited`` (an issuer's name carried to every measure would otherwise top every ranking)."""
        if inherited:
            return self
        cached = self.__dict__.get("_explicit")
        if cached is None:
            explicit = [r for r in self.responsibilities if r.basis == "EXPLICIT"]
            if len(explicit) == len(self.responsibilities):
                return self
            cached = replace(self, responsibilities=explicit, resp_by_measure={}, classifications_by_measure={})
            self.__dict__["_explicit"] = cached
        return cached

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_explicit"}  # derived: not pickled

    def city_code(self, iri: str) -> str:
        c = self.cities.get(iri)
        return c.code if c else "~"  # unknown and national last

    # -- what filters choose (filters.py) and names suggest (names.py): asked of the corpus, since
    # one kept as rows of a file (service/insights/kept_corpus.py) answers from its file instead

    def measures_in_cities(self, city_iris: set[str]) -> set[str]:
        return {m.iri for m in self.measures.values() if m.city_iri in city_iris}

    def measures_of_organizations(self, org_iris: set[str]) -> set[str]:
        """The measures the organizations hold a responsibility for (in this scope) or are named in."""
        held = {r.measure_iri for r in self.responsibilities if r.organization_iri in org_iris}
        return held | {m.iri for m in self.measures.values() if org_iris.intersection(m.institutions)}

    def measures_classed(self, attr: str, concept_iris: set[str]) -> set[str]:
        """The measures whose ``attr`` (measure_types or industries) holds one of the concepts."""
        return {m.iri for m in self.measures.values() if concept_iris.intersection(getattr(m, attr))}

    def in_order(self, chosen: list[set[str]]) -> tuple[str, ...]:
        """The measures in every one of the chosen sets (all of them for none), in corpus order."""
        if not chosen:
            return tuple(self.measures)
        found = [m for m in set.intersection(*chosen) if m in self.measure_pos]
        return tuple(sorted(found, key=self.measure_pos.__getitem__))

    def city_types(self, chosen: Sequence[str]) -> dict[str, list[str]]:
        """:func:`city_types` of the chosen measures (IRIs)."""
        return city_types(self, (self.measures[m] for m in chosen))

    def organizations_in(self, city_iri: str | None) -> list[Organization]:
        """The organizations of a city (every one for None), in corpus order."""
        return [o for o in self.organizations.values() if city_iri is None or o.city_iri == city_iri]


def city_types(corpus: Corpus, measures: Iterable[Measure]) -> dict[str, list[str]]:
    """Measure types (as assigned, the leaf concepts) per city, in concept order."""
    found: dict[str, set[str]] = {}
    for m in measures:
        if m.city_iri in corpus.cities:
            found.setdefault(m.city_iri, set()).update(t for t in m.measure_types if t in corpus.concepts)
    return {c: sorted(ts) for c, ts in found.items()}
