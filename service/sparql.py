"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint over the served graph.

What it refuses, before running anything: updates (INSERT, DELETE, LOAD,
CLEAR, DROP, CREATE, ADD, MOVE, COPY) because the graph is built from the
documents and only a rebuild may change it; and SERVICE, which would make
the server fetch other hosts on a client's behalf.

What bounds it: a row cap (the answer says it was truncated) and a time
limit. Over the in-memory store, queries run in worker processes
(service/sparql_sandbox.py) that are killed past the time limit or a memory
cap, so a query stuck inside one long step (a COUNT or ORDER BY over a
cartesian product) stops burning CPU and memory at once. Over any other
store they run in worker threads (pyoxigraph releases the GIL while it
evaluates): past the limit the client gets a 503 at once and the worker
stops at its next row. Either way, with every slot taken new queries are
refused as busy rather than queued without bound.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import sparql_formats as fmt
from .sparql_sandbox import SparqlSandbox, WorkerDied

# Strings, IRIs and comments are blanked before looking for keywords, so a
# literal "DELETE" or <http://x/service> is not mistaken for one.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    # a comment ends at CR as well as LF (SPARQL 1.1 §19.4): "# x\rSERVICE <...>" is a real SERVICE
    r"|#[^\r\n]*",
    re.S,
)
# A keyword is a bare word: not a variable (?x, $x), a prefixed name
# (ex:load, load:x), a blank node label (_:drop) or a language tag (@add).
_UPDATE = re.compile(r"(?<![\w?$:@-])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:-])", re.I)
_SERVICE = re.compile(r"(?<![\w?$:@-])SERVICE(?![\w:-])", re.I)

PREFIXES = {
    "pk": "https://w3id.org/policykg/ontology#",
    "id": "https://w3id.org/policykg/id/",
    "mt": "https://w3id.org/policykg/scheme/measure-type/",
    "ind": "https://w3id.org/policykg/scheme/industry/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_read_only(query: str) -> None:
    """Raise ``Refused`` for updates and SERVICE; otherwise return."""
    bare = _OPAQUE.sub(" ", query)
    if _SERVICE.search(bare):
        raise Refused(400, "SERVICE (federated query) is not allowed: this endpoint never fetches other hosts. "
                           "Remove the SERVICE clause.")
    m = _UPDATE.search(bare)
    if m:
        raise Refused(400, f"This endpoint is read-only: {m.group(1).upper()} is a SPARQL Update operation and "
                           "is refused. Send a SELECT, ASK, CONSTRUCT or DESCRIBE query.")


@dataclass
class SparqlLimits:
    max_rows: int = 10_000
    time_limit_s: float = 10.0
    workers: int = 2

    @classmethod
    def from_env(cls) -> "SparqlLimits":
        env = os.environ.get
        return cls(
            max_rows=int(env("POLICYKG_SPARQL_MAX_ROWS", cls.max_rows)),
            time_limit_s=float(env("POLICYKG_SPARQL_TIME_LIMIT", cls.time_limit_s)),
            workers=int(env("POLICYKG_SPARQL_WORKERS", cls.workers)),
        )


@dataclass
class _Outcome:
    kind: str  # "solutions" | "boolean" | "triples"
    variables: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)
    boolean: bool = False
    truncated: bool = False


