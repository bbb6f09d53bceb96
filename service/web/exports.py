"""GET /export?format=F&view=V&city=&organization=&measureType=&industry=&institution=&depth=&inherited=&maxElements=

The same views and bytes as ``policykg export`` (graph/network, graph/export)
over the graph being served (readmodel/network.py: read once per loaded
graph, recent answers kept).

``maxElements`` refuses (413) a view with more nodes plus edges than that,
before it is serialized: the viewer asks with its drawing limit, since a
browser cannot lay out a national view, which is for downloading instead.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.export import UnknownFormat, get_format
from graph.network import FilterError, Filters

from ..readmodel.network import ViewTooLarge, network_of
from .middleware import request_graph

_WHOLE = re.compile(r"-?[0-9]{1,9}")
PARAMS = ("format", "view", "city", "organization", "measureType", "industry", "institution", "depth",
          "inherited", "maxElements")


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
    inherited = (q.get("inherited") or "0").lower()
    if inherited not in ("0", "1", "true", "false"):
        raise FilterError(f"inherited must be 1/true or 0/false, not {inherited[:40]!r}")
    filters = Filters(
        view=q.get("view") or "responsibility",
        city=q.get("city") or None,
        organization=q.get("organization") or None,
        measure_type=q.get("measureType") or None,
        industry=q.get("industry") or None,
        institution=q.get("institution") or None,
        depth=int(depth) if depth is not None else None,
        inherited=inherited in ("1", "true"),
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
