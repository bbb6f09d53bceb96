"""A remote SPARQL 1.1 engine behind the ``GraphStore`` interface.

``policykg build --store URL`` loads the built dataset into the engine and
``policykg serve --store URL`` answers from it; any number of service
processes can share one engine. Only the standard protocols are used:

* SPARQL 1.1 Query (HTTP POST, form-encoded) for everything the service
  reads: the index's SELECTs at start-up and the /sparql endpoint's
  pass-through queries. Results are asked for as TSV (smallest, fastest to
  parse), JSON or XML, and parsed by pyoxigraph, so the index and /sparql
  receive the same result objects as from the embedded store.
* SPARQL 1.1 Graph Store HTTP Protocol to load: one ``PUT ?graph=<g>`` per
  named graph (each document's graph, and the schemes graph) replaces that
  graph whole.
* SPARQL 1.1 Update to drop the policykg graphs the new build no longer has
  (a document taken out of the corpus). Other graphs in the engine are never
  touched: only IRIs under ``https://w3id.org/policykg/id/graph/`` are ours.

Endpoints. ``URL`` is the query endpoint. The update and graph-store
endpoints are derived from it: for ``…/query`` (Oxigraph) they are ``…/update``
and ``…/store``; for ``…/sparql`` (Fuseki ``/ds/sparql``, Virtuoso, QLever)
they are ``…/update`` and ``…/data`` (Fuseki); anything else (Fuseki's
dataset URL ``…/ds``, GraphDB's ``/repositories/r``) serves all three at the
same URL, except GraphDB whose statements and graph store live at
``/statements`` and ``/rdf-graphs/service``. Override with
``POLICYKG_STORE_UPDATE_URL`` and ``POLICYKG_STORE_DATA_URL``. Credentials:
``http://user:password@host/…`` (Basic) or ``POLICYKG_STORE_TOKEN`` (Bearer,
QLever's access token).

The union default graph. The service's queries read the union of the named
graphs. Engines differ: Virtuoso, GraphDB and QLever read all graphs by
default; Oxigraph needs ``union-default-graph`` (per query, or ``oxigraph
serve --union-default-graph``); Fuseki needs ``tdb2:unionDefaultGraph true``.
``POLICYKG_STORE_UNION`` chooses: ``native`` (send queries as they are),
``oxigraph`` (add the parameter), ``graphs`` (name every policykg graph as a
``default-graph-uri``, which any SPARQL 1.1 engine honours) or ``auto`` (the
default: ask the engine which of these finds the data, once).
"""

from __future__ import annotations

import base64
import http.client
import io
import logging
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from graph import vocab

from .. import settings
from .embedded import oxigraph_term
from .protocol import UNION, quads_version

log = logging.getLogger("policykg.remote")

GRAPH_PREFIX = vocab.GRAPHS  # the only graphs build --store replaces or drops
STAMP_GRAPH = vocab.DATASET_STAMP_GRAPH  # the loaded dataset's version: ours, but not part of the dataset
PK = str(vocab.PK)
UNION_MODES = ("auto", "native", "oxigraph", "graphs")

_RESULTS_ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                   "application/sparql-results+xml;q=0.8, application/n-triples;q=0.7, text/turtle;q=0.6")


class StoreError(OSError):
    """The engine could not be reached or refused a request (not a syntax error)."""


