"""Research analytics (issue 7) as plain Python, on the bundled seeds.

The insights package is called the way a notebook calls it: a GraphState
from ``load_graph()``, no server. Quotes and spans are checked against the
source texts themselves.
"""

from __future__ import annotations

import csv
import io

import pytest

from graph.paths import RAW_DIR
from graph.textio import read_document
from service.errors import QueryError
from service.insights import citations, dashboards, diffusion, matrix, search
from service.lifecycle.loading import load_graph

FOUR = ["许昌市", "常州市", "承德市", "漯河市"]


@pytest.fixture(scope="module")
def g():
    return load_graph()


def source_text(name: str) -> str:
    return read_document(RAW_DIR / name, name).text


# -- diffusion -------------------------------------------------------------------------------------


def test_open_challenge_diffuses_to_all_four_cities_in_issuing_order(g):
    d = diffusion.diffusion(g, "揭榜挂帅")
    assert [a.city_name for a in d.adoptions] == ["许昌市", "常州市", "承德市", "漯河市"]
    first = d.first_adopter
    assert (first.city_name, first.date, first.lag_days) == ("许昌市", "2020-04-24", 0)
    dates = [a.date for a in d.adoptions]
    assert dates == sorted(dates)
    lags = [a.lag_days for a in d.adoptions]
    assert lags == sorted(lags) and lags[1] == 292  # 2020-04-24 → 2021-02-10 (常州)
    assert g.index.policies[first.policy_iri].doc_number == "许政〔2020〕18号"
    assert not d.single_province and d.top_province == "河南省" and d.top_province_share == 0.5
    ix = g.index
    for a in d.adoptions:  # its measures, read from the index when asked: the city's, of the type, counted
        ms = a.measure_iris(ix)
        assert len(ms) == a.measure_count > 0
        assert all(ix.measures[m].city_iri == a.city_iri and m in ix.measures_by_concept[d.measure_type.iri]
                   for m in ms)
        assert a.policy_iri in {ix.measures[m].policy_iri for m in ms}


def test_same_type_by_iri_prefixed_id_and_label(g):
    by_label = diffusion.diffusion(g, "揭榜挂帅")
    assert diffusion.diffusion(g, "mt:open-challenge") == by_label
    assert diffusion.diffusion(g, by_label.measure_type.iri) == by_label
    assert diffusion.diffusion(g, "no such type") is None


def test_henan_only_pattern_for_the_shibaiqian_programme(g):
    d = diffusion.diffusion(g, "mt:henan-transformation-projects")
    assert [a.city_name for a in d.adoptions] == ["许昌市", "漯河市"]
    assert {a.province for a in d.adoptions} == {"河南省"}
    assert d.single_province and d.top_province == "河南省" and d.top_province_share == 1.0
    assert d.province_lift == 2.0  # 2 of the corpus's 4 cities are in 河南
    bound = {x.measure_type.id for x in diffusion.diffusions(g, min_cities=2, single_province=True)}
    assert "henan-transformation-projects" in bound
    assert "open-challenge" not in bound


def test_an_annex_takes_the_date_of_its_main_document(g):
    from service.insights.common import policy_dates

    dates = policy_dates(g)
    assert dates["https://w3id.org/policykg/id/policy/xuchang-2020-plan-annex-tasks"] == "2020-04-24"


# -- citations ---------------------------------------------------------------------------------------


def test_xuchang_plan_cites_the_henan_provincial_opinion(g):
    net = citations.citation_network(g)
    edges = net.cites("policy/xuchang-2020-plan")
    cited = {net.nodes[e.cited_iri].doc_number: e for e in edges}
    assert "豫政〔2019〕4号" in cited
    e = cited["豫政〔2019〕4号"]
    node = net.nodes[e.cited_iri]
    assert node.stub and node.title == "河南省人民政府关于实施创新驱动提速增效工程的意见"
    assert (node.level, node.province) == ("PROVINCIAL", "河南省")
    text = source_text(e.source.document)
    assert text[e.source.start:e.source.end] == e.source.quote
    assert "豫政〔2019〕4号" in e.source.quote or "豫政[2019]4号" in e.source.quote.replace("〔", "[").replace("〕", "]")
    assert [net.nodes[x.citing_iri].id for x in net.cited_by(e.cited_iri)] == ["policy/xuchang-2020-plan"]


def test_every_citation_quote_is_the_source_text(g):
    net = citations.citation_network(g)
    assert len(net.edges) >= 10
    for e in net.edges:
        assert e.source is not None
        assert source_text(e.source.document)[e.source.start:e.source.end] == e.source.quote


def test_levels_of_cited_policies(g):
    net = citations.citation_network(g)
    by_number = {n.doc_number: n for n in net.nodes.values() if n.doc_number}
    assert by_number["冀办〔2021〕18号"].level == "PROVINCIAL"
    assert by_number["冀办〔2021〕18号"].province == "河北省"
    assert by_number["漯发〔2016〕27号"].level == "MUNICIPAL"
    provincial = citations.citation_network(g).find(level="PROVINCIAL")
    assert {n.province for n in provincial} == {"河南省", "河北省"}
    # a city's sub-network only has the citations its policies make
    luohe = citations.citation_network(g, "漯河")
    assert luohe.edges and all(luohe.nodes[e.citing_iri].city_iri.endswith("/411100") for e in luohe.edges)


