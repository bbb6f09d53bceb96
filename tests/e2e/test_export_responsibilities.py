"""The responsibility view keeps every responsibility: one edge per (organization, measure, role)
in every network format, read back with networkx's readers over HTTP and counted against the
GraphQL answer; each edge quotes the organization's own words with document and offsets."""

from __future__ import annotations

import json
from functools import lru_cache

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.export import csv, cytoscape, gexf, graphml, node_link
from service_fixtures import data_of

READERS = {"graphml": graphml.read_graphml, "gexf": gexf.read_gexf, "cytoscape": cytoscape.read_cytoscape,
           "d3": node_link.read_node_link, "csv": csv.read_csv_zip}


def responsibilities(client, city: str) -> list[dict]:  # noqa: F811
    out, after = [], None
    while True:
        page = data_of(client, """query($c: String!, $a: String) { responsibilities(city: $c, first: 100, after: $a) {
            pageInfo { hasNextPage endCursor }
            edges { node { role basis organization { iri } measure { iri } mention { document start end quote } } } } }""",
                       c=city, a=after)["responsibilities"]
        out += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def _triples(rs: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    out: dict[tuple[str, str, str], list[dict]] = {}
    for r in rs:
        out.setdefault((r["organization"]["iri"], r["measure"]["iri"], r["role"]), []).append(r["mention"])
    return out


@pytest.fixture(scope="module")
def every(client):  # noqa: F811
    """(organization, measure, role) of every responsibility of 许昌 (explicit or inherited), with mentions."""
    return _triples(responsibilities(client, "许昌"))


@pytest.fixture(scope="module")
def expected(client):  # noqa: F811
    """The same of the explicit ones: what an export shows unless asked for inherited ties."""
    return _triples([r for r in responsibilities(client, "许昌") if r["basis"] == "EXPLICIT"])


def _edges(g: nx.Graph) -> list[tuple[str, str, str]]:
    orgs = _orgs(g)
    return sorted((u, v, d["role"]) if u in orgs else (v, u, d["role"]) for u, v, d in g.edges(data=True))


@pytest.mark.parametrize("fmt", list(READERS))
def test_every_responsibility_is_an_edge(client, every, expected, fmt):  # noqa: F811
    r = client.get("/export", params={"format": fmt, "view": "responsibility", "city": "许昌", "inherited": "1"})
    assert r.status_code == 200, r.text
    g = READERS[fmt](r.content)
    assert g.is_multigraph()
    got = _edges(g)
    assert got == sorted(every)  # each (organization, measure, role) once, none lost
    assert len(got) > len({(o, m) for o, m, _ in got})  # some bodies hold two roles on one measure
    # by default the explicit ones, and all of them
    r = client.get("/export", params={"format": fmt, "view": "responsibility", "city": "许昌"})
    assert _edges(READERS[fmt](r.content)) == sorted(expected)


def _orgs(g: nx.Graph) -> set[str]:
    return {n for n, d in g.nodes(data=True) if d["kind"] in ("organization", "institution")}


@lru_cache(maxsize=8)
def _text(client, document: str) -> str:  # noqa: F811
    return client.get(f"/documents/{document}").text


def test_edges_quote_the_mention_with_its_offsets(client, expected):  # noqa: F811
    g = graphml.read_graphml(client.get("/export", params={"format": "graphml", "view": "responsibility",
                                                            "city": "许昌"}).content)
    orgs = _orgs(g)
    for u, v, d in g.edges(data=True):
        o, m = (u, v) if u in orgs else (v, u)
        assert _text(client, d["document"])[d["quoteStart"]:d["quoteEnd"]] == d["quote"]
        mentions = expected[(o, m, d["role"])]
        assert {"document": d["document"], "start": d["quoteStart"], "end": d["quoteEnd"],
                "quote": d["quote"]} in mentions
        assert d["quote"] in d["passage"]  # the organization's words stand in the passage
    # a measure node carries no workload counts; an organization's count what it holds
    for n, d in g.nodes(data=True):
        if d["kind"] == "measure":
            assert not {"lead", "responsible", "cooperating"} & set(d), (n, d)
        else:
            assert d["lead"] == sum(1 for (o, _, role) in expected if o == n and role == "LEAD")


def test_an_organization_every_city_has_is_ambiguous_without_a_city(client):  # noqa: F811
    r = client.get("/export", params={"format": "graphml", "organization": "市科技局"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert "市科技局" in error and "give city:" in error and "许昌市" in error and "承德市" in error
    result = CliRunner().invoke(app, ["export", "-f", "d3", "--organization", "市科技局"])
    assert result.exit_code == 2 and "give city:" in result.output and "许昌市" in result.output
    ok = client.get("/export", params={"format": "d3", "organization": "市科技局", "city": "许昌"})
    assert ok.status_code == 200 and json.loads(ok.content)["multigraph"] is True
