"""The questions the API answers, as plain functions over the index.

No GraphQL here: a notebook can call ``Queries(load_index(store))`` and ask
the same things the server answers. Every function returns IRIs or records
in the index's stable order, so pagination by offset is deterministic.

An unknown name (city, organization, concept) raises ``names.UnknownName``,
a client error naming the argument and the closest known names: an empty
answer always means "nothing there", never "no such name".
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock

from graph.model import GOVERNMENT_KINDS  # the rest are what the contract calls "institutions"

from ..errors import QueryError
from .index import INDICATOR_SCHEME, GraphIndex, keys_in_order
from .names import Names, UnknownName, key, unknown
from .records import City, Concept, Organization, Similarity


def iso_day(value: str, argument: str) -> str:
    """An ISO date (2024-06-30) as given, or a client error naming the argument."""
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QueryError(f"`{argument}` must be an ISO date such as 2024-06-30, got {value[:40]!r}.") from None


def _check_score(min_score: float) -> None:
    if not 0.0 <= min_score <= 1.0:
        raise QueryError(f"`minScore` must be between 0 and 1, got {min_score}.")


@dataclass(frozen=True, slots=True)
class SharedMeasure:
    """A measure type and the cities that have it. The evidence is read from the index only when asked
    (``measure_iris``): a worker answering sharedMeasures for every city held every typed measure's IRI
    for each answer it cached (~20 MiB a worker at 3,000 documents)."""

    measure_type: Concept
    city_iris: tuple[str, ...]
    measure_count: int

    def measure_iris(self, ix: GraphIndex) -> tuple[str, ...]:
        """The evidence, grouped by city in the cities' order."""
        by_city = ix.type_city_measures[self.measure_type.iri]
        return tuple(m for c in self.city_iris for m in by_city[c])

    def evidence_iris(self, ix: GraphIndex, closure: set[str]) -> list[str]:
        """Per evidence measure, the classification that types it (the words that show it)."""
        out = []
        for m in self.measure_iris(ix):
            for c in ix.classifications_by_measure.get(m, ()):
                if ix.classifications[c].concept_iri in closure:
                    out.append(c)
                    break
        return out


class _Records(Sequence):
    """The records of the first ``n`` keys of a table, read only when asked for (a page of them)."""

    def __init__(self, table, keys: Sequence[str], n: int) -> None:
        self._table, self._keys, self._n = table, keys, n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._table[k] for k in self._keys[slice(*i.indices(self._n))]]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return self._table[self._keys[i % self._n]]