# -- responsibility matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("city", ["许昌", "承德"])
def test_science_bureau_leads_enterprise_cultivation(g, city):
    m = matrix.responsibility_matrix(g, city=city, families=True)
    leader = m.leader("mt:family-enterprise")
    assert leader.department_type.label == "科技局"
    assert leader.department_type.id == "science-technology"
    cell = m.cell("science-technology", "family-enterprise")
    assert cell["total"] == leader.total > 0


def test_matrix_counts_agree_with_the_index(g):
    ix = g.index
    fam = "https://w3id.org/policykg/scheme/measure-type/family-enterprise"
    typed = set(ix.measures_by_concept[fam])
    for basis in ("EXPLICIT", None):  # the default, and both bases
        m = matrix.responsibility_matrix(g, basis=basis)  # across cities, every type
        expected = set()
        for r in ix.responsibilities.values():
            o = ix.organizations[r.organization_iri]
            if r.measure_iri in typed and r.role == "LEAD" and o.department_type and o.department_type.endswith(
                    "/science-technology") and basis in (None, r.basis):
                expected.add(r.measure_iri)
        assert m.cell("science-technology", "family-enterprise")["lead"] == len(expected)
    assert matrix.responsibility_matrix(g).basis == "EXPLICIT"
    m = matrix.responsibility_matrix(g)
    # columns are the union of both views
    assert {h.id for h in matrix.responsibility_matrix(g, families=True).measure_types} <= {
        h.id for h in m.measure_types}


def test_leaders_and_reverse_view(g):
    explicit = matrix.leaders(g, "科技金融与财税支持", basis="EXPLICIT")
    # 承德's finance measures (科技贷, 增信基金, tax relief) name 市科技局 more often than 市财政局
    assert {c.city_name: c.leader.department_type.label for c in explicit.cities} == {
        "承德市": "科技局", "许昌市": "财政局"}
    assert not explicit.same_everywhere
    profile = matrix.department_profile(g, "财政局")
    assert profile.department_type.id == "finance"
    assert profile.rows and profile.rows[0].total >= profile.rows[-1].total
    assert {g.index.organizations[o].name for o in profile.organization_iris} == {"许昌市财政局", "承德市财政局"}
    assert matrix.department_profile(g, "no such department") is None
    assert matrix.responsibility_matrix(g, city="nowhere") is None


# -- dashboards -------------------------------------------------------------------------------------


def test_city_measure_type_matrix_is_the_index_counts(g):
    ix = g.index
    m = dashboards.city_measure_types(g)
    assert [r.label for r in m.rows] == sorted(FOUR, key=lambda n: next(
        c.admin_code for c in ix.cities.values() if c.name == n))
    j = [c.id for c in m.columns].index("open-challenge")
    assert all(row[j] >= 1 for row in m.cells)  # 揭榜挂帅 in all four
    for i, city in enumerate(ix.cities):
        assert m.cells[i][j] == len(ix.type_city_measures[m.columns[j].iri][city])
    fam = dashboards.city_measure_types(g, families=True)
    assert all(ix.concepts[c.iri].broader_iri is None for c in fam.columns)
    rows = list(csv.reader(io.StringIO(fam.to_csv())))
    assert rows[0][:2] == ["city", "city_id"] and len(rows) == 5
    assert [int(x) for x in rows[1][2:-1]] == fam.cells[0]


def test_city_industry_matrix(g):
    m = dashboards.city_industries(g, families=True)
    assert len(m.rows) == 4 and m.columns
    assert all(len(r) == len(m.columns) for r in m.cells)
    sub = dashboards.city_industries(g, cities=["许昌", "漯河"])
    assert [r.label for r in sub.rows] == ["许昌市", "漯河市"]


def test_units_are_normalized():
    assert dashboards.normalize_unit(5000.0, "万元") == (0.5, "亿元")
    assert dashboards.normalize_unit(3.0, "亿元") == (3.0, "亿元")
    assert dashboards.normalize_unit(2.0, "万人") == (20000.0, "人")
    assert dashboards.normalize_unit(20.0, "名") == (20.0, "人")
    assert dashboards.normalize_unit(2.1, "%") == (2.1, "%")
    assert dashboards.normalize_unit(10.0, "家") == (10.0, "家")
    assert dashboards.normalize_unit(7.0, "座") == (7.0, "座")


def test_targets_by_indicator_across_cities(g):
    rows = dashboards.target_comparison(g, indicator="高新技术企业数量")
    assert len(rows) == 1 and rows[0].unit == "家"
    got = {c.city_name: (c.value, c.year) for c in rows[0].cells}
    assert got == {"承德市": (300.0, 2025), "常州市": (5000.0, 2025), "许昌市": (500.0, 2022),
                   "漯河市": (150.0, 2025)}
    money = [r for r in dashboards.target_comparison(g) if r.unit == "亿元"]
    assert money and all(c.unit == "亿元" for r in money for c in r.cells)
    # a target written in 万元 is compared in 亿元
    for r in dashboards.target_comparison(g):
        for c in r.cells:
            if c.original_unit == "万元":
                assert c.unit == "亿元" and c.value == pytest.approx(c.original_value / 1e4)


