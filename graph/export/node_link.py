"""D3 / Flourish node-link JSON: ``{"nodes": [{"id", ...}], "links": [{"source", "target", ...}]}``.

networkx's node_link format with D3's ``links`` key: ``d3.forceLink().id(d => d.id)``
takes it as is.
"""

from __future__ import annotations

import json

import networkx as nx

MEDIA_TYPE = "application/json"
EXTENSION = "json"


def node_link_data(g: nx.Graph) -> dict:
    """networkx's ``node_link_data(g, edges="links")`` with ``id`` first in each node, for people reading it."""
    if g.is_multigraph():
        links = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        links = [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)]
    return {"directed": g.is_directed(), "multigraph": g.is_multigraph(), "graph": dict(g.graph),
            "nodes": [{"id": n, **d} for n, d in g.nodes(data=True)], "links": links}


def write_node_link(g: nx.Graph) -> bytes:
    data = node_link_data(g)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_node_link(data: bytes) -> nx.Graph:
    return nx.node_link_graph(json.loads(data), edges="links")
