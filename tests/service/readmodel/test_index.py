"""The index, name resolution and pagination, in process (no server).

These are what a notebook calls: ``Queries(load_index(store))``.
"""

from __future__ import annotations

import pytest

from graph.paths import DATASET_PATH
from service.errors import QueryError
from service.readmodel.index import load_index
from service.lifecycle.loading import ensure_dataset
from service.readmodel.names import key
from service.gql.connections import MAX_FIRST, decode_cursor, encode_cursor, paginate
from service.readmodel.queries import Queries
from service.store.embedded import OxigraphStore


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    ensure_dataset()
    return OxigraphStore.from_file(DATASET_PATH)


@pytest.fixture(scope="module")
def queries(store) -> Queries:
    return Queries(load_index(store))


def test_the_index_reads_the_graph_in_a_fixed_number_of_queries(store):
    before = store.round_trips
    ix = load_index(store)
    assert ix.load_round_trips == store.round_trips - before <= 19  # one SELECT per kind of node or relation
    assert ix.triple_count == store.triple_count() > 0
    assert len(ix.cities) == 4 and len(ix.policies) == 5
    # every relation points at something the index holds
    for r in ix.responsibilities.values():
        assert r.measure_iri in ix.measures and r.organization_iri in ix.organizations
    for m in ix.measures.values():
        assert m.policy_iri in ix.policies and m.city_iri in ix.cities


def test_answering_runs_no_sparql(store, queries):
    before = store.round_trips
    queries.responsibilities(city="许昌", organization="市工信局", role="LEAD")
    queries.shared_measures(["许昌", "常州", "承德", "漯河"])
    queries.measures(text="5G", industry="下一代信息网络产业")
    assert store.round_trips == before


def test_key_ignores_width_case_and_spaces():
    assert key("ＸＵＣＨＡＮＧ ") == key("xuchang") == "xuchang"
    assert key("市 科技局") == key("市科技局")
    assert key("各县（市、区）") == key("各县(市、区)")


def test_a_name_within_a_city_means_what_it_means_anywhere_filtered_to_that_city(queries):
    # the per-city table (names.py) must agree with filtering every match by city
    names = queries.names
    for k in list(names._orgs):
        everywhere = names.organizations(k)
        for city in queries.ix.cities.values():
            expected = [o for o in everywhere if o.city_iri == city.iri or city.iri in o.city_iris]
            assert names.organizations(k, city) == expected, (k, city.name)


def test_names_resolve_every_written_form(queries):
    names = queries.names
    assert {names.city(n).admin_code for n in ("许昌", "许昌市", "XUCHANG", "411000", "city/411000")} == {"411000"}
    assert names.city("Atlantis") is None
    xuchang = names.city("许昌")
    assert names.organization("市科技局", xuchang).name == "许昌市科学技术局"
    assert names.organization("许昌市科学技术局").name == "许昌市科学技术局"
    assert names.organization("许昌市科技局").name == "许昌市科学技术局"  # city prefix + an alias
    many = names.organizations("市科技局")
    assert len(many) >= 2 and len({o.city_iri for o in many}) == len(many)
    # without a city: a national body if one has the name, else the first city by code
    assert names.organization("市科技局").city_iri == min(
        (o.city_iri for o in many), key=lambda c: queries.ix.cities[c].admin_code)
    assert names.organization("中科院").name == "中国科学院"
    mt = names.measure_type("揭榜挂帅")
    assert mt is not None and names.measure_type(mt.id) is mt and names.measure_type(mt.label_en.upper()) is mt
    assert names.measure_type(mt.iri) is mt and names.industry("揭榜挂帅") is None


def test_shared_measures_come_from_the_precomputed_map(queries):
    shared = queries.shared_measures(["许昌", "常州", "承德", "漯河"], 4)
    ix = queries.ix
    for s in shared:
        assert len(s.city_iris) == 4
        evidence = s.measure_iris(ix)
        assert {ix.measures[m].city_iri for m in evidence} == set(s.city_iris)
        assert len(evidence) == s.measure_count == sum(len(ix.type_city_measures[s.measure_type.iri][c])
                                                       for c in s.city_iris)
    assert queries.shared_measures(["许昌", "常州", "承德", "漯河"], 4) is shared  # cached
    assert queries.shared_measures(["许昌"], 2) == []


