"""GraphML (yEd, Gephi, Cytoscape desktop, igraph): networkx's writer, typed keys.

Node ids are IRIs; every attribute of the view becomes a typed <key>, in the
order the view first uses it, so the same view gives the same bytes.
"""

from __future__ import annotations

import io

import networkx as nx

MEDIA_TYPE = "application/graphml+xml"
EXTENSION = "graphml"


def write_graphml(g: nx.Graph) -> bytes:
    # the ElementTree writer, not generate_graphml: that one has no XML
    # declaration and writes every Chinese character as &#NNNNN;
    out = io.BytesIO()
    nx.write_graphml_xml(g, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def read_graphml(data: bytes) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(data))
