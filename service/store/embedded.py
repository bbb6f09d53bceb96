"""The embedded graph store: pyoxigraph in memory (or a persistent store opened read-only).

``OxigraphStore`` implements the ``GraphStore`` protocol (protocol.py) and
counts its round trips; ``oxigraph_term`` hands rdflib terms (what the
pipeline builds) over to pyoxigraph without importing rdflib.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from .protocol import UNION

class OxigraphStore:
    """A pyoxigraph store: in memory, loaded from TriG or N-Quads, or one on disk opened by ``opener``.

    A store given by ``opener`` is opened on first use in each process: a graph loaded before the
    server forks its workers (server.py) is shared by them, but a RocksDB handle must not cross a
    fork, and a worker that never runs SPARQL never pays for one (its caches: ~9 MiB at 300 cities).
    """

    def __init__(self, store: ox.Store | None = None, *, opener: Callable[[], ox.Store] | None = None) -> None:
        self._given = store if store is not None or opener is not None else ox.Store()
        self._opener = opener
        self._opened: tuple[int, ox.Store] | None = None  # (pid, store) of the process that opened it
        self._lock = threading.Lock()  # the counter is bumped from worker threads too
        self.round_trips = 0

    @property
    def _store(self) -> ox.Store:
        if self._opener is None:
            return self._given
        opened = self._opened
        if opened is None or opened[0] != os.getpid():
            with self._lock:
                opened = self._opened
                if opened is None or opened[0] != os.getpid():
                    opened = self._opened = (os.getpid(), self._opener())
        return opened[1]

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
        s._store.bulk_extend(oxigraph_quads(quads))
        return s

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


def oxigraph_quads(quads: Iterable[tuple[Any, Any, Any, Any]]) -> Iterator[ox.Quad]:
    """(s, p, o, graph) tuples of rdflib terms as pyoxigraph quads (graph None: the default graph)."""
    for s, p, o, g in quads:
        yield ox.Quad(oxigraph_term(s), oxigraph_term(p), oxigraph_term(o),
                      oxigraph_term(g) if g is not None else ox.DefaultGraph())


def oxigraph_term(t: Any) -> Any:
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
