"""One loaded graph: its store, its index and the query functions over it, and its version.

The app holds one ``GraphState`` and swaps it whole on reload
(service/lifecycle/reload.py), so a request sees either the old graph or the
new one, never a mix. Structures made from a graph (network views, search
index, aggregates) hang off it through ``derived`` and go with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.vocab import DATASET_STAMP_GRAPH

from ..store.protocol import quads_version

from .index import GraphIndex
from .queries import Queries

log = logging.getLogger("policykg.reload")


@dataclass
class GraphState:
    """One loaded graph: store, index and the query functions over it."""

    store: Any
    index: GraphIndex
    queries: Queries
    documents: list[str] = field(default_factory=list)
    version: str = ""  # "<triples>-<content hash>": tells clients which graph answered (X-Graph-Version)
    cache_entry: Path | None = None  # the start-up cache entry it was loaded through (lifecycle/startup_cache.py)
    # the network corpus in memory while a start-up cache entry is made (its analyses and kept rows are made
    # from it); None: kept with the index file, or read from the store
    network_corpus: Callable[[], Any] | None = field(default=None, repr=False)
    # structures computed when the index file was made (insights/precompute.py), by derived key;
    # read instead of made on first use
    precomputed: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    # re-entrant: one derived structure may be made from another (network analytics from views)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def derived(self, key: str, make: Callable[["GraphState"], Any]) -> Any:
        """A structure computed once per loaded graph (network views, search
        index, aggregates): made on first use, dropped with the graph on reload."""
        value = self._derived.get(key)
        if value is None:
            with self._lock:
                value = self._derived.get(key)
                if value is None:
                    value = self.kept(key)
                    if value is None:
                        value = make(self)
                    self._derived[key] = value
        return value

    def kept(self, key: str) -> Any:
        """The structure ``key`` as made with the index file, or None. One kept without the graph it
        reads (it would have pickled the whole index) gets it back through its ``attach``, which may
        give back the structure to use instead (kept as rows of a file, read through mappings). A file
        that cannot be opened (damaged, removed) is logged, and the structure is made as without it."""
        value = self.precomputed.get(key)
        if value is not None and hasattr(value, "attach"):
            try:
                attached = value.attach(self)
            except Exception as exc:  # noqa: BLE001 - an optimisation: made on first use instead
                log.warning("kept %s unusable (%s: %s): made instead", key, type(exc).__name__, exc)
                return None
            if attached is not None:
                value = attached
        return value


def graph_version(store: Any) -> str:
    """:func:`quads_version` of the dataset a store holds (a remote engine's version stamp left out).

    Asked through the store's query interface (any GraphStore can answer),
    once per loaded graph.
    """
    try:
        rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER(?g != <{DATASET_STAMP_GRAPH}>) }}", union=False)
        return quads_version(rows)
    except Exception as exc:  # noqa: BLE001 - a store that cannot list itself still serves; name it by identity
        log.warning("cannot hash the graph (%s); X-Graph-Version names the loaded instance only", exc)
        return f"unhashed-{id(store):x}"


def ensure_version(graph: GraphState) -> GraphState:
    if not graph.version:
        graph.version = graph_version(graph.store)
    return graph
