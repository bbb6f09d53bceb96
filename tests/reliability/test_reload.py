"""Reloads: ``POST /admin/reload`` (token from the environment) and ``serve --watch``.

The server serves a temporary copy of a raw folder (``--data DIR``); the
tests change the folder, make it invalid in several ways, and check that a
good build is swapped in whole, a bad one leaves the last good graph
serving, and the reason shows on /health, in the log and in /metrics.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.paths import RAW_DIR

from .conftest import ADMIN_TOKEN, Server, healthy, serve, stop_server

CHENGDE = "chengde-2021-plan.txt"
ANNEX = "xuchang-2020-plan-annex-tasks.txt"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def write_raw(folder: Path, docs: dict[str, str]) -> None:
    """``docs``: file name -> city; texts are copied from data/raw."""
    for name in docs:
        shutil.copy(RAW_DIR / name, folder / name)
    (folder / "sources.toml").write_text(
        "".join(f'[[document]]\nfile = "{n}"\ncity = "{c}"\n\n' for n, c in docs.items()), "utf-8")


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("raw-reload")
    write_raw(folder, {CHENGDE: "承德"})
    return folder


@pytest.fixture(scope="module")
def admin(raw) -> Iterator[tuple[httpx.Client, Server]]:
    server = serve("--data", str(raw), POLICYKG_ADMIN_TOKEN=ADMIN_TOKEN)
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c, server
    stop_server(server)


def health(c: httpx.Client) -> dict:
    return c.get("/health").json()


def reload(c: httpx.Client) -> httpx.Response:
    return c.post("/admin/reload", headers=AUTH)


def measure_count(c: httpx.Client) -> tuple[int, str]:
    r = c.post("/graphql", json={"query": "{ measures(first: 0) { totalCount } }"})
    return r.json()["data"]["measures"]["totalCount"], r.headers["x-graph-version"]


# -- the token -----------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Basic {ADMIN_TOKEN}"},
    {"Authorization": ADMIN_TOKEN},
    {"Authorization": f"Bearer {ADMIN_TOKEN}x"},
    {"X-Admin-Token": ADMIN_TOKEN},
])
def test_reload_needs_the_token(admin, headers):
    c, _ = admin
    before = health(c)["reload"]
    r = c.post("/admin/reload", headers=headers)
    assert r.status_code == 401 and "token" in r.json()["error"]
    assert r.headers["www-authenticate"] == "Bearer"
    assert health(c)["reload"] == before  # nothing was attempted


def test_reload_is_disabled_without_a_token_in_the_environment(client):
    r = client.post("/admin/reload", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 401 and "POLICYKG_ADMIN_TOKEN" in r.json()["error"]
    assert client.get("/admin/reload").status_code == 405


# -- good and bad builds ------------------------------------------------------------------------

def test_a_good_build_is_swapped_in_and_a_bad_one_keeps_the_last_good_graph(admin, raw):
    c, server = admin
    first = health(c)
    assert first["documents"] == [CHENGDE]
    count, version = measure_count(c)
    assert version == first["version"] and count == first["measures"]

    # a document added: the new graph, whole
    write_raw(raw, {CHENGDE: "承德", ANNEX: "许昌"})
    r = reload(c)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok" and r.json()["version"] != first["version"]
    second = health(c)
    assert second["documents"] == [CHENGDE, ANNEX] and second["version"] == r.json()["version"]
    assert measure_count(c) == (first["measures"] + 55, second["version"])

    # the raw folder made invalid, in turn: each is refused, the second graph keeps serving
    manifest = (raw / "sources.toml").read_text("utf-8")
    annex = (raw / ANNEX).read_bytes()
    breakages = [
        ("sources.toml", lambda: (raw / "sources.toml").write_text(manifest + "[[document\n", "utf-8"),
         "not valid TOML"),
        ("sources.toml", lambda: (raw / "sources.toml").unlink(), "no manifest"),
        (ANNEX, lambda: (raw / ANNEX).write_bytes(b"\x00\x01binary" * 100), "binary"),
        (ANNEX, lambda: (raw / ANNEX).write_bytes(b""), "empty"),
        (ANNEX, lambda: (raw / ANNEX).unlink(), "file not found"),
    ]
    failures_before = second["reload"]["failures"]
    for culprit, breakage, problem in breakages:
        breakage()
        r = reload(c)
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["status"] == "failed" and culprit in body["error"] and problem in body["error"], body
        now = health(c)
        assert now["version"] == second["version"] and now["documents"] == second["documents"]
        assert now["reload"]["status"] == "failed" and problem in now["reload"]["error"]
        assert measure_count(c) == (second["measures"], second["version"])
        (raw / "sources.toml").write_text(manifest, "utf-8")
        (raw / ANNEX).write_bytes(annex)
    assert health(c)["reload"]["failures"] == failures_before + len(breakages)

    # the reasons are in the log too
    deadline = time.monotonic() + 5
    while "refused, still serving graph" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "refused, still serving graph" in server.log() and "not valid TOML" in server.log()

    # a broken document never served before is left out, not fatal; the rest is swapped in
    (raw / "new.txt").write_bytes(b"\x00" * 64)
    (raw / "sources.toml").write_text(manifest + '[[document]]\nfile = "new.txt"\ncity = "承德"\n', "utf-8")
    r = reload(c)
    assert r.status_code == 200 and any("new.txt" in w and "binary" in w for w in r.json()["warnings"])
    assert health(c)["documents"] == [CHENGDE, ANNEX]

    # back to one document: a deliberate removal is a good build
    write_raw(raw, {CHENGDE: "承德"})
    assert reload(c).status_code == 200
    assert health(c)["version"] == first["version"]  # the same input gives the same graph
    assert healthy(c)


def test_reload_counts_show_in_metrics(admin):
    c, _ = admin
    text = c.get("/metrics").text
    h = health(c)
    assert f'policykg_graph_reloads_total{{outcome="success"}} {h["reload"]["reloads"]}' in text
    assert f'policykg_graph_reloads_total{{outcome="failure"}} {h["reload"]["failures"]}' in text
    assert f"policykg_graph_triples {h['triples']}" in text


# -- serve --watch --------------------------------------------------------------------------------

def wait_for(c: httpx.Client, check, timeout_s: float = 40) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        h = health(c)
        if check(h):
            return h
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout_s}s: {health(c)}")


def test_watch_reloads_on_change_and_keeps_the_last_good_graph(tmp_path):
    write_raw(tmp_path, {CHENGDE: "承德"})
    server = serve("--data", str(tmp_path), "--watch")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            first = health(c)
            write_raw(tmp_path, {CHENGDE: "承德", ANNEX: "许昌"})
            second = wait_for(c, lambda h: h["documents"] == [CHENGDE, ANNEX])
            assert second["reload"]["status"] == "ok" and second["reload"]["reason"].startswith("watch")
            (tmp_path / "sources.toml").write_text("[[document]]\nfile = ", "utf-8")
            failed = wait_for(c, lambda h: h["reload"]["status"] == "failed")
            assert "not valid TOML" in failed["reload"]["error"]
            assert failed["version"] == second["version"] != first["version"]
            assert measure_count(c)[1] == second["version"]
    finally:
        stop_server(server)


# -- serve --workers 2: an admin reload reaches every worker -----------------------------------------

def health_by_worker(url: str, want: int = 2, tries: int = 200) -> dict[int, dict]:
    """/health of each worker, over fresh connections (the kernel picks the worker per connection)."""
    seen: dict[int, dict] = {}
    for _ in range(tries):
        h = httpx.get(url + "/health", timeout=10).json()
        seen[h["pid"]] = h
        if len(seen) >= want:
            break
    return seen


def test_an_admin_reload_reaches_every_worker(tmp_path):
    write_raw(tmp_path, {CHENGDE: "承德"})
    server = serve("--data", str(tmp_path), "--workers", "2", POLICYKG_ADMIN_TOKEN=ADMIN_TOKEN)
    try:
        before = health_by_worker(server.url)
        assert len(before) == 2, before
        assert len({h["version"] for h in before.values()}) == 1
        write_raw(tmp_path, {CHENGDE: "承德", ANNEX: "许昌"})
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = reload(c)
        assert r.status_code == 200, r.text
        new = r.json()["version"]
        deadline = time.monotonic() + 60
        while True:
            now = health_by_worker(server.url)
            if len(now) == 2 and all(h["version"] == new for h in now.values()):
                break
            assert time.monotonic() < deadline, now
            time.sleep(0.5)
        reasons = sorted(h["reload"]["reason"] for h in now.values())
        assert reasons[0] == "admin" and reasons[1].startswith("sibling"), reasons
        assert all(h["documents"] == [CHENGDE, ANNEX] for h in now.values())

        # a worker that dies is replaced from the parent, which holds the graph of before the reload:
        # the replacement reads the signal file as it starts, and follows to the new graph too
        killed = min(now)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            later = health_by_worker(server.url)
            if len(later) == 2 and killed not in later and all(h["version"] == new for h in later.values()):
                break
            assert time.monotonic() < deadline, later
            time.sleep(0.5)
    finally:
        stop_server(server)


# -- in process: the build's time limit, and reloads one at a time ---------------------------------

def test_a_build_past_its_time_limit_is_stopped_and_changes_nothing(tmp_path):
    import asyncio

    from service.web.app import create_app
    from service.lifecycle.loading import load_graph

    write_raw(tmp_path, {CHENGDE: "承德"})
    app = create_app(load_graph(tmp_path), data=tmp_path)
    reloader = app.state.reloader
    before = app.state.graph

    async def attempts():
        reloader.timeout_s = 0.05  # not even the child's start-up fits
        timed_out = await reloader.reload("test")
        reloader.timeout_s = 120
        both = await asyncio.gather(reloader.reload("a"), reloader.reload("b"))  # one after the other
        return timed_out, both

    try:
        timed_out, both = asyncio.run(attempts())
    finally:
        reloader.close()
    assert timed_out.status == "failed" and "0.05 s (POLICYKG_RELOAD_TIMEOUT)" in timed_out.error
    assert [r.status for r in both] == ["ok", "ok"] and both[1].reloads == 2
    assert app.state.graph is not before and app.state.graph.version == before.version  # same input, same graph
