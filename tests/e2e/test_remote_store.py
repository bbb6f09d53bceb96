"""The remote SPARQL store: a real ``oxigraph serve`` on a loopback port.

The dataset is loaded with ``policykg build --store URL`` (Graph Store
Protocol + Update), then ``policykg serve --store URL`` answers the same
GraphQL contract queries as the embedded server, with identical answers.

Needs the ``oxigraph`` binary from PyPI's ``oxigraph`` package (in the test
extras). Without it these tests are skipped, except in CI (CI=true), where
they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from service_fixtures import ROOT, free_port, gql, policykg_command, start_server, stop_server

from graph.paths import DATASET_PATH
from service.lifecycle import startup_cache
from service.readmodel.index import load_index
from service.readmodel.state import graph_version
from service.store.remote import GRAPH_PREFIX, STAMP_GRAPH, RemoteStore, StoreError, _derive
from service.store.embedded import OxigraphStore

STARTUP_TIMEOUT_S = 30


def _oxigraph_binary() -> str:
    exe = shutil.which("oxigraph")
    if exe is None:
        reason = ("the `oxigraph` binary (PyPI package `oxigraph`, in the test extras) is not installed: "
                  "pip install -e '.[test]'")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return exe


class Oxigraph:
    def __init__(self, location: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url = f"{self.base}/query"
        self.log = location.parent / "oxigraph.log"
        self.process = subprocess.Popen(
            [_oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve was not ready in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*policykg_command(), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def oxigraph():
    folder = Path(tempfile.mkdtemp(prefix="policykg-oxigraph-"))
    engine = Oxigraph(folder / "db")
    yield engine
    engine.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def loaded(oxigraph, tmp_path_factory):
    """The bundled corpus built and loaded the way a user does it."""
    out = tmp_path_factory.mktemp("build") / "policykg.trig"
    # a foreign graph in the same engine: never touched by our loads
    r = httpx.put(f"{oxigraph.base}/store", params={"graph": "http://example.org/other"},
                  content=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .",
                  headers={"Content-Type": "application/n-triples"})
    assert r.status_code in (200, 201, 204)
    done = _cli("build", "--out", str(out), "--store", oxigraph.query_url)
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stderr
    assert out.read_text("utf-8") == DATASET_PATH.read_text("utf-8")
    return oxigraph


@pytest.fixture(scope="module")
def remote_client(loaded, pytestconfig):
    srv = start_server("--store", loaded.query_url)
    with httpx.Client(base_url=srv.url, timeout=30) as c:
        yield c
    stop_server(srv)


# -- the store itself ------------------------------------------------------------------


def test_the_load_stamps_the_dataset_version(loaded):
    """build --store writes the version of what it loaded, the embedded store's X-Graph-Version,
    into a graph of its own that is not part of the dataset."""
    store = RemoteStore(loaded.query_url)
    version = store.dataset_version()
    assert version == graph_version(OxigraphStore.from_file(DATASET_PATH))
    assert STAMP_GRAPH in store.graph_names()
    # read from the engine, the version leaves the stamp out (and counts the foreign graph's one triple)
    assert int(graph_version(store).split("-")[0]) == int(version.split("-")[0]) + 1


def test_a_refused_load_changes_nothing_not_even_the_stamp(loaded):
    import pyoxigraph as ox

    store = RemoteStore(loaded.query_url)
    version, graphs = store.dataset_version(), store.graph_names()
    bad = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), ox.DefaultGraph())
    with pytest.raises(ValueError, match="only named graphs"):
        store.replace_graphs([bad])
    with pytest.raises(ValueError, match="version stamp"):
        store.replace_graphs([ox.Quad(bad.subject, bad.predicate, bad.object, ox.NamedNode(STAMP_GRAPH))])
    assert store.dataset_version() == version and store.graph_names() == graphs


def test_workers_over_one_engine_share_one_entry(loaded, tmp_path, monkeypatch):
    """The first worker's child reads the index (and the analyses) into an entry keyed by the
    engine's stamp; the next worker, or a restart, opens that file without reading the engine."""
    from service.readmodel.index_file import DiskTable

    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path))
    store = RemoteStore(loaded.query_url)
    first = startup_cache.load_remote(store)
    assert [p.name for p in (tmp_path / startup_cache.REMOTE).iterdir()] == [first.cache_entry.name]
    assert first.version == store.dataset_version()
    assert isinstance(first.index.measures, DiskTable)
    assert dict(first.index.measures.items()) == load_index(OxigraphStore.from_file(DATASET_PATH)).measures
    assert len(first.precomputed) > 0  # the analyses made with the file, as for a dataset file
    monkeypatch.setattr(startup_cache, "in_child", lambda *args: pytest.fail("the engine was read again"))
    second = startup_cache.load_remote(store)
    assert second.cache_entry == first.cache_entry and second.version == first.version


