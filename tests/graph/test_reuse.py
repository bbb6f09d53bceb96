"""Text reuse between documents (graph/reuse.py): near-copies found, plans and annexes kept apart,
the pairs in the graph."""

from __future__ import annotations

import copy
from decimal import Decimal

import numpy as np
from rdflib import URIRef

from graph import reuse
from graph.rdf import measure_iri
from graph.reuse import find_reuse, shingles, signatures
from graph.vocab import PK


def _pk(name: str) -> URIRef:
    return URIRef(str(PK) + name)


def _names(corpus):
    return {code: (c.name, c.short, c.province) for code, c in corpus.cities.items()}


def test_a_new_city_copying_three_chengde_measures_with_small_edits_is_found(toolkit_corpus):
    pairs = find_reuse(toolkit_corpus.facts, _names(toolkit_corpus))
    copied = [p for p in pairs if p.measure.document == "zhangjiakou-2022-plan.txt"]
    found = {(p.measure.code, p.other.code): p for p in copied if p.score >= 0.8}
    assert set(found) == {("二.1", "三.(三).9"), ("二.2", "三.(四).11"), ("三.4", "四.24")}
    for p in found.values():
        assert p.other.document == "chengde-2021-plan.txt"
        assert p.earlier is not None and p.earlier.document == "chengde-2021-plan.txt"
        assert p.score < 1.0  # edited, not identical
    # the measure it did not copy matches nothing
    assert not [p for p in copied if p.measure.code == "二.3"]


def test_the_pairs_are_in_the_graph_of_the_later_document_with_both_texts(toolkit_corpus):
    quads = toolkit_corpus.quads
    sims = {s for s, p, o, g in quads if p == _pk("score")}
    assert len(sims) >= 3
    by = {}
    for s, p, o, g in quads:
        if s in sims:
            by.setdefault(s, {})[str(p).rsplit("#", 1)[-1]] = (o, g)
    later = measure_iri("zhangjiakou-2022-plan.txt", "二.2")
    node = next(v for v in by.values() if v["measure"][0] == later)
    assert node["other"][0] == measure_iri("chengde-2021-plan.txt", "三.(四).11")
    assert node["earlier"][0] == node["other"][0]
    assert Decimal(str(node["score"][0])) >= Decimal("0.8")
    assert str(node["measure"][1]).endswith("graph/zhangjiakou-2022-plan")
    spans = {s: {str(p).rsplit("#", 1)[-1]: o for s2, p, o, g in quads if s2 == s}
             for s in (node["source"][0], node["otherSource"][0])}
    assert str(spans[node["otherSource"][0]]["document"]) == "chengde-2021-plan.txt"


def test_a_plan_and_its_own_annex_are_not_reuse(corpus, toolkit_corpus):
    assert find_reuse(corpus.facts, _names(corpus)) == []  # the seeds copy nothing from each other
    names = _names(toolkit_corpus)

    def copies(facts):
        return [p for p in find_reuse(facts, names)
                if "zhangjiakou-2022-plan.txt" in (p.measure.document, p.other.document)]

    assert len(copies(toolkit_corpus.facts)) >= 3
    # the same copy, declared an annex of the 承德 plan: not reuse
    facts = copy.deepcopy(toolkit_corpus.facts)
    zjk = next(f for f in facts if f.source.name == "zhangjiakou-2022-plan.txt")
    zjk.meta.annex_of = "chengde-2021-plan.txt"
    assert copies(facts) == []
    # ... nor a document of the same city issued the same day (an annex the manifest does not link)
    zjk.meta.annex_of = None
    zjk.meta.city_code, zjk.meta.issued = "130800", "2021-11-04"
    assert copies(facts) == []
    # the same day in another city is reuse, with no earlier one
    zjk.meta.city_code = "130700"
    same_day = copies(facts)
    assert same_day and all(p.earlier is None for p in same_day)


def test_identical_texts_score_one_and_signatures_estimate_jaccard():
    a = shingles("支持企业建设研发机构推动科技成果转化加快培育高新技术企业")
    b = shingles("支持企业建设研发机构推动科技成果转化加快培育科技型中小企业")
    exact = len(a & b) / len(a | b)
    sig = signatures([a, b, a])
    assert (sig[0] == sig[2]).all()
    est = float((sig[0] == sig[1]).mean())
    assert abs(est - exact) < 0.15
    assert sig.dtype == np.uint32 and sig.shape == (3, reuse.BANDS * reuse.ROWS)


