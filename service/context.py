"""What every resolver receives: the graph being served and this request's loaders."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .index import GraphIndex
from .loaders import Loaders
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
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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


@dataclass
class Context:
    request: Any
    response: Any
    graph: GraphState
    loaders: Loaders

    @property
    def queries(self) -> Queries:
        return self.graph.queries

    @property
    def index(self) -> GraphIndex:
        return self.graph.index
