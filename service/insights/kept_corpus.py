"""The network views' corpus kept as rows of a file of the entry, read a measure or city at a time.

``GET /export`` (web/exports.py) makes its views from the corpus of
graph/network. Kept whole (a pickle of the entry, as before), the first
export a worker answered unpickled all of it: 112 MiB at 3,000 documents,
about ten times that at national scale, held for as long as the worker
lives. Here its large mappings are rows of ``network.sqlite``
(databases.py): the measures, organizations, each measure's
responsibilities and classifications, and what filters choose by (the
measures of each city, organization and concept, the organizations of each
city, their names' keys). A view of one city reads that city's rows. The
cities, concepts and jurisdictions, a few thousand at national scale, stay
whole.

Views over a ``KeptNetworkCorpus`` are the bytes of views over the corpus it
was made from (tests/service/insights/test_kept_corpus.py). One without a
filter reads every measure, as it did: a national view is for downloading
(the city-similarity view, which compares every city, reads their measure
types from one row).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graph.network import Corpus
from graph.network.names import organization_keys
from graph.network.records import City, Concept, Organization, city_types

from .databases import EntryMapping, KeptRows

NETWORK_FILE = "network.sqlite"
RECENT = 2048  # decoded rows kept per mapping per process: a city's view reads a few hundred measures
# the rows of what filters choose by: the measures of a city, organization (by basis, and where it is
# named) and concept
CITY, EXPLICIT, INHERITED, INVOLVED = "city", "explicit", "inherited", "involved"
CLASSED = {"measure_types": "measure_type", "industries": "industry"}


class KeptCorpus(KeptRows):
    """A ``Corpus`` as rows; ``attach`` gives back a ``KeptNetworkCorpus`` that views are made from."""

    FILE = NETWORK_FILE

    def __init__(self, g: Any, corpus: Corpus) -> None:
        self.cities: dict[str, City] = corpus.cities
        self.concepts: dict[str, Concept] = corpus.concepts
        self.jurisdictions: dict[str, City] = corpus.jurisdictions
        held: dict[str, dict[str, dict[str, None]]] = {EXPLICIT: {}, INHERITED: {}}
        for r in corpus.responsibilities:  # dicts as ordered sets: a measure once per organization
            held[EXPLICIT if r.basis == "EXPLICIT" else INHERITED].setdefault(
                r.organization_iri, {})[r.measure_iri] = None
        chosen: dict[str, dict[str, list[str]]] = {CITY: {}, INVOLVED: {}, **{f: {} for f in CLASSED.values()}}
        for m in corpus.measures.values():
            chosen[CITY].setdefault(m.city_iri, []).append(m.iri)
            for o in m.institutions:
                chosen[INVOLVED].setdefault(o, []).append(m.iri)
            for attr, name in CLASSED.items():
                for c in getattr(m, attr):
                    chosen[name].setdefault(c, []).append(m.iri)
        orgs_in: dict[str, list[str]] = {}
        for o in corpus.organizations.values():
            orgs_in.setdefault(o.city_iri or "", []).append(o.iri)
        super().__init__(g, {
            "measures": corpus.measures, "organizations": corpus.organizations,
            "responsibilities": corpus.resp_by_measure, "classifications": corpus.classifications_by_measure,
            **{basis: {o: list(ms) for o, ms in by.items()} for basis, by in held.items()}, **chosen,
            "orgs_in": orgs_in, "org_keys": organization_keys(corpus.organizations.values()),
            # what the city-similarity view of every measure compares (it centres on a city, which then
            # chooses nothing: without this, the view of one city read every measure of the corpus)
            "city_types": {"": city_types(corpus, corpus.measures.values())},
        })
        self.any_inherited = bool(held[INHERITED])
        self.measure_count = len(corpus.measures)

    def attach(self, g: Any) -> KeptNetworkCorpus:
        super().attach(g)
        return KeptNetworkCorpus(self)


class _Explicit(Mapping):
    """Each measure's responsibilities, the EXPLICIT ones only (``Corpus.scoped``)."""

    def __init__(self, all_bases: EntryMapping) -> None:
        self._all = all_bases

    def __getitem__(self, measure_iri: str) -> list:
        return [r for r in self._all[measure_iri] if r.basis == "EXPLICIT"]

    def get(self, measure_iri: Any, default: Any = None) -> Any:
        found = self._all.get(measure_iri)
        return default if found is None else [r for r in found if r.basis == "EXPLICIT"]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)


