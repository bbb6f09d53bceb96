"""Malformed requests get a 4xx that says what is wrong, never a 500 with a traceback, and are
logged and counted like any other request. Against the live bundled-data server."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import healthy
from .test_observability import log_lines

JSON = {"content-type": "application/json"}


def _since(server, offset: int) -> str:
    return server.log_path.read_bytes()[offset:].decode("utf-8", errors="replace")


CASES = [
    ("nested JSON", "POST", "/graphql", b'{"query": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", JSON, {},
     "nests JSON too deeply"),
    ("5000-digit number in variables", "POST", "/graphql",
     b'{"query": "query($n: Int) { measures(first: $n) { totalCount } }", "variables": {"n": ' + b"9" * 5000
     + b"}}", JSON, {}, "5000 digits"),
    ("5000-digit Int literal", "POST", "/graphql",
     json.dumps({"query": "{ measures(first: " + "9" * 5000 + ") { totalCount } }"}).encode(), JSON, {},
     "5000 digits"),
    ("lone surrogate in operationName", "POST", "/graphql",
     b'{"query": "query Q { cities { name } }", "operationName": "\\ud800"}', JSON, {}, "lone surrogate"),
    ("lone surrogate in a variable", "POST", "/graphql",
     b'{"query": "query($q: String) { measures(text: $q) { totalCount } }", "variables": {"q": "a\\udfffb"}}',
     JSON, {}, "lone surrogate"),
    ("invalid UTF-8 body", "POST", "/graphql", b'{"query": "{ cities { name } } # \xff\xfe"}', JSON, {}, "UTF-8"),
    ("invalid UTF-8 SPARQL body", "POST", "/sparql", b"ASK { ?s ?p ?o } # \xff", {"content-type":
     "application/sparql-query"}, {}, "UTF-8"),
    ("superscript maxElements", "GET", "/export", b"", {}, {"maxElements": "³"}, "maxElements"),
    ("superscript depth", "GET", "/export", b"", {}, {"depth": "²"}, "depth"),
    ("5000-digit depth", "GET", "/export", b"", {}, {"depth": "9" * 5000}, "depth"),
    ("5000-digit maxElements", "GET", "/export", b"", {}, {"maxElements": "9" * 5000}, "maxElements"),
]


@pytest.mark.parametrize("name, method, path, body, headers, params, words", CASES, ids=[c[0] for c in CASES])
def test_a_malformed_request_is_a_4xx_with_the_reason(server, name, method, path, body, headers, params, words):
    offset = server.log_path.stat().st_size
    with httpx.Client(base_url=server.url, timeout=30) as c:  # a connection of its own: a 500 once reset it
        r = c.request(method, path, content=body or None, headers=headers, params=params)
    if r.status_code == 200:  # GraphQL's own way to refuse a document: errors and no data
        assert path == "/graphql" and r.json()["data"] is None, r.text[:300]
    else:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert words in r.text, r.text[:300]
    assert "Internal" not in r.text and "Traceback" not in r.text
    log = _since(server, offset)
    assert "Traceback" not in log and "internal error" not in log, log[-2000:]


def test_a_body_json_cannot_read_is_still_logged_and_counted(server, client):
    body = b'{"operationName": "NestedProbe", "query": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with httpx.Client(base_url=server.url, timeout=30) as c:
        assert c.post("/graphql", content=body, headers=JSON).status_code == 400
    lines = [line for line in log_lines(server, '"path":"/graphql"') if line["status"] == 400]
    assert lines, "no access-log line for the request"
    assert 'route="/graphql",method="POST",status="400"' in client.get("/metrics").text
    assert healthy(client)
