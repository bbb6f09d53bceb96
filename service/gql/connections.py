"""Relay-style pagination over the index's ordered lists, and the one generic Connection.

Cursors are opaque to clients (base64 of ``<list kind>:<offset>``): the
lists are in a stable order for a given graph, so an offset is enough, and
naming the list kind lets a cursor from one connection be refused by
another with a clear message instead of silently paging the wrong list.

``Connection[T]`` and ``Edge[T]`` are generic (strawberry names
``Connection[Measure]`` MeasureConnection and its edge MeasureEdge, the
contract's names); ``connection`` pages a list of IRIs into one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Optional, Sequence, TypeVar

import strawberry

from ..errors import QueryError

MAX_FIRST = 500
_PREFIX = "pk1"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    end_cursor: str | None
    total_count: int


def encode_cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}:{kind}:{offset}".encode()).decode()


def decode_cursor(kind: str, cursor: str) -> int:
    """The offset just after which the next page starts."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)).decode("utf-8")
        prefix, cursor_kind, offset = raw.split(":")
        value = int(offset)
    except (UnicodeError, binascii.Error, ValueError):
        raise QueryError(
            f"`after` is not a valid cursor: {cursor[:60]!r}. Pass the `cursor` or `pageInfo.endCursor` "
            "of a previous page unchanged."
        ) from None
    if prefix != _PREFIX or value < 0:
        raise QueryError(f"`after` is not a valid cursor: {cursor[:60]!r}.")
    if cursor_kind != kind:
        raise QueryError(f"`after` is a cursor of a {cursor_kind} list, not of this {kind} list.")
    return value


def check_first(first: int | None, default: int) -> int:
    if first is None:
        return default
    if first < 0:
        raise QueryError(f"`first` must be 0 or more, got {first}.")
    if first > MAX_FIRST:
        raise QueryError(f"`first` must be at most {MAX_FIRST}, got {first}: page with `after` instead.")
    return first


def paginate(items: Sequence[T], kind: str, first: int | None, after: str | None, default: int) -> Page[T]:
    n = check_first(first, default)
    start = decode_cursor(kind, after) + 1 if after is not None else 0
    chunk = list(items[start:start + n])
    cursors = [encode_cursor(kind, start + i) for i in range(len(chunk))]
    return Page(
        items=chunk,
        cursors=cursors,
        has_next_page=start + len(chunk) < len(items),
        end_cursor=cursors[-1] if cursors else None,
        total_count=len(items),
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def connection(iris: Sequence[str], kind: str, first: int | None, after: str | None, default: int,
               get: Callable[[str], Any]) -> Connection[Any]:
    """A page of ``iris`` (``first`` after the cursor ``after``), each node fetched with ``get``."""
    page = paginate(iris, kind, first, after, default)
    return Connection(edges=[Edge(node=get(i), cursor=c) for i, c in zip(page.items, page.cursors)],
                      page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
                      total_count=page.total_count)