class KeptNetworkCorpus:
    """What views, filters and names read of a ``Corpus`` (graph/network), answered from the rows."""

    def __init__(self, kept: KeptCorpus, inherited: bool = True) -> None:
        self._kept, self._inherited = kept, inherited
        self.cities, self.concepts, self.jurisdictions = kept.cities, kept.concepts, kept.jurisdictions
        self.measures = kept.mapping("measures", RECENT)
        self.organizations: Mapping[str, Organization] = kept.mapping("organizations", RECENT)
        self.classifications_by_measure = kept.mapping("classifications", RECENT)
        every = kept.mapping("responsibilities", RECENT)
        self.resp_by_measure: Mapping[str, list] = every if inherited else _Explicit(every)
        self.org_keys = kept.mapping("org_keys", RECENT)
        self._rows = {name: kept.mapping(name, 64) for name in (CITY, EXPLICIT, INHERITED, INVOLVED,
                                                               *CLASSED.values(), "orgs_in")}
        self.measure_pos = _Positions(kept)
        self._explicit: KeptNetworkCorpus | None = None

    def scoped(self, inherited: bool = False) -> KeptNetworkCorpus:
        if inherited or not self._inherited or not self._kept.any_inherited:
            return self
        if self._explicit is None:
            self._explicit = KeptNetworkCorpus(self._kept, inherited=False)
        return self._explicit

    def city_code(self, iri: str) -> str:
        c = self.cities.get(iri)
        return c.code if c else "~"  # unknown and national last

    def _union(self, name: str, keys: set[str]) -> set[str]:
        rows = self._rows[name]
        return {m for k in keys for m in rows.get(k, ())}

    def measures_in_cities(self, city_iris: set[str]) -> set[str]:
        return self._union(CITY, city_iris)

    def measures_of_organizations(self, org_iris: set[str]) -> set[str]:
        held = self._union(EXPLICIT, org_iris)
        if self._inherited:
            held |= self._union(INHERITED, org_iris)
        return held | self._union(INVOLVED, org_iris)

    def measures_classed(self, attr: str, concept_iris: set[str]) -> set[str]:
        return self._union(CLASSED[attr], concept_iris)

    def in_order(self, chosen: list[set[str]]) -> Sequence[str]:
        if not chosen:
            return _Every(self.measures, self._kept.measure_count)
        return tuple(self.measure_pos.ordered(set.intersection(*chosen)))

    def city_types(self, chosen: Sequence[str]) -> dict[str, list[str]]:
        if len(chosen) == self._kept.measure_count:  # every measure (the chosen are measures of the corpus)
            return self._kept.mapping("city_types", 1)[""]
        return city_types(self, (self.measures[m] for m in chosen))  # type: ignore[arg-type]

    def organizations_in(self, city_iri: str | None) -> list[Organization]:
        if city_iri is None:
            return list(self.organizations.values())
        return [self.organizations[o] for o in self._rows["orgs_in"].get(city_iri, ())]


class _Every(Sequence):
    """Every measure's IRI in corpus order, listed when iterated: the city-similarity view of a city
    (which chooses every measure) only counts them, and at national scale listing ~900,000 keys takes seconds."""

    def __init__(self, measures: EntryMapping, count: int) -> None:
        self._measures, self._count = measures, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return iter(self._measures)

    def __getitem__(self, i: Any) -> Any:
        return list(self._measures)[i]


class _Positions(Mapping):
    """A measure's place in corpus order: its row's, which the rows were written in."""

    def __init__(self, kept: KeptCorpus) -> None:
        self._kept = kept

    def __getitem__(self, measure_iri: str) -> int:
        found = self._kept.rows("SELECT pos FROM entry WHERE field = 'measures' AND k = ?", (measure_iri,))
        if not found:
            raise KeyError(measure_iri)
        return found[0][0]

    def ordered(self, measure_iris: set[str]) -> list[str]:
        """The measures of the corpus among these, in corpus order."""
        found = list(self._kept.rows_in("SELECT pos, k FROM entry WHERE field = 'measures' AND k IN",
                                        (), sorted(measure_iris)))
        return [k for _, k in sorted(found)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept.mapping("measures", 1))

    def __len__(self) -> int:
        return len(self._kept.mapping("measures", 1))
