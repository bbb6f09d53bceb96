"""What every resolver receives: the graph being served and this request's lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from ..readmodel.lookups import Lookups
from ..readmodel.queries import Queries
from ..readmodel.state import GraphState


@dataclass
class Context:
    request: Any
    response: Any
    graph: GraphState
    lookups: Lookups

    @property
    def queries(self) -> Queries:
        """The questions root fields ask; every hop from a node goes through ``lookups``."""
        return self.graph.queries


Ctx = Info[Context, None]
