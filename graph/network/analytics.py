"""Who carries the load, who sits in the middle, who works together, which
cities look alike: the analytics of the network views, for GraphQL and notebooks.

Organizations are city-scoped (each city has its own 市科技局), so
centrality and communities are computed in each city's co-responsibility
network; a national body named by several cities gets one entry per city.
``analyze`` does all of it at once: the service calls it once per loaded
graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..model import WORK_ROLES
from .records import Corpus, city_types
from .views import co_responsibility


@dataclass(frozen=True, slots=True)
class Workload:
    """Measures an organization holds across all cities: by role (EXPLICIT responsibilities only,
    unless analysed with ``inherited``), and by basis (always both)."""

    organization_iri: str
    lead: int
    responsible: int
    cooperating: int
    explicit: int  # named for the measure
    inherited: int  # carried over from a parent measure, an annex or the issuing body
    measures: int  # distinct measures, whatever the role


@dataclass(frozen=True, slots=True)
class OrganizationCentrality:
    organization_iri: str
    city_iri: str  # the city whose co-responsibility network this is
    degree: float
    strength: float
    betweenness: float
    rank: int
    of: int  # organizations in that network
    community: int  # index into that city's communities


@dataclass(frozen=True, slots=True)
class Community:
    city_iri: str
    index: int  # 0 = largest
    organization_iris: tuple[str, ...]  # most central first


@dataclass(frozen=True, slots=True)
class SimilarCity:
    city_iri: str
    other_iri: str
    shared: int  # measure types both cities use
    jaccard: float  # shared / used by either
    measure_type_iris: tuple[str, ...]


@dataclass
class Analytics:
    workload: dict[str, Workload] = field(default_factory=dict)
    centrality: dict[str, list[OrganizationCentrality]] = field(default_factory=dict)  # by organization
    ranking: dict[str, list[OrganizationCentrality]] = field(default_factory=dict)  # by city, rank order
    communities: dict[str, list[Community]] = field(default_factory=dict)  # by city
    similar: Mapping[str, list[SimilarCity]] = field(default_factory=dict)  # by city, most similar first


def workloads(corpus: Corpus, inherited: bool = False) -> dict[str, Workload]:
    """Per organization: measures by role and in all (EXPLICIT only unless ``inherited``), and by basis."""
    per: dict[str, dict[str, set[str]]] = {}
    for r in corpus.responsibilities:
        d = per.setdefault(r.organization_iri, {k: set() for k in (*WORK_ROLES, "EXPLICIT", "INHERITED", "all")})
        counted = inherited or r.basis == "EXPLICIT"
        for k in ((r.role, r.basis, "all") if counted else (r.basis,)):
            d.setdefault(k, set()).add(r.measure_iri)
    return {o: Workload(o, len(d["LEAD"]), len(d["RESPONSIBLE"]), len(d["COOPERATING"]), len(d["EXPLICIT"]),
                        len(d["INHERITED"]), len(d["all"]))
            for o, d in sorted(per.items())}


class SimilarCities(Mapping):
    """Per city, every other city, most similar first: by measure types both use, then Jaccard, then code.

    Each city's list is made when asked, from the cities' sets of measure types: every pair made ahead
    is quadratic in the cities (89,700 at 300 cities, 5.4 M for the country's 2,325 jurisdictions), and
    it was made twice and kept in every start-up cache entry and every worker that asked.
    """

    def __init__(self, cities: tuple[str, ...], codes: dict[str, str], types: dict[str, frozenset[str]]) -> None:
        self._cities, self._codes, self._types = cities, codes, types

    def __getitem__(self, a: str) -> list[SimilarCity]:
        if a not in self._codes:
            raise KeyError(a)
        types, found = self._types, []
        for b in self._cities:
            if a == b or a not in types or b not in types:
                continue
            both = tuple(sorted(types[a] & types[b]))  # concept order, as city_types gives
            union = len(types[a]) + len(types[b]) - len(both)
            found.append(SimilarCity(a, b, len(both), round(len(both) / union, 6) if union else 0.0, both))
        found.sort(key=lambda s: (-s.shared, -s.jaccard, self._codes[s.other_iri]))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._cities)

    def __len__(self) -> int:
        return len(self._cities)


def similar_cities(corpus: Corpus) -> SimilarCities:
    types = {c: frozenset(ts) for c, ts in city_types(corpus, list(corpus.measures.values())).items()}
    return SimilarCities(tuple(corpus.cities), {c: corpus.city_code(c) for c in corpus.cities}, types)


def analyze(corpus: Corpus, inherited: bool = False) -> Analytics:
    """Workload, centrality and communities of EXPLICIT responsibilities (``inherited``: of all)."""
    result = Analytics(workload=workloads(corpus, inherited), similar=similar_cities(corpus))
    scoped = corpus.scoped(inherited)
    by_city: dict[str, list[str]] = {}
    for m in corpus.measures.values():
        by_city.setdefault(m.city_iri, []).append(m.iri)
    for city in corpus.cities:
        # the view already carries centrality and community on each node (metrics.py)
        g = co_responsibility(scoped, by_city.get(city, [])).graph
        entries = sorted((OrganizationCentrality(n, city, d["degreeCentrality"], d["strength"], d["betweenness"],
                                                 d["centralityRank"], len(g), d["community"])
                          for n, d in g.nodes(data=True)), key=lambda e: e.rank)
        result.ranking[city] = entries
        groups: dict[int, list[str]] = {}
        for e in entries:  # rank order: each community lists its most central member first
            result.centrality.setdefault(e.organization_iri, []).append(e)
            groups.setdefault(e.community, []).append(e.organization_iri)
        result.communities[city] = [Community(city, i, tuple(groups[i])) for i in sorted(groups)]
    return result
