"""GET /export?format=F&view=V&city=&organization=&measureType=&industry=&institution=&depth=&maxElements=

The same views and bytes as ``policykg export`` (graph/network, graph/export)
over the graph being served. The network corpus is read from the store once
per loaded graph (``GraphState.derived``); answers are kept in a small LRU per
graph, since the viewer asks the same questions again and again.

``maxElements`` refuses (413) a view with more nodes plus edges than that,
before it is serialized: the viewer asks with its drawing limit, since a
browser cannot lay out a national view, which is for downloading instead.
"""

from __future__ import annotations

import re
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
_WHOLE = re.compile(r"-?[0-9]{1,9}")
PARAMS = ("format", "view", "city", "organization", "measureType", "industry", "institution", "depth",
          "maxElements")


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


def network_of(graph: GraphState) -> Network:
    """Made on first use, once per loaded graph (GraphQL analytics use it too)."""
    def make(g: GraphState) -> Network:
        from .startup_cache import network_corpus

        corpus = network_corpus(g)  # pickled in the start-up cache entry, if the graph came through one
        if corpus is None:
            corpus = read_corpus(g.store)
        return Network(corpus, Names(corpus), g.store)

    return graph.derived("network", make)


def filters_from(request: Request) -> tuple[Filters, str, int | None]:
    """The view's filters, the format and the size limit a request asks for."""
    q = request.query_params
    unknown = sorted(set(q) - set(PARAMS))
    if unknown:
        raise FilterError(f"unknown parameter {unknown[0]!r}: one of {', '.join(PARAMS)}")
    depth = q.get("depth") or None
    # ASCII digits only, and few: str.isdigit() also takes "²", which int() refuses
    if depth is not None and not _WHOLE.fullmatch(depth):
        raise FilterError(f"depth must be a whole number, not {depth[:40]!r}")
    max_elements = q.get("maxElements") or None
    if max_elements is not None and not (_WHOLE.fullmatch(max_elements) and int(max_elements) > 0):
        raise FilterError(f"maxElements must be a whole number above 0, not {max_elements[:40]!r}")
    filters = Filters(
        view=q.get("view") or "responsibility",
        city=q.get("city") or None,
        organization=q.get("organization") or None,
        measure_type=q.get("measureType") or None,
        industry=q.get("industry") or None,
        institution=q.get("institution") or None,
        depth=int(depth) if depth is not None else None,
    )
    return filters, q.get("format") or "graphml", int(max_elements) if max_elements else None


async def export_endpoint(request: Request) -> Response:
    graph = request_graph(request.app)
    try:
        filters, format_name, limit = filters_from(request)
        get_format(format_name)  # a bad format is answered before any work
        result = await run_in_threadpool(lambda: network_of(graph).export(filters, format_name, limit))
    except (FilterError, UnknownFormat) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    except ViewTooLarge as exc:
        return JSONResponse({"error": str(exc)}, status_code=413)
    return Response(result.data, media_type=result.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{result.filename}"'})
