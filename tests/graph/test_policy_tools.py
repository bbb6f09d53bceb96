"""Policy tools (graph/policy_tools.py, ontology/policy-tools.ttl): the scheme, the coding, its
precision and recall against measures coded by hand, and the matrices."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from graph.paths import PROJECT_ROOT
from graph.policy_tools import (
    city_tool_matrix, rows_from_facts, rows_from_store, score_codings, tool_family_matrix, tool_scheme,
)
from graph.schemes import load_schemes
from graph.vocab import MT, PK, PT, STIP

ANNOTATIONS = PROJECT_ROOT / "tests" / "fixtures" / "annotations" / "policy-tools.json"
SUB_TOOLS = {
    "supply": {"talent", "funding", "technical-support", "infrastructure", "public-service", "information-support"},
    "environment": {"goal-planning", "financial-support", "tax-incentive", "regulation", "intellectual-property",
                    "strategic-measures"},
    "demand": {"government-procurement", "demonstration-application", "service-outsourcing", "trade-control",
               "overseas-exchange"},
}


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_scheme_has_the_three_types_and_their_sub_tools_with_labels_definitions_and_patterns():
    schemes = load_schemes()
    scheme = tool_scheme(schemes)
    g = schemes.graph
    types = {_local(t.iri): t for t in scheme.tools if not t.broader}
    assert {k: types[k].label for k in types} == {"supply": "供给型", "environment": "环境型", "demand": "需求型"}
    subs: dict[str, set[str]] = {}
    for t in scheme.sub_tools:
        subs.setdefault(_local(t.broader), set()).add(_local(t.iri))
        assert t.label and t.label_en and t.label_en != t.label, t.iri
        langs = {o.language for o in g.objects(URIRef(t.iri), SKOS.definition)}
        assert {"zh", "en"} <= langs, t.iri
        assert t.patterns, f"{t.iri} has no pk:pattern"
    assert subs == SUB_TOOLS


def test_crosswalk_names_only_existing_measure_types_and_stip_instruments():
    schemes = load_schemes()
    scheme = tool_scheme(schemes)
    known = {c.iri for c in schemes.measure_types} | {c.iri for c in schemes.stip}
    tools = {t.iri for t in scheme.sub_tools}
    assert scheme.crosswalk
    for source, targets in scheme.crosswalk.items():
        assert source in known, f"crosswalk from {source}, which no scheme defines"
        assert set(targets) <= tools
    # every STIP instrument and most fine measure types have a tool
    stip = {c.iri for c in schemes.stip if c.broader}
    assert stip <= set(scheme.crosswalk)
    fine = {c.iri for c in schemes.measure_types if c.broader}
    assert len(fine & set(scheme.crosswalk)) >= 0.9 * len(fine)


def test_every_coding_quotes_its_evidence_and_names_a_sub_tool(corpus):
    tools = {t.iri for t in tool_scheme(load_schemes()).sub_tools}
    n = 0
    for f in corpus.facts:
        codes = {m.code for m in f.measures}
        for c in f.policy_tools:
            assert c.tool in tools and c.measure in codes
            assert f.source.text[c.span.start : c.span.end] == c.span.quote
            assert c.span.document == f.source.name
            n += 1
    assert n > 300


def test_crosswalk_codes_carry_the_measure_type_they_came_through(corpus):
    scheme = tool_scheme(load_schemes())
    via = [c for f in corpus.facts for c in f.policy_tools if c.via]
    assert via
    for c in via:
        assert c.tool in scheme.crosswalk[c.via]


def test_principles_are_not_coded_and_goals_are_goal_planning_only(facts_by_file):
    f = facts_by_file["chengde-2021-plan.txt"]
    kinds = {m.code: m.section_kind for m in f.measures}
    coded = {}
    for c in f.policy_tools:
        coded.setdefault(c.measure, set()).add(_local(c.tool))
    assert not [m for m in coded if kinds[m] == "principles"]
    goals = [m for m in coded if kinds[m] == "goals"]
    assert goals and all(coded[m] == {"goal-planning"} for m in goals)


def test_precision_and_recall_against_the_hand_coded_measures(corpus):
    entries = json.loads(ANNOTATIONS.read_text("utf-8"))["measures"]
    assert len(entries) >= 100
    assert len({e["document"] for e in entries}) >= 4
    score = score_codings(corpus.facts, entries)
    assert score.precision >= 0.70, (score.precision, score.misses[:20])
    assert score.recall >= 0.80, (score.recall, score.misses[:20])


def test_annotation_names_an_unknown_measure_loudly(corpus):
    with pytest.raises(ValueError, match="measures' own text"):
        score_codings(corpus.facts, [{"document": "chengde-2021-plan.txt", "measure": "没有这句话", "tools": []}])


def test_city_by_tool_matrix_counts_distinct_measures_and_rolls_up_to_types(corpus):
    schemes = load_schemes()
    rows = rows_from_facts(corpus.facts, corpus.cities)
    m = city_tool_matrix(rows, schemes)
    assert m.rows == ["常州市", "承德市", "漯河市", "许昌市"]
    assert len(m.columns) == 17 and m.columns[0] == str(PT["talent"])
    talent_xuchang = {r.measure for r in rows if r.city == "许昌市" and r.tool == str(PT["talent"])}
    assert m.get("许昌市", str(PT["talent"])) == len(talent_xuchang) > 0
    by_type = city_tool_matrix(rows, schemes, level="type")
    assert by_type.columns == [str(PT[t]) for t in ("supply", "environment", "demand")]
    supply = {r.measure for r in rows if r.city == "承德市" and r.tool.rsplit("/", 1)[-1] in SUB_TOOLS["supply"]}
    assert by_type.get("承德市", str(PT["supply"])) == len(supply)
    with pytest.raises(ValueError, match="level"):
        city_tool_matrix(rows, schemes, level="family")


def test_tool_by_family_matrix_and_its_csv(corpus):
    schemes = load_schemes()
    rows = rows_from_facts(corpus.facts, corpus.cities)
    m = tool_family_matrix(rows, schemes)
    assert len(m.columns) == 11 and all(c.startswith(str(MT)) for c in m.columns)
    fin = str(MT["family-finance"])
    tax = str(PT["tax-incentive"])
    assert m.get(tax, fin) >= 1  # tax relief measures are finance-family measures
    table = list(csv.reader(io.StringIO(m.to_csv())))
    assert table[0][0] == "" and "科技金融与财税支持" in table[0]
    row = next(r for r in table if r[0] == "税收优惠")
    assert int(row[table[0].index("科技金融与财税支持")]) == m.get(tax, fin)
    assert m.as_records()[0]["row"] == "人才培养与引进"


def test_rows_from_the_built_dataset_equal_rows_from_the_facts(corpus):
    import pyoxigraph as ox

    from graph.build import serialize_trig

    store = ox.Store()
    store.load(serialize_trig(corpus).encode("utf-8"), format=ox.RdfFormat.TRIG)
    from_store = rows_from_store(store)
    from_facts = sorted(rows_from_facts(corpus.facts, corpus.cities),
                        key=lambda r: (r.city, r.document, r.measure, r.tool))
    assert from_store == from_facts


def test_the_graph_links_measures_to_tools_with_evidence_nodes(corpus):
    quads = corpus.quads
    codings = {s for s, p, o, g in quads if p == URIRef(str(PK) + "concept") and str(o).startswith(str(PT))}
    assert codings
    direct = {(s, o) for s, p, o, g in quads if p == URIRef(str(PK) + "policyTool")}
    assert len(direct) == sum(len(f.policy_tools) for f in corpus.facts)
    assert all(str(STIP) not in str(o) for _, o in direct)
