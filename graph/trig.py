"""A deterministic TriG writer.

rdflib's serializers are correct but do not promise a stable order; the
committed dataset is reviewed as a diff, so subjects, predicates and objects
are written sorted, one named graph after another in IRI order.
"""

from __future__ import annotations

import functools
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .vocab import PREFIXES

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# longest namespace first so id:institution/ wins over id:
_NAMESPACES = sorted(((str(ns), p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


@functools.lru_cache(maxsize=200_000)
def _n3(term: Node) -> str:
    """A prefixed name where the local part is plain, else the full form."""
    if isinstance(term, URIRef):
        iri = str(term)
        for ns, prefix in _NAMESPACES:
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return term.n3()
    if isinstance(term, Literal):
        return _literal(term)
    return term.n3()


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _literal(lit: Literal) -> str:
    """A one-line literal: newlines escaped, so no indentation can touch the text."""
    body = '"' + str(lit).translate(_ESCAPES) + '"'
    if lit.language:
        return f"{body}@{lit.language}"
    if lit.datatype is not None and lit.datatype != XSD.string:
        return f"{body}^^{_n3(lit.datatype)}"
    return body


def _sort_key(term: Node) -> tuple[int, str]:
    return (0 if isinstance(term, URIRef) else 1, _n3(term))


def _graph_block(triples) -> list[str]:
    out: list[str] = []
    by_subject: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    for s in sorted(by_subject, key=_sort_key):
        preds = by_subject[s]
        order = sorted(preds, key=lambda p: (p != RDF.type, _n3(p)))
        lines = []
        for p in order:
            objs = sorted(set(preds[p]), key=_sort_key)
            pname = "a" if p == RDF.type else _n3(p)
            lines.append(f"      {pname} " + " ,\n          ".join(_n3(o) for o in objs))
        out.append(f"  {_n3(s)}\n" + " ;\n".join(lines) + " .\n")
    return out


def deterministic_trig(quads) -> str:
    """TriG of (s, p, o, graph) quads; the same quads give the same bytes."""
    graphs: dict[URIRef, list] = {}
    for s, p, o, g in quads:
        graphs.setdefault(g, []).append((s, p, o))
    parts = [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())]
    parts.append("\n")
    for g in sorted(graphs, key=str):
        parts.append(f"{_n3(g)} {{\n")
        parts.extend(_graph_block(graphs[g]))
        parts.append("}\n\n")
    return "".join(parts)
