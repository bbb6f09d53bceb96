"""Cytoscape.js / Cytoscape desktop JSON (``.cyjs``): ``{"data", "elements"}``.

The shape ``cy.json()`` produces and ``cytoscape({elements})`` and Cytoscape
desktop read: graph attributes in ``data``, every node ``{"data": {"id":
IRI, ...}}``, every edge ``{"data": {"id", "source", "target", ...}}``.
(networkx's own ``cytoscape_data`` writes the graph data as a list of pairs
and adds ``value``/``name`` keys, which Cytoscape does not expect.)
"""

from __future__ import annotations

import json

import networkx as nx

MEDIA_TYPE = "application/json"
EXTENSION = "cyjs"


def cytoscape_data(g: nx.Graph) -> dict:
    nodes = [{"data": {"id": n, **d}} for n, d in g.nodes(data=True)]
    if g.is_multigraph():  # parallel edges (the responsibility view): the key is the edge's id
        edges = [{"data": {"id": k, "source": u, "target": v, **d}} for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        edges = [{"data": {"id": f"{u} {v}", "source": u, "target": v, **d}} for u, v, d in g.edges(data=True)]
    return {"format_version": "1.0", "generated_by": "policykg", "target_cytoscapejs_version": "~3",
            "data": {**g.graph, **({"multigraph": True} if g.is_multigraph() else {})},
            "elements": {"nodes": nodes, "edges": edges}}


def write_cytoscape(g: nx.Graph) -> bytes:
    return (json.dumps(cytoscape_data(g), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_cytoscape(data: bytes) -> nx.Graph:
    doc = json.loads(data)
    attrs = dict(doc.get("data", {}))
    multi = attrs.pop("multigraph", False)
    g = nx.MultiGraph(**attrs) if multi else nx.Graph(**attrs)
    for node in doc["elements"]["nodes"]:
        d = dict(node["data"])
        g.add_node(d.pop("id"), **d)
    for edge in doc["elements"]["edges"]:
        d = dict(edge["data"])
        key = d.pop("id", None)
        if multi:
            g.add_edge(d.pop("source"), d.pop("target"), key=key, **d)
        else:
            g.add_edge(d.pop("source"), d.pop("target"), **d)
    return g
