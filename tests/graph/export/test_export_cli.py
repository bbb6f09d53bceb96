"""``policykg export`` (graph/cli.py → graph/export/command.py)."""

from __future__ import annotations

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.export import csv, gexf, graphml
from service.lifecycle.loading import ensure_dataset


@pytest.fixture(scope="module", autouse=True)
def dataset():
    return ensure_dataset()


def run(*args: str):
    result = CliRunner().invoke(app, ["export", *args])
    return result


def test_co_responsibility_of_xuchang_has_the_science_bureau_most_central(tmp_path):
    out = tmp_path / "xc.graphml"
    result = run("--view", "co-responsibility", "--city", "许昌", "-o", str(out))
    assert result.exit_code == 0, result.output
    g = graphml.read_graphml(out.read_bytes())
    # by the exported ranking, and recomputed by networkx from the read-back graph
    top = min(g, key=lambda n: g.nodes[n]["centralityRank"])
    assert g.nodes[top]["label"] == "许昌市科学技术局"
    for measure in (nx.degree_centrality(g), dict(g.degree(weight="weight")), nx.betweenness_centrality(g)):
        assert max(g, key=measure.__getitem__) == top


def test_filters_and_formats(tmp_path):
    out = tmp_path / "keju.gexf"
    result = run("--format", "gexf", "--view", "co-responsibility", "--city", "许昌",
                 "--organization", "市科技局", "--depth", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    g = gexf.read_gexf(out.read_bytes())
    centre = [n for n, d in g.nodes(data=True) if d["label"] == "许昌市科学技术局"]
    assert len(centre) == 1 and set(g) == {centre[0], *g[centre[0]]}


def test_csv_writes_two_tables_or_a_zip(tmp_path):
    assert run("-f", "csv", "--city", "许昌", "-o", str(tmp_path / "x.csv")).exit_code == 0
    nodes, edges = (tmp_path / "x.nodes.csv").read_text("utf-8"), (tmp_path / "x.edges.csv").read_text("utf-8")
    assert run("-f", "csv", "--city", "许昌", "-o", str(tmp_path / "x.zip")).exit_code == 0
    from_zip = csv.read_csv_zip((tmp_path / "x.zip").read_bytes())
    from_tables = csv.read_csv(nodes, edges)
    assert list(from_zip.nodes(data=True)) == list(from_tables.nodes(data=True))


def test_stdout_when_no_file():
    result = run("-f", "d3", "--view", "city-similarity")
    assert result.exit_code == 0
    assert '"links"' in result.stdout and "Xuchang" in result.stdout


@pytest.mark.parametrize("args, message", [
    (("-f", "xlsx"), "unknown format"),
    (("--city", "北京"), "no city"),
    (("--view", "everything"), "unknown view"),
    (("-f", "csv"), "give -o"),
])
def test_mistakes_exit_2_with_a_message(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