def test_an_engine_without_a_stamp_is_read_per_worker(loaded, tmp_path, monkeypatch):
    """An engine loaded by other means has no stamp: no shared entry (the caller reads the index
    into a file of its own); the stamp put back, the entry is found again."""
    monkeypatch.setenv("POLICYKG_CACHE_DIR", str(tmp_path))
    store = RemoteStore(loaded.query_url)
    stamp = httpx.get(f"{loaded.base}/store", params={"graph": STAMP_GRAPH},
                      headers={"Accept": "application/n-triples"}).content
    store.update(f"DROP GRAPH <{STAMP_GRAPH}>")
    try:
        assert store.dataset_version() is None
        assert startup_cache.load_remote(store) is None
    finally:
        store.put_graph(STAMP_GRAPH, stamp)
    assert store.dataset_version() == graph_version(OxigraphStore.from_file(DATASET_PATH))


def test_a_worker_keeps_the_remote_index_in_a_file_of_its_own(loaded, tmp_path):
    """serve --store of an engine without a stamp: a child reads the index from the engine into a
    file the worker reads from."""
    from service.readmodel.index_file import DiskTable

    embedded = load_index(OxigraphStore.from_file(DATASET_PATH))
    on_disk = startup_cache.remote_index_on_disk(loaded.query_url, tmp_path)
    assert len(list(tmp_path.glob("index-*.sqlite"))) == 1
    assert isinstance(on_disk.measures, DiskTable)
    for table in ("measures", "responsibilities", "organizations", "type_city_measures", "org_names"):
        assert dict(getattr(on_disk, table).items()) == getattr(embedded, table), table
    with pytest.raises(StoreError):  # the child's failure reaches the worker, with what went wrong
        startup_cache.remote_index_on_disk(f"http://127.0.0.1:{free_port()}/query", tmp_path / "unreachable")


def test_endpoints_are_derived_for_the_common_engines():
    assert _derive("http://h:7878/query", "data") == "http://h:7878/store"
    assert _derive("http://h:7878/query", "update") == "http://h:7878/update"
    assert _derive("http://h:3030/ds/sparql", "data") == "http://h:3030/ds/data"
    assert _derive("http://h:3030/ds", "update") == "http://h:3030/ds"
    assert _derive("http://h:7200/repositories/pk", "update") == "http://h:7200/repositories/pk/statements"
    assert _derive("http://h:7200/repositories/pk", "data") == "http://h:7200/repositories/pk/rdf-graphs/service"


def test_the_index_read_remotely_equals_the_embedded_one(loaded):
    embedded = load_index(OxigraphStore.from_file(DATASET_PATH))
    for union in ("auto", "graphs"):
        store = RemoteStore(loaded.query_url, union=union)
        remote = load_index(store)
        assert store.union_mode in ("oxigraph", "graphs")
        assert remote.triple_count == embedded.triple_count
        for table in ("cities", "policies", "measures", "organizations", "responsibilities",
                      "classifications", "targets", "type_city_measures", "resp_by_org"):
            assert getattr(remote, table) == getattr(embedded, table), table
        # narrower concepts are listed in the order the engine returns rows (index.py does not sort them)
        assert ({i: (c.label, c.broader_iri, sorted(c.narrower_iris)) for i, c in remote.concepts.items()}
                == {i: (c.label, c.broader_iri, sorted(c.narrower_iris)) for i, c in embedded.concepts.items()})
        # the same SELECTs, plus the triple count, which is a query for a remote engine
        assert remote.load_round_trips == embedded.load_round_trips + 1