def test_boilerplate_repeated_everywhere_stays_linear(corpus, monkeypatch):
    """A text copied into many documents: each copy keeps KEEP matches, not all the others."""
    facts = []
    base = corpus.facts[0]
    for i in range(60):
        f = copy.deepcopy(base)
        f.source = type(base.source)(f"copy-{i:02d}.txt", base.source.text, "utf-8")
        f.meta.annex_of = None
        f.meta.issued = f"2021-01-{1 + i % 28:02d}"
        f.meta.city_code = f"{110100 + i:06d}"
        facts.append(f)
    monkeypatch.setattr(reuse, "KEEP", 5)
    pairs = find_reuse(facts)
    measures = sum(1 for t, n in reuse.measure_texts(facts) if len(n) - 2 >= reuse.MIN_SHINGLES)
    assert pairs and len(pairs) <= measures * 5
    assert all(p.score == 1.0 for p in pairs)


def test_pairs_read_back_from_the_dataset_by_city_and_measure(toolkit_corpus):
    import pyoxigraph as ox

    from graph.build import serialize_trig
    from graph.reuse import similar_measures, similarities_from_store, text_reuse

    store = ox.Store()
    store.load(serialize_trig(toolkit_corpus).encode("utf-8"), format=ox.RdfFormat.TRIG)
    pairs = similarities_from_store(store)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    both = text_reuse(pairs, ["张家口市", "承德市"], min_score=0.8)
    assert len(both) == 3 and all({p.measure_city, p.other_city} == {"张家口市", "承德市"} for p in both)
    assert text_reuse(pairs, ["许昌市", "承德市"]) == []
    assert len(text_reuse(pairs, None, min_score=0.8, first=2)) == 2
    m = str(measure_iri("chengde-2021-plan.txt", "三.(四).11"))
    sims = similar_measures(pairs, m)
    assert len(sims) == 1 and sims[0].earlier == m and sims[0].measure.endswith("zhangjiakou-2022-plan/%E4%BA%8C.2")


def test_measure_columns_give_back_each_measure_and_hold_one_signature_per_distinct_text(toolkit_corpus):
    """What the streaming build holds of text reuse's input (reuse.MeasureColumns, from each document's
    DocumentTexts): every measure as it was compared, one signature row per distinct text, the
    matrix a view of the columns, not a copy; after the table, the texts are let go."""
    facts = list(toolkit_corpus.facts)
    base = next(f for f in facts if f.measures and not f.meta.annex_of)
    twin = copy.deepcopy(base)  # the same texts again: hashed once
    twin.source = type(base.source)("twin.txt", base.source.text, "utf-8")
    twin.meta.issued, twin.meta.city_code = "2024-05-01", "130800"
    names = _names(toolkit_corpus)
    columns = reuse.MeasureColumns()
    expected, keys, signatures_of = [], [], {}
    for f in facts + [twin]:
        texts = reuse.document_measure_texts(f, names.get(f.meta.city_code, ()), f.meta.issued, f.source.name)
        kept = reuse.compared(texts)
        expected.extend(kept.measures)
        keys.extend(kept.text_keys)
        for key, row in zip(kept.text_keys, kept.signatures):
            signatures_of.setdefault(key, row)
        packed = reuse.document_texts(texts)
        assert len(packed) == len(kept) and isinstance(packed.quotes, str)
        d = columns.add_document(f.source.name, packed)
        columns.set_document(d, f.meta.issued, f.source.name)
    assert [columns.measure(i) for i in range(len(columns))] == expected
    text, sig, flat, offsets, held = columns._texts()
    assert len(sig) == len(held) == len(offsets) - 1 == len(set(keys)) < len(expected)
    assert held.tolist() == [k.rstrip(b"\0") for k in signatures_of] and (sig == np.array(list(signatures_of.values()))).all()
    assert [held[u] for u in text.tolist()] == [k.rstrip(b"\0") for k in keys]  # each measure's text (S20 drops
    # a key's trailing zero bytes on reading, not in the bytes compared)
    assert not sig.flags.owndata and not flat.flags.owndata  # views of the appended columns
    table = reuse.columns_table(columns)
    assert len(columns._texts()[1]) == 0  # shingles and signatures let go; the measures stay
    assert [columns.measure(i) for i in range(len(columns))] == expected
    assert any(s.other.document == base.source.name and s.score == 1.0 for s in table.for_document("twin.txt"))
    batches = [reuse.compared(reuse.document_measure_texts(f, names.get(f.meta.city_code, ()), f.meta.issued,
                                                           f.source.name)) for f in facts + [twin]]
    assert table.all() == reuse.compared_table(batches).all()  # measure by measure: the same pairs
