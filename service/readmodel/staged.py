"""Record tables written to a staging file as the graphs are read, instead of held until the index is.

A start-up cache entry reads the dataset one named graph at a time
(service/lifecycle/by_graph.py) into one ``GraphIndex``, which it then
writes to the index file. Held in memory until then, every record grows the
entry with the corpus. The tables no other record's reading or ordering
needs whole (the classifications, the policy-tool codings and the text-reuse
pairs: ~110 MiB at 3,000 documents, most of it the pairs' quoted texts)
go to an SQLite file of the entry instead, a graph at a time, each row its
record pickled beside the few columns that ``_derive`` groups and orders it
by. What ``_derive`` then needs comes back as those columns, in key order;
the order it makes is a column too, and the index file is written from the
stored pickles in that order.

The first record written under a key is kept, as reading into a dict did
(``if iri not in table``), so that a node two graphs describe reads the same.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

BATCH = 2048  # rows buffered before one INSERT


class StagingFile:
    """The staging tables of one index being read: one SQLite file, removed by ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.unlink(missing_ok=True)
        self.con = sqlite3.connect(self.path)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.tables: list[StagedTable] = []

    def table(self, name: str, columns: tuple[str, ...]) -> StagedTable:
        t = StagedTable(self, name, columns)
        self.tables.append(t)
        return t

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self.path.unlink(missing_ok=True)


class StagedTable(Mapping):
    """A table of records by key in the staging file, with ``columns`` beside each record.

    ``put`` adds a record (the first under a key is kept). Read back as a
    mapping in key order until ``keep_in`` gives the order (and the subset)
    it is then read in.
    """

    def __init__(self, staging: StagingFile, name: str, columns: tuple[str, ...]) -> None:
        self._staging, self._t, self.columns = staging, f"s_{name}", columns
        cols = "".join(f", {c}" for c in columns)
        self._con.execute(f"CREATE TABLE {self._t} (k TEXT PRIMARY KEY, ord INTEGER, v BLOB NOT NULL{cols})")
        self._insert = (f"INSERT OR IGNORE INTO {self._t} (k, v{cols}) "
                        f"VALUES (?, ?{', ?' * len(columns)})")
        self._pending: list[tuple] = []
        self._ordered = False
        self._len: int | None = None

    @property
    def _con(self) -> sqlite3.Connection:
        con = self._staging.con
        if con is None:
            raise ValueError("the staging file is closed")
        return con

    def put(self, key: str, record: Any, *values: Any) -> None:
        """``record`` under ``key`` unless one is there already, with the table's column ``values``."""
        self._pending.append((key, pickle.dumps(record, pickle.HIGHEST_PROTOCOL), *values))
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            with self._con:
                self._con.executemany(self._insert, self._pending)
            self._pending.clear()
            self._len = None

    def column_rows(self) -> Iterator[tuple]:
        """(key, *columns) of every record, in key order. Strings interned, as the index reader's values are:
        the keys go into other records' lists, and a measure's IRI is the one its record holds."""
        self.flush()
        for row in self._con.execute(f"SELECT k{''.join(f', {c}' for c in self.columns)} FROM {self._t} ORDER BY k"):
            yield tuple(sys.intern(x) if isinstance(x, str) else x for x in row)

    def keep_in(self, keys: Iterable[str]) -> None:
        """From now on the table holds ``keys`` only, in their order (``_derive``'s: best pair first)."""
        self.flush()
        with self._con:
            self._con.execute(f"UPDATE {self._t} SET ord = NULL")
            self._con.executemany(f"UPDATE {self._t} SET ord = ? WHERE k = ?", ((i, k) for i, k in enumerate(keys)))
            self._con.execute(f"CREATE INDEX {self._t}_ord ON {self._t} (ord) WHERE ord IS NOT NULL")
        self._ordered = True
        self._len = None

    def _where(self) -> str:
        return "ord IS NOT NULL" if self._ordered else "1"

    def _order(self) -> str:
        return "ord" if self._ordered else "k"

    def pickled_items(self) -> Iterator[tuple[str, bytes]]:
        """(key, the record's pickle) in the table's order: what the index file stores."""
        self.flush()
        yield from self._con.execute(f"SELECT k, v FROM {self._t} WHERE {self._where()} ORDER BY {self._order()}")

    def __getitem__(self, key: Any) -> Any:
        self.flush()
        row = self._con.execute(f"SELECT v FROM {self._t} WHERE k = ? AND {self._where()}", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return pickle.loads(row[0])

    def __contains__(self, key: object) -> bool:
        self.flush()
        return self._con.execute(f"SELECT 1 FROM {self._t} WHERE k = ? AND {self._where()}", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        self.flush()
        return (k for (k,) in self._con.execute(f"SELECT k FROM {self._t} WHERE {self._where()} ORDER BY {self._order()}"))

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        return ((k, pickle.loads(v)) for k, v in self.pickled_items())

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        return (pickle.loads(v) for _, v in self.pickled_items())

    def __len__(self) -> int:
        if self._len is None:
            self.flush()
            (self._len,), = self._con.execute(f"SELECT count(*) FROM {self._t} WHERE {self._where()}")
        return self._len


def is_staged(table: Mapping) -> bool:
    return isinstance(table, StagedTable)
