"""Per-request lookups: every hop from one node to another goes through one.

The index (service/readmodel/index.py) holds the whole graph in memory, for the
embedded store and a remote one alike, so a hop is a dict lookup. Hops were
DataLoaders once, the batching seam for a store answering key by key; no
store here does, and the futures, tasks and gathers of batching cost far
more than the lookups they batched (the first 50 measures of a city with
their responsibilities and organizations made some 300 of them). A store that
has to be asked per key would put batching back behind these same methods.

Each lookup checks the request's deadline: nested fields are where a query's
cost grows, so that is where an over-long execution is cut off. A lookup
object lives for one request (in the GraphQL context) and never outlives a
graph reload.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import TimeLimitExceeded
from .queries import Queries
from .records import (
    City,
    Classification,
    Concept,
    Measure,
    Organization,
    Policy,
    Responsibility,
    Similarity,
    Target,
    ToolCoding,
)


class Lookups:
    __slots__ = ("queries", "ix", "deadline")

    def __init__(self, queries: Queries, deadline: float | None = None) -> None:
        self.queries = queries
        self.ix = queries.ix
        self.deadline = deadline  # time.monotonic() value; set per execution (service/gql/limits.py)

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeLimitExceeded("the query ran past the execution time limit; ask for less (smaller `first`, "
                                    "fewer nested fields)")

    # -- one node by IRI (None when the graph lacks it, or the IRI is None) ----------------------
    def city(self, iri: str | None) -> City | None:
        self.check_deadline()
        return self.ix.jurisdictions.get(iri) if iri is not None else None

    def policy(self, iri: str | None) -> Policy | None:
        self.check_deadline()
        return self.ix.policies.get(iri) if iri is not None else None

    def measure(self, iri: str | None) -> Measure | None:
        self.check_deadline()
        return self.ix.measures.get(iri) if iri is not None else None

    def organization(self, iri: str | None) -> Organization | None:
        self.check_deadline()
        return self.ix.organizations.get(iri) if iri is not None else None

    def concept(self, iri: str | None) -> Concept | None:
        self.check_deadline()
        return self.ix.concepts.get(iri) if iri is not None else None

    def target(self, iri: str | None) -> Target | None:
        self.check_deadline()
        return self.ix.targets.get(iri) if iri is not None else None

    def responsibility(self, iri: str | None) -> Responsibility | None:
        self.check_deadline()
        return self.ix.responsibilities.get(iri) if iri is not None else None

    def classification(self, iri: str | None) -> Classification | None:
        self.check_deadline()
        return self.ix.classifications.get(iri) if iri is not None else None

    def tool_coding(self, iri: str | None) -> ToolCoding | None:
        self.check_deadline()
        return self.ix.tool_codings.get(iri) if iri is not None else None

    def similarity(self, iri: str | None) -> Similarity | None:
        self.check_deadline()
        return self.ix.similarities.get(iri) if iri is not None else None

    def many(self, get: Callable[[str], Any], iris: Iterable[str]) -> list[Any]:
        """Several nodes by IRI, leaving out any the graph does not have (dangling IRIs)."""
        return [v for v in map(get, iris) if v is not None]

    # -- the nodes related to one node -------------------------------------------------------
    def responsibilities_of_measure(self, iri: str) -> list[Responsibility]:
        self.check_deadline()
        table = self.ix.responsibilities
        return [table[i] for i in self.ix.resp_by_measure.get(iri, ())]

    def classifications_of_measure(self, iri: str) -> list[Classification]:
        self.check_deadline()
        table = self.ix.classifications
        return [table[i] for i in self.ix.classifications_by_measure.get(iri, ())]

    def institutions_of_measure(self, iri: str) -> list[Organization]:
        self.check_deadline()
        table = self.ix.organizations
        return [table[i] for i in self.queries.measure_institutions(iri)]

    def measures_of_org(self, iri: str) -> list[Measure]:
        self.check_deadline()
        table = self.ix.measures
        return [table[i] for i in self.ix.measures_by_org.get(iri, ())]

    def policies_of_city(self, iri: str) -> list[Policy]:
        self.check_deadline()
        table = self.ix.policies
        return [table[i] for i in self.ix.policies_by_city.get(iri, ())]

    def organizations_of_city(self, iri: str) -> list[Organization]:
        """Organizations named in the city's documents."""
        self.check_deadline()
        table = self.ix.organizations
        return [table[i] for i in self.ix.orgs_by_city.get(iri, ())]

    def measures_of_concept(self, iri: str) -> list[Measure]:
        """Measures of the concept or of a narrower one."""
        self.check_deadline()
        table = self.ix.measures
        return [table[i] for i in self.ix.measures_by_concept.get(iri, ())]

    def cities_of_concept(self, iri: str) -> list[City]:
        """The issuing cities with measures of the concept (or a narrower one)."""
        self.check_deadline()
        cities = self.ix.cities
        return [cities[i] for i in self.ix.concept_cities.get(iri, ()) if i in cities]
