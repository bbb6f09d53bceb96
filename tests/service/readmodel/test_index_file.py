"""The index written to an SQLite file and read back: the same index, table by table, in the same order."""

from __future__ import annotations

import pickle
import sqlite3
import threading
from dataclasses import fields

import pytest

from graph.paths import DATASET_PATH
from service.lifecycle.loading import ensure_dataset
from service.readmodel import index_file
from service.readmodel.index import GraphIndex, load_index
from service.readmodel.index_file import IN_MEMORY, DiskTable, open_index, write_index
from service.readmodel.queries import Queries
from service.store.embedded import OxigraphStore


@pytest.fixture(scope="module")
def memory_index() -> GraphIndex:
    ensure_dataset()
    return load_index(OxigraphStore.from_file(DATASET_PATH))


@pytest.fixture(scope="module")
def path(memory_index, tmp_path_factory):
    p = tmp_path_factory.mktemp("index") / "index.sqlite"
    write_index(memory_index, p, {"version": "v1"})
    return p


def test_every_table_reads_back_equal_and_in_order(memory_index, path):
    disk, meta = open_index(path)
    assert meta.pop("derived") == {}  # nothing precomputed given
    assert meta == {"version": "v1"}
    for f in fields(GraphIndex):
        written, read = getattr(memory_index, f.name), getattr(disk, f.name)
        if f.name in IN_MEMORY:
            assert read == written, f.name
            continue
        assert isinstance(read, DiskTable), f.name
        assert len(read) == len(written), f.name
        if isinstance(written, dict):
            assert list(read) == list(written), f"{f.name}: order"
            assert list(read.items()) == list(written.items()), f.name
        else:  # a list or set of IRIs: its members, in order
            assert list(read) == (sorted(written) if isinstance(written, set) else written), f.name


def test_lookups_answer_as_a_dict_does(memory_index, path):
    disk, _ = open_index(path)
    some = next(iter(memory_index.measures))
    assert disk.measures[some] == memory_index.measures[some]
    assert disk.measures[some] is disk.measures[some]  # decoded once while recent
    assert some in disk.measures and "urn:nothing" not in disk.measures and 42 not in disk.measures
    assert disk.measures.get("urn:nothing") is None and disk.measures.get("urn:nothing", 1) == 1
    with pytest.raises(KeyError):
        disk.measures["urn:nothing"]
    registry = next(iter(memory_index.registry_only), None)
    if registry is not None:
        assert registry in disk.registry_only


def test_only_a_bounded_number_of_records_stay_decoded(memory_index, path, monkeypatch):
    monkeypatch.setattr(index_file, "RECENT", 5)
    disk, _ = open_index(path)
    for iri in list(memory_index.responsibilities)[:50]:
        assert disk.responsibilities[iri] == memory_index.responsibilities[iri]
    assert len(disk.responsibilities._recent) == 5


def test_queries_over_the_file_answer_as_over_memory(memory_index, path):
    disk, _ = open_index(path)
    mem, dsk = Queries(memory_index), Queries(disk)
    assert dsk.organizations(city="许昌") == mem.organizations(city="许昌")
    org = mem.organizations(city="许昌")[0]
    name = memory_index.organizations[org].name
    assert [o.iri for o in dsk.names.organizations(name)] == [o.iri for o in mem.names.organizations(name)]
    assert dsk.policies() == mem.policies()


