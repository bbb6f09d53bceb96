"""Exports of a network view, one module per format (networkx ``readwrite`` style).

    graphml.py    GraphML                  write_graphml / read_graphml
    gexf.py       GEXF 1.2                 write_gexf / read_gexf
    cytoscape.py  Cytoscape.js JSON        write_cytoscape / read_cytoscape
    node_link.py  D3 node-link JSON        write_node_link / read_node_link
    csv.py        nodes.csv + edges.csv    write_csv(_zip) / read_csv(_zip)
    rdf.py        Turtle, TriG, N-Triples, JSON-LD: the source triples of the view
    parquet.py    the dataset's tables (graph/frames.py) as Parquet files, one per table
    command.py    ``policykg export``: a view of a built dataset, to a file or stdout

``export`` turns a view into bytes in a named format; the CLI and
``GET /export`` both go through it, so they give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import networkx as nx

from graph.network.views import View

from . import csv, cytoscape, gexf, graphml, node_link, rdf

QuadSource = Callable[[Iterable[str]], list]  # subjects → sorted quads (graph.network.quads_about)


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    write_graph: Callable[[nx.Graph], bytes] | None = None  # the network formats
    rdf: str | None = None  # the RDF formats: a key of rdf.FORMATS


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("graphml", graphml.MEDIA_TYPE, graphml.EXTENSION, graphml.write_graphml),
    Format("gexf", gexf.MEDIA_TYPE, gexf.EXTENSION, gexf.write_gexf),
    Format("cytoscape", cytoscape.MEDIA_TYPE, cytoscape.EXTENSION, cytoscape.write_cytoscape),
    Format("d3", node_link.MEDIA_TYPE, node_link.EXTENSION, node_link.write_node_link),
    Format("csv", csv.MEDIA_TYPE, csv.EXTENSION, csv.write_csv_zip),
    *(Format(name, media, ext, rdf=name) for name, (_, media, ext) in rdf.FORMATS.items()),
)}

# other spellings people use
ALIASES = {"cyjs": "cytoscape", "cytoscape-json": "cytoscape", "node-link": "d3", "json": "d3",
           "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "json-ld": "jsonld", "zip": "csv"}


class UnknownFormat(ValueError):
    pass


def get_format(name: str) -> Format:
    key = name.strip().lower()
    fmt = FORMATS.get(ALIASES.get(key, key))
    if fmt is None:
        raise UnknownFormat(f"unknown format {name!r}: one of {', '.join(FORMATS)}")
    return fmt


@dataclass(frozen=True)
class Exported:
    data: bytes
    media_type: str
    filename: str  # ASCII: policykg-<view>.<ext>


def export(view: View, format_name: str, quads: QuadSource | None = None) -> Exported:
    fmt = get_format(format_name)
    if fmt.rdf is not None:
        if quads is None:
            raise ValueError(f"{fmt.name} needs the RDF store the view was built from")
        data = rdf.write_rdf(quads(view.subjects), fmt.rdf)
    else:
        assert fmt.write_graph is not None
        data = fmt.write_graph(view.graph)
    return Exported(data, fmt.media_type, f"policykg-{view.name}.{fmt.extension}")
