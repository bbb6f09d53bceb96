"""Network analytics (graph/network/analytics.py), in process and over GraphQL."""

from __future__ import annotations

import pytest

from graph.network import DatasetStore, Names, analyze, read_corpus
from service.lifecycle.loading import ensure_dataset
from service_fixtures import data_of, gql

XUCHANG = "https://w3id.org/policykg/id/city/411000"


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(DatasetStore.open(ensure_dataset()))


@pytest.fixture(scope="module")
def analytics(corpus):
    return analyze(corpus)


def test_workload_counts_explicit_responsibilities_by_role_unless_asked(corpus, analytics):
    keju = Names(corpus).organizations("市科技局", XUCHANG)[0]
    w = analytics.workload[keju]
    assert (w.lead, w.responsible, w.cooperating) == (43, 1, 0)  # named for the measure
    every = analyze(corpus, inherited=True).workload[keju]
    assert (every.lead, every.responsible, every.cooperating) == (60, 2, 0)  # and carried down to sub-measures
    assert (w.explicit, w.inherited) == (every.explicit, every.inherited)  # by basis: always both
    assert w.measures <= w.lead + w.responsible + w.cooperating
    assert every.explicit + every.inherited >= every.measures
    # every responsibility in scope is counted once per (organization, measure, role)
    for scoped, inherited in ((analytics, False), (analyze(corpus, inherited=True), True)):
        pairs = {(r.organization_iri, r.measure_iri, r.role) for r in corpus.responsibilities
                 if inherited or r.basis == "EXPLICIT"}
        assert sum(x.lead + x.responsible + x.cooperating for x in scoped.workload.values()) == len(pairs)


def test_an_issuer_inherited_everywhere_does_not_top_the_explicit_ranking(corpus, analytics):
    """漯河's plan names no unit for any measure: its 人民政府 only inherits them, as the issuer.
    Counted, it would top 漯河's network; the default ranking holds only bodies named for a measure."""
    luohe = next(c for c, city in corpus.cities.items() if city.name == "漯河市")
    every = analyze(corpus, inherited=True)
    assert corpus.organizations[every.ranking[luohe][0].organization_iri].name == "漯河市人民政府"
    for city in corpus.cities:
        named = {r.organization_iri for r in corpus.responsibilities
                 if r.basis == "EXPLICIT" and corpus.measures[r.measure_iri].city_iri == city}
        assert {e.organization_iri for e in analytics.ranking[city]} <= named
    assert analytics.ranking[luohe] == []


def test_centrality_ranks_each_city_network(corpus, analytics):
    ranking = analytics.ranking[XUCHANG]
    assert [e.rank for e in ranking] == list(range(1, len(ranking) + 1))
    assert corpus.organizations[ranking[0].organization_iri].name == "许昌市科学技术局"
    assert ranking[0].strength >= ranking[1].strength
    for city, entries in analytics.ranking.items():
        assert all(e.city_iri == city and e.of == len(entries) for e in entries)


def test_communities_partition_each_city_network(analytics):
    for city, groups in analytics.communities.items():
        members = [o for c in groups for o in c.organization_iris]
        assert sorted(members) == sorted(e.organization_iri for e in analytics.ranking[city])
        assert [len(c.organization_iris) for c in groups] == sorted((len(c.organization_iris) for c in groups),
                                                                    reverse=True)
    assert len(analytics.communities[XUCHANG]) >= 2


def test_similar_cities_come_with_the_shared_types(corpus, analytics):
    similar = analytics.similar[XUCHANG]
    assert len(similar) == 3 and XUCHANG not in {s.other_iri for s in similar}
    assert [s.shared for s in similar] == sorted((s.shared for s in similar), reverse=True)
    for s in similar:
        assert s.shared == len(s.measure_type_iris) > 0
        mine = {t for m in corpus.measures.values() if m.city_iri == XUCHANG for t in m.measure_types}
        theirs = {t for m in corpus.measures.values() if m.city_iri == s.other_iri for t in m.measure_types}
        assert set(s.measure_type_iris) == mine & theirs