def test_long_lists_are_filtered_in_sql_as_in_memory(memory_index, path):
    """Responsibilities by city, role, basis and measure type, and the institutions: on disk the file's
    columns select them (a page read, not every record decoded), with the answers of the in-memory index,
    in the same order, whole and by page."""
    disk, _ = open_index(path)
    mem, dsk = Queries(memory_index), Queries(disk)
    measure_type = next(c.label for c in memory_index.concepts.values()
                        if c.iri in memory_index.measures_by_concept and c.scheme.endswith("measure-type/"))
    cases = [{}, {"city": "许昌"}, {"role": "LEAD"}, {"role": "RESPONSIBLE", "city": "漯河"},
             {"basis": "EXPLICIT"}, {"basis": "INHERITED"}, {"measure_type": measure_type},
             {"measure_type": measure_type, "role": "LEAD"}, {"measure_type": measure_type, "city": "许昌"}]
    seen_nonempty = 0
    for case in cases:
        want, got = mem.responsibilities(**case), dsk.responsibilities(**case)
        assert isinstance(got, index_file.DiskSelection), case
        assert len(got) == len(want) and list(got) == list(want), case
        assert got[3:9] == list(want)[3:9] and (not want or got[-1] == want[-1]), case
        seen_nonempty += bool(want)
    assert seen_nonempty == len(cases)  # the cases are not vacuous
    for case in ({"kind": "UNIVERSITY"}, {"kind": "GOVERNMENT_DEPARTMENT"}, {"search": "科技"},
                 {"search": "Ｕｎｉｖｅｒｓｉｔｙ"}, {"search": "科技", "kind": "GOVERNMENT_DEPARTMENT"}, {"search": "局大学"}):
        want, got = mem.organizations(**case), dsk.organizations(**case)
        assert isinstance(got, index_file.DiskSelection) and list(got) == list(want), case
        seen_nonempty += bool(want)
    assert seen_nonempty == len(cases) + 5  # all but the last: no name holds "局大学", none across two names
    assert list(dsk.institutions()) == list(mem.institutions()) and len(mem.institutions()) > 0
    assert isinstance(dsk.institutions(), index_file.DiskKeys)
    assert list(dsk.institutions(city="许昌")) == list(mem.institutions(city="许昌"))
    with pytest.raises(KeyError, match="has no facet"):
        disk.responsibilities.where(kind="x")


def test_threads_read_through_their_own_connections(memory_index, path):
    disk, _ = open_index(path)
    iris = list(memory_index.measures)
    seen: list[bool] = []

    def read() -> None:
        seen.append(all(disk.measures[i].iri == i for i in iris))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [True] * 4


def test_read_whole_into_memory_on_request(memory_index, path):
    whole, _ = open_index(path, in_memory=True)
    assert isinstance(whole.measures, dict) and whole.measures == memory_index.measures


def test_a_file_of_another_format_is_refused(path, tmp_path):
    other = tmp_path / "other.sqlite"
    other.write_bytes(path.read_bytes())
    con = sqlite3.connect(other)
    con.execute("UPDATE meta SET value = ? WHERE name = 'format'", (pickle.dumps("0"),))
    con.commit()
    con.close()
    with pytest.raises(ValueError, match="format"):
        open_index(other)


@pytest.fixture(scope="module")
def reuse_index(toolkit_corpus) -> GraphIndex:
    """The seeds and the toolkit's documents: a city's plan copies three 承德 measures (text reuse)."""
    return load_index(OxigraphStore.from_quads(toolkit_corpus.quads))


def test_text_reuse_reads_only_what_it_answers_and_answers_the_same(reuse_index, tmp_path):
    write_index(reuse_index, tmp_path / "index.sqlite")
    disk, _ = open_index(tmp_path / "index.sqlite")
    ix = reuse_index
    assert len(ix.similarities) > 0
    copying = {ix.measures[s.measure_iri].city_iri for s in ix.similarities.values()} | \
        {ix.measures[s.other_iri].city_iri for s in ix.similarities.values()}
    names = [ix.cities[c].name for c in sorted(copying)]

    def every_pair(wanted, min_score):  # the whole list, filtered: what the answer must equal
        return [s for s in ix.similarities.values() if s.score >= min_score and (
            wanted is None or {ix.measures[s.measure_iri].city_iri, ix.measures[s.other_iri].city_iri} <= wanted)]

    for queries in (Queries(ix), Queries(disk)):
        for cities in (None, names, names[:1], ["常州"]):
            wanted = None if cities is None else {queries.names.city(c).iri for c in cities}
            for min_score in (0.0, 0.8, 0.9, 1.0):
                found = queries.text_reuse(cities, min_score)
                assert list(found) == every_pair(wanted, min_score), (cities, min_score)
                assert list(found[:2]) == every_pair(wanted, min_score)[:2]
    assert any(Queries(disk).text_reuse(names, 0.8))
