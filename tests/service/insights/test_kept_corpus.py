"""The network corpus kept as rows of the entry: views made from it are the bytes of views made in memory."""

from __future__ import annotations

import pytest

from graph.export import export
from graph.network import FilterError, Filters, Names, build_view, quads_about, read_corpus
from graph.paths import DATASET_PATH
from service.insights.kept_corpus import KeptNetworkCorpus
from service.lifecycle import startup_cache
from service.lifecycle.loading import ensure_dataset, load_graph
from service.readmodel.network import network_of

VIEWS = ("responsibility", "co-responsibility", "city-measure-type", "city-institution", "city-similarity")
FILTERS = ({}, {"city": "许昌"}, {"city": "Luohe"}, {"organization": "市科技局", "city": "许昌"},
           {"organization": "许昌市科技局", "city": "许昌"}, {"measure_type": "揭榜挂帅"}, {"industry": "新材料产业"},
           {"inherited": True}, {"city": "许昌", "inherited": True}, {"institution": "郑州大学"},
           {"organization": "市科技局", "city": "许昌", "depth": 1}, {"city": "许昌", "measure_type": "揭榜挂帅"},
           {"city": "许昌", "depth": 2}, {"city": "许昌", "industry": "新材料产业"})


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """(a graph served from its entry, the corpus read from the same store in memory)."""
    ensure_dataset()
    mp = pytest.MonkeyPatch()
    mp.setenv("POLICYKG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mp.delenv("POLICYKG_CACHE", raising=False)
    try:
        load_graph(DATASET_PATH)  # makes the entry
        g = load_graph(DATASET_PATH)
        assert startup_cache.last_status == "hit"
        yield g, read_corpus(g.store)
    finally:
        mp.undo()


def _bytes(corpus, names, store, filters: Filters, fmt: str) -> bytes:
    try:
        return export(build_view(corpus, filters, names), fmt, lambda s: quads_about(store, s)).data
    except FilterError as exc:
        return f"FilterError: {exc}".encode()


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_from_the_rows_is_the_bytes_of_the_view_in_memory(graphs, view):
    g, memory = graphs
    kept = network_of(g).corpus
    assert isinstance(kept, KeptNetworkCorpus)
    kept_names, names = network_of(g).names, Names(memory)
    for kw in FILTERS:
        for fmt in ("graphml", "json", "csv"):
            f = Filters(view=view, **kw)
            assert _bytes(kept, kept_names, g.store, f, fmt) == _bytes(memory, names, g.store, f, fmt), (f, fmt)


@pytest.mark.parametrize("kw", [{"city": "许昌x"}, {"organization": "市科技厅", "city": "许昌"},
                                {"organization": "市科技局"}, {"measure_type": "揭榜挂"}, {"institution": "许昌大学"},
                                {"organization": "科技局"}])
def test_unknown_and_ambiguous_names_are_refused_with_the_same_suggestions(graphs, kw):
    g, memory = graphs
    net = network_of(g)
    with pytest.raises(FilterError) as from_rows:
        build_view(net.corpus, Filters(**kw), net.names)
    with pytest.raises(FilterError) as from_memory:
        build_view(memory, Filters(**kw), Names(memory))
    assert str(from_rows.value) == str(from_memory.value)


def test_the_rows_answer_the_corpus_lookups_of_the_corpus_in_memory(graphs):
    g, memory = graphs
    kept = network_of(g).corpus
    assert list(kept.measures) == list(memory.measures)
    assert [kept.measure_pos[m] for m in memory.measures] == sorted(kept.measure_pos[m] for m in memory.measures)
    some = set(list(memory.measures)[::7])
    assert kept.in_order([some]) == memory.in_order([some])
    for m in memory.measures:
        assert kept.resp_by_measure.get(m, []) == memory.resp_by_measure.get(m, [])
        assert kept.scoped().resp_by_measure.get(m, []) == memory.scoped().resp_by_measure.get(m, [])
    orgs = {o.iri for o in memory.organizations.values() if o.city_iri}
    assert kept.measures_of_organizations(orgs) == memory.measures_of_organizations(orgs)
    assert kept.scoped().measures_of_organizations(orgs) == memory.scoped().measures_of_organizations(orgs)
    for city in memory.cities:
        assert kept.organizations_in(city) == memory.organizations_in(city)
        assert kept.measures_in_cities({city}) == memory.measures_in_cities({city})
    assert kept.organizations_in(None) == memory.organizations_in(None)
    for c in memory.concepts:
        for attr in ("measure_types", "industries"):
            assert kept.measures_classed(attr, {c}) == memory.measures_classed(attr, {c})


def test_an_export_reads_rows_not_the_whole_corpus(graphs, monkeypatch):
    """A city's view decodes that city's measures, not every measure of the corpus; the city-similarity
    view of a city (every city compared) decodes none."""
    g, memory = graphs
    kept = network_of(g).corpus
    decoded: list[str] = []
    mapping = type(kept.measures)
    fetch = mapping._fetch

    def counting(self, k):
        if self._field == "measures":  # of the corpus or of its EXPLICIT scope
            decoded.append(k)
        return fetch(self, k)

    monkeypatch.setattr(mapping, "_fetch", counting)
    for corpus in (kept, kept.scoped()):
        corpus.measures._recent.clear()
    city = next(c for c in memory.cities.values() if c.short == "许昌")
    build_view(kept, Filters(view="responsibility", city="许昌"), network_of(g).names)
    own = {m.iri for m in memory.measures.values() if m.city_iri == city.iri}
    assert decoded and set(decoded) <= own < set(memory.measures)
    decoded.clear()
    build_view(kept, Filters(view="city-similarity", city="许昌"), network_of(g).names)
    assert decoded == []
    build_view(kept, Filters(view="city-similarity", city="许昌", industry="新材料产业"), network_of(g).names)
    assert decoded and len(decoded) < len(own)


def test_a_city_similarity_view_past_the_limit_is_refused_before_it_is_built(graphs, monkeypatch):
    from service.readmodel import network

    g, _ = graphs
    net = network_of(g)
    whole = net.export(Filters(view="city-similarity", city="许昌"), "json")
    monkeypatch.setattr(network, "build_view", lambda *a, **k: pytest.fail("built before it was refused"))
    with pytest.raises(network.ViewTooLarge):
        net.export(Filters(view="city-similarity", city="漯河"), "json", max_elements=2)
    assert net.export(Filters(view="city-similarity", city="许昌"), "json", max_elements=10_000) is whole  # kept
