"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint over the served graph.

What it refuses, before running anything (service/web/sparql/guard.py):
updates, SERVICE, and brackets nested too deep for the parser.

What bounds it: a cap in rows and one in bytes (the answer says it was
truncated, and by which), and a time limit. Over the in-memory store, queries run in worker processes
(service/web/sparql/sandbox.py) that are killed past the time limit or a memory
cap, so a query stuck inside one long step (a COUNT or ORDER BY over a
cartesian product) stops burning CPU and memory at once. Over any other
store they run in worker threads (pyoxigraph releases the GIL while it
evaluates): past the limit the client gets a 503 at once and the worker
stops at its next row. Either way, with every slot taken new queries are
refused as busy rather than queued without bound, except that a client
holding no slot may take one from a client holding several.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from graph import vocab

from ... import settings
from . import formats as fmt
from .evaluate import evaluate
from .guard import Refused, check_read_only
from .sandbox import SparqlSandbox, WorkerDied

# the prefixes Turtle and JSON-LD answers are written with (graph/vocab.py's, those a query meets most)
PREFIXES = {p: str(vocab.PREFIXES[p]) for p in ("pk", "id", "mt", "ind", "eli", "org", "oa", "dcterms", "skos",
                                                  "rdfs", "rdf", "xsd")}


DEFAULT_MAX_BYTES = 32 * 1024 * 1024


@dataclass
class SparqlLimits:
    max_rows: int = 10_000
    max_bytes: int = DEFAULT_MAX_BYTES
    time_limit_s: float = 10.0
    workers: int = 2

    @classmethod
    def from_env(cls) -> "SparqlLimits":
        return cls(
            max_rows=settings.get("POLICYKG_SPARQL_MAX_ROWS"),
            max_bytes=settings.get("POLICYKG_SPARQL_MAX_BYTES"),
            time_limit_s=settings.get("POLICYKG_SPARQL_TIME_LIMIT"),
            workers=settings.get("POLICYKG_SPARQL_WORKERS"),
        )


@dataclass(eq=False)
class _Ticket:
    client: str
    started: float
    preempted: threading.Event = field(default_factory=threading.Event)


class _Slots:
    """Evaluation slots, shared fairly between clients.

    With every slot taken, a client holding none may take the youngest
    query of a client holding two or more (that query is stopped and
    answered 503): one client's slow queries cannot lock everyone else out.
    Otherwise a query is refused as busy rather than queued without bound.
    """

    def __init__(self, capacity: int, preemptible: bool) -> None:
        self.capacity = capacity
        self.preemptible = preemptible
        self._lock = threading.Lock()
        self._held: list[_Ticket] = []

    def take(self, client: str) -> _Ticket:
        with self._lock:
            if len(self._held) >= self.capacity:
                victim = self._victim(client) if self.preemptible else None
                if victim is None:
                    raise Refused(503, "The SPARQL endpoint is busy with other long queries; retry in a few "
                                       "seconds.")
                victim.preempted.set()
                self._held.remove(victim)  # its worker is killed at once: the slot is the newcomer's
            ticket = _Ticket(client, time.monotonic())
            self._held.append(ticket)
            return ticket

    def give_back(self, ticket: _Ticket) -> None:
        with self._lock:
            if ticket in self._held:
                self._held.remove(ticket)

    def _victim(self, client: str) -> _Ticket | None:
        counts = Counter(t.client for t in self._held)
        if counts[client]:
            return None
        greedy = [t for t in self._held if counts[t.client] >= 2]
        return max(greedy, key=lambda t: t.started) if greedy else None  # the youngest: least work lost


class SparqlEndpoint:
    """The ASGI-facing handler; ``graph`` is a callable returning the current GraphState."""

    def __init__(self, get_graph, limits: SparqlLimits | None = None) -> None:
        self.get_graph = get_graph
        self.limits = limits or SparqlLimits()
        self._pool = ThreadPoolExecutor(max_workers=self.limits.workers, thread_name_prefix="sparql")
        # POLICYKG_SPARQL_ISOLATION=0 keeps evaluation in threads (no worker processes)
        self._sandbox = SparqlSandbox() if settings.get("POLICYKG_SPARQL_ISOLATION") else None
        self._slots = _Slots(self.limits.workers, preemptible=self._sandbox is not None)

    async def handle(self, request: Request) -> Response:
        try:
            query, default_graphs, named_graphs = await self._read_request(request)
            check_read_only(query)
            answer_request = fmt.AnswerRequest(
                accept=request.headers.get("accept"), explicit=request.query_params.get("format"),
                max_rows=self.limits.max_rows, max_bytes=self.limits.max_bytes, prefixes=PREFIXES)
            client = request.client.host if request.client else ""
            answer = await self._run(query, default_graphs, named_graphs, answer_request, client)
        except Refused as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status,
                                headers={"Retry-After": "5"} if exc.status == 503 else None)
        return self._respond(answer)

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
            query = _utf8(await request.body())
            defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        elif ctype == "application/sparql-update":
            raise Refused(400, "This endpoint is read-only: SPARQL Update is refused.")
        elif ctype == "application/x-www-form-urlencoded":
            # parsed here: starlette's form parser needs python-multipart, and
            # the protocol only asks for urlencoded forms
            form = parse_qs(_utf8(await request.body()), keep_blank_values=True)
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
    async def _run(self, query: str, default_graphs: list[str], named_graphs: list[str],
                   answer_request: fmt.AnswerRequest, client: str) -> fmt.Answer:
        ticket = self._slots.take(client)
        graph = self.get_graph()
        store = graph.store
        if self._sandbox is not None and self._sandbox.supports(graph):
            try:
                return await self._sandbox.run(graph, query, default_graphs, named_graphs, answer_request,
                                               self.limits.time_limit_s, ticket.preempted)
            except WorkerDied as exc:
                raise Refused(503, f"The SPARQL worker could not start ({exc}); retry in a few seconds.") from None
            finally:
                self._slots.give_back(ticket)

        cancel = threading.Event()

        def work() -> fmt.Answer:
            try:
                answer = evaluate(store, query, default_graphs, named_graphs, answer_request, cancel.is_set)
                if cancel.is_set():
                    answer.discard()
                return answer
            finally:
                self._slots.give_back(ticket)

        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._pool, work)
        except RuntimeError:  # pool shut down (server stopping)
            self._slots.give_back(ticket)
            raise Refused(503, "The server is shutting down.") from None
        try:
            return await asyncio.wait_for(future, timeout=self.limits.time_limit_s)
        except asyncio.TimeoutError:
            cancel.set()
            raise Refused(503, f"The query ran past the {self.limits.time_limit_s:g} s time limit and was "
                               "stopped. Narrow it (more specific patterns, LIMIT) and try again.") from None

    # -- response ---------------------------------------------------------------
    def _respond(self, answer: fmt.Answer) -> Response:
        headers = {}
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
            headers["X-Result-Truncated-By"] = answer.truncated
            if answer.truncated == "rows":
                headers["X-Result-Cap"] = str(self.limits.max_rows)
            else:
                headers["X-Result-Byte-Cap"] = str(self.limits.max_bytes)
        if answer.body is not None:
            return Response(answer.body, media_type=answer.media_type, headers=headers)
        headers["Content-Length"] = str(answer.size)
        return StreamingResponse(answer.stream(), media_type=answer.media_type, headers=headers)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._sandbox is not None:
            self._sandbox.close()


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, f"The request body is not valid UTF-8 (byte {exc.start}); send the query as "
                           "UTF-8.") from None