def test_similar_cities_are_made_per_city_when_asked(corpus, analytics):
    """Each city's list is made from the cities' measure-type sets when asked, not every pair ahead (quadratic
    in the cities); it is what the pairs give: Jaccard of the sets, ordered by shared, Jaccard, city code."""
    similar = analytics.similar
    assert list(similar) == list(corpus.cities) and len(similar) == 4
    types = {c: {t for m in corpus.measures.values() if m.city_iri == c for t in m.measure_types}
             for c in corpus.cities}
    for a in corpus.cities:
        got = [(s.other_iri, s.shared, s.jaccard) for s in similar[a]]
        want = sorted(((b, len(types[a] & types[b]), round(len(types[a] & types[b]) / len(types[a] | types[b]), 6))
                       for b in corpus.cities if b != a), key=lambda x: (-x[1], -x[2], corpus.city_code(x[0])))
        assert got == want
    assert similar.get("https://w3id.org/policykg/id/city/000000") is None
    with pytest.raises(KeyError):
        similar["https://w3id.org/policykg/id/city/000000"]


def test_analytics_are_deterministic(corpus, analytics):
    again = analyze(corpus)
    assert again.ranking == analytics.ranking and again.communities == analytics.communities


# -- over GraphQL ---------------------------------------------------------------------

ANALYTICS = """{
  organizationAnalytics(name: "市科技局", city: "许昌") {
    organization { name } workload { lead responsible cooperating measures }
    centrality { city { shortName } rank networkSize strength degree betweenness community } }
  centralOrganizations(city: "许昌", first: 3) { organization { name aliases } centrality { rank } }
  similarCities(city: "许昌", first: 2) { city { shortName } sharedCount jaccard sharedMeasureTypes { label } }
  organizationCommunities(city: "许昌") { index size city { shortName } organizations { name } }
}"""


def test_graphql_analytics(client):  # noqa: F811
    data = data_of(client, ANALYTICS)
    org = data["organizationAnalytics"]
    assert org["organization"]["name"] == "许昌市科学技术局"
    assert org["workload"]["lead"] == 43  # EXPLICIT only, unless asked
    every = data_of(client, '{ organizationAnalytics(name: "市科技局", city: "许昌", includeInherited: true) '
                            '{ workload { lead } } }')["organizationAnalytics"]
    assert every["workload"]["lead"] == 60
    assert org["centrality"][0]["rank"] == 1 and org["centrality"][0]["city"]["shortName"] == "许昌"
    top = data["centralOrganizations"]
    assert len(top) == 3 and "市科技局" in top[0]["organization"]["aliases"]
    sim = data["similarCities"]
    assert len(sim) == 2 and sim[0]["sharedCount"] >= sim[1]["sharedCount"]
    assert len(sim[0]["sharedMeasureTypes"]) == sim[0]["sharedCount"]
    groups = data["organizationCommunities"]
    assert sum(g["size"] for g in groups) == org["centrality"][0]["networkSize"]
    assert any(o["name"] == "许昌市科学技术局" for o in groups[org["centrality"][0]["community"]]["organizations"])


def test_graphql_analytics_are_computed_once_per_graph(client):  # noqa: F811
    data_of(client, ANALYTICS)  # computed here at the latest
    body = gql(client, ANALYTICS)
    assert not body.get("errors")
    assert body["extensions"]["roundTrips"]["store"] == 0  # answered from memory, no SPARQL per request


def test_graphql_analytics_of_unknown_names_are_errors(client):  # noqa: F811
    body = gql(client, """{ organizationAnalytics(name: "不存在", city: "许昌") { workload { lead } }
                            similarCities(city: "北京") { sharedCount } }""")
    assert body["data"] is None  # similarCities is a non-null list
    assert {e["path"][0]: e["message"] for e in body["errors"]} == {
        "organizationAnalytics": "no organization '不存在' in 许昌市 (argument `name`)",
        "similarCities": "no city '北京' (argument `city`)"}
    body = gql(client, '{ similarCities(city: "许昌", first: -1) { sharedCount } }')
    assert body["errors"] and "first" in body["errors"][0]["message"]
