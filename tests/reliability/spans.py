"""Every Span inside a result, however deeply nested (facts, parsed documents)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from graph.model import Span


def spans_in(value: Any, _seen: set[int] | None = None) -> Iterator[Span]:
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from spans_in(getattr(value, f.name), seen)
    elif isinstance(value, dict):
        for v in value.values():
            yield from spans_in(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from spans_in(v, seen)