class Queries:
    def __init__(self, ix: GraphIndex) -> None:
        self.ix = ix
        self.names = Names(ix)
        self._text_keys: dict[str, str] | None = None
        self._shared_cache: OrderedDict[tuple, list[SharedMeasure]] = OrderedDict()
        self._lock = Lock()

    # -- filters shared by several questions ----------------------------------
    def _city(self, name: str | None) -> City | None:
        return self.names.require_city(name, "city")

    def _orgs(self, name: str, city: City | None, argument: str = "organization") -> list[Organization]:
        return self.names.require_organizations(name, city, argument) or []

    # -- nodes by readable id, and whole lists -------------------------------------
    def resolve_id(self, ident: str) -> str:
        """An IRI from an IRI or a readable id (``measure/<doc>/(28)``), encoded or not."""
        return self.ix.resolve_id(ident)

    def cities(self, level: str | None = None) -> list[City]:
        """The jurisdictions whose documents are in the corpus (of one level if given), by code."""
        return [c for c in self.ix.cities.values() if level is None or c.level == level]

    def measure_types(self) -> list[Concept]:
        return self.ix.measure_types()

    def industries(self) -> list[Concept]:
        return self.ix.industries()

    def indicators(self) -> list[Concept]:
        return self.ix.indicators()

    def policy_tools(self) -> list[Concept]:
        return self.ix.policy_tools()

    # -- cities and policies ---------------------------------------------------
    def policies(self, city: str | None = None, in_force_on: str | None = None) -> list[str]:
        """The policies of a city (all cities' when None), by issuing date; with ``in_force_on`` (an ISO
        date) only those IN_FORCE that day by their stated dates (graph/validity.py)."""
        day = iso_day(in_force_on, "inForceOn") if in_force_on is not None else None
        c = self._city(city)
        if c is None:
            iris = [iri for lst in (self.ix.policies_by_city.get(ci, []) for ci in self.ix.cities) for iri in lst]
        else:
            iris = list(self.ix.policies_by_city.get(c.iri, []))
        if day is not None:
            iris = [i for i in iris if self.ix.policies[i].status(day) == "IN_FORCE"]
        return iris

    # -- organizations ----------------------------------------------------------
    def organizations(self, city: str | None = None, kind: str | None = None,
                      search: str | None = None) -> Sequence[str]:
        c = self._city(city)
        where = getattr(self.ix.listed_orgs, "where", None)
        if c is None and where is not None and (kind is not None or search):  # on disk: selected in SQL
            conditions = {"kind": kind, "search": search or None}
            return where(**{k: v for k, v in conditions.items() if v is not None})
        iris = list(self.ix.orgs_by_city.get(c.iri, [])) if c is not None else keys_in_order(self.ix.listed_orgs)
        if kind is None and not search:
            return iris  # a page of the index's own order: nothing to read but the page
        orgs = (self.ix.organizations[i] for i in iris)
        if kind is not None:
            orgs = (o for o in orgs if o.kind == kind)
        if search:
            k = key(search)
            orgs = (o for o in orgs if any(k in key(n) for n in (o.name, o.name_en or "", *o.aliases)))
        return [o.iri for o in orgs]

    def institutions(self, city: str | None = None) -> Sequence[str]:
        c = self._city(city)
        if c is None:
            return keys_in_order(self.ix.listed_institutions)
        return [i for i in self.ix.orgs_by_city.get(c.iri, []) if self.ix.organizations[i].kind not in GOVERNMENT_KINDS]

    # -- responsibilities -------------------------------------------------------
    def responsibilities(self, city: str | None = None, organization: str | None = None,
                         role: str | None = None, basis: str | None = None,
                         measure_type: str | None = None) -> Sequence[str]:
        c = self._city(city)
        ix = self.ix
        mt = self.names.require_measure_type(measure_type) if measure_type is not None else None
        where = getattr(ix.responsibilities, "where", None)
        if organization is None and where is not None:  # on disk: the index file's columns filter in SQL
            conditions = {"city": c.iri if c is not None else None, "role": role, "basis": basis,
                          "concept": mt.iri if mt is not None else None}
            return where(**{k: v for k, v in conditions.items() if v is not None})
        # start from the narrowest list the filters allow, then filter it
        if organization is not None:
            orgs = self._orgs(organization, c)
            if len(orgs) == 1:
                iris = list(ix.resp_by_org.get(orgs[0].iri, ()))
            else:  # several bodies share the alias: merge in the global order
                iris = sorted({i for o in orgs for i in ix.resp_by_org.get(o.iri, ())}, key=ix.resp_pos.__getitem__)
            if c is not None:
                iris = [i for i in iris if ix.measures[ix.responsibilities[i].measure_iri].city_iri == c.iri]
        elif c is not None:
            iris = list(ix.resp_by_city.get(c.iri, ()))
        else:
            iris = keys_in_order(ix.responsibilities)
        if mt is not None:
            typed = set(ix.measures_by_concept.get(mt.iri, ()))
            iris = [i for i in iris if ix.responsibilities[i].measure_iri in typed]
        if role is not None:
            iris = [i for i in iris if ix.responsibilities[i].role == role]
        if basis is not None:
            iris = [i for i in iris if ix.responsibilities[i].basis == basis]
        return iris

    def organization_responsibilities(self, org_iri: str, role: str | None = None) -> list[str]:
        iris = self.ix.resp_by_org.get(org_iri, [])
        if role is None:
            return list(iris)
        return [i for i in iris if self.ix.responsibilities[i].role == role]

    # -- measures ------------------------------------------------------------------
    def measures(self, city: str | None = None, organization: str | None = None,
                 measure_type: str | None = None, industry: str | None = None,
                 institution: str | None = None, text: str | None = None) -> Sequence[str]:
        c = self._city(city)
        ix = self.ix
        # each filter names a set of measures; intersect the sets, smallest first
        sets: list[set[str] | list[str]] = []
        if c is not None:
            sets.append(ix.measures_by_city.get(c.iri, []))
        for name, argument in ((organization, "organization"), (institution, "institution")):
            if name is None:
                continue
            orgs = self._orgs(name, c, argument)
            if argument == "institution":
                orgs = [o for o in orgs if o.kind not in GOVERNMENT_KINDS]
                if not orgs:
                    raise UnknownName(argument, f"{name} is no institution (argument `{argument}`): it names a "
                                                "government body; use `organization`", [])
            sets.append({m for o in orgs for m in ix.measures_by_org.get(o.iri, ())})
        for name, resolve in ((measure_type, self.names.require_measure_type),
                              (industry, self.names.require_industry)):
            if name is None:
                continue
            concept = resolve(name)
            sets.append(ix.measures_by_concept.get(concept.iri, []))
        if not sets:
            candidates = keys_in_order(ix.measures)
        elif len(sets) == 1 and isinstance(sets[0], list):
            candidates = list(sets[0])
        else:
            sets.sort(key=len)
            chosen = set(sets[0]).intersection(*sets[1:])
            candidates = sorted(chosen, key=ix.measure_pos.__getitem__)
        if text:
            k = key(text)
            texts = self._texts()
            candidates = [m for m in candidates if k in texts[m]]
        return candidates

    def _texts(self) -> dict[str, str]:
        # built on first use: most deployments never search text
        if self._text_keys is None:
            self._text_keys = {iri: key(f"{m.title or ''}\n{m.text}") for iri, m in self.ix.measures.items()}
        return self._text_keys

    def measure_institutions(self, measure_iri: str) -> list[str]:
        """Institutions a measure names (pk:involves) or assigns."""
        m = self.ix.measures[measure_iri]
        out = list(m.institution_iris)
        for r in self.ix.resp_by_measure.get(measure_iri, ()):
            org = self.ix.responsibilities[r].organization_iri
            o = self.ix.organizations.get(org)
            if o is not None and o.kind not in GOVERNMENT_KINDS and org not in out:
                out.append(org)
        return [i for i in out if i in self.ix.organizations]

    # -- shared measure types -------------------------------------------------------
    def shared_measures(self, cities: list[str] | None = None, min_cities: int = 2,
                        families: bool = False) -> list[SharedMeasure]:
        """Measure types found in the measures of at least ``min_cities`` of the cities.

        The scheme's direct concepts; its families (top concepts, which hold the
        measures of their narrower concepts) only with ``families=True``.
        """
        ix = self.ix
        if cities is None:
            chosen = list(ix.cities)
        else:
            resolved = self.names.require_cities(cities, "cities") or []
            chosen = list(dict.fromkeys(c.iri for c in resolved))
            chosen.sort(key=lambda i: ix.cities[i].admin_code)
        need = max(1, min_cities)
        if len(chosen) < need:
            return []
        cache_key = (tuple(chosen), need, families)
        with self._lock:
            hit = self._shared_cache.get(cache_key)
            if hit is not None:
                self._shared_cache.move_to_end(cache_key)
                return hit
        out: list[SharedMeasure] = []
        for concept_iri, counts in ix.type_city_counts.items():
            if not families and ix.concepts[concept_iri].broader_iri is None:
                continue
            present = [c for c in chosen if c in counts]
            if len(present) >= need:
                out.append(SharedMeasure(ix.concepts[concept_iri], tuple(present), sum(counts[c] for c in present)))
        # most widely shared first, then the scheme's order
        out.sort(key=lambda s: (-len(s.city_iris), s.measure_type.id))
        with self._lock:
            self._shared_cache[cache_key] = out
            while len(self._shared_cache) > 256:  # bounded: city lists come from clients
                self._shared_cache.popitem(last=False)
        return out

    # -- text reuse -----------------------------------------------------------------------
    def text_reuse(self, cities: list[str] | None = None, min_score: float = 0.8) -> Sequence[Similarity]:
        """Pairs of near-copy measures scoring at least ``min_score``, best first; with ``cities``, pairs
        whose two measures are both of those cities (one city: reuse within its own documents)."""
        _check_score(min_score)
        ix = self.ix
        if cities is None:
            # best first: the pairs scoring min_score or more are a prefix of the index's order; its
            # end is found by bisection and only the page asked for is read
            keys = keys_in_order(ix.similarities)
            lo, hi = 0, len(keys)
            while lo < hi:
                mid = (lo + hi) // 2
                if ix.similarities[keys[mid]].score >= min_score:
                    lo = mid + 1
                else:
                    hi = mid
            return _Records(ix.similarities, keys, lo)
        wanted = {c.iri for c in self.names.require_cities(cities, "cities") or []}
        # the pairs the cities' own measures are in, not every pair of the corpus
        iris = {i for c in wanted for m in ix.measures_by_city.get(c, ()) for i in ix.measures[m].similarity_iris}
        out = [s for s in (ix.similarities[i] for i in iris) if s.score >= min_score
               and ix.measures[s.measure_iri].city_iri in wanted and ix.measures[s.other_iri].city_iri in wanted]
        pos = ix.measure_pos
        out.sort(key=lambda s: (-s.score, pos[s.measure_iri], pos[s.other_iri]))  # the index's order (_derive)
        return out

    def similar_measures(self, measure_iri: str, min_score: float = 0.8) -> list[Similarity]:
        """The pairs a measure is in, seen from it (it is ``measure``), best first."""
        _check_score(min_score)
        m = self.ix.measures.get(measure_iri)
        sims = (self.ix.similarities[i] for i in (m.similarity_iris if m else ()))
        return [s.seen_from(measure_iri) for s in sims if s.score >= min_score]

    # -- targets ------------------------------------------------------------------------
    def targets(self, city: str | None = None, indicator: str | None = None, kind: str | None = None) -> Sequence[str]:
        """Targets, in city then document order.

        ``indicator``: an indicator concept (id or label): its targets and those of
        the narrower statistics it contains; a name that is no concept matches the
        indicator labels it is part of. ``kind``: LEVEL, INCREMENT, ANNUAL ...
        """
        c = self._city(city)
        ix = self.ix
        iris = list(ix.targets_by_city.get(c.iri, [])) if c is not None else keys_in_order(ix.targets)
        if indicator:
            concept = self.check_indicator(indicator)
            if concept is not None:
                wanted = self.narrower_closure(concept.iri)
                iris = [t for t in iris if ix.targets[t].concept_iri in wanted]
            else:
                k = key(indicator)
                iris = [t for t in iris if k in key(ix.targets[t].indicator)]
        if kind is not None:
            iris = [t for t in iris if ix.targets[t].kind == kind]
        return iris

    def check_indicator(self, indicator: str, argument: str = "indicator") -> Concept | None:
        """The indicator concept a name means; None when it is no concept but part of some target's
        statistic as written (高新技术企业 in 高新技术企业数量); else the error for an unknown name."""
        concept = self.names.indicator(indicator)
        if concept is None:
            k = key(indicator)
            if not any(k in key(t.indicator) for t in self.ix.targets.values()):
                raise unknown("indicator", indicator, argument, self.names.concept_suggester(INDICATOR_SCHEME))
        return concept

    # -- the extraction report ----------------------------------------------------
    def extraction_report(self, document: str | None = None) -> list:
        """Every document's report, or the named one's; an unknown name is an error that
        suggests the closest file names."""
        reports = self.ix.reports
        if document is None:
            return list(reports.values())
        if document in reports:
            return [reports[document]]
        close = difflib.get_close_matches(document, list(reports), n=3, cutoff=0.3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"extractionReport: no document {document!r} in the manifest (argument `document`){hint}")

    def narrower_closure(self, iri: str) -> set[str]:
        """A concept and every concept below it."""
        out, todo = {iri}, [iri]
        while todo:
            c = self.ix.concepts.get(todo.pop())
            for n in c.narrower_iris if c else ():
                if n not in out:
                    out.add(n)
                    todo.append(n)
        return out
