"""The research toolkit's facts → RDF, in the named graph of the document each is about.

    <coding>  a pk:PolicyToolCoding ; pk:measure <m> ; pk:concept <pt:tool> ;
              pk:source <span: the evidence words> ; pk:via <mt:type>? .
              <m> pk:policyTool <pt:tool> .
    <sim>     a pk:MeasureSimilarity ; pk:measure <later m> ; pk:other <m'> ;
              pk:score 0.93 (xsd:decimal) ; pk:earlier <m'>? ;
              pk:source <span: m's own text> ; pk:otherSource <span: m''s own text> .
    <policy>  pk:level pk:PREFECTURE ; pk:validFrom / pk:validUntil / pk:published /
              pk:repealed (xsd:date)? ; pk:statedStatus pk:IN_FORCE? ;
              pk:implements <policy>* ; (cited) pk:implementedBy <policy> .
    <date>    a pk:DateStatement ; pk:policy <policy> ; pk:dateKind "valid-until" ;
              pk:date (xsd:date) ; pk:origin "text" ; pk:source <span>? .

A similarity lives in the graph of its pk:measure (the later document's), an
implementation in the citing policy's: each fact is rebuilt with the
document that asserts it.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef

from .gazetteer import City
from .levels import Implementation
from .model import DocumentFacts
from .rdf import ID, PK, RDF, XSD, Quad, _Writer, _h, _seg, doc_slug, graph_iri, measure_iri, policy_iri
from .reuse import Similarity

_DATE_PROPS = {"published": "published", "valid-from": "validFrom", "valid-until": "validUntil", "repealed": "repealed"}


def toolkit_quads(
    facts: DocumentFacts,
    level: str,
    similarities: list[Similarity],
    implements: list[Implementation],
    pages: dict[str, tuple[int, ...]] | None = None,
) -> set[Quad]:
    """One document's codings, validity, level, its measures' similarities and its implementations."""
    file = facts.source.name
    w = _Writer(graph_iri(file), pages)
    pol = policy_iri(file)
    w.add(pol, PK.level, PK[level])

    for c in facts.policy_tools:
        m = measure_iri(file, c.measure)
        tool = URIRef(c.tool)
        w.add(m, PK.policyTool, tool)
        node = ID[f"policy-tool-coding/{doc_slug(file)}/{_seg(c.measure)}/{_h(c.tool)}"]
        w.add(node, RDF.type, PK.PolicyToolCoding)
        w.add(node, PK.measure, m)
        w.add(node, PK.concept, tool)
        w.add(node, PK.source, w.span(c.span))
        if c.via:
            w.add(node, PK.via, URIRef(c.via))

    v = facts.validity
    for d in v.dates:
        prop = _DATE_PROPS.get(d.kind)
        if prop:
            w.add(pol, PK[prop], Literal(d.date, datatype=XSD.date))
        node = ID[f"date-statement/{doc_slug(file)}/{d.kind}"]
        w.add(node, RDF.type, PK.DateStatement)
        w.add(node, PK.policy, pol)
        w.add(node, PK.dateKind, Literal(d.kind))
        w.add(node, PK.date, Literal(d.date, datatype=XSD.date))
        w.add(node, PK.origin, Literal(d.origin))
        if d.span is not None:
            w.add(node, PK.source, w.span(d.span))
    if v.stated_status:
        w.add(pol, PK.statedStatus, PK[v.stated_status])

    w.quads |= similarity_quads(file, similarities, pages)

    for i in implements:
        cited = policy_iri(i.cited)
        w.add(pol, PK.implements, cited)
        w.add(cited, PK.implementedBy, pol)
    return w.quads


def similarity_quads(file: str, similarities: list[Similarity],
                     pages: dict[str, tuple[int, ...]] | None = None) -> set[Quad]:
    """The pk:MeasureSimilarity nodes of :func:`toolkit_quads`, alone: the part of a document's graph
    that other documents change (the streaming build writes them beside a cached rest)."""
    w = _Writer(graph_iri(file), pages)
    for s in similarities:
        m = measure_iri(s.measure.document, s.measure.code)
        o = measure_iri(s.other.document, s.other.code)
        node = ID[f"similarity/{doc_slug(s.measure.document)}/{_seg(s.measure.code)}/{_h(str(o))}"]
        w.add(node, RDF.type, PK.MeasureSimilarity)
        w.add(node, PK.measure, m)
        w.add(node, PK.other, o)
        w.add(node, PK.score, Literal(Decimal(f"{s.score:.4f}"), datatype=XSD.decimal))
        if s.earlier is not None:
            w.add(node, PK.earlier, measure_iri(s.earlier.document, s.earlier.code))
        w.add(node, PK.source, w.span(s.measure.span))
        w.add(node, PK.otherSource, w.span(s.other.span))
    return w.quads


def city_names(city: City, gazetteer) -> tuple[str, ...]:
    """The names text reuse replaces by one placeholder in a document of ``city`` (graph.reuse)."""
    prov = gazetteer.get(city.province_code) if city.province_code != city.code else None
    return tuple(n for n in {city.name, city.short, city.province, prov.short if prov else None}
                 if n and len(n) >= 2)


def corpus_toolkit_quads(facts: list[DocumentFacts], cities: dict[str, City], gazetteer,
                         pages: dict[str, tuple[int, ...]] | None = None, reuse: bool = True) -> set[Quad]:
    """The toolkit's quads for a whole corpus: text reuse and implementation are computed across it."""
    from .levels import implementations, policy_level
    from .reuse import find_reuse

    names = {code: city_names(city, gazetteer) for code, city in cities.items()}
    sims = find_reuse(facts, names) if reuse else []
    by_doc: dict[str, list[Similarity]] = {}
    for s in sims:
        by_doc.setdefault(s.measure.document, []).append(s)
    impl: dict[str, list[Implementation]] = {}
    for i in implementations(facts, gazetteer):
        impl.setdefault(i.citing, []).append(i)
    quads: set[Quad] = set()
    for f in facts:
        level = policy_level(f, cities[f.meta.city_code])
        quads |= toolkit_quads(f, level, by_doc.get(f.source.name, []), impl.get(f.source.name, []), pages)
    return quads
