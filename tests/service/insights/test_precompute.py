"""The analyses made with the index file: read instead of made, and the same answers as made."""

from __future__ import annotations

import pickle

import pytest

from graph.paths import DATASET_PATH
from service.insights import citations, dashboards, diffusion, matrix, search, tallies
from service.lifecycle import startup_cache
from service.lifecycle.loading import ensure_dataset, load_graph
from service.readmodel.index import load_index
from service.insights.kept_analytics import EntryMapping, KeptAnalytics
from service.insights.precompute import precompute
from service.readmodel.network import analytics_key, analytics_of
from service.readmodel.queries import Queries
from service.readmodel.state import GraphState
from service.store.embedded import OxigraphStore


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    ensure_dataset()
    mp = pytest.MonkeyPatch()
    mp.setenv("POLICYKG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mp.delenv("POLICYKG_CACHE", raising=False)
    try:
        load_graph(DATASET_PATH)  # makes the entry (and its precomputed analyses)
        g = load_graph(DATASET_PATH)  # read from it, as every later start is
        assert startup_cache.last_status == "hit"
        yield g
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def plain():
    store = OxigraphStore.from_file(DATASET_PATH)
    ix = load_index(store)
    return GraphState(store=store, index=ix, queries=Queries(ix), documents=ix.documents)


def test_the_analyses_are_kept_with_the_index_file(cached):
    kept = set(cached.precomputed)
    for key in ("tallies", "diffusion", "citations", "targets",
                "city_measure_types:False"):
        assert "insights." + key in kept, key
    assert "network.analytics:False" in kept  # centralOrganizations, organizationCommunities
    assert "network.analytics:True" in kept  # the same with includeInherited: true
    assert "insights.search" in kept  # the full-text index, its database serialized


def test_kept_analyses_answer_as_made_ones(cached, plain):
    assert dashboards.workload(cached) == dashboards.workload(plain)
    assert dashboards.workload(cached, city="许昌", basis=None) == dashboards.workload(plain, city="许昌", basis=None)
    assert matrix.responsibility_matrix(cached, city="许昌", families=True) == \
        matrix.responsibility_matrix(plain, city="许昌", families=True)
    assert diffusion.diffusions(cached) == diffusion.diffusions(plain)
    assert citations.citation_network(cached) == citations.citation_network(plain)
    assert dashboards.city_measure_types(cached) == dashboards.city_measure_types(plain)
    assert dashboards.city_policy_tools(cached) == dashboards.city_policy_tools(plain)
    assert analytics_of(cached) == analytics_of(plain)
    assert analytics_of(cached, True) == analytics_of(plain, True)
    for text in ("科技特派员", "揭榜挂帅 许昌", "高新技术企业"):
        assert search.search(cached, text).hits == search.search(plain, text).hits, text
    assert search.search(cached, "高新技术企业").hits


@pytest.mark.parametrize("query", [
    {"text": "科技特派员"}, {"text": "揭榜"}, {"text": "科技", "first": 500}, {"text": "5g"},
    {"text": "服务 科技特派员"}, {"text": "科技特派员", "city": "漯河"},
    {"text": "科技特派员", "measure_type": "mt:sci-tech-commissioner"},
    {"text": "高新技术企业", "organization": "市科技局", "city": "许昌"}, {"text": "科技强省", "kind": "CITED_POLICY"},
    {"text": "企业", "kind": "POLICY"}, {"text": "创新", "city": "常州", "first": 300},
])
def test_the_search_file_a_worker_opens_answers_as_one_in_memory(cached, plain, query):
    """The search index of an entry is a file of it that every worker opens read-only (no database in the
    kept pickle); its hits, scores, snippets and spans are those of a database made in memory."""
    kept = search.search_index(cached)
    assert kept.file == search.SEARCH_FILE and (cached.cache_entry / search.SEARCH_FILE).is_file()
    assert len(pickle.dumps(kept)) < 1024  # what the index file keeps: the file's name, not its database
    assert search.search_index(plain).file is None
    assert search.search(cached, **query) == search.search(plain, **query)


@pytest.mark.parametrize("query", [
    ("workload", {}), ("workload", {"city": "许昌", "basis": None}), ("workload", {"basis": "INHERITED", "first": 7}),
    ("workload", {"kind": "COLLECTIVE"}), ("workload", {"department_type": "科技局", "collectives": True}),
    ("matrix", {}), ("matrix", {"city": "常州", "families": True}), ("matrix", {"basis": None, "families": False}),
    ("leaders", {"measure_type": "科技金融与财税支持"}), ("leaders", {"measure_type": "揭榜挂帅", "basis": None}),
])
def test_the_tallies_file_a_worker_opens_answers_as_one_in_memory(cached, plain, query):
    """The tallies of an entry are a file of it (no database in the kept pickle); the ranking, matrices and
    leaders read from it are those of a database made in memory."""
    kept = tallies.tallies(cached)
    assert kept.file == tallies.TALLIES_FILE and (cached.cache_entry / tallies.TALLIES_FILE).is_file()
    assert len(pickle.dumps(kept)) < 1024
    assert tallies.tallies(plain).file is None
    name, args = query
    ask = {"workload": dashboards.workload, "matrix": matrix.responsibility_matrix, "leaders": matrix.leaders}[name]
    assert ask(cached, **args) == ask(plain, **args)


@pytest.mark.parametrize("inherited", [False, True])
def test_the_network_analytics_are_rows_of_a_file_read_a_key_at_a_time(cached, plain, inherited):
    """Kept as rows of a file of the entry: a worker decodes the organization or city it is asked about."""
    kept = cached.precomputed[analytics_key(inherited)]
    assert isinstance(kept, KeptAnalytics) and len(pickle.dumps(kept)) < 1024
    assert (cached.cache_entry / kept.file).is_file()
    a, made = kept.attach(cached), analytics_of(plain, inherited)  # fresh mappings, nothing decoded yet
    assert analytics_of(cached, inherited) == made
    assert isinstance(a.workload, EntryMapping) and not a.workload._recent
    org = next(iter(made.centrality))
    assert a.centrality[org] == made.centrality[org] and list(a.centrality._recent) == [org]
    assert a.workload.get("no such organization") is None and "no such city" not in a.ranking
    for name in ("workload", "centrality", "ranking", "communities"):
        assert list(getattr(a, name)) == list(getattr(made, name)) and len(getattr(a, name)) == len(getattr(made, name))
    city = next(iter(made.ranking))
    assert a.ranking[city] == made.ranking[city] and a.similar[city] == made.similar[city]


def test_the_diffusions_are_summaries_kept_and_adoptions_read_one_type_at_a_time(cached, plain):
    """The list of every type's diffusion decodes no adoption; a type's adoptions are one row of the entry's
    diffusion file, read when first used, and equal those made in memory."""
    kept = cached.precomputed["insights.diffusion"]
    assert isinstance(kept, diffusion.KeptDiffusions) and (cached.cache_entry / diffusion.DIFFUSION_FILE).is_file()
    assert all(d.adoptions == () for d in kept.summaries.values())  # the pickle: summaries, no adoption list
    made = diffusion.all_diffusions(plain)
    attached = kept.attach(cached)  # fresh mappings: nothing decoded yet
    listed = [(d.measure_type.id, d.city_count, d.span_days, d.single_province) for d in attached.values()]
    assert listed == [(d.measure_type.id, d.city_count, d.span_days, d.single_province) for d in made.values()]
    rows = next(iter(attached.values())).adoptions._rows
    assert isinstance(rows, EntryMapping) and not rows._recent
    iri = diffusion.diffusion(plain, "揭榜挂帅").measure_type.iri
    assert attached[iri].adoptions == made[iri].adoptions and list(rows._recent) == [iri]
    assert attached[iri].first_adopter == made[iri].adoptions[0] and len(attached[iri].adoptions) == 4
    assert attached[iri] == made[iri]
    assert diffusion.diffusion_csv(cached) == diffusion.diffusion_csv(plain)


def test_the_citation_network_is_rows_read_a_node_or_city_at_a_time(cached, plain):
    """Nodes, edges, the lookups by id and 文号, the cited nodes and each city's part are rows of the entry's
    citations file; what they answer equals the network made in memory, and nothing is decoded before asked."""
    kept = cached.precomputed["insights.citations"]
    assert isinstance(kept, citations.KeptCitations) and len(pickle.dumps(kept)) < 1024
    assert (cached.cache_entry / citations.CITATIONS_FILE).is_file()
    net, made = kept.attach(cached), citations.citation_network(plain)
    assert isinstance(net.nodes, EntryMapping) and not net.nodes._recent
    assert len(net.nodes) == len(made.nodes) and len(net.edges) == len(made.edges) > 0
    assert net.edges[0] == made.edges[0] and net.edges[-1] == made.edges[-1] and net.edges[1:3] == made.edges[1:3]
    with pytest.raises(IndexError):
        net.edges[len(made.edges)]
    stub = next(n for n in made.nodes.values() if n.stub and n.doc_number)
    for ident in (stub.iri, stub.id, stub.doc_number, "policy/xuchang-2020-plan", "no such policy"):
        assert net.node(ident) == made.node(ident), ident
        assert net.cites(ident) == made.cites(ident) and net.cited_by(ident) == made.cited_by(ident), ident
    for args in [(), ("科技",), (None, "PROVINCIAL"), (None, None, True), ("国发", None, None, False)]:
        assert net.find(*args) == made.find(*args), args
    for city in list(plain.index.cities) + [None, "no such city"]:
        assert net.subnetwork(city) == made.subnetwork(city), city
    assert net == made and citations.citations_csv(cached) == citations.citations_csv(plain)
    assert citations.citations_csv(cached, "漯河") == citations.citations_csv(plain, "漯河")


def test_the_analyses_files_are_read_not_mapped_and_the_index_file_is_mapped(cached):
    """A mapped page counts in a worker's RSS once touched: the analyses' files, whose queries touch scattered
    pages once, are read with pread; the index file, whose point lookups are the hot path, is mapped."""
    for db in (search.search_index(cached), tallies.tallies(cached), cached.precomputed["insights.citations"]):
        db.attach(cached)
        assert db.rows("PRAGMA mmap_size") == [(0,)], type(db).__name__
    index_file = next(t for t in vars(cached.index).values() if hasattr(t, "_file"))._file
    assert index_file.connection().execute("PRAGMA mmap_size").fetchone()[0] > 0


def test_a_kept_analysis_is_read_not_made(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("POLICYKG_CACHE", raising=False)
    load_graph(DATASET_PATH)
    g = load_graph(DATASET_PATH)

    def refuse(*_args, **_kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(tallies.Tallies, "fill", refuse)  # unpickling a kept one does not call it
    assert dashboards.workload(g, first=3)
    assert matrix.responsibility_matrix(g).total


@pytest.mark.parametrize("database", ["search", "tallies"])
def test_a_database_file_that_fails_to_fill_leaves_nothing_in_the_entry(tmp_path, monkeypatch, plain, database):
    def broken(_g):
        yield from ()
        raise RuntimeError("the index cannot be read")

    module = {"search": search, "tallies": tallies}[database]
    monkeypatch.setattr(module, "_docs" if database == "search" else "_work_rows", broken)
    g = GraphState(store=plain.store, index=plain.index, queries=plain.queries, cache_entry=tmp_path)
    with pytest.raises(RuntimeError, match="cannot be read"):
        {"search": search.SearchIndex, "tallies": tallies.Tallies}[database](g)
    assert list(tmp_path.iterdir()) == []


def test_the_analyses_read_no_measures_text_reuse_pairs_or_tool_codings(plain):
    """An entry's analyses are made over measures without those two lists (read per record from the staging
    file when written, readmodel/staged.py): no analysis may read them. Every analysis is made over measures
    on which reading either raises, and all of them are made."""
    from dataclasses import fields, replace

    from service.readmodel.records import Measure

    class Guarded(Measure):
        __slots__ = ()

        def _refuse(self, *_args):
            raise AssertionError("an analysis read a staged list")

        similarity_iris = property(_refuse, lambda self, v: None)
        tool_coding_iris = property(_refuse, lambda self, v: None)

    def guarded(m: Measure) -> Guarded:
        return Guarded(**{f.name: getattr(m, f.name) for f in fields(Measure)
                          if f.name not in ("similarity_iris", "tool_coding_iris")})

    ix = replace(plain.index, measures={iri: guarded(m) for iri, m in plain.index.measures.items()})
    with pytest.raises(AssertionError):
        next(iter(ix.measures.values())).tool_coding_iris
    g = GraphState(store=plain.store, index=ix, queries=Queries(ix), documents=ix.documents)
    fresh = GraphState(store=plain.store, index=plain.index, queries=Queries(plain.index), documents=ix.documents)
    assert set(precompute(g)) == set(precompute(fresh))
