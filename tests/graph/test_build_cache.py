"""The build cache's array state (graph/build_cache.py: put_arrays, arrays): text reuse's overlaps kept
for the next build in raw slices, read back equal, and not at all when they are not whole or not this code's."""

from __future__ import annotations

import numpy as np
import pytest

from graph import build_cache
from graph.build_cache import BuildCache


@pytest.fixture
def small_slices(monkeypatch):
    monkeypatch.setattr(build_cache, "ARRAY_SLICE", 64)  # many slices per array, and one cut mid-item


def _arrays(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(n)
    pairs = np.sort(rng.integers(0, 256, size=(n, 40), dtype=np.uint8).view("S40").reshape(-1))
    return {"pairs": pairs, "shared": rng.integers(0, 1 << 40, size=n, dtype=np.int64)}


@pytest.mark.parametrize("n", [0, 1, 37])
def test_arrays_come_back_equal_across_a_reopen(tmp_path, small_slices, n):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path)
    made = _arrays(n)
    cache.put_arrays("overlaps", "code-1", made)
    cache.close()
    again = BuildCache(path).arrays("overlaps", "code-1")
    assert again is not None and set(again) == {"pairs", "shared"}
    for field, a in made.items():
        assert again[field].dtype == a.dtype and again[field].shape == a.shape
        assert np.array_equal(again[field], a)


def test_other_code_or_nothing_stored_gives_none(tmp_path):
    cache = BuildCache(tmp_path / "build.sqlite")
    assert cache.arrays("overlaps", "code-1") is None
    cache.put_arrays("overlaps", "code-1", _arrays(5))
    assert cache.arrays("overlaps", "code-2") is None
    cache.put_state("overlaps", ("code-1", "a value of the former pickled form"))
    assert cache.arrays("overlaps", "code-1") is None


def test_a_missing_slice_gives_none(tmp_path, small_slices):
    cache = BuildCache(tmp_path / "build.sqlite")
    cache.put_arrays("overlaps", "code-1", _arrays(20))  # 800 bytes of pairs: 13 slices
    cache._db.execute("DELETE FROM arrays WHERE field = 'pairs' AND part = 3")
    assert cache.arrays("overlaps", "code-1") is None


def test_put_replaces_the_previous_arrays(tmp_path, small_slices):
    cache = BuildCache(tmp_path / "build.sqlite")
    cache.put_arrays("overlaps", "code-1", _arrays(30))
    fewer = _arrays(3)
    cache.put_arrays("overlaps", "code-1", fewer)
    got = cache.arrays("overlaps", "code-1")
    assert got is not None and np.array_equal(got["pairs"], fewer["pairs"])
    (rows,), = cache._db.execute("SELECT count(*) FROM arrays")
    assert rows == 2 + 1  # 120 bytes of pairs in two slices, 24 of counts in one
