"""The build cache's array state (graph/build_cache.py: put_arrays, array_parts, arrays): text reuse's
overlaps kept for the next build in raw parts, read back equal a part at a time or whole, and not at all
when they are not whole or not this code's."""

from __future__ import annotations

import numpy as np
import pytest

from graph import build_cache
from graph.build_cache import BuildCache


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(build_cache, "ARRAY_SLICE", 100)  # two 40-byte pairs a part: many parts


def _arrays(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(n)
    pairs = np.sort(rng.integers(0, 256, size=(n, 40), dtype=np.uint8).view("S40").reshape(-1))
    return {"pairs": pairs, "shared": rng.integers(0, 1 << 40, size=n, dtype=np.int64)}


@pytest.mark.parametrize("n", [0, 1, 37])
def test_arrays_come_back_equal_across_a_reopen(tmp_path, small_parts, n):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path)
    made = _arrays(n)
    cache.put_arrays("overlaps", "code-1", made)
    cache.close()
    again = BuildCache(path)
    assert again.array_length("overlaps", "code-1") == n
    whole = again.arrays("overlaps", "code-1")
    assert whole is not None and set(whole) == {"pairs", "shared"}
    parts = list(again.array_parts("overlaps", "code-1"))
    assert len(parts) == -(-n // 2) and all(len(p["pairs"]) == len(p["shared"]) <= 2 for p in parts)
    for field, a in made.items():
        assert whole[field].dtype == a.dtype and whole[field].shape == a.shape
        assert np.array_equal(whole[field], a)
        joined = np.concatenate([p[field] for p in parts]) if parts else a[:0]
        assert np.array_equal(joined, a)


def test_other_code_or_nothing_stored_gives_nothing(tmp_path):
    cache = BuildCache(tmp_path / "build.sqlite")
    assert cache.arrays("overlaps", "code-1") is None and cache.array_length("overlaps", "code-1") is None
    cache.put_arrays("overlaps", "code-1", _arrays(5))
    assert cache.arrays("overlaps", "code-2") is None and list(cache.array_parts("overlaps", "code-2")) == []
    cache.put_state("overlaps", ("code-1", "a value of the former pickled form"))
    assert cache.arrays("overlaps", "code-1") is None


def test_a_missing_part_is_an_error_or_nothing(tmp_path, small_parts):
    cache = BuildCache(tmp_path / "build.sqlite")
    cache.put_arrays("overlaps", "code-1", _arrays(20))
    cache._db.execute("DELETE FROM arrays WHERE field = 'pairs' AND part = 3")
    with pytest.raises(ValueError, match="part 3 of pairs"):
        list(cache.array_parts("overlaps", "code-1"))
    assert cache.arrays("overlaps", "code-1") is None


def test_put_replaces_the_previous_arrays(tmp_path, small_parts):
    cache = BuildCache(tmp_path / "build.sqlite")
    cache.put_arrays("overlaps", "code-1", _arrays(30))
    fewer = _arrays(3)
    cache.put_arrays("overlaps", "code-1", fewer)
    got = cache.arrays("overlaps", "code-1")
    assert got is not None and np.array_equal(got["pairs"], fewer["pairs"])
    (rows,), = cache._db.execute("SELECT count(*) FROM arrays")
    assert rows == 2 * 2  # three items, two a part: two parts of each array


def test_arrays_of_different_lengths_are_refused(tmp_path):
    cache = BuildCache(tmp_path / "build.sqlite")
    with pytest.raises(ValueError, match="different lengths"):
        cache.put_arrays("overlaps", "code-1", {"pairs": np.zeros(2, dtype="S40"), "shared": np.zeros(3, np.int64)})


def test_a_cache_for_one_build_keeps_what_it_is_given_and_leaves_nothing(tmp_path, monkeypatch):
    """``--no-cache`` builds with a cache of their own (SQLite's private temporary file, not a database in
    memory: that held 4.1 GiB at national scale, bench/results-scale.md); it reads back what was put and is
    gone once closed, none of it written under the working directory."""
    monkeypatch.chdir(tmp_path)
    cache = BuildCache(None)
    blob = bytes(range(256)) * 4096  # 1 MiB: more than SQLite's page cache keeps of a table
    for i in range(4):
        cache.put_graph(f"g{i}", i, blob + bytes([i]))
    cache.put_facts("d", {"summary": 1}, {"facts": [1, 2]})
    assert cache.graph("g3") == (3, blob + b"\x03") and cache.graph_triples("g1") == 1
    assert cache.summary("d") == {"summary": 1} and cache.facts("d") == {"facts": [1, 2]}
    cache.close()
    assert list(tmp_path.iterdir()) == []
