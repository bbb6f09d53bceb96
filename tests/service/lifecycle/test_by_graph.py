"""Reading a dataset file one named graph at a time (service/lifecycle/by_graph.py) gives what a store
holding the whole file gives, and a file it cannot read so is refused with the reason, never misread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

import pyoxigraph as ox
import pytest

from graph.network import read_corpus
from graph.network.source import CorpusReader
from graph.paths import DATASET_PATH
from service.lifecycle import startup_cache
from service.lifecycle.by_graph import NotByGraph, graph_blocks, read_by_graph
from service.readmodel.index import GraphIndex, IndexReader, load_index
from service.readmodel.staged import StagedRecords, StagedTable, StagingFile
from service.readmodel.state import graph_version
from service.store.embedded import OxigraphStore


def _same_index(a: GraphIndex, b: GraphIndex) -> None:
    for f in fields(GraphIndex):
        if f.name == "load_round_trips":  # a round trip per graph, by design
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x == y, f.name
        if isinstance(x, Mapping):  # and in the same order: tables are written and listed in it
            assert list(x) == list(y), f.name


@pytest.fixture(scope="module")
def whole():
    store = OxigraphStore.from_file(DATASET_PATH)
    return load_index(store), graph_version(store), read_corpus(store)


def test_graph_by_graph_equals_the_whole(whole):
    index, version, corpus = whole
    read = read_by_graph(DATASET_PATH)
    assert read.graphs == len(OxigraphStore.from_file(DATASET_PATH).graph_names()) > 5
    _same_index(read.index, index)
    assert read.version == version
    assert read.corpus == corpus
    assert read.index.load_round_trips > index.load_round_trips  # it did read graph by graph


def test_the_leaf_tables_written_to_a_staging_file_give_the_same_index(whole, tmp_path):
    """Measures, responsibilities, classifications, policy-tool codings and text-reuse pairs go to the staging
    file as the graphs are read; the index made from their columns is the one made in memory, records,
    groupings and orders."""
    index, _, _ = whole
    _same_staged(tmp_path, DATASET_PATH, index)


def _same_staged(tmp_path, dataset, index: GraphIndex) -> None:
    staging = StagingFile(tmp_path / "staging.sqlite")
    read = read_by_graph(dataset, staging=staging)
    for name in ("classifications", "tool_codings", "similarities", "responsibilities"):
        assert isinstance(getattr(read.index, name), StagedTable), name
    assert isinstance(read.index.measures, StagedRecords)
    for name in ("resp_by_measure", "resp_by_city", "resp_by_org", "resp_pos", "classifications_by_measure"):
        assert not isinstance(getattr(read.index, name), dict), name
    assert len(index.classifications) > 0 and len(index.tool_codings) > 0 and len(index.resp_by_city) > 1
    _same_index(read.index, index)
    some = next(iter(index.resp_by_org))  # a grouping's lookups, beside its whole reading
    assert read.index.resp_by_org[some] == index.resp_by_org[some] and some in read.index.resp_by_org
    assert "no such body" not in read.index.resp_by_org and read.index.resp_by_org.get("no such body") is None
    r = list(index.responsibilities)[-1]
    assert read.index.resp_pos[r] == index.resp_pos[r] == len(index.responsibilities) - 1
    sims = read.index.similarities
    for iri in list(index.similarities)[:3]:
        assert sims[iri] == index.similarities[iri] and iri in sims
    assert "no such pair" not in sims
    staging.close()
    assert not (tmp_path / "staging.sqlite").exists()


def test_the_order_graphs_come_in_changes_nothing(whole):
    index, _, corpus = whole
    readers = IndexReader(), CorpusReader()
    for _, text in reversed(list(graph_blocks(DATASET_PATH))):
        block = ox.Store()
        block.load(text, format=ox.RdfFormat.TRIG)
        for reader in readers:
            reader.read(OxigraphStore(block))
    _same_index(readers[0].finish(), index)
    assert readers[1].finish() == corpus


PREFIXES = ("@prefix pk: <https://w3id.org/policykg/ontology#> .\n@prefix oa: <http://www.w3.org/ns/oa#> .\n"
            "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n\n")
GRAPH_A = """<http://example.org/graph/a> {
  <http://example.org/m> a pk:Measure ;
      pk:code "1" ;
      eli:is_part_of <http://example.org/p> ;
      pk:source <http://example.org/span/1> .
}
"""
SPAN_IN_B = """<http://example.org/graph/b> {
  <http://example.org/span/1> a pk:SourceSpan ;
      pk:document "a.txt" ;
      oa:start 0 ;
      oa:end 3 .
}
"""


@pytest.mark.parametrize("name, text, reason", [
    ("twice.trig", PREFIXES + GRAPH_A + "\n" + SPAN_IN_B + "\n" + GRAPH_A, "comes back"),
    ("default.trig", PREFIXES + "<http://example.org/x> a pk:Measure .\n" + GRAPH_A, "not one named graph"),
    ("apart.trig", PREFIXES + GRAPH_A + "\n" + SPAN_IN_B, "spans another graph describes"),
    ("open.trig", PREFIXES + GRAPH_A.removesuffix("}\n"), "no closing brace"),
    ("broken.trig", PREFIXES + GRAPH_A.replace("pk:code", "pk:code ;;;"), "does not parse alone"),
    ("late.trig", PREFIXES + GRAPH_A + "@prefix pk: <http://example.org/> .\n" + SPAN_IN_B,
     "a prefix or base after the first graph"),
    ("data.nq", "<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n",
     "not TriG"),
])
def test_a_file_it_cannot_read_graph_by_graph_is_refused_with_the_reason(tmp_path, name, text, reason):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotByGraph, match=reason):
        read_by_graph(path)


def test_a_cache_entry_of_a_file_read_as_a_whole_is_the_same(tmp_path, monkeypatch, whole):
    """The start-up cache falls back to reading the whole file (here N-Quads), and answers the same."""
    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKG_CACHE", raising=False)
    nquads = tmp_path / "policykg.nq"
    store = ox.Store()
    store.bulk_load(path=str(DATASET_PATH), format=ox.RdfFormat.TRIG)
    store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
    from_nquads = startup_cache.load_cached(nquads)
    from_trig = startup_cache.load_cached(DATASET_PATH)
    assert from_nquads.cache_entry is not None and from_trig.cache_entry is not None
    assert from_nquads.version == from_trig.version == whole[1]
    assert list(from_nquads.index.measures) == list(from_trig.index.measures) == list(whole[0].measures)
    assert from_nquads.index.load_round_trips < from_trig.index.load_round_trips  # whole, then by graph


def test_the_version_from_n_quads_text_is_the_version_from_terms():
    """QuadsDigest.add_nquads (what by_graph.py hashes a graph's block by) and add (terms, as graph_version
    reads them from any store) agree, escapes and datatypes included."""
    from service.store.protocol import QuadsDigest

    g, s, p = (ox.NamedNode(f"http://example.org/{name}") for name in "gsp")
    objects = [ox.Literal('a "quoted" \\ back\\slash\nnew line\ttab\r'), ox.Literal("控制\x01字符 😀"),
               ox.Literal("许昌", language="zh-Hans-CN"), ox.Literal("2021-03-01", datatype=ox.NamedNode(
                   "http://www.w3.org/2001/XMLSchema#date")), ox.Literal(5), ox.Literal(2.5), ox.Literal(True),
               ox.NamedNode("http://example.org/o?q=1&r=%20")]
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, g) for o in objects)
    by_terms, by_text = QuadsDigest(), QuadsDigest()
    by_terms.add(store)
    by_text.add_nquads(store.dump(format=ox.RdfFormat.N_QUADS))
    assert by_text.version() == by_terms.version() and by_terms.count == len(objects)


def test_a_file_found_unreadable_graph_by_graph_late_is_read_whole(tmp_path, monkeypatch, whole):
    """A graph that comes back at the end is noticed after every block before it went to the entry's
    store: the store is emptied and filled from the whole file, and the entry is the dataset's."""
    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKG_CACHE", raising=False)
    _, first = next(iter(graph_blocks(DATASET_PATH)))
    again = tmp_path / "again.trig"
    again.write_bytes(DATASET_PATH.read_bytes() + b"\n" + first.split(b"\n\n", 1)[1])
    with pytest.raises(NotByGraph, match="comes back"):
        read_by_graph(again)
    graph = startup_cache.load_cached(again)
    assert graph.cache_entry is not None  # made, not the in-memory load a failed entry falls back to
    assert graph.version == whole[1]
    assert graph.index.triple_count == whole[0].triple_count
    assert list(graph.index.responsibilities) == list(whole[0].responsibilities)


