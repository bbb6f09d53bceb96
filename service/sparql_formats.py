"""Serializations of SPARQL results, and the content negotiation between them.

Solutions are serialized here rather than by pyoxigraph because the
endpoint caps the number of rows: it materializes at most ``cap`` rows and
writes those, which pyoxigraph's whole-iterator serializers cannot do.
Graph results (CONSTRUCT/DESCRIBE) go through ``pyoxigraph.serialize``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Sequence

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str


SPARQL_JSON = Format("json", "application/sparql-results+json")
SPARQL_CSV = Format("csv", "text/csv")
SPARQL_TSV = Format("tsv", "text/tab-separated-values")
TURTLE = Format("turtle", "text/turtle")
JSON_LD = Format("jsonld", "application/ld+json")
N_TRIPLES = Format("ntriples", "application/n-triples")
RDF_XML = Format("rdfxml", "application/rdf+xml")

# first = default when the client states no preference
SOLUTION_FORMATS = (SPARQL_JSON, SPARQL_CSV, SPARQL_TSV)
GRAPH_FORMATS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
_ALIASES = {"application/json": SPARQL_JSON, "text/plain": SPARQL_TSV}
_RDF_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, JSON_LD: ox.RdfFormat.JSON_LD,
                N_TRIPLES: ox.RdfFormat.N_TRIPLES, RDF_XML: ox.RdfFormat.RDF_XML}


def negotiate(accept: str | None, offered: Sequence[Format], explicit: str | None = None) -> Format:
    """Pick the best offered format for an Accept header (q-values honoured).

    ``explicit`` (the ``format`` query parameter, handy in a browser) wins
    when it names an offered format. Anything unrecognised falls back to the
    first offered format rather than failing: a result is more useful than a
    406 to someone typing a URL.
    """
    if explicit:
        for f in offered:
            if explicit.lower() in (f.name, f.media_type):
                return f
    if not accept:
        return offered[0]
    ranked: list[tuple[float, int, Format]] = []
    for pos, part in enumerate(accept.split(",")):
        fields = [p.strip() for p in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        matches = [f for f in offered if f.media_type == media]
        if not matches and media in _ALIASES and _ALIASES[media] in offered:
            matches = [_ALIASES[media]]
        if not matches and media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            matches = [f for f in offered if prefix == "*" or f.media_type.startswith(prefix + "/")][:1]
        for f in matches:
            ranked.append((-q, pos, f))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else offered[0]


# -- solutions ---------------------------------------------------------------------


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):  # SPARQL-star
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    return {"type": "literal", "value": str(term)}


def solutions_json(variables: list[str], rows: list[list[Any]]) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def solutions_csv(variables: list[str], rows: list[list[Any]]) -> bytes:
    # SPARQL 1.1 CSV: plain values, no datatypes or language tags
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for row in rows:
        w.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                                          t.value if hasattr(t, "value") else str(t)) for t in row])
    return buf.getvalue().encode("utf-8")


def solutions_tsv(variables: list[str], rows: list[list[Any]]) -> bytes:
    # SPARQL 1.1 TSV: terms in their Turtle/N-Triples form
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else str(t).replace("\t", "\\t").replace("\n", "\\n")
                               for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def boolean_result(value: bool, fmt: Format) -> bytes:
    if fmt is SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (b"true" if value else b"false") + b"\n"


def solutions(fmt: Format, variables: list[str], rows: list[list[Any]]) -> bytes:
    if fmt is SPARQL_CSV:
        return solutions_csv(variables, rows)
    if fmt is SPARQL_TSV:
        return solutions_tsv(variables, rows)
    return solutions_json(variables, rows)


# -- graphs -----------------------------------------------------------------------


def triples(fmt: Format, items: list[Any], prefixes: dict[str, str] | None = None) -> bytes:
    kwargs: dict[str, Any] = {}
    if prefixes and fmt in (TURTLE, RDF_XML, JSON_LD):
        kwargs["prefixes"] = prefixes
    return ox.serialize(items, format=_RDF_FORMATS[fmt], **kwargs) or b""
