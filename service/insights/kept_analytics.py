"""The network analytics kept with the index file as rows, read one organization or city at a time.

``centralOrganizations``, ``organizationAnalytics`` and ``organizationCommunities``
read the analytics of graph/network (workload, centrality, communities,
similar cities) of one organization or one city. Kept whole, every worker
that answered one of them unpickled the whole corpus's (+18 MiB at 3,000
documents, for each of the two variants). Here each entry of the
structure's mappings is a row of an SQLite file of the start-up cache entry
(databases.py), and a worker decodes the rows its requests ask for, the
most recent ``RECENT`` of them kept. The similar cities, which make their
lists when asked from a small table of each city's measure types, stay one
row.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from typing import Any

from graph.network import Analytics

from ..readmodel.index_file import RecentlyDecoded
from .databases import GraphDatabase

ROWS = ("workload", "centrality", "ranking", "communities")  # Analytics' mappings kept a row per key
RECENT = 256  # decoded entries kept per mapping per process


class KeptAnalytics(GraphDatabase):
    """One variant of the analytics (EXPLICIT only, or with INHERITED) as rows; ``attach`` gives back an
    ``Analytics`` whose mappings read them."""

    def __init__(self, g: Any, analytics: Analytics, inherited: bool) -> None:
        self._analytics = analytics  # what fill writes; not pickled (a leading underscore)
        super().__init__(g, f"analytics-{'inherited' if inherited else 'explicit'}.sqlite")  # a file per variant
        del self._analytics

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        con.execute("CREATE TABLE entry (pos INTEGER PRIMARY KEY, field TEXT NOT NULL, k TEXT NOT NULL, v BLOB)")
        a = self._analytics

        def rows() -> Iterator[tuple[str, str, bytes]]:
            for name in ROWS:
                for k, v in getattr(a, name).items():
                    yield name, k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)
            yield "similar", "", pickle.dumps(a.similar, pickle.HIGHEST_PROTOCOL)

        with con:
            con.executemany("INSERT INTO entry (field, k, v) VALUES (?, ?, ?)", rows())
            con.execute("CREATE UNIQUE INDEX entry_key ON entry (field, k)")

    def attach(self, g: Any) -> Analytics:
        super().attach(g)
        (similar,), = self.rows("SELECT v FROM entry WHERE field = 'similar'")
        return Analytics(**{name: EntryMapping(self, name) for name in ROWS}, similar=pickle.loads(similar))


class EntryMapping(RecentlyDecoded):
    """One of the analytics' mappings, read a row at a time, in the order it was made."""

    def __init__(self, db: KeptAnalytics, field: str) -> None:
        super().__init__(RECENT)
        self._db, self._field = db, field
        self._len: int | None = None

    def _fetch(self, k: str) -> bytes | None:
        found = self._db.rows("SELECT v FROM entry WHERE field = ? AND k = ?", (self._field, k))
        return found[0][0] if found else None

    def __iter__(self) -> Iterator[str]:
        return iter([k for (k,) in self._db.rows("SELECT k FROM entry WHERE field = ? ORDER BY pos", (self._field,))])

    def __len__(self) -> int:
        if self._len is None:
            (self._len,), = self._db.rows("SELECT count(*) FROM entry WHERE field = ?", (self._field,))
        return self._len
