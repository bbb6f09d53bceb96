"""The graph store behind the service: a small interface, an embedded implementation.

Everything above this module talks to a ``GraphStore``: run a SPARQL query,
count triples, list documents. The embedded pyoxigraph store is the default;
a remote SPARQL 1.1 endpoint can implement the same protocol later (issue 5)
without the index, the GraphQL schema or the SPARQL endpoint changing.

Every query is a round trip to the store, and round trips are counted: the
service answers requests from an in-memory index, so the count per request
should stay at zero (the N+1 test reads it).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable, Protocol

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


class OxigraphStore:
    """An in-memory pyoxigraph store loaded from TriG or N-Quads."""

    def __init__(self, store: ox.Store | None = None) -> None:
        self._store = store if store is not None else ox.Store()
        self._lock = threading.Lock()  # the counter is bumped from worker threads too
        self.round_trips = 0

    # -- loading ---------------------------------------------------------------
    @classmethod
    def from_file(cls, path: Path) -> "OxigraphStore":
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TRIG
        s = cls()
        s._store.bulk_load(path=str(path), format=fmt)
        return s

    @classmethod
    def from_bytes(cls, data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TRIG) -> "OxigraphStore":
        s = cls()
        s._store.bulk_load(data, format=fmt)
        return s

    @classmethod
    def from_quads(cls, quads: Iterable[tuple[Any, Any, Any, Any]]) -> "OxigraphStore":
        """Load (s, p, o, graph) tuples of rdflib terms (``BuildResult.quads``)."""
        s = cls()
        s._store.bulk_extend(ox.Quad(_term(a), _term(b), _term(c), _term(g) if g is not None else ox.DefaultGraph())
                             for a, b, c, g in quads)
        return s

    @classmethod
    def from_rdflib(cls, dataset: Any) -> "OxigraphStore":
        """Load an rdflib ``Dataset`` (what ``graph.build.build_corpus`` returns).

        N-Quads is the cheapest lossless hand-over: no prefixes, no pretty
        printing, one line per quad.
        """
        data = dataset.serialize(format="nquads")
        if isinstance(data, str):
            data = data.encode("utf-8")
        return cls.from_bytes(data, ox.RdfFormat.N_QUADS)

    # -- the interface ---------------------------------------------------------
    def query(self, sparql: str, *, union: bool = UNION,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> Any:
        with self._lock:
            self.round_trips += 1
        kwargs: dict[str, Any] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = union
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._store.query(sparql, **kwargs)

    def triple_count(self) -> int:
        return len(self._store)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))


def _term(t: Any) -> Any:
    """An rdflib term as a pyoxigraph term (no rdflib import needed: duck-typed)."""
    kind = type(t).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(t))
    if kind == "BNode":
        return ox.BlankNode(str(t))
    if kind == "Literal":
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"cannot store {t!r} ({kind})")
