"""What everything above the store talks to: run a SPARQL query, count triples, list graphs.

The embedded pyoxigraph store (embedded.py) and a remote SPARQL 1.1 engine
(remote.py) implement it; the index, the GraphQL schema and the SPARQL
endpoint do not know which one they have.

Every query is a round trip to the store, and round trips are counted: the
service answers requests from an in-memory index, so the count per request
should stay at zero (the N+1 test reads it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import pyoxigraph as ox

# The union of the named graphs (one per document + the schemes) is the
# natural "whole graph" for users; the dataset has no default-graph triples.
UNION = True


class GraphStore(Protocol):
    round_trips: int

    def query(self, sparql: str, *, union: bool = UNION,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> Any: ...

    def triple_count(self) -> int: ...

    def graph_names(self) -> list[str]: ...


class QuadsDigest:
    """The order-free multiset hash behind :func:`quads_version`, added to part by part (a dataset read
    one named graph at a time: service/lifecycle/by_graph.py gives the version of the whole)."""

    def __init__(self) -> None:
        self.total = self.count = 0

    def add(self, quads: Iterable[Sequence[Any]]) -> None:
        total, count = self.total, self.count
        for q in quads:
            line = " ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in (q[0], q[1], q[2], q[3]))
            total += int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "big")
            count += 1
        self.total, self.count = total, count

    def add_nquads(self, data: bytes) -> None:
        """``add`` for the quads of an N-Quads serialization with no blank node: each line, less its
        closing " .", is the quad's text already (pyoxigraph writes terms as it prints them), so no term
        is made in Python (a third of the time a start-up cache entry took at 300 cities)."""
        total, count = self.total, self.count
        for line in data.splitlines():
            if line:
                total += int.from_bytes(hashlib.blake2b(line[:-2], digest_size=8).digest(), "big")
                count += 1
        self.total, self.count = total, count

    def version(self) -> str:
        digest = f"{self.total % 2**64:016x}"[:12]
        return f"{self.count}-{digest}"


def quads_version(quads: Iterable[Sequence[Any]]) -> str:
    """``<triples>-<hash>`` of (s, p, o, g) pyoxigraph terms, what X-Graph-Version names: equal for
    equal datasets, whatever their blank-node labels. An order-free multiset hash, a sum of per-quad
    digests, so the quads need not be held and sorted (that cost GiBs at 300 cities)."""
    digest = QuadsDigest()
    digest.add(quads)
    return digest.version()
