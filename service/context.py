"""What every resolver receives: the graph being served and this request's loaders."""

from __future__ import annotations

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
