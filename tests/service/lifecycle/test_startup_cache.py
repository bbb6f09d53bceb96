"""The per-dataset start-up cache (service/lifecycle/startup_cache.py): a second start from the same
dataset file opens the cached store and unpickles the index; a changed file misses."""

from __future__ import annotations

import os
import pickle
import sqlite3
import shutil

import pytest
from starlette.testclient import TestClient

from graph.paths import DATASET_PATH
from service.lifecycle import startup_cache
from service.web.app import create_app
from service.lifecycle.loading import ensure_dataset, load_graph

QUERIES = [
    "{ cities { name } measures(first: 5) { totalCount edges { node { code } } } }",
    "{ responsibilities(first: 10) { totalCount edges { node { role measure { code } } } } }",
]


def answers(graph) -> list[dict]:
    with TestClient(create_app(graph)) as c:
        out = []
        for q in QUERIES:
            body = c.post("/graphql", json={"query": q}).json()
            assert "errors" not in body, body
            out.append(body["data"])
        out.append(c.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"}).json())
        return out


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKG_CACHE", raising=False)
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    ensure_dataset()
    path = tmp_path / "d.trig"
    shutil.copy(DATASET_PATH, path)
    return path


def test_second_load_hits_the_cache_and_answers_the_same(dataset):
    first = load_graph(dataset)
    assert startup_cache.last_status == "miss"
    first_answers = answers(first)
    second = load_graph(dataset)
    assert startup_cache.last_status == "hit"
    assert second.version == first.version and second.version
    assert second.index.triple_count == first.index.triple_count
    assert answers(second) == first_answers
    # the cache off: the ordinary load, same answers
    os.environ["POLICYKG_CACHE"] = "0"
    try:
        plain = load_graph(dataset)
    finally:
        del os.environ["POLICYKG_CACHE"]
    assert startup_cache.last_status == ""
    assert answers(plain) == first_answers


def test_a_changed_dataset_misses(dataset):
    first = load_graph(dataset)
    assert startup_cache.last_status == "miss"
    # drop one document's graph from the file: another dataset, another key
    text = dataset.read_text("utf-8")
    with dataset.open("a", encoding="utf-8") as f:
        f.write("\n<urn:x:extra> { <urn:x:s> <urn:x:p> \"added\" . }\n")
    changed = load_graph(dataset)
    assert startup_cache.last_status == "miss"
    assert changed.index.triple_count == first.index.triple_count + 1
    assert changed.version != first.version
    dataset.write_text(text, "utf-8")  # back as it was: the first entry still serves
    load_graph(dataset)
    assert startup_cache.last_status == "hit"


def test_a_corrupt_entry_is_rebuilt(dataset):
    first = load_graph(dataset)
    entry = startup_cache.cache_root() / startup_cache.dataset_key(dataset)
    index_file = entry / startup_cache.INDEX_FILE
    index_file.write_bytes(b"not an index file")
    again = load_graph(dataset)
    assert startup_cache.last_status == "miss"  # dropped and rebuilt, not served
    assert again.version == first.version
    # metadata for another key: refused too
    del again
    con = sqlite3.connect(index_file)
    con.execute("UPDATE meta SET value = ? WHERE name = 'key'", (pickle.dumps("0" * 40),))
    con.commit()
    con.close()
    load_graph(dataset)
    assert startup_cache.last_status == "miss"
    load_graph(dataset)
    assert startup_cache.last_status == "hit"


def test_build_prepares_the_entry_serve_starts_from(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from service.cli import app
    from graph.paths import RAW_DIR

    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKG_CACHE", raising=False)
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    out = tmp_path / "built.trig"
    done = CliRunner().invoke(app, ["build", "--raw", str(RAW_DIR), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "start-up cache made" in done.output
    graph = load_graph(out)
    assert startup_cache.last_status == "hit"  # the first start of the new dataset is already a hit
    assert graph.index.triple_count > 20000
    again = CliRunner().invoke(app, ["build", "--raw", str(RAW_DIR), "-o", str(out)])
    assert "start-up cache present" in again.output  # same bytes, same entry
    skipped = CliRunner().invoke(app, ["build", "--raw", str(RAW_DIR), "-o", str(tmp_path / "b.trig"),
                                       "--no-serve-cache"])
    assert skipped.exit_code == 0 and "start-up cache" not in skipped.output


def test_the_network_corpus_is_rows_of_the_entry_and_a_damaged_file_is_read_from_the_store(dataset):
    from graph.network import read_corpus
    from service.insights.kept_corpus import KeptNetworkCorpus
    from service.readmodel.network import network_of

    load_graph(dataset)  # makes the entry
    graph = load_graph(dataset)
    assert startup_cache.last_status == "hit"
    assert not (graph.cache_entry / "network.pickle").exists()
    corpus = network_of(graph).corpus
    assert isinstance(corpus, KeptNetworkCorpus)
    assert dict(corpus.measures.items()) == read_corpus(graph.store).measures
    # a damaged file is not fatal: the corpus is read from the store
    (graph.cache_entry / "network.sqlite").write_bytes(b"not a database")
    again = load_graph(dataset)
    assert network_of(again).corpus == read_corpus(graph.store)


def test_pruning_spares_entries_a_live_process_serves_from(dataset, monkeypatch, tmp_path):
    import subprocess
    import sys

    monkeypatch.setattr(startup_cache, "KEEP", 1)  # keep only the newest entry, unless in use
    serving = load_graph(dataset)  # this process serves from the entry: marked in use
    entry = serving.cache_entry
    assert (entry / f"in-use.{os.getpid()}").exists()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = startup_cache.cache_root() / ("f" * 40)  # an older entry whose server has exited
    stale.mkdir()
    (stale / f"in-use.{int(gone.stdout)}").touch()
    os.utime(stale, (0, 0))
    remote = startup_cache.cache_root() / startup_cache.REMOTE / ("e" * 40)  # a remote engine's entry
    remote.mkdir(parents=True)
    os.utime(remote.parent, (0, 0))
    other = tmp_path / "other.trig"
    other.write_text(dataset.read_text("utf-8") + "\n<urn:x:g> { <urn:x:s> <urn:x:p> \"other\" . }\n", "utf-8")
    assert startup_cache.prime(other) == "made"  # prunes everything but the new entry ...
    assert entry.is_dir() and (entry / "store").is_dir()  # ... except the one being served
    assert not stale.exists()
    assert remote.is_dir()  # the remote engines' folder is no entry of a dataset file
    assert answers(serving)  # and it still answers



def test_the_store_is_opened_per_process_on_first_use(dataset):
    """A graph loaded before a fork is shared by the workers, but not its RocksDB handle: each
    process opens the entry's store on its first query, and one that runs none never opens it."""
    load_graph(dataset)
    graph = load_graph(dataset)
    assert startup_cache.last_status == "hit"
    store = graph.store
    assert store._opened is None  # loading opened no store
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    in_parent = int(next(iter(store.query(count)))["n"].value)
    parent_handle = store._opened
    assert parent_handle[0] == os.getpid() and in_parent == graph.index.triple_count
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the same query on a handle of its own
        ok = False
        try:
            n = int(next(iter(store.query(count)))["n"].value)
            ok = n == in_parent and store._opened[0] == os.getpid() and store._opened[1] is not parent_handle[1]
        finally:
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert store._opened is parent_handle  # the parent's own handle is untouched


def test_a_large_dataset_is_read_from_the_on_disk_store(dataset, monkeypatch):
    """Past IN_MEMORY_MAX_BYTES the entry is made from its on-disk store alone (no in-memory copy of
    the dataset): the same index, version and answers as an entry made through memory."""
    through_memory = load_graph(dataset)
    want = answers(through_memory)
    version, measures = through_memory.version, dict(through_memory.index.measures.items())
    del through_memory
    shutil.rmtree(startup_cache.cache_root())
    monkeypatch.setattr(startup_cache, "IN_MEMORY_MAX_BYTES", 0)
    monkeypatch.setattr(startup_cache.OxigraphStore, "from_file",
                        classmethod(lambda cls, path: pytest.fail("read into memory")))
    graph = load_graph(dataset)
    assert startup_cache.last_status == "miss"
    assert graph.version == version and dict(graph.index.measures.items()) == measures
    assert answers(graph) == want


def test_the_staging_file_is_the_processs_own_and_gone_once_the_entry_is_made(dataset, monkeypatch):
    """The leaf tables' staging file (readmodel/staged.py) is named by the building process, so that a second
    process building the same entry cannot remove it; one left by a crashed build is removed by the next."""
    entry = startup_cache.cache_root() / startup_cache.dataset_key(dataset)
    entry.mkdir(parents=True)
    crashed = entry / "staging.999999999.sqlite"  # no such process
    crashed.write_bytes(b"left by a build that crashed")
    seen = []
    opened = startup_cache.StagingFile

    def spy(path):
        seen.append(path.name)
        return opened(path)

    monkeypatch.setattr(startup_cache, "StagingFile", spy)
    assert startup_cache.prime(dataset) == "made"
    assert seen == [f"staging.{os.getpid()}.sqlite"]
    assert not list(entry.glob("staging.*"))
