"""GET /export on the real server (``policykg serve``): same bytes as the CLI, clear refusals."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.export import FORMATS, csv, graphml

MEDIA = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml", "cytoscape": "application/json",
         "d3": "application/json", "csv": "application/zip", "turtle": "text/turtle",
         "trig": "application/trig", "ntriples": "application/n-triples", "jsonld": "application/ld+json"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_is_served_as_a_download(client, fmt):  # noqa: F811
    r = client.get("/export", params={"format": fmt, "view": "city-similarity"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(MEDIA[fmt])
    assert r.headers["content-disposition"].startswith('attachment; filename="policykg-city-similarity.')
    assert len(r.content) > 100


def test_same_bytes_as_the_cli(client, tmp_path):  # noqa: F811
    params = {"format": "graphml", "view": "co-responsibility", "city": "许昌", "organization": "市科技局",
              "depth": "1"}
    served = client.get("/export", params=params).content
    out = tmp_path / "x.graphml"
    result = CliRunner().invoke(app, ["export", "-f", "graphml", "--view", "co-responsibility", "--city", "许昌",
                                      "--organization", "市科技局", "--depth", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert served == out.read_bytes()
    g = graphml.read_graphml(served)
    top = min(g, key=lambda n: g.nodes[n]["centralityRank"])
    assert g.nodes[top]["label"] == "许昌市科学技术局"


def test_exports_hold_explicit_responsibilities_unless_asked(client, tmp_path):  # noqa: F811
    def edges(**extra):
        r = client.get("/export", params={"format": "graphml", "view": "responsibility", "city": "许昌", **extra})
        assert r.status_code == 200
        return graphml.read_graphml(r.content)

    explicit, every = edges(), edges(inherited="1")
    assert {d["basis"] for *_, d in explicit.edges(data=True)} == {"EXPLICIT"}
    assert {d["basis"] for *_, d in every.edges(data=True)} == {"EXPLICIT", "INHERITED"}
    assert explicit.graph["filters"].endswith("basis=EXPLICIT")
    assert every.graph["filters"].endswith("basis=EXPLICIT+INHERITED")
    out = tmp_path / "all.graphml"
    result = CliRunner().invoke(app, ["export", "-f", "graphml", "--city", "许昌", "--inherited", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == client.get("/export", params={"format": "graphml", "city": "许昌",
                                                              "inherited": "1"}).content


def test_csv_is_a_zip_of_nodes_and_edges(client):  # noqa: F811
    r = client.get("/export", params={"format": "csv", "view": "city-institution", "city": "许昌",
                                      "measureType": "揭榜挂帅"})
    assert r.status_code == 200
    g = csv.read_csv_zip(r.content)
    assert {d["kind"] for _, d in g.nodes(data=True)} <= {"city", "institution"}


@pytest.mark.parametrize("params, message", [
    ({"format": "xlsx"}, "unknown format"),
    ({"view": "everything"}, "unknown view"),
    ({"city": "北京"}, "no city"),
    ({"depth": "two", "organization": "市科技局"}, "whole number"),
    ({"colour": "red"}, "unknown parameter"),
    ({"maxElements": "0"}, "above 0"),
    ({"maxElements": "lots"}, "whole number"),
    ({"inherited": "maybe"}, "inherited"),
])
def test_mistakes_are_400_with_a_reason(client, params, message):  # noqa: F811
    r = client.get("/export", params=params)
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_a_view_over_max_elements_is_refused_before_it_is_sent(client):  # noqa: F811
    view = {"view": "co-responsibility", "city": "承德"}
    elements = client.get("/export", params={"format": "cytoscape", **view}).json()["elements"]
    nodes, edges = len(elements["nodes"]), len(elements["edges"])
    d3 = {"format": "d3", **view}  # not asked for yet: the first refusal comes from a fresh build of the view

    def limited(limit: int):
        return client.get("/export", params={**d3, "maxElements": str(limit)})

    refused = limited(nodes + edges - 1)
    assert refused.status_code == 413
    assert f"{nodes} nodes and {edges} edges" in refused.json()["error"] and "download" in refused.json()["error"]
    whole = client.get("/export", params=d3)  # now the answer is in the export cache
    assert whole.status_code == 200
    assert limited(nodes + edges - 1).status_code == 413  # refused from the cache too
    fits = limited(nodes + edges)
    assert fits.status_code == 200 and fits.content == whole.content
