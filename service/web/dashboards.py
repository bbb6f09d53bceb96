"""Dashboard aggregates as CSV over HTTP.

    GET /dashboards                       the list below, as JSON
    GET /dashboards/<name>.csv?<params>   one aggregate, text/csv; charset=utf-8

| name                   | params                                                          |
|------------------------|-----------------------------------------------------------------|
| city-measure-types     | families=1, cities=许昌,漯河, header=label|en|id                   |
| city-industries        | families=1, cities=…, header=…                                  |
| city-policy-tools      | level=tool|type, cities=…, header=…                             |
| policy-tool-families   | level=tool|type, cities=…, header=…                             |
| targets                | indicator, city                                                 |
| workload               | city, kind, departmentType, basis, inherited=1, collectives=1, first |
| responsibility-matrix  | city, basis, inherited=1, families=1|0 (omitted: every type)    |

workload and responsibility-matrix count EXPLICIT responsibilities unless ``basis``
is given or ``inherited=1`` (then both).
| diffusion              | measureType                                                     |
| citations              | city                                                            |

``bom=1`` prefixes a UTF-8 byte-order mark (what Excel needs to read Chinese).
The same numbers come from GraphQL (``cityMeasureTypeMatrix`` …); these are
the same functions of ``service.insights``, serialized.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import QueryError
from ..insights import citations, dashboards, diffusion, matrix
from ..insights.common import basis_scope
from ..readmodel.records import BASES, ORG_KINDS
from .middleware import request_graph


def _flag(q: Any, name: str, default: bool | None = False) -> bool | None:
    v = q.get(name)
    if v is None or v == "":
        return default
    if v.lower() in ("1", "true", "yes"):
        return True
    if v.lower() in ("0", "false", "no"):
        return False
    raise QueryError(f"`{name}` must be 1/true or 0/false, got {v[:40]!r}.")


def _choice(q: Any, name: str, allowed: tuple[str, ...]) -> str | None:
    v = q.get(name)
    if not v:
        return None
    if v.upper() not in allowed:
        raise QueryError(f"`{name}` must be one of {', '.join(allowed)}, got {v[:40]!r}.")
    return v.upper()


def _int(q: Any, name: str) -> int | None:
    v = q.get(name)
    if not v:
        return None
    try:
        n = int(v)
    except ValueError:
        raise QueryError(f"`{name}` must be a whole number, got {v[:40]!r}.") from None
    if n < 0:
        raise QueryError(f"`{name}` must be 0 or more, got {n}.")
    return n


def _cities(q: Any) -> list[str] | None:
    v = q.get("cities")
    return [c.strip() for c in v.split(",") if c.strip()] if v else None


def _basis(q: Any) -> str | None:
    """basis=EXPLICIT|INHERITED; else EXPLICIT only, or both with inherited=1 (insights.common.basis_scope)."""
    return basis_scope(_choice(q, "basis", BASES), bool(_flag(q, "inherited")))


def _header(q: Any) -> str:
    v = q.get("header") or "label"
    if v not in ("label", "en", "id"):
        raise QueryError(f"`header` must be label, en or id, got {v[:40]!r}.")
    return v


DASHBOARDS: dict[str, tuple[str, Callable[[Any, Any], str]]] = {
    "city-measure-types": ("Measures per city × measure type (wide).", lambda g, q: dashboards.city_measure_types(
        g, bool(_flag(q, "families")), _cities(q)).to_csv(_header(q))),
    "city-industries": ("Measures per city × industry (wide).", lambda g, q: dashboards.city_industries(
        g, bool(_flag(q, "families")), _cities(q)).to_csv(_header(q))),
    "city-policy-tools": ("Measures per city × policy tool (level=type: 供给型/环境型/需求型).",
                          lambda g, q: dashboards.city_policy_tools(
                              g, _choice(q, "level", dashboards.TOOL_LEVELS) or "TOOL", _cities(q)).to_csv(_header(q))),
    "policy-tool-families": ("Policy tool × measure-type family, the 二维分析框架 (level=type: the three types).",
                             lambda g, q: dashboards.policy_tool_families(
                                 g, _choice(q, "level", dashboards.TOOL_LEVELS) or "TOOL",
                                 _cities(q)).to_csv(_header(q))),
    "targets": ("Targets by indicator across cities, units normalized.", lambda g, q: dashboards.targets_csv(
        g, q.get("indicator") or None, q.get("city") or None)),
    "workload": ("Organizations ranked by measures they lead or are responsible for.",
                 lambda g, q: dashboards.workload_csv(
                     g, q.get("city") or None, _choice(q, "kind", ORG_KINDS), q.get("departmentType") or None,
                     _basis(q), bool(_flag(q, "collectives")), _int(q, "first"))),
    "responsibility-matrix": ("Department type × measure type, one row per non-empty cell.",
                              lambda g, q: matrix.matrix_csv(g, q.get("city") or None, _basis(q),
                                                             _flag(q, "families", None))),
    "diffusion": ("Adopting cities per measure type, in adoption order, with lags.",
                  lambda g, q: diffusion.diffusion_csv(g, q.get("measureType") or None)),
    "citations": ("Citations between policies (stubs included), with levels.",
                  lambda g, q: citations.citations_csv(g, q.get("city") or None)),
}


async def dashboard_index(request: Request) -> JSONResponse:
    base = str(request.base_url).rstrip("/")
    return JSONResponse({"dashboards": [{"name": n, "description": d, "url": f"{base}/dashboards/{n}.csv"}
                                        for n, (d, _) in DASHBOARDS.items()]})


async def dashboard_csv(request: Request) -> Response:
    name = request.path_params["name"]
    entry = DASHBOARDS.get(name)
    if entry is None:
        return JSONResponse({"error": f"no dashboard {name[:60]!r}", "dashboards": sorted(DASHBOARDS)},
                            status_code=404)
    graph = request_graph(request.app)
    try:
        text = await run_in_threadpool(entry[1], graph, request.query_params)
    except QueryError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    body = text.encode("utf-8")
    if request.query_params.get("bom", "").lower() in ("1", "true", "yes"):
        body = b"\xef\xbb\xbf" + body
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{name}.csv"'})


def insights_routes() -> list[Route]:
    return [
        Route("/dashboards", dashboard_index, methods=["GET"]),
        Route("/dashboards/{name}.csv", dashboard_csv, methods=["GET"]),
    ]
