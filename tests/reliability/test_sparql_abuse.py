"""Hostile SPARQL against a live server: no writes, no file reads, no outbound
connections, no query that runs on for minutes, no unbounded answer.

A TCP listener on loopback stands in for "another host": every query that
names it must leave it without a single connection. tests/service/web/sparql/test_endpoint.py
checks the keyword guard in process; here the whole server is exercised.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import pytest
from service_fixtures import SPARQL_ROW_CAP

from .canary import Listener
from .conftest import SPARQL_TIME_LIMIT_S as TIME_LIMIT_S
from .conftest import healthy


@pytest.fixture(scope="module")
def sparql(production_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=production_server.url, timeout=30) as c:
        c.server = production_server  # type: ignore[attr-defined]
        yield c


@pytest.fixture(scope="module")
def other_host() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def ask(c: httpx.Client, query: str, **params: str) -> httpx.Response:
    return c.get("/sparql", params={"query": query, **params})


# -- writes and fetches -----------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "LOAD <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <urn:g>",
    "CLEAR ALL",
    "DROP SILENT ALL",
    "WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x#>\n# a comment\rINSERT DATA { x:a x:b x:c }",
]

SERVICES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { # no service here\rSERVICE <http://127.0.0.1:{port}/s> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/s> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <http://127.0.0.1:{port}/s> { ?x ?p ?o } } } LIMIT 1",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://127.0.0.1:{port}/s> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE\t<http://127.0.0.1:{port}/s>\n{ ?s ?p ?o } } } }",
    'SELECT * WHERE { ?s ?p "x" . }SERVICE<http://127.0.0.1:{port}/s>{?s ?p ?o}',
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/s> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://[::1]:{port}/s> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("update", UPDATES, ids=range(len(UPDATES)))
def test_updates_are_refused_whatever_the_channel(sparql, other_host, update):
    text = update.replace("{port}", str(other_host.port))
    answers = [
        ask(sparql, text),
        sparql.get("/sparql", params={"update": text}),
        sparql.post("/sparql", content=text.encode(), headers={"content-type": "application/sparql-update"}),
        sparql.post("/sparql", data={"update": text}),
        sparql.post("/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"}),
    ]
    for r in answers:
        assert r.status_code == 400, r.text
        assert "read-only" in r.text or "syntax" in r.text.lower(), r.text
    assert other_host.hits == []


@pytest.mark.parametrize("query", SERVICES, ids=range(len(SERVICES)))
def test_no_query_reaches_another_host(sparql, other_host, query):
    r = ask(sparql, query.replace("{port}", str(other_host.port)))
    assert r.status_code == 400, r.text
    assert "SERVICE" in r.text or "syntax" in r.text.lower(), r.text
    time.sleep(0.1)
    assert other_host.hits == []


@pytest.mark.parametrize("query, params", [
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", {}),
    ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "file:///etc/passwd"}),
    ("SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }", {}),
    ("SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE { ?s ?p ?o }", {}),
    ("SELECT * WHERE { ?s ?p ?o }", {"named-graph-uri": "http://127.0.0.1:{port}/g"}),
    ("DESCRIBE <file:///etc/passwd>", {}),
    ("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/shadow> WHERE { ?s ?p ?o }", {}),
])
def test_graph_names_are_names_not_places_to_read(sparql, other_host, query, params):
    port = str(other_host.port)
    r = ask(sparql, query.replace("{port}", port), **{k: v.replace("{port}", port) for k, v in params.items()})
    assert r.status_code in (200, 400), r.text
    # FROM and graph parameters only select among the store's own graphs: never a file's lines
    assert "root:" not in r.text and "/bin/" not in r.text and "nologin" not in r.text
    time.sleep(0.1)
    assert other_host.hits == []


# -- long queries and big answers --------------------------------------------------------------

def _children_cpu(pid: int) -> float:
    """CPU seconds used so far by the server's child processes (its SPARQL workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    # a closure over every link (~1.5 million pairs: fast alone) times every triple
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:y>)* ?b . ?c ?d ?e }",
    "SELECT ?c (COUNT(?f) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?c",
], ids=["count-product", "order-product", "path-closure", "group-product"])
def test_queries_that_would_run_for_minutes_are_cut_off_and_stop_running(sparql, query):
    started = time.perf_counter()
    r = ask(sparql, query)
    elapsed = time.perf_counter() - started
    assert r.status_code == 503, r.text[:300]
    assert "time limit" in r.text or "MB" in r.text
    assert elapsed < TIME_LIMIT_S + 6
    assert healthy(sparql)
    # the query is stopped, not left burning a core after its client was answered
    pid = sparql.server.process.pid  # type: ignore[attr-defined]
    before = _children_cpu(pid)
    time.sleep(1.0)
    assert _children_cpu(pid) - before < 0.5
    quick = ask(sparql, "ASK { ?s ?p ?o }")
    assert quick.status_code == 200 and "true" in quick.text


def test_answers_are_capped_and_say_so(sparql):
    for query in ["SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"]:
        r = ask(sparql, query)
        assert r.status_code == 200
        assert r.headers["x-result-truncated"] == "true"
        assert r.headers["x-result-cap"] == str(SPARQL_ROW_CAP)
        assert len(r.json()["results"]["bindings"]) == SPARQL_ROW_CAP
    r = sparql.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"


def test_bad_requests_are_explained(sparql):
    assert "syntax error" in ask(sparql, "SELECT * WHERE {").json()["error"].lower()
    r = sparql.post("/sparql", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413 and "byte limit" in r.json()["error"]
    r = sparql.post("/sparql", content=b"SELECT * {}", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert healthy(sparql)