def test_workload_ranking(g):
    rows = dashboards.workload(g, kind="GOVERNMENT_DEPARTMENT")
    assert rows[0].name == "许昌市科学技术局" and rows[0].rank == 1
    assert rows[0].lead == 43  # EXPLICIT only by default
    assert dashboards.workload(g, kind="GOVERNMENT_DEPARTMENT", basis=None)[0].lead == 60
    keys = [(r.lead_or_responsible, r.lead, r.measures) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert all(r.kind == "GOVERNMENT_DEPARTMENT" for r in rows)
    chengde = dashboards.workload(g, city="承德", first=1)
    assert [r.name for r in chengde] == ["承德市科学技术局"]
    assert not any(r.kind == "COLLECTIVE" for r in dashboards.workload(g))
    finance = dashboards.workload(g, department_type="财政局")
    assert {r.name for r in finance} == {"许昌市财政局", "承德市财政局"}


# -- search -------------------------------------------------------------------------------------------


def test_sqlite_has_fts5_trigram():
    assert search.trigram_available()


def test_search_finds_sci_tech_commissioners_in_xuchang_and_luohe(g):
    r = search.search(g, "科技特派员")
    assert r.mode == "fts5"
    measures = [h for h in r.hits if h.kind == "MEASURE"]
    cities = {g.index.cities[h.city_iri].short for h in measures}
    assert cities == {"许昌", "漯河"}
    scores = [h.score for h in r.hits]
    assert scores == sorted(scores, reverse=True)
    for h in measures:
        assert "<mark>科技特派员</mark>" in h.snippet
        assert h.matches
        for s in h.matches:
            assert s.quote == "科技特派员"
            assert source_text(s.document)[s.start:s.end] == s.quote


def test_search_filters(g):
    luohe = search.search(g, "科技特派员", city="漯河")
    assert luohe.hits and {g.index.cities[h.city_iri].short for h in luohe.hits} == {"漯河"}
    typed = search.search(g, "科技特派员", measure_type="mt:sci-tech-commissioner")
    assert typed.hits and all(h.kind == "MEASURE" for h in typed.hits)
    assert all(h.iri in g.index.measures_by_concept[
        "https://w3id.org/policykg/scheme/measure-type/sci-tech-commissioner"] for h in typed.hits)
    org = search.search(g, "高新技术企业", organization="市科技局", city="许昌")
    led = set(g.index.measures_by_org[g.queries.names.organization("市科技局", g.queries.names.city("许昌")).iri])
    assert org.hits and all(h.iri in led for h in org.hits)
    assert search.search(g, "科技特派员", city="nowhere").total == 0
    assert search.search(g, "科技特派员", organization="no such body").total == 0
    # policies known only as citations (下一篇 page links are not citations)
    assert not search.search(g, "科技特派员", kind="CITED_POLICY").hits
    stubs = search.search(g, "科技强省", kind="CITED_POLICY")
    assert [h.title for h in stubs.hits] == ["关于加快实施<mark>科技强省</mark>行动的实施意见"]


def test_short_terms_fall_back_to_a_scan(g):
    r = search.search(g, "揭榜")  # two characters: no trigram
    assert r.mode == "scan"
    assert {g.index.cities[h.city_iri].short for h in r.hits if h.city_iri} == {"许昌", "常州", "承德", "漯河"}
    assert all("<mark>揭榜</mark>" in h.snippet for h in r.hits)
    both = search.search(g, "科技特派员 服务队")  # a long term found by the index, filtered by the other
    assert both.mode == "fts5" and both.hits
    assert all("服务队" in g.index.measures[h.iri].text for h in both.hits if h.kind == "MEASURE")
    assert search.search(g, "5g").total == search.search(g, "5G").total > 0  # ASCII case folded


def test_a_section_is_found_by_its_own_words_not_its_subsections(g):
    r = search.search(g, "科技特派员", city="漯河", first=50)
    codes = {g.index.measures[h.iri].code for h in r.hits}
    assert "四.(七).三是" in codes  # the subsection that says it
    assert "四.(七)" not in codes and "四" not in codes  # the sections that only contain it
    # a section's own words still find it: its heading
    heading = search.search(g, "强化乡村振兴的科技支撑", city="漯河")
    assert g.index.measures[heading.hits[0].iri].code == "四.(七).三是"


def test_search_refuses_empty_and_overlong_text(g):
    with pytest.raises(QueryError):
        search.search(g, "   ")
    with pytest.raises(QueryError):
        search.search(g, "科" * 201)
    # FTS5 syntax in the text is searched for, not interpreted
    assert search.search(g, 'AND OR "NEAR(').total == 0
