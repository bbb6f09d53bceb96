"""Per-request JSON log lines and Prometheus metrics, read from a live server."""

from __future__ import annotations

import json
import re
import time

import httpx

from service.web.middleware import operation_name
from service_fixtures import start_server, stop_server
from service.web.metrics import Metrics, operation_label

SAMPLE = re.compile(r'^[a-z_]+(\{[a-z_]+="(?:[^"\\]|\\.)*"(,[a-z_]+="(?:[^"\\]|\\.)*")*\})? [0-9.e+-]+|\+Inf$')


def log_lines(server, marker: str, timeout_s: float = 5) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        lines = [json.loads(x) for x in server.log_path.read_text("utf-8", errors="replace").splitlines()
                 if x.startswith("{") and marker in x]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_every_request_logs_one_json_line(server, client):
    client.post("/graphql", json={"query": "query ReliabilityLogProbe { cities { name } }"})
    client.get("/graphql", params={"query": "query ReliabilityGetProbe { cities { name } }"})
    client.post("/graphql", json={"query": "query A { cities { name } } query ReliabilityPicked { cities { name } }",
                                  "operationName": "ReliabilityPicked"})
    client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    client.get("/no-such-route-reliability")
    (post,) = log_lines(server, "ReliabilityLogProbe")
    assert post["event"] == "request" and post["method"] == "POST" and post["path"] == "/graphql"
    assert post["status"] == 200 and post["operation"] == "ReliabilityLogProbe"
    assert isinstance(post["duration_ms"], float) and post["duration_ms"] >= 0
    assert re.fullmatch(r"\d+-[0-9a-f]{12}", post["graph"])
    assert log_lines(server, "ReliabilityGetProbe")[0]["method"] == "GET"
    assert log_lines(server, "ReliabilityPicked")[0]["operation"] == "ReliabilityPicked"
    (missing,) = log_lines(server, "no-such-route-reliability")
    assert missing["status"] == 404 and "operation" not in missing


def test_request_log_can_be_switched_off():
    # uvicorn's logging set-up once switched the access log back on (and through the root logger)
    quiet = start_server(env={"POLICYKG_REQUEST_LOG": "0"})
    try:
        r = httpx.post(quiet.url + "/graphql", json={"query": "query QuietLogProbe { cities { name } }"})
        assert r.status_code == 200
        time.sleep(0.3)
        log = quiet.log()
        assert "QuietLogProbe" not in log and "policykg.access" not in log
        assert "serving" in log  # the service's own log lines still come
    finally:
        stop_server(quiet)


def test_metrics_are_prometheus_text(client):
    client.post("/graphql", json={"query": "query ReliabilityMetricsProbe { cities { name } }"})
    client.post("/graphql", json={"query": "{ cities { name } }"})
    client.get("/no-such-route-for-metrics")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    for line in text.splitlines():
        assert line.startswith(("# HELP ", "# TYPE ")) or SAMPLE.match(line), line
    assert re.search(r'policykg_http_requests_total\{route="/graphql",method="POST",status="200"\} \d+', text)
    assert 'policykg_graphql_operations_total{operation="ReliabilityMetricsProbe"} 1' in text
    assert re.search(r'policykg_graphql_operations_total\{operation="_anonymous"\} \d+', text)
    assert 'route="other"' in text and "no-such-route" not in text  # raw paths never become labels
    assert re.search(r'policykg_http_request_duration_seconds_bucket\{route="/graphql",le="\+Inf"\} \d+', text)
    triples = client.get("/health").json()["triples"]
    assert f"policykg_graph_triples {triples}" in text
    assert "policykg_graph_reloads_total" in text


def test_operation_names_cannot_blow_up_the_label_set():
    m = Metrics()
    for i in range(1000):
        m.observe_operation(f"Op{i}")
    m.observe_operation('bad"name\n')
    m.observe_operation(None)
    text = m.render()
    assert text.count("policykg_graphql_operations_total{") <= 203
    assert 'operation="_other"' in text and 'operation="_invalid"' in text and 'operation="_anonymous"' in text
    assert operation_label("x" * 100) == "_invalid"


def test_operation_name_is_read_from_the_request():
    assert operation_name("POST", b"", b'{"query": "query Foo { a }"}') == "Foo"
    assert operation_name("POST", b"", b'{"query": "query Foo { a }", "operationName": "Bar"}') == "Bar"
    assert operation_name("POST", b"", b"not json") is None
    assert operation_name("POST", b"", b"[1, 2]") is None
    assert operation_name("GET", b"query=query%20Baz%20%7B%20a%20%7D", b"") == "Baz"
    assert operation_name("GET", b"query=%7B%20a%20%7D", b"") is None
