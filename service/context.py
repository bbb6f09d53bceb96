"""What every resolver receives: the graph being served and this request's lookups."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .index import GraphIndex
from .lookups import Lookups
from .queries import Queries


@dataclass
class GraphState:
    """One loaded graph: store, index and the query functions over it.

    The app holds one of these and swaps it whole on reload, so a request
    sees either the old graph or the new one, never a mix.
    """

    store: Any
    index: GraphIndex
    queries: Queries
    documents: list[str] = field(default_factory=list)
    version: str = ""  # "<triples>-<content hash>": tells clients which graph answered (X-Graph-Version)
    cache_entry: Path | None = None  # the start-up cache entry it was loaded through (service/startup_cache.py)
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
                    value = make(self)
                    self._derived[key] = value
        return value


# The graph a request pinned when it arrived (set by the request middleware,
# service/logs.py). Handlers read it instead of app.state.graph so that a
# reload landing mid-request cannot answer half from each graph, and so the
# X-Graph-Version header names the graph that actually answered.
_request_graph: ContextVar[GraphState | None] = ContextVar("policykg_request_graph", default=None)


def pin_graph(graph: GraphState) -> object:
    """Pin ``graph`` for the current request; returns a token for ``unpin_graph``."""
    return _request_graph.set(graph)


def unpin_graph(token: object) -> None:
    _request_graph.reset(token)  # type: ignore[arg-type]


def request_graph(app: Any) -> GraphState:
    """The graph this request pinned, else the one the app serves now."""
    pinned = _request_graph.get()
    return pinned if pinned is not None else app.state.graph


@dataclass
class Context:
    request: Any
    response: Any
    graph: GraphState
    lookups: Lookups

    @property
    def queries(self) -> Queries:
        return self.graph.queries

    @property
    def index(self) -> GraphIndex:
        return self.graph.index
