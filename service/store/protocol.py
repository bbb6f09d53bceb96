"""What everything above the store talks to: run a SPARQL query, count triples, list graphs.

The embedded pyoxigraph store (embedded.py) and a remote SPARQL 1.1 engine
(remote.py) implement it; the index, the GraphQL schema and the SPARQL
endpoint do not know which one they have.

Every query is a round trip to the store, and round trips are counted: the
service answers requests from an in-memory index, so the count per request
should stay at zero (the N+1 test reads it).
"""

from __future__ import annotations

from typing import Any, Protocol

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
