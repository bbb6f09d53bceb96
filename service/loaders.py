"""Per-request DataLoaders: every hop between nodes goes through one.

The index is in memory, so a batch is a few dict lookups; the loaders are
the seam where a remote store would turn N lookups into one query (issue 5).
They are created per request (in the GraphQL context) so their caches never
serve one client's request from another's, and never outlive a graph reload.

Each batch checks the request's deadline: nested fields are where a query's
cost grows, so that is where an over-long execution is cut off.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from strawberry.dataloader import DataLoader

from .errors import TimeLimitExceeded
from .queries import Queries


class Loaders:
    def __init__(self, queries: Queries, deadline: float | None = None) -> None:
        self.queries = queries
        self.deadline = deadline
        self.batches = 0  # how many batched fetches this request made
        ix = queries.ix
        self.city = self._loader(lambda k: ix.cities.get(k))
        self.policy = self._loader(lambda k: ix.policies.get(k))
        self.measure = self._loader(lambda k: ix.measures.get(k))
        self.organization = self._loader(lambda k: ix.organizations.get(k))
        self.concept = self._loader(lambda k: ix.concepts.get(k))
        self.target = self._loader(lambda k: ix.targets.get(k))
        self.responsibilities_of_measure = self._loader(
            lambda k: [ix.responsibilities[i] for i in ix.resp_by_measure.get(k, ())])
        self.classifications_of_measure = self._loader(
            lambda k: [ix.classifications[i] for i in ix.classifications_by_measure.get(k, ())])
        self.institutions_of_measure = self._loader(
            lambda k: [ix.organizations[i] for i in queries.measure_institutions(k)])
        self.measures_of_org = self._loader(
            lambda k: [ix.measures[i] for i in ix.measures_by_org.get(k, ())])

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeLimitExceeded("the query ran past the execution time limit; ask for less (smaller `first`, "
                                    "fewer nested fields)")

    def _loader(self, fetch: Callable[[str], Any]) -> DataLoader[str, Any]:
        async def load(keys: list[str]) -> list[Any]:
            self.batches += 1
            self.check_deadline()
            return [fetch(k) for k in keys]

        return DataLoader(load_fn=load)

    async def many(self, loader: DataLoader[str, Any], keys: list[str]) -> list[Any]:
        """Load several keys, dropping any the graph does not have (dangling IRIs)."""
        if not keys:
            return []
        return [v for v in await loader.load_many(keys) if v is not None]