def test_cursors_round_trip_and_refuse_garbage():
    assert decode_cursor("measure", encode_cursor("measure", 41)) == 41
    for bad in ("", "abc", "!!!!", encode_cursor("organization", 3)):
        with pytest.raises(QueryError):
            decode_cursor("measure", bad)


def test_paginate_pages_cover_the_list_once():
    items = list(range(23))
    seen, after = [], None
    while True:
        page = paginate(items, "x", 5, after, 50)
        assert page.total_count == 23
        seen += page.items
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == items
    assert paginate(items, "x", 0, None, 50).items == []
    assert paginate(items, "x", None, None, 10).items == items[:10]
    with pytest.raises(QueryError, match="at most"):
        paginate(items, "x", MAX_FIRST + 1, None, 50)
    with pytest.raises(QueryError, match="0 or more"):
        paginate(items, "x", -1, None, 50)


def test_a_clause_lists_its_units_in_written_order(queries):
    ix = queries.ix
    (m,) = [m for m in ix.measures.values() if m.code == "三.(二).6" and "chengde" in m.iri]
    names = [ix.organizations[ix.responsibilities[r].organization_iri].name for r in ix.resp_by_measure[m.iri]]
    assert names[:4] == ["承德市科学技术局", "承德市发展和改革委员会", "承德市工业和信息化局", "承德市旅游和文化广电局"]
    assert names[-1] == "承德市御道口牧场管理区管理委员会"


def test_an_organization_lists_its_parts(queries):
    ix = queries.ix
    bupt = queries.names.organization("北京邮电大学")
    assert [ix.organizations[p].name for p in bupt.part_iris] == ["北京邮电大学国家网络交换重点实验室许昌基地"]
    for o in ix.organizations.values():
        for p in o.part_iris:  # a part's parent is the body that lists it, and a part is named in a document
            assert ix.organizations[p].parent_iri == o.iri and p not in ix.registry_only


class _CountingStore(OxigraphStore):
    """Counts the solutions the index's SELECTs return."""

    rows = 0

    def query(self, sparql, **kwargs):
        for row in super().query(sparql, **kwargs):
            self.rows += 1
            yield row


def test_a_node_written_into_many_graphs_is_read_once_per_graph():
    # A span quoted by text reuse (the same 总体要求 in 72 documents' graphs), a province every city's
    # document names: the same node's triples in many named graphs. Joined over the union of the
    # graphs, each property multiplied the solutions by the number of graphs (30 synthetic cities:
    # minutes; 300: never); joined within a graph, the solutions are at most the quads.
    graphs = 12
    pk = "https://w3id.org/policykg/ontology#"
    node = (f'<urn:m:1> a <{pk}Measure> ; <{pk}code> "(1)" ; <http://data.europa.eu/eli/ontology#is_part_of> '
            f'<urn:p:1> ; <http://purl.org/dc/terms/title> "t" ; <{pk}order> 1 .')
    trig = "\n".join(f"<urn:g:{i}> {{ {node} }}" for i in range(graphs))
    store = _CountingStore.from_bytes(trig.encode())
    ix = load_index(store)
    assert store.rows <= store.triple_count()  # 12 ** 4 before
    assert ix.triple_count == 5 * graphs and list(ix.measures) == ["urn:m:1"]


_TABLE_DIGEST = """
import hashlib
from graph.paths import DATASET_PATH
from service.readmodel.index import load_index
from service.store.embedded import OxigraphStore
ix = load_index(OxigraphStore.from_file(DATASET_PATH))
print(sum(1 for o in ix.organizations.values() if len({o.city_iri, *o.city_iris} - {None}) > 1))
for table in (ix.org_names, ix.org_names_in_city, ix.by_id, ix.measures, ix.responsibilities):
    print(hashlib.sha256(repr(list(table.items())).encode()).hexdigest())
"""


def test_the_index_orders_its_tables_the_same_whatever_the_string_hashing():
    """The index file is written in the tables' order: none may come from a set's iteration, which changes
    with each process's string hashing (a body named in two cities had its per-city names in either order)."""
    import os
    import subprocess
    import sys

    ensure_dataset()
    out = {subprocess.run([sys.executable, "-c", _TABLE_DIGEST], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ("1", "2", "3")}
    assert len(out) == 1, out
    assert int(out.pop().split()[0]) > 1  # bodies named in several cities: what the order was about
