"""graph/trig.py: TriG written in one order whatever the input's, and read back as the same quads."""

from __future__ import annotations

import random

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.trig import deterministic_trig
from graph.vocab import ID, PK, PREFIXES

G1, G2 = ID["graph/a-doc"], ID["graph/b-doc"]
POLICY, MEASURE = ID["policy/a-doc"], ID["measure/a-doc/(1)"]
QUADS = [
    (POLICY, RDF.type, PK.Policy, G1),
    (POLICY, RDFS.label, Literal("许昌市创新型城市建设实施方案", lang="zh"), G1),
    (POLICY, PK.docNumber, Literal('许政〔2020〕18号 "quoted" \\ back'), G1),
    (MEASURE, RDF.type, PK.Measure, G1),
    (MEASURE, PK.order, Literal(3, datatype=XSD.integer), G1),
    (MEASURE, RDF.value, Literal("第一行\n第二行\t制表\r回车"), G1),
    (MEASURE, PK.measureType, URIRef("https://w3id.org/policykg/scheme/measure-type/open-challenge"), G1),
    (MEASURE, PK.measureType, URIRef("https://w3id.org/policykg/scheme/measure-type/bank-loans"), G1),
    (MEASURE, PK.refines, URIRef("https://example.org/other/(x)"), G2),
    (ID["city/411000"], RDFS.label, Literal("Xuchang", lang="en"), G2),
]


def _quads(text: str) -> set[tuple[str, str, str, str]]:
    return {tuple(str(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
            for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)}


def _expected() -> set[tuple[str, str, str, str]]:
    def term(t):
        if isinstance(t, Literal):
            if t.language:
                return str(ox.Literal(str(t), language=t.language))
            return str(ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string))))
        return str(ox.NamedNode(str(t)))
    return {tuple(term(t) for t in q) for q in QUADS}


def test_the_same_quads_in_any_order_give_the_same_bytes():
    first = deterministic_trig(QUADS)
    for seed in range(5):
        shuffled = QUADS[:]
        random.Random(seed).shuffle(shuffled)
        assert deterministic_trig(shuffled) == first


def test_it_reads_back_as_the_same_quads():
    assert _quads(deterministic_trig(QUADS)) == _expected()


def test_graphs_in_iri_order_subjects_sorted_types_first_prefixes_declared():
    text = deterministic_trig(QUADS)
    for prefix, ns in PREFIXES.items():
        assert f"@prefix {prefix}: <{ns}> .\n" in text
    assert text.index(f"<{G1}> {{") < text.index(f"<{G2}> {{")
    g1 = text[text.index(f"<{G1}> {{"):text.index(f"<{G2}> {{")]
    assert g1.index(f"<{MEASURE}>") < g1.index(f"<{POLICY}>")  # subjects in order
    policy = g1[g1.index(f"<{POLICY}>"):]
    assert policy.index(" a pk:Policy") < policy.index("pk:docNumber") < policy.index("rdfs:label")
    measure = g1[g1.index(f"<{MEASURE}>"):]
    assert measure.index("mt:bank-loans") < measure.index("mt:open-challenge")  # objects in order


def test_literals_stay_on_one_line_and_iris_are_abbreviated_only_when_plain():
    text = deterministic_trig(QUADS)
    assert '"第一行\\n第二行\\t制表\\r回车"' in text
    assert '"许政〔2020〕18号 \\"quoted\\" \\\\ back"' in text
    assert '"许昌市创新型城市建设实施方案"@zh' in text
    assert '"Xuchang"@en' in text and '"3"^^xsd:integer' in text
    assert "pk:measureType mt:bank-loans" in text  # a plain local name under a prefix: abbreviated
    assert "pk:refines <https://example.org/other/(x)>" in text  # no prefix covers it: written in full
    assert "id:measure" not in text  # "measure/a-doc/(1)" is no plain local name: the full IRI


def test_blank_nodes_are_written_after_iris():
    b = BNode("x1")
    text = deterministic_trig([(b, RDFS.label, Literal("b"), G1), (POLICY, RDFS.label, Literal("p"), G1)])
    assert text.index(f"<{POLICY}>") < text.index("_:x1")


def test_two_parts_merged_by_subject_block_are_the_union_written_whole():
    """graph.trig.merge_blocks: what the streaming build writes when only a graph's similarities
    changed; a subject of both parts must have the same lines in each, else there is no merge."""
    from graph.trig import blocks_text, graph_text, merge_blocks, subject_blocks

    def blocks(quads):
        return subject_blocks((s, p, o) for s, p, o, _ in quads)

    quads = [(s, p, o, G1) for s, p, o, _ in QUADS]  # one graph
    shared = [q for q in quads if q[0] == POLICY]  # one subject whole in both parts
    measure = [q for q in quads if q[0] == MEASURE]
    rest = [q for q in quads if q[0] not in (POLICY, MEASURE)]
    assert shared and len(measure) >= 2 and rest
    a, b = rest + shared, measure + shared
    merged = merge_blocks(blocks(a), blocks(b))
    assert blocks_text(G1, merged) == graph_text(quads)
    assert sum(n for _, _, n in merged) == len(set(quads))
    # the measure's triples split between the parts: its block would be neither part's
    assert merge_blocks(blocks(rest + measure[:1]), blocks(measure[1:])) is None
