"""One structured JSON log line per request, and the middleware that writes it.

The middleware is the single place every request passes through, so it
also: pins the graph the request will be answered from (a reload landing
mid-request must not mix two graphs) and names it in ``X-Graph-Version``;
refuses request bodies over a size cap before anything parses them; and
feeds the Prometheus metrics. The GraphQL operation name is read from the
request itself (``operationName``, else the first named operation), which
keeps this layer independent of strawberry's internals.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qs

from starlette.routing import BaseRoute, Match

from ..readmodel.state import GraphState
from .. import settings
from .metrics import Metrics

ACCESS_LOGGER = "policykg.access"
access_log = logging.getLogger(ACCESS_LOGGER)

_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# The graph a request pinned when it arrived (set by ``RequestObserver``).
# Handlers read it instead of app.state.graph so that a reload landing
# mid-request cannot answer half from each graph, and so the
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


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        out: dict[str, Any] = {"ts": round(record.created, 3), "level": record.levelname.lower(),
                               "logger": record.name}
        out.update(fields if isinstance(fields, dict) else {"message": record.getMessage()})
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def configure_access_log() -> None:
    """Send request lines to stderr as bare JSON (no level prefix), once.

    ``POLICYKG_REQUEST_LOG=0`` turns them off (metrics still count).
    """
    if not settings.get("POLICYKG_REQUEST_LOG"):
        # by level, not `disabled`: uvicorn's logging dictConfig re-enables
        # every existing logger it does not name, and lines then reached the root
        access_log.setLevel(logging.CRITICAL + 1)
        access_log.propagate = False
        return
    if any(getattr(h, "_policykg", False) for h in access_log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._policykg = True  # type: ignore[attr-defined]
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


def operation_name(method: str, query_string: bytes, body: bytes) -> str | None:
    """The GraphQL operation a request asks for, or None when anonymous or unreadable."""
    if method == "GET":
        params = parse_qs(query_string.decode("latin-1"))
        name = (params.get("operationName") or [None])[0]
        query = (params.get("query") or [""])[0]
    else:
        try:
            payload = json.loads(body) if body else None
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, a 5000-digit number
            return None
        if not isinstance(payload, dict):
            return None
        name, query = payload.get("operationName"), payload.get("query")
    if isinstance(name, str) and name:
        return _printable(name)
    if isinstance(query, str):
        m = _OPERATION.search(query[:2000])  # the name comes first; don't scan a 100 kB query
        if m:
            return m.group(1)
    return None


def _printable(name: str) -> str:
    """A name fit for a UTF-8 log line: a lone surrogate ("\\ud800" in JSON) is shown escaped."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


class RequestObserver:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer responses)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: list[BaseRoute], max_body: int | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        self.max_body = max_body or settings.get("POLICYKG_MAX_BODY_BYTES")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        route = self._route(scope)
        graph = request_graph(scope["app"]) if "app" in scope else None
        status = 500
        op: str | None = None

        if method == "POST":
            body, too_big = await self._read_body(scope, receive)
            if too_big:
                status = 413
                await _refuse_body(send, path, self.max_body, graph)
                self._done(scope, route, method, status, started, op, graph)
                return
            receive = _replay(body, receive)
        else:
            body = b""
        if route == "/graphql":
            op = operation_name(method, scope.get("query_string", b""), body)

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if graph is not None and graph.version:
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"x-graph-version", graph.version.encode())]
            await send(message)

        token = pin_graph(graph) if graph is not None else None
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if token is not None:
                unpin_graph(token)
            self._done(scope, route, method, status, started, op, graph)

    def _route(self, scope: Scope) -> str:
        """The route's template (``/dashboards/{name}.csv``), never the raw path: labels stay bounded."""
        for r in self.routes:
            match, _ = r.matches(scope)
            if match is not Match.NONE:
                return str(getattr(r, "path", "other")) or "/"
        return "other"

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes, bool]:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body:
                        return b"", True
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks), False

    def _done(self, scope: Scope, route: str, method: str, status: int, started: float,
              op: str | None, graph: Any) -> None:
        seconds = time.perf_counter() - started
        self.metrics.observe_request(route, method, status, seconds)
        if route == "/graphql":
            self.metrics.observe_operation(op)
        if access_log.isEnabledFor(logging.INFO):
            fields: dict[str, Any] = {"event": "request", "method": method, "path": scope.get("path", ""),
                                      "status": status, "duration_ms": round(seconds * 1000, 2)}
            if route == "/graphql":
                fields["operation"] = op
            if graph is not None:
                fields["graph"] = graph.version
            access_log.info("request", extra={"fields": fields})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then wait for the disconnect, as the server would

    return replay


async def _refuse_body(send: Send, path: str, limit: int, graph: Any) -> None:
    message = (f"The request body is over the {limit}-byte limit (POLICYKG_MAX_BODY_BYTES); "
               "send a smaller query.")
    payload = {"errors": [{"message": message}]} if path == "/graphql" else {"error": message}
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if graph is not None and graph.version:
        headers.append((b"x-graph-version", graph.version.encode()))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
