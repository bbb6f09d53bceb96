"""GET /export?format=F&view=V&city=&organization=&measureType=&industry=&institution=&depth=

The same views and bytes as ``policykg export`` (graph/network, graph/export)
over the graph being served. The network corpus is read from the store once
per loaded graph (``GraphState.derived``); answers are kept in a small LRU per
graph, since the viewer asks the same questions again and again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.export import Exported, UnknownFormat, export, get_format
from graph.network import Corpus, FilterError, Filters, Names, build_view, quads_about, read_corpus

from .context import GraphState, request_graph

# Recent answers are kept up to a byte budget, and only small ones: a
# whole-corpus N-Triples export at national scale is rebuilt, not hoarded.
CACHE_BYTES = 32 << 20
CACHE_ONE_MAX = 4 << 20
PARAMS = ("format", "view", "city", "organization", "measureType", "industry", "institution", "depth")


@dataclass
class Network:
    """The served graph's network corpus, its name resolver and recent exports."""

    corpus: Corpus
    names: Names
    store: object
    _cache: OrderedDict[tuple, Exported] = field(default_factory=OrderedDict)
    _cached_bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def export(self, filters: Filters, format_name: str) -> Exported:
        key = (filters, get_format(format_name).name)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        view = build_view(self.corpus, filters, self.names)
        result = export(view, key[1], lambda subjects: quads_about(self.store, subjects))  # type: ignore[arg-type]
        if len(result.data) <= CACHE_ONE_MAX:
            with self._lock:
                if key not in self._cache:
                    self._cache[key] = result
                    self._cached_bytes += len(result.data)
                while self._cached_bytes > CACHE_BYTES:
                    _, old = self._cache.popitem(last=False)
                    self._cached_bytes -= len(old.data)
        return result


def network_of(graph: GraphState) -> Network:
    """Made on first use, once per loaded graph (GraphQL analytics use it too)."""
    def make(g: GraphState) -> Network:
        corpus = read_corpus(g.store)
        return Network(corpus, Names(corpus), g.store)

    return graph.derived("network", make)


def filters_from(request: Request) -> tuple[Filters, str]:
    q = request.query_params
    unknown = sorted(set(q) - set(PARAMS))
    if unknown:
        raise FilterError(f"unknown parameter {unknown[0]!r}: one of {', '.join(PARAMS)}")
    depth = q.get("depth") or None
    if depth is not None and not depth.lstrip("-").isdigit():
        raise FilterError(f"depth must be a whole number, not {depth!r}")
    filters = Filters(
        view=q.get("view") or "responsibility",
        city=q.get("city") or None,
        organization=q.get("organization") or None,
        measure_type=q.get("measureType") or None,
        industry=q.get("industry") or None,
        institution=q.get("institution") or None,
        depth=int(depth) if depth is not None else None,
    )
    return filters, q.get("format") or "graphml"


async def export_endpoint(request: Request) -> Response:
    graph = request_graph(request.app)
    try:
        filters, format_name = filters_from(request)
        get_format(format_name)  # a bad format is answered before any work
        result = await run_in_threadpool(lambda: network_of(graph).export(filters, format_name))
    except (FilterError, UnknownFormat) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return Response(result.data, media_type=result.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})