def _derive(url: str, kind: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if "/repositories/" in path and last != "statements":  # GraphDB / RDF4J
        suffix = {"update": "/statements", "data": "/rdf-graphs/service"}[kind]
        return urlunsplit(parts._replace(path=path + suffix))
    if last == "query":  # Oxigraph: /query /update /store
        return urlunsplit(parts._replace(path=f"{head}/{'update' if kind == 'update' else 'store'}"))
    if last == "sparql":  # Fuseki /ds/sparql → /ds/update, /ds/data; Virtuoso, QLever
        return urlunsplit(parts._replace(path=f"{head}/{'update' if kind == 'update' else 'data'}"))
    return url


class _Endpoint:
    """One HTTP(S) endpoint: host, path, headers; a keep-alive connection per thread."""

    def __init__(self, url: str, timeout: float, token: str | None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        self.url = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.path = parts.path or "/"
        self.query = parts.query
        self.timeout = timeout
        self.headers: dict[str, str] = {"User-Agent": "policykg"}
        if parts.username is not None:
            pair = f"{parts.username}:{parts.password or ''}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._local = threading.local()

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid != os.getpid():
            conn = None  # the socket of the process this one was forked from: never shared, never closed here
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            conn = self._local.conn = cls(self.host, self.port, timeout=self.timeout)
            self._local.pid = os.getpid()
        return conn

    def target(self, params: dict[str, str] | None = None) -> str:
        query = "&".join(q for q in (self.query, urlencode(params or {})) if q)
        return self.path + (f"?{query}" if query else "")

    def request(self, method: str, target: str, body: bytes | None, headers: dict[str, str],
                stream: bool = False) -> http.client.HTTPResponse:
        """Send one request; a stale keep-alive connection is retried once on a fresh one.

        A streamed response owns its connection (read it to the end or close it);
        the thread's next request opens another.
        """
        all_headers = {**self.headers, **headers}
        for attempt in (0, 1):
            conn = self._connection(fresh=attempt == 1)
            try:
                conn.request(method, target, body=body, headers=all_headers)
                response = conn.getresponse()
            except (ConnectionError, http.client.HTTPException, TimeoutError, OSError) as exc:
                conn.close()
                self._local.conn = None
                if attempt == 1 or isinstance(exc, TimeoutError):
                    raise StoreError(f"the SPARQL store at {self.url} could not be reached: {exc}") from None
                continue
            if stream:
                self._local.conn = None  # the response keeps the socket; do not reuse it
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def _error(endpoint: _Endpoint, response: http.client.HTTPResponse, what: str) -> Exception:
    text = response.read(2000).decode("utf-8", errors="replace").strip()
    response.close()
    message = f"{what}: the store at {endpoint.url} answered {response.status} {response.reason}: {text}"
    if response.status == 400:
        return SyntaxError(message)  # what the embedded store raises for a bad query
    return StoreError(message)


class _Streamed(io.RawIOBase):
    """An HTTP response body as a binary file that closes the socket at its end."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self._response = response

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._response.readinto(buffer)
        if not n:
            self._response.close()
        return n or 0

    def close(self) -> None:
        self._response.close()
        super().close()


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint as the service's ``GraphStore``."""

    def __init__(self, url: str, *, update_url: str | None = None, data_url: str | None = None,
                 union: str | None = None, timeout: float | None = None, token: str | None = None) -> None:
        env = settings.get
        timeout = timeout if timeout is not None else env("POLICYKG_STORE_TIMEOUT")
        token = token or env("POLICYKG_STORE_TOKEN") or None
        self.url = url
        self._query = _Endpoint(url, timeout, token)
        self._update = _Endpoint(update_url or env("POLICYKG_STORE_UPDATE_URL") or _derive(url, "update"),
                                 timeout, token)
        self._data = _Endpoint(data_url or env("POLICYKG_STORE_DATA_URL") or _derive(url, "data"), timeout, token)
        self.union_mode = (union or env("POLICYKG_STORE_UNION")).lower()
        if self.union_mode not in UNION_MODES:
            raise ValueError(f"POLICYKG_STORE_UNION must be one of {', '.join(UNION_MODES)}, "
                             f"not {self.union_mode!r}")
        self._graphs: list[str] | None = None  # for union mode "graphs"
        self._lock = threading.Lock()
        self.round_trips = 0
        self.bytes_received = 0

    def __repr__(self) -> str:
        return f"RemoteStore({self._query.url!r})"

    # -- the GraphStore interface ----------------------------------------------------
    def query(self, sparql: str, *, union: bool = UNION, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> Any:
        with self._lock:
            self.round_trips += 1
        fields: list[tuple[str, str]] = [("query", sparql)]
        if default_graphs:
            fields += [("default-graph-uri", g) for g in default_graphs]
        elif union:
            fields += [f for f in self._union_fields() if not (named_graphs and f[0] == "named-graph-uri")]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        return self._run_query(fields)

    def triple_count(self) -> int:
        """Quads in the policykg graphs (the whole dataset, as the embedded store counts it)."""
        rows = list(self._run_query([("query", f"""
            SELECT (COUNT(*) AS ?n) WHERE {{
              GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}") && ?g != <{STAMP_GRAPH}>)
            }}""")]))
        with self._lock:
            self.round_trips += 1
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def graph_names(self) -> list[str]:
        with self._lock:
            self.round_trips += 1
        return self._graph_names()

    # -- loading (Graph Store Protocol + Update) --------------------------------------
    def replace_graphs(self, quads: Iterable[tuple[Any, Any, Any, Any]], *, drop_others: bool = True,
                       progress: Any = None, parallel: int = 4) -> dict[str, int]:
        """Make the engine hold exactly these policykg graphs.

        ``quads`` are (s, p, o, graph) rdflib terms (``BuildResult.quads``) or
        pyoxigraph ``Quad``s. Each graph is PUT whole (the engine replaces it
        atomically); then policykg graphs the quads do not have are dropped.
        Readers see each graph either old or new, never half of one.

        The dataset's version (``quads_version``, what X-Graph-Version names) is written last, into
        a graph of its own (``STAMP_GRAPH``), and taken away first: a worker that finds it knows which
        dataset the engine holds without reading it (service/lifecycle/startup_cache.py), and one that
        starts while a load runs finds none. Quads that cannot be loaded are refused before anything,
        the stamp included, changes.
        """
        by_graph: dict[str, list[Any]] = defaultdict(list)

        def loaded() -> Iterable[ox.Quad]:
            for q in quads:
                if isinstance(q, ox.Quad):
                    if not isinstance(q.graph_name, ox.NamedNode):
                        raise ValueError("only named graphs are loaded: the dataset has no default-graph triples")
                else:
                    q = ox.Quad(*(oxigraph_term(t) for t in q))
                if q.graph_name.value == STAMP_GRAPH:
                    raise ValueError(f"<{STAMP_GRAPH}> is the engine's version stamp, not a graph to load")
                by_graph[q.graph_name.value].append(q.triple)
                yield q

        version = quads_version(loaded())
        self.update(f"DROP SILENT GRAPH <{STAMP_GRAPH}>")
        started = time.perf_counter()
        done = 0

        def put(item: tuple[str, list[Any]]) -> None:
            nonlocal done
            self.put_graph(item[0], ox.serialize(item[1], format=ox.RdfFormat.N_TRIPLES) or b"")
            with self._lock:
                done += 1
                if progress:
                    progress(done, len(by_graph))

        # a few PUTs in flight (one keep-alive connection per thread): an engine
        # that syncs each transaction to disk is otherwise idle between graphs
        with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(by_graph)))) as pool:
            for _ in pool.map(put, sorted(by_graph.items())):
                pass
        dropped: list[str] = []
        if drop_others:
            dropped = [g for g in self._graph_names()
                       if g.startswith(GRAPH_PREFIX) and g not in by_graph and g != STAMP_GRAPH]
            for i in range(0, len(dropped), 200):
                self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in dropped[i:i + 200]))
        self.put_graph(STAMP_GRAPH, ox.serialize([ox.Triple(
            ox.NamedNode(STAMP_GRAPH), ox.NamedNode(PK + "datasetVersion"), ox.Literal(version))],
            format=ox.RdfFormat.N_TRIPLES))
        with self._lock:
            self._graphs = None
        log.info("loaded %d graphs (%d triples) into %s in %.1fs; dropped %d", len(by_graph),
                 sum(len(t) for t in by_graph.values()), self._data.url, time.perf_counter() - started, len(dropped))
        return {"graphs": len(by_graph), "triples": sum(len(t) for t in by_graph.values()), "dropped": len(dropped),
                "version": version}

    def load_file(self, path: Any, **kwargs: Any) -> dict[str, int]:
        """Load a TriG / N-Quads file (``policykg build``'s output) with :meth:`replace_graphs`."""
        fmt = ox.RdfFormat.from_extension(str(path).rsplit(".", 1)[-1]) or ox.RdfFormat.TRIG
        return self.replace_graphs(ox.parse(path=str(path), format=fmt), **kwargs)

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Graph Store Protocol: replace one named graph."""
        ep = self._data
        response = ep.request("PUT", ep.target({"graph": graph}), ntriples,
                              {"Content-Type": "application/n-triples"})
        if response.status >= 300:
            raise _error(ep, response, f"PUT graph <{graph}>")
        response.read()

    def update(self, sparql_update: str) -> None:
        """SPARQL 1.1 Update (POST, application/sparql-update)."""
        ep = self._update
        response = ep.request("POST", ep.target(), sparql_update.encode("utf-8"),
                              {"Content-Type": "application/sparql-update"})
        if response.status >= 300:
            raise _error(ep, response, "update")
        response.read()

    # -- internals ----------------------------------------------------------------------
    def _run_query(self, fields: list[tuple[str, str]]) -> Any:
        ep = self._query
        body = urlencode(fields, quote_via=quote).encode("utf-8")
        response = ep.request("POST", ep.target(), body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": _RESULTS_ACCEPT,
        }, stream=True)
        if response.status >= 300:
            raise _error(ep, response, "query")
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        stream = io.BufferedReader(_Streamed(response), buffer_size=1 << 16)
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        if results_format is not None:
            return ox.parse_query_results(stream, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if rdf_format is not None:
            return (q.triple for q in ox.parse(stream, format=rdf_format))
        stream.close()
        raise StoreError(f"the store at {ep.url} answered with {media or 'no content type'}, "
                         "which is not a SPARQL results or RDF format")

    def _graph_names(self) -> list[str]:
        rows = self._run_query([("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")])
        return sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    def _union_fields(self) -> list[tuple[str, str]]:
        if self.union_mode == "auto":
            self.union_mode = self._detect_union()
            log.info("%s: union default graph by %r", self._query.url, self.union_mode)
        if self.union_mode == "oxigraph":
            return [("union-default-graph", "")]
        if self.union_mode == "graphs":
            with self._lock:
                graphs = self._graphs
            if graphs is None:
                graphs = [g for g in self._graph_names() if g.startswith(GRAPH_PREFIX) and g != STAMP_GRAPH]
                with self._lock:
                    self._graphs = graphs
            # a protocol dataset with default graphs but no named ones has no named graphs
            # at all: name them too, so GRAPH ?g { … } still sees every document's graph
            return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        return []

    def _detect_union(self) -> str:
        ask = f"ASK {{ ?s a <{PK}Policy> }}"
        if not bool(self._run_query([("query", f"ASK {{ GRAPH ?g {{ ?s a <{PK}Policy> }} }}")])):
            return "native"  # nothing loaded yet: the caller reports an empty store
        if bool(self._run_query([("query", ask)])):
            return "native"
        try:
            if bool(self._run_query([("query", ask), ("union-default-graph", "")])):
                return "oxigraph"
        except (SyntaxError, StoreError):
            pass  # an engine that refuses unknown parameters
        return "graphs"

    def dataset_version(self) -> str | None:
        """The version ``replace_graphs`` stamped on the dataset it loaded, or None (loaded by other
        means, or a load under way)."""
        rows = list(self._run_query([("query", f"SELECT ?v WHERE {{ GRAPH <{STAMP_GRAPH}> "
                                                 f"{{ <{STAMP_GRAPH}> <{PK}datasetVersion> ?v }} }}")]))
        with self._lock:
            self.round_trips += 1
        values = {r["v"].value for r in rows if r["v"] is not None}
        return values.pop() if len(values) == 1 else None

    def has_policykg_data(self) -> bool:
        return bool(self._run_query([("query", f"ASK {{ GRAPH ?g {{ ?s a <{PK}Policy> }} }}")]))



