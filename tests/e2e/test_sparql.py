"""/sparql, /ontology, /health and CORS of the real server, over HTTP."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from service_fixtures import SPARQL_ROW_CAP

from graph.manifest import load_manifest
from graph.paths import RAW_DIR

PREFIXES = """PREFIX pk: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# the jurisdictions that issued a policy (enclosing ones, 河南省 …, are pk:City nodes too)
CITIES = PREFIXES + """SELECT DISTINCT ?city ?code WHERE {
  ?city a pk:City ; pk:adminCode ?code . ?p a pk:Policy ; pk:city ?city } ORDER BY ?code"""


def test_select_answers_sparql_json_by_default(client):  # noqa: F811
    r = client.get("/sparql", params={"query": CITIES})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    body = r.json()
    assert body["head"]["vars"] == ["city", "code"]
    codes = [b["code"]["value"] for b in body["results"]["bindings"]]
    assert codes == ["130800", "320400", "411000", "411100"]
    assert body["results"]["bindings"][0]["city"]["type"] == "uri"


def test_select_by_post_in_both_protocol_forms(client):  # noqa: F811
    form = client.post("/sparql", data={"query": CITIES})
    direct = client.post("/sparql", content=CITIES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


@pytest.mark.parametrize("accept, media", [("text/csv", "text/csv"),
                                           ("text/tab-separated-values", "text/tab-separated-values")])
def test_select_negotiates_csv_and_tsv(client, accept, media):  # noqa: F811
    r = client.get("/sparql", params={"query": CITIES}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    delimiter = "," if media == "text/csv" else "\t"
    rows = list(csv.reader(io.StringIO(r.text), delimiter=delimiter))
    assert len(rows) == 5  # header + four cities
    if media == "text/csv":
        assert rows[0] == ["city", "code"] and rows[3] == ["https://w3id.org/policykg/id/city/411000", "411000"]
    else:
        assert rows[0] == ["?city", "?code"] and rows[3][0] == "<https://w3id.org/policykg/id/city/411000>"


def test_ask(client):  # noqa: F811
    q = PREFIXES + 'ASK { ?c a pk:City ; pk:adminCode "411000" }'
    assert client.get("/sparql", params={"query": q}).json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                         ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_construct_negotiates_turtle_and_json_ld(client, accept, fmt):  # noqa: F811
    q = PREFIXES + "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a pk:City ; rdfs:label ?l }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    triples = list(ox.parse(r.content, format=fmt))
    labels = {t.object.value for t in triples}
    assert {"许昌市", "Xuchang", "常州市", "承德市", "漯河市"} <= labels


def test_describe_returns_turtle(client):  # noqa: F811
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/policykg/id/city/411000>"},
                   headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert any(t.object.value == "411000" for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE))


@pytest.mark.parametrize("query, word", [
    ("INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("DROP ALL", "DROP"),
    ("CLEAR GRAPH <https://w3id.org/policykg/id/graph/schemes>", "CLEAR"),
])
def test_updates_are_refused(client, query, word):  # noqa: F811
    for r in (client.post("/sparql", data={"query": query}),
              client.get("/sparql", params={"query": query})):
        assert r.status_code == 400
        msg = r.json()["error"]
        assert "read-only" in msg and word in msg


def test_update_protocol_is_refused(client):  # noqa: F811
    r = client.post("/sparql", content=b"INSERT DATA { <http://a/s> <http://a/p> 1 }",
                    headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 400 and "read-only" in r.json()["error"]
    r = client.post("/sparql", data={"update": "INSERT DATA { <http://a/s> <http://a/p> 1 }"})
    assert r.status_code == 400
    # and nothing was written
    assert client.get("/sparql", params={"query": "ASK { <http://a/s> ?p ?o }"}).json()["boolean"] is False


def test_service_clauses_are_refused(client):  # noqa: F811
    q = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } } LIMIT 1"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 400 and "SERVICE" in r.json()["error"]


def test_keywords_inside_strings_and_iris_are_not_mistaken_for_updates(client):  # noqa: F811
    q = 'SELECT ?s WHERE { ?s ?p "DELETE this SERVICE" . ?s <http://example.org/load> ?x } LIMIT 1'
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []


def test_syntax_errors_are_400_with_the_parser_message(client):  # noqa: F811
    r = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert r.status_code == 400 and "syntax" in r.json()["error"].lower()
    assert client.get("/sparql").status_code == 400  # no query at all


def test_rows_are_capped(client):  # noqa: F811
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == SPARQL_ROW_CAP
    assert r.headers["x-result-truncated"] == "true"


def test_ontology_is_turtle_with_the_vocabulary_and_schemes(client):  # noqa: F811
    r = client.get("/ontology")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples}
    assert "https://w3id.org/policykg/ontology#Measure" in subjects
    assert "https://w3id.org/policykg/scheme/measure-type/open-challenge" in subjects


def test_health_is_ready_with_counts_and_documents(client):  # noqa: F811
    h = client.get("/health").json()
    assert h["status"] == "ready"
    assert h["triples"] > 10_000
    assert sorted(h["documents"]) == sorted(e.file for e in load_manifest(RAW_DIR).entries)
    assert h["document_count"] == len(h["documents"]) and "documents_truncated" not in h


def test_cors_allows_dashboards(client):  # noqa: F811
    r = client.get("/health", headers={"Origin": "https://dashboard.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/graphql", headers={"Origin": "https://dashboard.example",
                                              "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]