class SparqlEndpoint:
    """The ASGI-facing handler; ``graph`` is a callable returning the current GraphState."""

    def __init__(self, get_graph, limits: SparqlLimits | None = None) -> None:
        self.get_graph = get_graph
        self.limits = limits or SparqlLimits()
        self._pool = ThreadPoolExecutor(max_workers=self.limits.workers, thread_name_prefix="sparql")
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        # POLICYKG_SPARQL_ISOLATION=0 keeps evaluation in threads (no worker processes)
        self._sandbox = (SparqlSandbox(self.limits.max_rows)
                         if os.environ.get("POLICYKG_SPARQL_ISOLATION", "1") != "0" else None)

    async def handle(self, request: Request) -> Response:
        try:
            query, default_graphs, named_graphs = await self._read_request(request)
            check_read_only(query)
            outcome = await self._run(query, default_graphs, named_graphs)
        except Refused as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status,
                                headers={"Retry-After": "5"} if exc.status == 503 else None)
        return self._respond(request, outcome)

    # -- request ----------------------------------------------------------------
    async def _read_request(self, request: Request) -> tuple[str, list[str], list[str]]:
        params = request.query_params
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "GET":
            if "update" in params:
                raise Refused(400, "This endpoint is read-only: SPARQL Update is refused.")
            query = params.get("query")
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif ctype == "application/sparql-query":
            query = (await request.body()).decode("utf-8", errors="replace")
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif ctype == "application/sparql-update":
            raise Refused(400, "This endpoint is read-only: SPARQL Update is refused.")
        elif ctype == "application/x-www-form-urlencoded":
            # parsed here: starlette's form parser needs python-multipart, and
            # the protocol only asks for urlencoded forms
            form = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                raise Refused(400, "This endpoint is read-only: SPARQL Update is refused.")
            query = (form.get("query") or [None])[0]
            defaults = form.get("default-graph-uri") or params.getlist("default-graph-uri")
            named = form.get("named-graph-uri") or params.getlist("named-graph-uri")
        else:
            raise Refused(415, "POST a query as application/sparql-query or as the `query` field of "
                               "application/x-www-form-urlencoded.")
        if not query or not str(query).strip():
            raise Refused(400, "No query: pass it as the `query` parameter (GET or form POST) or as an "
                               "application/sparql-query body.")
        return str(query), defaults, named

    # -- execution --------------------------------------------------------------
    async def _run(self, query: str, default_graphs: list[str], named_graphs: list[str]) -> _Outcome:
        if not self._slots.acquire(blocking=False):
            raise Refused(503, "The SPARQL endpoint is busy with other long queries; retry in a few seconds.")
        cancel = threading.Event()
        graph = self.get_graph()
        store = graph.store
        if self._sandbox is not None and self._sandbox.supports(graph):
            try:
                return await self._sandbox.run(graph, query, default_graphs, named_graphs, self.limits.time_limit_s)
            except WorkerDied as exc:
                raise Refused(503, f"The SPARQL worker could not start ({exc}); retry in a few seconds.") from None
            finally:
                self._slots.release()

        def work() -> _Outcome:
            try:
                return self._evaluate(store, query, default_graphs, named_graphs, cancel)
            finally:
                self._slots.release()

        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._pool, work)
        except RuntimeError:  # pool shut down (server stopping)
            self._slots.release()
            raise Refused(503, "The server is shutting down.") from None
        try:
            return await asyncio.wait_for(future, timeout=self.limits.time_limit_s)
        except asyncio.TimeoutError:
            cancel.set()
            raise Refused(503, f"The query ran past the {self.limits.time_limit_s:g} s time limit and was "
                               "stopped. Narrow it (more specific patterns, LIMIT) and try again.") from None

    def _evaluate(self, store, query: str, default_graphs: list[str], named_graphs: list[str],
                  cancel: threading.Event) -> _Outcome:
        try:
            result = store.query(query, default_graphs=default_graphs or None, named_graphs=named_graphs or None)
        except SyntaxError as exc:
            raise Refused(400, f"SPARQL syntax error: {exc}") from None
        except (OSError, ValueError) as exc:
            raise Refused(400, f"The query could not be evaluated: {exc}") from None
        cap = self.limits.max_rows
        if isinstance(result, ox.QueryBoolean):
            return _Outcome("boolean", boolean=bool(result))
        try:
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows = []
                for solution in result:
                    if cancel.is_set():
                        break
                    if len(rows) == cap:
                        return _Outcome("solutions", variables, rows, truncated=True)
                    rows.append([solution[v] for v in variables])
                return _Outcome("solutions", variables, rows)
            items = []
            for triple in result:
                if cancel.is_set():
                    break
                if len(items) == cap:
                    return _Outcome("triples", rows=items, truncated=True)
                items.append(triple)
            return _Outcome("triples", rows=items)
        except (OSError, ValueError, SyntaxError) as exc:
            raise Refused(400, f"The query failed while running: {exc}") from None

    # -- response ---------------------------------------------------------------
    def _respond(self, request: Request, outcome: _Outcome) -> Response:
        accept = request.headers.get("accept")
        explicit = request.query_params.get("format")
        headers = {"X-Result-Truncated": "true"} if outcome.truncated else {}
        if outcome.truncated:
            headers["X-Result-Cap"] = str(self.limits.max_rows)
        if outcome.kind == "triples":
            f = fmt.negotiate(accept, fmt.GRAPH_FORMATS, explicit)
            body = fmt.triples(f, outcome.rows, PREFIXES)
        else:
            f = fmt.negotiate(accept, fmt.SOLUTION_FORMATS, explicit)
            if outcome.kind == "boolean":
                body = fmt.boolean_result(outcome.boolean, f)
            else:
                body = fmt.solutions(f, outcome.variables, outcome.rows)
        return Response(body, media_type=f"{f.media_type}; charset=utf-8", headers=headers)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._sandbox is not None:
            self._sandbox.close()

