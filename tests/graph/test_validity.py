"""Validity, status, levels and the implementation chain (graph/validity.py, graph/levels.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.levels import implementations, is_national_body, policy_level
from graph.manifest import parse_manifest
from graph.model import ManifestEntry, PolicyMeta, SourceText
from graph.rdf import policy_iri
from graph.validity import ValidityDates, policy_status, read_validity, validity_from_store
from graph.gazetteer import default_gazetteer
from graph.vocab import PK


def _pk(name: str) -> URIRef:
    return URIRef(str(PK) + name)


def _read(text: str, issued: str | None = "2022-03-15", meta=(), **entry) -> dict:
    source = SourceText("x.txt", text, "utf-8", meta=tuple(meta))
    pm = PolicyMeta("t", None, issued, [], "130700", None, None)
    v = read_validity(source, pm, ManifestEntry("x.txt", "张家口", **entry))
    for d in v.dates:
        if d.span is not None:
            assert text[d.span.start : d.span.end] == d.span.quote
    return {d.kind: (d.date, d.origin, d.span.quote if d.span else None) for d in v.dates} | {
        "status": v.stated_status}


def test_dates_stated_in_the_text():
    got = _read("……。本方案自印发之日起施行，有效期至2025年12月31日。")
    assert got["valid-from"] == ("2022-03-15", "text", "自印发之日起施行")
    assert got["valid-until"] == ("2025-12-31", "text", "有效期至2025年12月31日")
    got = _read("本办法自2023年1月1日起施行，有效期5年。")
    assert got["valid-from"][0] == "2023-01-01" and got["valid-until"][0] == "2027-12-31"
    assert _read("本意见自印发之日起施行，有效期三年。")["valid-until"][0] == "2025-03-14"
    assert _read("有效期至2024年底。")["valid-until"][0] == "2024-12-31"
    # 发布 is the page's publication date when it has one, else the date of issue
    got = _read("本办法自发布之日起施行。", meta=[("发布日期", "2022-03-20")])
    assert got["valid-from"][0] == "2022-03-20" and got["published"][:2] == ("2022-03-20", "meta")
    assert _read("本办法自发布之日起施行。")["valid-from"][0] == "2022-03-15"
    assert _read("加快科技创新。", issued=None) == {"status": None}


def test_portal_fields_and_the_manifest():
    got = _read("……", meta=[("有效性", "已废止"), ("废止日期", "2024-06-30")])
    assert got["status"] == "REPEALED" and got["repealed"][:2] == ("2024-06-30", "meta")
    assert _read("……", meta=[("有效性", "现行有效")])["status"] == "IN_FORCE"
    got = _read("有效期至2025年12月31日。", valid_until="2026-06-30", status="in_force")
    assert got["valid-until"][:2] == ("2026-06-30", "manifest") and got["status"] == "IN_FORCE"


def test_the_manifest_accepts_the_validity_keys():
    m = parse_manifest('[[document]]\nfile = "a.txt"\ncity = "许昌"\nvalid_from = 2023-01-01\n'
                       'valid_until = "2025-12-31"\nstatus = "有效"\n')
    assert not m.problems
    e = m.entries[0]
    assert (e.valid_from, e.valid_until, e.status) == ("2023-01-01", "2025-12-31", "有效")


@pytest.mark.parametrize("dates, on, status", [
    (ValidityDates(valid_from="2022-03-15", valid_until="2025-12-31"), "2024-01-01", "IN_FORCE"),
    (ValidityDates(valid_from="2022-03-15", valid_until="2025-12-31"), "2026-01-01", "EXPIRED"),
    (ValidityDates(valid_from="2022-03-15", valid_until="2025-12-31"), "2022-01-01", "UNKNOWN"),
    (ValidityDates(valid_from="2022-06-28", repealed="2024-06-30", stated_status="REPEALED"), "2023-01-01", "IN_FORCE"),
    (ValidityDates(valid_from="2022-06-28", repealed="2024-06-30", stated_status="REPEALED"), "2024-06-30", "REPEALED"),
    (ValidityDates(stated_status="REPEALED"), "2020-01-01", "REPEALED"),
    (ValidityDates(stated_status="IN_FORCE"), "2020-01-01", "IN_FORCE"),
    (ValidityDates(), "2020-01-01", "UNKNOWN"),
    ({"valid_until": "2021-12-31"}, dt.date(2022, 1, 1), "EXPIRED"),
])
def test_policy_status_on_a_day(dates, on, status):
    assert policy_status(dates, on=on) == status


def test_the_corpus_documents_dates_and_status_in_the_graph(toolkit_corpus):
    quads = toolkit_corpus.quads
    zjk = policy_iri("zhangjiakou-2022-plan.txt")
    assert (zjk, _pk("validUntil"), Literal("2025-12-31", datatype=XSD.date)) in {q[:3] for q in quads}
    assert (zjk, _pk("validFrom"), Literal("2022-03-15", datatype=XSD.date)) in {q[:3] for q in quads}
    hebei = policy_iri("hebei-2021-opinions.txt")
    assert (hebei, _pk("validUntil"), Literal("2026-07-08", datatype=XSD.date)) in {q[:3] for q in quads}
    xl = policy_iri("xinglong-2022-plan.html")
    assert (xl, _pk("statedStatus"), _pk("REPEALED")) in {q[:3] for q in quads}
    statements = [s for s, p, o, g in quads if p == _pk("dateKind") and str(o) == "valid-until"]
    assert len(statements) == 2


def test_status_from_the_built_dataset(toolkit_corpus):
    import pyoxigraph as ox

    from graph.build import serialize_trig

    store = ox.Store()
    store.load(serialize_trig(toolkit_corpus).encode("utf-8"), format=ox.RdfFormat.TRIG)
    v = validity_from_store(store)
    zjk, xl = str(policy_iri("zhangjiakou-2022-plan.txt")), str(policy_iri("xinglong-2022-plan.html"))
    assert policy_status(v[zjk], on="2024-05-01") == "IN_FORCE"
    assert policy_status(v[zjk], on="2026-01-01") == "EXPIRED"
    assert policy_status(v[xl], on="2025-01-01") == "REPEALED"
    assert str(policy_iri("chengde-2021-plan.txt")) not in v  # states nothing: UNKNOWN


def test_levels_of_the_issuing_government(toolkit_corpus):
    by = {f.source.name: f for f in toolkit_corpus.facts}
    levels = {n: policy_level(f, toolkit_corpus.cities[f.meta.city_code]) for n, f in by.items()}
    assert levels["hebei-2021-opinions.txt"] == "PROVINCE"
    assert levels["chengde-2021-plan.txt"] == "PREFECTURE"
    assert levels["xinglong-2022-plan.html"] == "COUNTY"
    for name in ("国务院", "国务院办公厅", "科学技术部", "财政部", "中共中央办公厅"):
        assert is_national_body(name), name
    for name in ("河北省人民政府", "许昌市科学技术局", "市财政局"):
        assert not is_national_body(name), name
    quads = {q[:3] for q in toolkit_corpus.quads}
    assert (policy_iri("xinglong-2022-plan.html"), _pk("level"), _pk("COUNTY")) in quads


def test_a_policy_issued_by_a_national_body_is_national(toolkit_corpus):
    import copy

    from graph.model import OrgMention
    from graph.orgs import OrgResolver
    from graph.schemes import load_schemes

    g = default_gazetteer()
    beijing = g.resolve("北京")
    resolver = OrgResolver(load_schemes(), g)
    f = copy.deepcopy(next(f for f in toolkit_corpus.facts if f.source.name == "hebei-2021-opinions.txt"))
    span = f.meta.issuers[0].span
    f.meta.issuers = [OrgMention(resolver.resolve("国务院办公厅", beijing), "国务院办公厅", span)]
    assert policy_level(f, beijing) == "NATIONAL"
    f.meta.issuers = [OrgMention(resolver.resolve("北京市人民政府", beijing), "北京市人民政府", span)]
    assert policy_level(f, beijing) == "PROVINCE"


def test_the_implementation_chain_runs_province_prefecture_county(toolkit_corpus):
    chain = {(i.citing, i.cited) for i in implementations(toolkit_corpus.facts, default_gazetteer())}
    assert chain == {
        ("chengde-2021-plan.txt", "hebei-2021-opinions.txt"),
        ("zhangjiakou-2022-plan.txt", "hebei-2021-opinions.txt"),
        ("xinglong-2022-plan.html", "chengde-2021-plan.txt"),
    }
    quads = {q[:3] for q in toolkit_corpus.quads}
    chengde, hebei = policy_iri("chengde-2021-plan.txt"), policy_iri("hebei-2021-opinions.txt")
    assert (chengde, _pk("implements"), hebei) in quads and (hebei, _pk("implementedBy"), chengde) in quads
    # 许昌 cites 豫政〔2019〕4号, which is not in the corpus: no link
    assert not [q for q in quads if q[0] == policy_iri("xuchang-2020-plan.txt") and q[1] == _pk("implements")]


def test_a_citation_of_another_jurisdictions_policy_is_not_implementation(toolkit_corpus):
    import copy

    facts = copy.deepcopy(toolkit_corpus.facts)
    hebei = next(f for f in facts if f.source.name == "hebei-2021-opinions.txt")
    hebei.meta.city_code = "410000"  # as if 河南 had issued it: 承德 is not within 河南
    chain = {(i.citing, i.cited) for i in implementations(facts, default_gazetteer())}
    assert ("chengde-2021-plan.txt", "hebei-2021-opinions.txt") not in chain
