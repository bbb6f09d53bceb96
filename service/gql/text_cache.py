"""Per-query-text caches of the GraphQL layer, bounded by the bytes of the texts they keep.

Parsing, validation (limits.py) and the guards' walks over a document
(guards.py) give the same result for the same text; dashboards repeat a few
queries, so each keeps its results per text. ``/metrics`` shows what they
hold (``cache_occupancy``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from .. import settings


class TextCache:
    """Per-document results, keyed on the query text (and what else they depend on).

    Strawberry's parser cache hands back the same document for the same text,
    so a walk over it need run once per text, not once per request: dashboards
    repeat a few queries, and the walks were a tenth of a small query's cost.
    Bounded by entries and by the bytes of the texts kept: a text over
    ``max_text`` characters is not kept at all (600 distinct 1 MB queries once
    held a gigabyte for good).
    """

    def __init__(self, size: int = 512, max_bytes: int | None = None, max_text: int | None = None,
                 name: str = "other") -> None:
        self.name = name  # its label in /metrics (policykg_query_cache_bytes)
        self.size = size
        self.max_bytes = max_bytes if max_bytes is not None else cache_bytes()
        self.max_text = max_text if max_text is not None else cache_max_text()
        self._values: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # requests run in several threads
        _MEMOS.add(self)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._values.get(key)
            if hit is not None:
                self._values.move_to_end(key)
                return hit[0]
        value = make()
        cost = _text_cost(key)
        if cost > self.max_text:
            return value
        with self._lock:
            if key not in self._values:
                self._values[key] = (value, cost)
                self._bytes += cost
            while self._values and (len(self._values) > self.size or self._bytes > self.max_bytes):
                _, (_, old) = self._values.popitem(last=False)
                self._bytes -= old
        return value


_MEMOS: "weakref.WeakSet[TextCache]" = weakref.WeakSet()


def cache_occupancy() -> dict[str, int]:
    """Characters of query text each kind of cache holds now, over every live schema (for /metrics)."""
    out: dict[str, int] = {}
    for memo in list(_MEMOS):
        out[memo.name] = out.get(memo.name, 0) + memo.bytes
    return out


def cache_bytes() -> int:
    return settings.get("POLICYKG_QUERY_CACHE_BYTES")


def cache_max_text() -> int:
    return settings.get("POLICYKG_QUERY_CACHE_MAX_TEXT")


def _text_cost(key: Hashable) -> int:
    """Characters of the query texts a key holds (the rest of a key is small)."""
    if isinstance(key, str):
        return len(key)
    if isinstance(key, tuple):
        return sum(len(k) for k in key if isinstance(k, str))
    return 0
