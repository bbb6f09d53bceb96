"""``policykg serve --data DIR``: another folder laid out like data/raw/, built in memory.

One document (the 许昌 annex table) keeps the build short; the server is
started as a user would and asked over HTTP.
"""

from __future__ import annotations

import shutil

import httpx
import pytest
from service_fixtures import start_server, stop_server

from graph.paths import RAW_DIR
from graph.textio import read_document

ANNEX = "xuchang-2020-plan-annex-tasks.txt"


@pytest.fixture(scope="module")
def one_document_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    shutil.copy(RAW_DIR / ANNEX, folder / ANNEX)
    (folder / "sources.toml").write_text(f'[[document]]\nfile = "{ANNEX}"\ncity = "许昌"\n', "utf-8")
    server = start_server("--data", str(folder))
    yield server
    stop_server(server)


def test_serves_the_folder_it_was_given(one_document_server):
    with httpx.Client(base_url=one_document_server.url, timeout=30) as c:
        health = c.get("/health").json()
        assert health["status"] == "ready" and health["documents"] == [ANNEX]
        body = c.post("/graphql", json={"query": """{
            cities { name }
            measures(first: 500) { totalCount }
            responsibilities(organization: "市工信局", role: LEAD, first: 500) {
                edges { node { measure { code } source { document start end quote } } } }
        }"""}).json()
    assert "errors" not in body
    d = body["data"]
    assert [c["name"] for c in d["cities"]] == ["许昌市"]
    assert d["measures"]["totalCount"] == 55  # the table's 55 tasks
    text = read_document(RAW_DIR / ANNEX, ANNEX).text
    codes = set()
    for e in d["responsibilities"]["edges"]:
        src = e["node"]["source"]
        # built in memory (no TriG file in between): every quote is the text at its offsets
        assert text[src["start"]:src["end"]] == src["quote"]
        codes.add(e["node"]["measure"]["code"])
    assert "(28)" in codes


def test_a_missing_dataset_is_built_before_serving(tmp_path, monkeypatch):
    import graph.paths

    from service.lifecycle.loading import load_graph

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / ANNEX, raw / ANNEX)
    (raw / "sources.toml").write_text(f'[[document]]\nfile = "{ANNEX}"\ncity = "许昌"\n', "utf-8")
    target = tmp_path / "policykg.trig"
    monkeypatch.setattr(graph.paths, "RAW_DIR", raw)
    monkeypatch.setattr(graph.paths, "DATASET_PATH", target)
    state = load_graph(None)
    assert target.exists()  # written where `policykg build` would write it
    assert state.index.documents == [ANNEX] and len(state.index.measures) == 55
