"""GEXF 1.2 (Gephi): networkx's writer without its run-dependent parts.

networkx stamps <meta lastmodifieddate> with today's date and its own version
as creator; both are dropped or fixed so an export is reproducible.
"""

from __future__ import annotations

import io

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

MEDIA_TYPE = "application/gexf+xml"
EXTENSION = "gexf"


def write_gexf(g: nx.Graph) -> bytes:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "policykg"
    writer.add_graph(g)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_gexf(data: bytes) -> nx.Graph:
    return nx.read_gexf(io.BytesIO(data))
