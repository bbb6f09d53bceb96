"""The RDF behind a view: Turtle, TriG, N-Triples, JSON-LD.

Not a re-encoding of the networkx graph: the original triples of the
ontology (``pk:Responsibility`` nodes, spans with their quotes, labels) about
every node of the view and every fact its edges rest on, so the export loads
into any triple store and stays queryable with the same SPARQL. TriG keeps
the per-document named graphs (provenance); the triple formats merge them.
Quads arrive sorted (``graph.network.source.quads_about``), so output is
deterministic.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.vocab import PREFIXES

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8", "ttl"),
    "trig": (ox.RdfFormat.TRIG, "application/trig; charset=utf-8", "trig"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples; charset=utf-8", "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld"),
}
_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}


def write_rdf(quads: list[ox.Quad], fmt: str) -> bytes:
    rdf_format = FORMATS[fmt][0]
    if rdf_format.supports_datasets:
        items: list = list(quads)
    else:  # one triple once, whichever document graphs state it
        items = list(dict.fromkeys(q.triple for q in quads))
    prefixes = _PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""


def read_rdf(data: bytes, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(data, format=FORMATS[fmt][0]))
