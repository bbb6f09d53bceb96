"""The served graph's network views: its network corpus, name resolver and recent exports.

What ``GET /export`` (web/exports.py) and the GraphQL network analytics
(gql/network.py) are made from, once per loaded graph (``GraphState.derived``):
the corpus of graph/network read from the store (or the start-up cache's
pickle of it), and the answers already serialized, kept in a small LRU per
graph since the viewer asks the same questions again and again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from graph.export import Exported, export, get_format
from graph.network import (Analytics, Corpus, Filters, Names, analyze, build_view, quads_about, read_corpus,
                           view_size)

from .state import GraphState

# Recent answers are kept up to a byte budget, and only small ones: a
# whole-corpus N-Triples export at national scale is rebuilt, not hoarded.
CACHE_BYTES = 32 << 20
CACHE_ONE_MAX = 4 << 20


class ViewTooLarge(Exception):
    def __init__(self, nodes: int, edges: int, limit: int) -> None:
        super().__init__(f"this view has {nodes} nodes and {edges} edges, more than the {limit} elements asked "
                         "for (maxElements): narrow it with a city, organization or measure type, or download it")


@dataclass
class Network:
    """The served graph's network corpus, its name resolver and recent exports."""

    corpus: Corpus
    names: Names
    store: object
    # (filters, format) -> (answer, nodes, edges)
    _cache: OrderedDict[tuple, tuple[Exported, int, int]] = field(default_factory=OrderedDict)
    _cached_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def export(self, filters: Filters, format_name: str, max_elements: int | None = None) -> Exported:
        key = (filters, get_format(format_name).name)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            _check_size(hit[1], hit[2], max_elements)
            return hit[0]
        if max_elements is not None:  # a view whose size its measures do not bound is counted first
            counted = view_size(self.corpus, filters, self.names)
            if counted is not None:
                _check_size(*counted, max_elements)
        view = build_view(self.corpus, filters, self.names)
        nodes, edges = view.graph.number_of_nodes(), view.graph.number_of_edges()
        _check_size(nodes, edges, max_elements)
        result = export(view, key[1], lambda subjects: quads_about(self.store, subjects))  # type: ignore[arg-type]
        if len(result.data) <= CACHE_ONE_MAX:
            with self._lock:
                if key not in self._cache:
                    self._cache[key] = (result, nodes, edges)
                    self._cached_bytes += len(result.data)
                while self._cached_bytes > CACHE_BYTES:
                    _, (old, _, _) = self._cache.popitem(last=False)
                    self._cached_bytes -= len(old.data)
        return result


def _check_size(nodes: int, edges: int, limit: int | None) -> None:
    if limit is not None and nodes + edges > limit:
        raise ViewTooLarge(nodes, edges, limit)


# the derived key of the corpus kept as rows with the index file (insights/kept_corpus.py)
KEPT_CORPUS = "network.corpus"


def network_of(graph: GraphState) -> Network:
    """Made on first use, once per loaded graph (GraphQL analytics use it too)."""
    def make(g: GraphState) -> Network:
        # kept as rows of a file of the start-up cache entry, if the graph came through one: read a
        # measure or a city at a time (lifecycle/startup_cache.py, insights/kept_corpus.py)
        kept = g.kept(KEPT_CORPUS)
        if kept is not None:
            return Network(kept, Names(kept, kept.org_keys), g.store)  # type: ignore[arg-type]
        # the one in memory while an entry is made; else read from the store
        corpus = g.network_corpus() if g.network_corpus is not None else None
        if corpus is None:
            corpus = read_corpus(g.store)
        return Network(corpus, Names(corpus), g.store)

    return graph.derived("network", make)


def analytics_of(graph: GraphState, inherited: bool = False) -> Analytics:
    """Workload, centrality, communities and similar cities (graph/network/analytics.py) over EXPLICIT
    responsibilities only, unless ``inherited``: each made once per loaded graph, or kept with the index
    file (insights/precompute.py)."""
    return graph.derived(analytics_key(inherited), lambda g: analyze(network_of(g).corpus, inherited))


def analytics_key(inherited: bool = False) -> str:
    """The derived key the network analytics are made and kept by."""
    return f"network.analytics:{inherited}"
