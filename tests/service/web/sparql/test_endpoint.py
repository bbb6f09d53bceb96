"""The SPARQL endpoint's refusals and time limit, in process.

The time limit needs a query that is slow on purpose; a fake store makes it
slow without burning CPU the rest of the suite needs.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from service.web.sparql.endpoint import SparqlEndpoint, SparqlLimits
from service.web.sparql.guard import Refused, check_read_only


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:s> <a:p> 1 }",
    "insert data { <a:s> <a:p> 1 }",
    "PREFIX ex: <http://ex/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x.ttl> INTO GRAPH <http://g>",
    "CREATE GRAPH <http://g>",
    "COPY <http://a> TO <http://b>",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_updates_and_service_are_refused(query):
    with pytest.raises(Refused) as exc:
        check_read_only(query)
    assert exc.value.status == 400


@pytest.mark.parametrize("query", [
    'SELECT ?s WHERE { ?s ?p "INSERT DATA and SERVICE" }',
    "SELECT ?s WHERE { ?s <http://example.org/delete> ?o }",
    "PREFIX load: <http://ex/> SELECT ?service ?drop WHERE { ?service load:copy ?drop }",
    "SELECT ?s WHERE { ?s ?p ?o } # DELETE everything",
    "SELECT ?s WHERE { ?s ?p 'it''s' . ?s ?p \"\"\"multi\nline CLEAR\"\"\" }",
])
def test_keywords_in_strings_iris_names_and_comments_are_allowed(query):
    check_read_only(query)


class SlowStore:
    """Answers every query after ``delay`` seconds (or when released)."""

    round_trips = 0

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.released = threading.Event()

    def query(self, sparql, **kwargs):
        self.released.wait(self.delay)
        return True  # not a pyoxigraph result: never reached in time anyway


class _Graph:
    def __init__(self, store):
        self.store = store


def test_a_query_past_the_time_limit_gets_a_503_and_busy_slots_refuse_more():
    store = SlowStore(delay=5)
    endpoint = SparqlEndpoint(lambda: _Graph(store), SparqlLimits(max_rows=10, time_limit_s=0.3, workers=1))
    app = Starlette(routes=[Route("/sparql", endpoint.handle, methods=["GET", "POST"])])
    query = {"query": "SELECT * WHERE { ?s ?p ?o }"}

    async def ask_twice():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.monotonic()
            first = await client.get("/sparql", params=query)
            elapsed = time.monotonic() - started
            second = await client.get("/sparql", params=query)
            return first, elapsed, second

    try:
        first, elapsed, second = asyncio.run(ask_twice())
        assert first.status_code == 503 and "time limit" in first.json()["error"]
        assert elapsed < 3
        # the stuck query still holds the only worker: the next one is refused, not queued
        assert second.status_code == 503 and "busy" in second.json()["error"]
        assert second.headers["retry-after"]
    finally:
        store.released.set()
        endpoint.close()