def test_a_synthetic_corpus_with_counties_by_graph_equals_the_whole(tmp_path):
    """Documents of cities and their counties naming one another's bodies: organizations merged over many
    graphs, annexes refining measures of other graphs, text reuse across documents."""
    from graph.stream import write_trig
    from graph.synth import synthesize

    synthesize(tmp_path, 4, 2, 3, counties_per_city=1)
    dataset = tmp_path / "policykg.trig"
    write_trig(tmp_path / "raw", dataset, cache=False, texts=False)
    store = OxigraphStore.from_file(dataset)
    index = load_index(store)
    read = read_by_graph(dataset)
    assert len(index.policies) == 16 and len(index.similarities) > 0  # what the test is about is there
    assert any(m.refines_iri for m in index.measures.values())
    assert any(len(o.named_in_iris) > 1 for o in index.organizations.values())
    _same_index(read.index, index)
    assert read.version == graph_version(store)
    assert read.corpus == read_corpus(store)
    _same_staged(tmp_path, dataset, index)  # the text-reuse pairs too, ordered best first from their columns


def test_a_measure_two_graphs_describe_reads_the_same_staged(tmp_path):
    """The first graph describing a measure gives its record; a later graph's links to it (a type, an
    industry) join it, a graph before its record gives none: staged or in memory, the same index."""
    measure = "https://w3id.org/policykg/id/measure/changzhou-2021-opinions/%E4%B8%89.%28%E4%B8%83%29.23"
    policy = "https://w3id.org/policykg/id/policy/changzhou-2021-opinions"
    text = DATASET_PATH.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")

    def graph(name: str, triples: str) -> str:
        return f"<https://w3id.org/policykg/id/graph/{name}> {{\n  <{measure}> a pk:Measure ;\n{triples} .\n}}\n"

    early = graph("aa-early", "      pk:measureType mt:tech-market-early")
    later = graph("zz-later", f'      pk:code "other" ;\n      eli:is_part_of <{policy}> ;\n'
                              "      pk:industry ind:c4-1 , ind:c1-4 ;\n      pk:policyTool pt:talent")
    dataset = tmp_path / "twice.trig"
    dataset.write_text(f"{head}\n\n{early}\n{body.rstrip()}\n\n{later}", encoding="utf-8")
    in_memory = read_by_graph(dataset).index
    m = in_memory.measures[measure]
    assert "https://w3id.org/policykg/scheme/industry/c4-1" in m.industry_iris and m.code == "三.(七).23"
    assert not any(t.endswith("tech-market-early") for t in m.measure_type_iris)
    staging = StagingFile(tmp_path / "staging.sqlite")
    _same_index(read_by_graph(dataset, staging=staging).index, in_memory)
    staging.close()
