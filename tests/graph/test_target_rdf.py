"""Targets, planned documents and programme mentions in the graph, and the shapes that check them."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from graph.validate import validate_quads
from graph.vocab import KPI, OA, PK


def _by(quads, p, o=None):
    return {s for s, pp, oo, _ in quads if pp == p and (o is None or oo == o)}


def test_targets_carry_kind_comparator_range_and_concept(corpus):
    q = corpus.quads
    ranges = _by(q, PK.comparator, PK.BETWEEN)
    assert ranges and ranges == _by(q, PK.valueMax)
    with_concept = _by(q, PK.indicatorConcept)
    assert with_concept == _by(q, RDF.type, PK.Target)  # every seed target has its statistic
    concepts = {o for s, p, o, _ in q if p == PK.indicatorConcept}
    assert URIRef(str(KPI["hightech-enterprises"])) in concepts
    defined = {s for s, p, _o, _ in q if p == SKOS.definition}
    assert concepts <= defined
    assert _by(q, PK.kind, PK.RANK) and _by(q, PK.kind, PK.GROWTH_RATE) and _by(q, PK.aspiration, Literal(True))


def test_planned_documents_and_programmes_are_not_citations(corpus):
    q = corpus.quads
    planned = _by(q, RDF.type, PK.PlannedDocument)
    assert len(planned) == 2 and not planned & _by(q, RDF.type, PK.Policy)
    programmes = {str(o) for s, p, o, _ in q if p == RDF.type and o == PK.Programme}
    assert programmes and len(_by(q, RDF.type, PK.ProgrammeMention)) == 13


def test_the_shapes_catch_a_broken_range(corpus):
    target = next(iter(_by(corpus.quads, PK.comparator, PK.BETWEEN)))
    # the target, its spans and its statistic: enough for its shape, quicker than the whole graph
    own = [x for x in corpus.quads if x[0] == target and x[1] not in (PK.measure, PK.city)]
    keep = {o for _s, p, o, _ in own if p in (PK.source, PK.figure, PK.sentence, PK.indicatorConcept, PK.policy)}
    part = own + [x for x in corpus.quads if x[0] in keep and x[1] in (
        RDF.type, OA.start, OA.end, OA.exact, PK.document, SKOS.prefLabel, SKOS.inScheme, SKOS.definition, DCTERMS.title)]
    assert validate_quads(part).conforms
    broken = [x for x in part if not (x[0] == target and x[1] == PK.valueMax)]
    result = validate_quads(broken)
    assert not result.conforms and "valueMax" in result.report


def test_the_shapes_catch_a_span_that_ends_before_it_starts(corpus):
    span = next(s for s, p, _o, _g in corpus.quads if p == OA.start)
    part = [x for x in corpus.quads if x[0] == span]
    assert validate_quads(part).conforms
    start = next(int(o) for s, p, o, _g in part if p == OA.start)
    broken = [x if x[1] != OA.end else (x[0], x[1], Literal(start - 1), x[3]) for x in part]
    result = validate_quads(broken)
    assert not result.conforms and "end before it starts" in result.report
