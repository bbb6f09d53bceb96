"""GraphQL: fragment bombs, variable defaults in the cost guard, caches bounded by bytes, and
queries answered off the event loop, against live servers."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import healthy, serve, stop_server

FAST_S = 3.0


def fragment_bomb(levels: int, fan: int = 4, aliases: bool = False) -> str:
    """``F{i}`` spreads ``F{i-1}`` ``fan`` times: fan**levels copies of one field once spread."""
    def spread(i: int, k: int) -> str:
        return f"a{k}: children {{ ...F{i - 1} }}" if aliases else f"...F{i - 1}"

    frags = ["fragment F0 on Measure { code }"] + [
        f"fragment F{i} on Measure {{ {' '.join(spread(i, k) for k in range(fan))} }}" for i in range(1, levels + 1)]
    return f"{{ measures {{ edges {{ node {{ ...F{levels} }} }} }} }} " + " ".join(frags)


@pytest.mark.parametrize("query", [
    fragment_bomb(9),  # 4**9 copies from about 540 bytes: stalled the server for seconds
    fragment_bomb(15),  # 4**15 from about 860 bytes: froze it, every request timing out
    fragment_bomb(12, fan=8),
    fragment_bomb(10).replace("...F9 ...F9", "... on Measure { ...F9 } ...F9"),  # inline fragments too
], ids=["543-byte", "863-byte", "wide", "inline"])
def test_nested_fragment_spreads_are_refused_fast_while_health_answers(client, query):
    assert len(query) < 1200
    result: dict[str, object] = {}

    def bomb() -> None:
        started = time.perf_counter()
        with httpx.Client(base_url=str(client.base_url), timeout=30) as c:
            result["r"] = c.post("/graphql", json={"query": query})
        result["s"] = time.perf_counter() - started

    t = threading.Thread(target=bomb)
    t.start()
    while t.is_alive():  # the server keeps answering meanwhile
        assert client.get("/health", timeout=2).status_code == 200
        t.join(0.05)
    r = result["r"]
    assert result["s"] < FAST_S, f"refused after {result['s']:.2f}s"
    message = r.json()["errors"][0]["message"]  # type: ignore[attr-defined]
    assert "fragments are spread" in message and "POLICYKG_MAX_EXPANDED" in message
    assert healthy(client)


def test_fragments_that_expand_within_the_limit_still_work(client):
    r = client.post("/graphql", json={"query": fragment_bomb(3, fan=3)})  # 27 copies
    assert not r.json().get("errors"), r.text[:300]


PAGED = ("query($f: Int{default}) {{ organizations(first: $f) {{ edges {{ node {{ "
         "responsibilities(first: $f) {{ edges {{ node {{ measure {{ code }} }} }} }} }} }} }} }}")


@pytest.mark.parametrize("default, variables", [(" = 500", {}), ("", {"f": 500}), (" = 5", {"f": 500})],
                         ids=["default", "supplied", "supplied-over-default"])
def test_the_cost_guard_counts_variable_defaults_and_values(client, default, variables):
    literal = PAGED.format(default="").replace("query($f: Int) ", "").replace("$f", "500")
    assert "POLICYKG_MAX_COST" in client.post("/graphql", json={"query": literal}).text  # what a literal 500 gets
    r = client.post("/graphql", json={"query": PAGED.format(default=default), "variables": variables})
    assert r.json()["data"] is None
    assert "POLICYKG_MAX_COST" in r.json()["errors"][0]["message"]


def test_a_small_default_passes(client):
    r = client.post("/graphql", json={"query": PAGED.format(default=" = 2")})
    assert not r.json().get("errors"), r.text[:300]


# -- a server with a generous cost budget and small caches ---------------------------------------

CACHE_BYTES = 2_000_000


@pytest.fixture(scope="module")
def roomy() -> Iterator[httpx.Client]:
    s = serve(POLICYKG_MAX_COST="100000000", POLICYKG_QUERY_CACHE_BYTES=str(CACHE_BYTES))
    try:
        with httpx.Client(base_url=s.url, timeout=60) as c:
            yield c
    finally:
        stop_server(s)


def _cache_bytes(c: httpx.Client) -> dict[str, int]:
    text = c.get("/metrics").text
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'policykg_query_cache_bytes\{cache="(\w+)"\} (\d+)',
                                                           text)}


def test_query_caches_are_bounded_by_bytes(roomy):
    for i in range(60):  # 3 MB of distinct texts, each under the per-text limit
        r = roomy.post("/graphql", json={"query": "{ cities { name } } #" + f"{i:03d}" + "x" * 50_000})
        assert r.status_code == 200
    held = _cache_bytes(roomy)
    assert {"parse", "validate", "strings", "cost", "shape"} <= set(held)
    assert all(0 < n <= CACHE_BYTES for n in held.values()), held
    for i in range(10):  # a text over POLICYKG_QUERY_CACHE_MAX_TEXT is not kept at all
        roomy.post("/graphql", json={"query": "{ cities { code } } #" + f"{i:03d}" + "y" * 100_000})
    assert _cache_bytes(roomy) == held


SLOW = "{ cities { organizations { measures { responsibilities { organization { name measures { code } } } } } } }"


def test_a_slow_accepted_query_does_not_stop_other_requests(roomy):
    result: dict[str, float] = {}

    def slow() -> None:
        started = time.perf_counter()
        with httpx.Client(base_url=str(roomy.base_url), timeout=60) as c:
            assert not c.post("/graphql", json={"query": SLOW}).json().get("errors")
        result["slow"] = time.perf_counter() - started

    roomy.post("/graphql", json={"query": SLOW})  # warm
    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)
    latencies = []
    while t.is_alive():
        started = time.perf_counter()
        assert roomy.get("/health").status_code == 200
        latencies.append(time.perf_counter() - started)
        t.join(0.02)
    assert latencies, "the slow query ended before /health was asked"
    # before, /health waited for the whole query; now it is answered meanwhile
    assert max(latencies) < result["slow"] / 3, (max(latencies), result["slow"])
