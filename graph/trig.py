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


class _Memo(dict):
    """term -> its TriG form, for one serialization.

    The module-level ``_n3`` cache is bounded; a national dataset has more
    distinct terms than it holds, and a thrashing cache made serialization
    grow faster than the data. This one lives as long as one call.
    """

    def __missing__(self, term: Node) -> str:
        text = self[term] = _n3.__wrapped__(term)
        return text


def _graph_block(triples, n3: _Memo | None = None) -> list[str]:
    return [text for _, text, _ in subject_blocks(triples, n3)]


Block = tuple[tuple[int, str], str, int]  # a subject's sort key, its lines, how many triples they hold


def subject_blocks(triples, n3: _Memo | None = None) -> list[Block]:
    """One graph's triples as :func:`graph_text` writes them, a block per subject, in subject order:
    what :func:`merge_blocks` joins."""
    n3 = _Memo() if n3 is None else n3
    out: list[Block] = []
    by_subject: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)

    def key(term: Node) -> tuple[int, str]:  # _sort_key, memoized
        return (0 if isinstance(term, URIRef) else 1, n3[term])

    rdf_type = n3[RDF.type]
    for s in sorted(by_subject, key=key):
        preds = by_subject[s]
        order = sorted((n3[p] != rdf_type, n3[p], p) for p in preds)
        lines = []
        count = 0
        for _, pname, p in order:
            objs = preds[p]
            objs = sorted(set(objs), key=key) if len(objs) > 1 else objs
            count += len(objs)
            lines.append(f"      {'a' if pname == rdf_type else pname} "
                         + " ,\n          ".join([n3[o] for o in objs]))
        out.append((key(s), f"  {n3[s]}\n" + " ;\n".join(lines) + " .\n", count))
    return out


def merge_blocks(a: list[Block], b: list[Block]) -> list[Block] | None:
    """The blocks of the union of two graphs' triples, or None when a subject of both has other
    triples in each (its block would be a third text): then the union is written from its triples."""
    out: list[Block] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] < b[j][0]:
            out.append(a[i])
            i += 1
        elif b[j][0] < a[i][0]:
            out.append(b[j])
            j += 1
        elif a[i][1] == b[j][1]:
            out.append(a[i])
            i, j = i + 1, j + 1
        else:
            return None
    return out + a[i:] + b[j:]


def blocks_text(graph, blocks: list[Block], n3: _Memo | None = None) -> str:
    """:func:`graph_text` of a graph's subject blocks."""
    n3 = _Memo() if n3 is None else n3
    return f"{n3[graph]} {{\n" + "".join(text for _, text, _ in blocks) + "}\n\n"


def trig_prefixes() -> str:
    """The prefix lines every dataset opens with."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


def graph_text(quads, n3: _Memo | None = None) -> str:
    """One named graph's block of :func:`deterministic_trig`, from quads all of that graph
    (the streaming build writes a dataset block by block: graph/stream.py)."""
    n3 = _Memo() if n3 is None else n3
    triples, graph = [], None
    for s, p, o, g in quads:
        graph = g
        triples.append((s, p, o))
    return f"{n3[graph]} {{\n" + "".join(_graph_block(triples, n3)) + "}\n\n"


def deterministic_trig(quads) -> str:
    """TriG of (s, p, o, graph) quads; the same quads give the same bytes."""
    graphs: dict[URIRef, list] = {}
    for s, p, o, g in quads:
        graphs.setdefault(g, []).append((s, p, o))
    parts = [trig_prefixes()]
    n3 = _Memo()
    for g in sorted(graphs, key=str):
        parts.append(f"{n3[g]} {{\n")
        parts.extend(_graph_block(graphs[g], n3))
        parts.append("}\n\n")
    return "".join(parts)
