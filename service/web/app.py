"""The ASGI application: every route in one place.

    /graphql   GraphQL (GET and POST; GraphiQL in a browser)
    /sparql    read-only SPARQL 1.1 Protocol endpoint
    /ontology  the ontology, schemes and shapes as one Turtle document
    /health    {"status": "ready", "triples": ..., "documents": [...], "document_count": ..., "version": ..., "reload": {...}}
    /metrics   Prometheus text format (service/web/metrics.py)
    /admin/reload  POST with Authorization: Bearer $POLICYKG_ADMIN_TOKEN (service/lifecycle/reload.py)
    /dashboards[/<name>.csv]  dashboard aggregates as CSV (service/web/dashboards.py)
    /export    a network view as GraphML, GEXF, Cytoscape/D3 JSON, CSV or RDF (service/web/exports.py)
    /documents/<file>  the text a document's spans index, text/plain (service/web/documents.py)
    /          the network viewer page; /static/ its files (service/web/viewer.py)

The app holds the graph it serves in ``app.state.graph``; every request
reads it once, so swapping it (a reload) is one assignment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from ..gql.guards import guard_extensions, production
from ..gql.limits import Limits
from ..gql.schema import build_schema
from ..lifecycle.reload import Reloader
from ..readmodel.state import GraphState, ensure_version
from .. import settings
from . import viewer
from .admin import admin_reload_endpoint
from .dashboards import insights_routes
from .documents import documents_endpoint
from .exports import export_endpoint
from .graphql_view import GraphQLApp
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import Metrics
from .middleware import RequestObserver, request_graph
from .ontology import ontology_turtle
from .security_headers import SecurityHeaders
from .sparql.endpoint import SparqlEndpoint, SparqlLimits

log = logging.getLogger("policykg.service")

HEALTH_DOCUMENTS = 100  # document names /health lists; `document_count` counts them all


def create_app(graph: GraphState, limits: Limits | None = None, sparql_limits: SparqlLimits | None = None,
               cors_origins: list[str] | None = None, debug: bool | None = None,
               data: Path | None = None, watch: bool = False) -> Starlette:
    """``data``: where reloads rebuild from (None: data/raw/); ``watch``: reload when it changes."""
    if debug is None:
        debug = settings.get("POLICYKG_DEBUG")
    if cors_origins is None:
        cors_origins = [o.strip() for o in settings.get("POLICYKG_CORS_ORIGINS").split(",") if o.strip()]
    schema = build_schema(limits or Limits.from_env(), debug=debug)
    is_production = production()
    # string-size and production-mode guards (service/gql/guards.py) run after the schema's own limits
    schema.extensions = (*schema.extensions, *guard_extensions(is_production))
    graphql_app = GraphQLApp(schema, graphql_ide=None if is_production else "graphiql",
                             allow_queries_via_get=True)
    sparql = SparqlEndpoint(lambda: request_graph(app), sparql_limits or SparqlLimits.from_env())
    metrics = Metrics()
    reloader = Reloader(None, data, metrics)  # given the app below, once it exists
    ensure_version(graph)
    metrics.set_triples(graph.index.triple_count)
    ontology_cache: dict[str, bytes] = {}

    async def health(request: Request) -> JSONResponse:
        g: GraphState = request_graph(request.app)
        ix = g.index
        # the names of a national corpus would make each probe ~1 MB: past HEALTH_DOCUMENTS, the first
        # ones and the count (GraphQL `policies` lists them all)
        listed = g.documents[:HEALTH_DOCUMENTS]
        return JSONResponse({
            "status": "ready",
            "triples": ix.triple_count,
            "documents": listed,
            "document_count": len(g.documents),
            **({"documents_truncated": True} if len(listed) < len(g.documents) else {}),
            "cities": len(ix.cities),
            "measures": len(ix.measures),
            "responsibilities": len(ix.responsibilities),
            "version": g.version,
            "pid": os.getpid(),  # which worker answered (serve --workers N)
            "reload": reloader.status(),  # the last reload attempt; on failure, why
        })

    async def metrics_route(request: Request) -> Response:
        metrics.set_triples(request.app.state.graph.index.triple_count)
        return Response(metrics.render(), media_type=METRICS_CONTENT_TYPE)

    async def ontology(request: Request) -> Response:
        if "ttl" not in ontology_cache:
            try:
                ontology_cache["ttl"] = ontology_turtle()
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=503)
        return Response(ontology_cache["ttl"], media_type="text/turtle; charset=utf-8")

    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/sparql", sparql.handle, methods=["GET", "POST"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/metrics", metrics_route, methods=["GET"]),
        Route("/admin/reload", admin_reload_endpoint(reloader), methods=["POST"]),
        Route("/export", export_endpoint, methods=["GET"]),  # network views in 9 formats (service/web/exports.py)
        Route("/documents/{file}", documents_endpoint(data), methods=["GET"]),  # span texts (service/web/documents.py)
        Route("/", viewer.page, methods=["GET"]),  # the network viewer (service/web/viewer.py)
        Mount("/static", viewer.static, name="static"),  # its script, style, vendored Cytoscape.js
        *insights_routes(),  # /dashboards, /dashboards/<name>.csv (service/web/dashboards.py)
    ]
    middleware = [
        Middleware(SecurityHeaders),  # outermost: the refusals of the layers inside get them too
        Middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["GET", "POST", "OPTIONS"],
                   allow_headers=["*"], max_age=600, expose_headers=["X-Graph-Version"]),
        Middleware(RequestObserver, metrics=metrics, routes=routes),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        stop = asyncio.Event()
        watcher = asyncio.create_task(reloader.watch(stop)) if watch else None
        follower = asyncio.create_task(reloader.follow(stop))  # serve --workers N: follow a sibling's reload
        if watch or settings.get("POLICYKG_ADMIN_TOKEN"):
            reloader.prewarm()  # reloads are possible: have the build child's imports done ahead
        yield
        stop.set()
        for task in (watcher, follower):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        reloader.close()
        sparql.close()
        graphql_app.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.graph = graph
    reloader.app = app
    app.state.reloader = reloader
    return app


_preloaded: GraphState | None = None  # loaded by the parent the workers are forked from (preload_graph)


def preload_graph() -> None:
    """Load the graph of the environment's dataset in the parent a forking server makes its workers
    from (service/prefork.py): they share its pages instead of each loading a copy. What must not
    cross a fork is opened in each worker on first use: the on-disk store, the index file's
    connections, a remote engine's sockets."""
    global _preloaded
    from ..lifecycle.loading import load_graph

    settings.check()
    data = settings.get("POLICYKG_DATA")
    _preloaded = ensure_version(load_graph(Path(data) if data else None))


def app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory`` (several workers): the graph the parent preloaded, or each
    worker loads it itself (spawned workers, where there is no fork)."""
    from ..lifecycle.loading import load_graph
    from .middleware import configure_access_log

    settings.check()  # each worker reads the environment itself: a bad value stops it, named
    configure_access_log()
    data = settings.get("POLICYKG_DATA")
    path = Path(data) if data else None
    graph = _preloaded if _preloaded is not None else load_graph(path)
    return create_app(graph, data=path, watch=settings.get("POLICYKG_WATCH"))