def test_replacing_graphs_drops_stale_ones_and_leaves_foreign_ones(loaded, tmp_path):
    store = RemoteStore(loaded.query_url)
    before = store.graph_names()
    assert "http://example.org/other" in before
    ours = [g for g in before if g.startswith(GRAPH_PREFIX) and g != STAMP_GRAPH]
    stale = GRAPH_PREFIX + "removed-document"
    store.put_graph(stale, b"<http://example.org/x> <http://example.org/y> \"z\" .\n")
    assert stale in store.graph_names()
    summary = store.load_file(DATASET_PATH)
    assert summary["dropped"] == 1 and summary["graphs"] == len(ours)
    assert store.graph_names() == before


def test_errors_are_explained(loaded):
    store = RemoteStore(loaded.query_url)
    with pytest.raises(SyntaxError, match="400"):
        store.query("SELEC nothing")
    dead = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(StoreError, match="could not be reached"):
        dead.query("ASK {}")
    with pytest.raises(ValueError):
        RemoteStore("file:///etc/passwd")


def test_serve_refuses_an_unreachable_or_empty_store(oxigraph):
    r = _cli("serve", "--port", str(free_port()), "--store", f"http://127.0.0.1:{free_port()}/query")
    assert r.returncode != 0 and "could not be reached" in (r.stderr + r.stdout)
    r = _cli("serve", "--store", oxigraph.query_url, "--data", "data/raw")
    assert r.returncode == 2 and "exclusive" in r.stderr


# -- the same answers through the service -------------------------------------------------

CONTRACT_QUERIES = [
    '{ cities { name nameEn adminCode province policies { document title } } }',
    '''{ organization(name: "市科技局", city: "许昌") { name aliases kind
         responsibilities(role: LEAD, first: 5) { totalCount pageInfo { hasNextPage endCursor }
           edges { cursor node { role basis measure { code title } source { document start end quote } } } } } }''',
    '''{ measures(city: "承德", first: 50) { totalCount edges { node { code title
         responsibilities { role basis organization { name } } measureTypes { label } industries { label } } } } }''',
    '''{ sharedMeasures(cities: ["许昌", "常州", "承德", "漯河"], minCities: 3) {
         measureType { id label labelEn } cityCount measureCount measures { code city { name } } } }''',
    '''{ measure(id: "measure/xuchang-2020-plan-annex-tasks/(28)") { code text
         refines { code responsibilities { role basis organization { name } } }
         responsibilities { role basis organization { name city { name } } source { quote } } } }''',
    '''{ organization(name: "中科院") { name kind cities { name } measures { code } } }''',
    '{ targets(indicator: "高新技术企业") { indicator value unit year text city { name } } }',
    '{ institutions(city: "许昌") { name kind } }',
    '{ responsibilities(city: "漯河", role: COOPERATING, first: 20) { totalCount edges { cursor } } }',
]


@pytest.mark.parametrize("query", CONTRACT_QUERIES, ids=range(len(CONTRACT_QUERIES)))
def test_graphql_answers_are_identical(client, remote_client, query):  # noqa: F811
    embedded = gql(client, query)
    remote = gql(remote_client, query)
    assert not embedded.get("errors") and not remote.get("errors"), (embedded.get("errors"), remote.get("errors"))
    assert remote["data"] == embedded["data"]


def test_sparql_and_health_match(client, remote_client):  # noqa: F811
    q = ("PREFIX pk: <https://w3id.org/policykg/ontology#> SELECT ?code (COUNT(?r) AS ?n) WHERE { "
         "?r a pk:Responsibility ; pk:measure ?m . ?m pk:code ?code } GROUP BY ?code ORDER BY ?code LIMIT 50")
    a = client.get("/sparql", params={"query": q}).json()
    b = remote_client.get("/sparql", params={"query": q}).json()
    assert a == b and a["results"]["bindings"]
    ra, rb = client.get("/health"), remote_client.get("/health")
    assert ra.headers["X-Graph-Version"] == rb.headers["X-Graph-Version"]  # the stamp names the same graph
    ha, hb = ra.json(), rb.json()
    for key in ("triples", "documents", "cities", "measures", "responsibilities"):
        assert ha[key] == hb[key], key
    # requests are answered from the index: no store round trip per request
    body = gql(remote_client, "{ measures(first: 20) { edges { node { responsibilities { organization { name } } } } } }")
    assert body["extensions"]["roundTrips"]["store"] == 0
