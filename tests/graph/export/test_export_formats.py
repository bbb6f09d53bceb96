"""Each export format read back (graph/export/*): the same nodes, edges and attributes."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.export import FORMATS, csv, cytoscape, export, get_format, gexf, graphml, node_link, rdf
from graph.network import DatasetStore, Filters, build_view, quads_about, read_corpus
from service.lifecycle.loading import ensure_dataset


@pytest.fixture(scope="module")
def store():
    return DatasetStore.open(ensure_dataset())


@pytest.fixture(scope="module")
def corpus(store):
    return read_corpus(store)


@pytest.fixture(scope="module", params=["co-responsibility", "responsibility", "city-similarity"])
def view(request, corpus):
    return build_view(corpus, Filters(view=request.param, city="许昌"))


def _edges(g: nx.Graph) -> list[tuple]:
    """(u, v[, key], data) per edge: a multigraph's parallel edges by their keys."""
    if g.is_multigraph():
        return [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)]
    return [(u, v, d) for u, v, d in g.edges(data=True)]


def same_graph(a: nx.Graph, b: nx.Graph) -> None:
    assert list(a) == list(b)  # same nodes, same order
    assert a.is_multigraph() == b.is_multigraph()
    assert sorted((tuple(sorted(e[:2])), *e[2:-1]) for e in _edges(a)) == \
        sorted((tuple(sorted(e[:2])), *e[2:-1]) for e in _edges(b))


def same_attributes(a: nx.Graph, b: nx.Graph, skip: set[str] = frozenset()) -> None:
    for n, d in a.nodes(data=True):
        assert {k: v for k, v in b.nodes[n].items() if k not in skip} == d, n
    for *e, d in _edges(a):
        assert {k: x for k, x in b.edges[tuple(e)].items() if k not in skip} == d, e


def test_graphml_reads_back_with_networkx(view):
    data = graphml.write_graphml(view.graph)
    assert data.startswith(b"<?xml") and "许昌".encode() in data  # UTF-8, not &#NNNNN;
    back = graphml.read_graphml(data)
    same_graph(view.graph, back)
    same_attributes(view.graph, back)
    assert back.graph["view"] == view.name


def test_gexf_reads_back_with_networkx(view):
    data = gexf.write_gexf(view.graph)
    assert b"lastmodifieddate" not in data  # no date: the same view gives the same bytes
    back = gexf.read_gexf(data)
    assert list(back) == list(view.graph) and back.is_multigraph() == view.graph.is_multigraph()
    # GEXF numbers the edges itself (its own ids, not our keys), and stores weights as floats
    def sig(g):
        return sorted((tuple(sorted((u, v))), d["relation"], d["role"], float(d.get("weight", 1.0)),
                       d.get("quote", ""), d.get("quoteStart", -1)) for u, v, d in g.edges(data=True))
    assert sig(back) == sig(view.graph)
    for n, d in view.graph.nodes(data=True):
        assert back.nodes[n]["label"] == d["label"] and back.nodes[n]["kind"] == d["kind"]


def test_cytoscape_json_reads_back(view):
    data = cytoscape.write_cytoscape(view.graph)
    back = cytoscape.read_cytoscape(data)
    same_graph(view.graph, back)
    same_attributes(view.graph, back)


def test_d3_node_link_reads_back_with_networkx(view):
    back = node_link.read_node_link(node_link.write_node_link(view.graph))
    same_graph(view.graph, back)
    same_attributes(view.graph, back)


def test_csv_zip_reads_back(view):
    back = csv.read_csv_zip(csv.write_csv_zip(view.graph))
    same_graph(view.graph, back)
    same_attributes(view.graph, back)
    nodes, edges = csv.write_csv(view.graph)
    assert nodes.splitlines()[0].lstrip("\ufeff").startswith("id,label,labelEn,kind,city,cityIri")
    assert edges.splitlines()[0].lstrip("\ufeff").startswith("source,target,relation,role")


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_rdf_formats_hold_the_source_triples_of_the_view(store, view, fmt):
    data = export(view, fmt, lambda s: quads_about(store, s)).data
    quads = rdf.read_rdf(data, fmt)
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    assert set(view.graph) <= subjects  # every node is described
    assert set(view.evidence) <= subjects  # and every fact behind an edge
    if fmt == "trig":
        assert {q.graph_name for q in quads} != {ox.DefaultGraph()}  # provenance kept


def test_every_format_is_deterministic(store, corpus):
    def run():
        v = build_view(corpus, Filters(view="co-responsibility", city="许昌"))
        return {f: export(v, f, lambda s: quads_about(store, s)).data for f in FORMATS}
    assert run() == run()


def test_format_names_and_aliases():
    assert get_format("GraphML").name == "graphml"
    assert get_format("json-ld").name == "jsonld" and get_format("nt").name == "ntriples"
    with pytest.raises(ValueError, match="unknown format"):
        get_format("xlsx")
