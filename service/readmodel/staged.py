"""Record tables written to a staging file as the graphs are read, instead of held until the index is.

A start-up cache entry reads the dataset one named graph at a time
(service/lifecycle/by_graph.py) into one ``GraphIndex``, which it then
writes to the index file. Held in memory until then, every record grows the
entry with the corpus. The tables no other record's reading or ordering
needs whole (the classifications, the policy-tool codings and the text-reuse
pairs: 108 MiB of records at 3,000 documents, bench/results-scale.md) go to
an SQLite file of the entry instead, a graph at a time, each row its
record pickled beside the few columns that ``_derive`` groups and orders it
by. What ``_derive`` then needs comes back as those columns, in key order;
the orders it makes are made in SQL (the pairs best first, each measure's
codings by tool), and the index file is written from the stored pickles.
The measures and the responsibilities are staged too (they are most of what
an entry held while it read: 160 and 80 MiB of 940 at 3,000 documents); what
``_derive`` makes of them is made in SQL (their orders, ``StagedPositions``,
``StagedGroups``) or kept apart by key and put into a record as it is read
(``StagedRecords``: a measure's parts, targets, codings and pairs).

The first record written under a key is kept, as reading into a dict did
(``if iri not in table``), so that a node two graphs describe reads the same.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
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

    def table(self, name: str, columns: tuple[str, ...]) -> StagedTable:
        return StagedTable(self, name, columns)

    def ranks(self, name: str, rank: Mapping[str, int]) -> str:
        """A table ``name`` (k, pos) of ``rank``'s keys and positions, to order staged rows by in SQL;
        its name back."""
        return self._keyed(name, "pos INTEGER NOT NULL", rank)

    def values(self, name: str, values: Mapping[str, Any]) -> str:
        """A table ``name`` (k, v) of ``values``' keys and values, to join staged rows to in SQL; its name back."""
        return self._keyed(name, "v", values)

    def _keyed(self, name: str, column: str, rows: Mapping[str, Any]) -> str:
        t = f"s_{name}"
        with self.con:
            self.con.execute(f"DROP TABLE IF EXISTS {t}")
            self.con.execute(f"CREATE TABLE {t} (k TEXT PRIMARY KEY, {column}) WITHOUT ROWID")
            self.con.executemany(f"INSERT INTO {t} VALUES (?, ?)", rows.items())
        return t

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self.path.unlink(missing_ok=True)


class StagedTable(Mapping):
    """A table of records by key in the staging file, with ``columns`` beside each record.

    ``put`` adds a record (the first under a key is kept). Read back as a
    mapping in key order until ``keep_ordered`` gives the order (and the
    subset) it is then read in.
    """

    def __init__(self, staging: StagingFile, name: str, columns: tuple[str, ...]) -> None:
        self._staging, self._t, self.columns = staging, f"s_{name}", columns
        cols = "".join(f", {c}" for c in columns)
        self._con.execute(f"CREATE TABLE {self._t} (k TEXT PRIMARY KEY, ord INTEGER, v BLOB NOT NULL{cols})")
        self._insert = (f"INSERT OR IGNORE INTO {self._t} (k, v{cols}) "
                        f"VALUES (?, ?{', ?' * len(columns)})")
        self._pending: list[tuple] = []
        self._select_any = f"SELECT v FROM {self._t} WHERE k = ?"
        self._select_one = f"SELECT v FROM {self._t} WHERE k = ? AND ord IS NOT NULL"
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

    @property
    def staging(self) -> StagingFile:
        return self._staging

    def execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        """``sql`` over the staging file once the pending rows are in; ``{t}`` in it names this table."""
        self.flush()
        return self._con.execute(sql.format(t=self._t), params)

    def keep_ordered(self, joins: str, order: str) -> None:
        """From now on the table holds the rows ``joins`` (``JOIN … ON …`` to the table, aliased ``t``)
        keeps, in ``order`` (its ties broken by key, as a stable sort of the key-ordered rows breaks them)."""
        self.flush()
        with self._con:
            self._con.execute(f"UPDATE {self._t} SET ord = NULL")
            self._con.execute("DROP TABLE IF EXISTS temp.s_order")
            self._con.execute(f"CREATE TEMP TABLE s_order AS SELECT t.k AS k, row_number() OVER "
                              f"(ORDER BY {order}, t.k) AS n FROM {self._t} t {joins}")
            self._con.execute(f"UPDATE {self._t} SET ord = o.n FROM temp.s_order o WHERE o.k = {self._t}.k")
            self._con.execute("DROP TABLE temp.s_order")
            self._con.execute(f"CREATE INDEX {self._t}_ord ON {self._t} (ord) WHERE ord IS NOT NULL")
        self._ordered = True
        self._len = None

    def index_on(self, *columns: str) -> None:
        """An index on each of ``columns``, for ``keys_where``."""
        self.flush()
        with self._con:
            for c in columns:
                self._con.execute(f"CREATE INDEX IF NOT EXISTS {self._t}_{c} ON {self._t} ({c})")

    def column_of(self, key: str, column: str) -> Any:
        """The value of ``column`` beside ``key``'s record (None when no record has the key)."""
        row = self.execute(f"SELECT {column} FROM {{t}} WHERE k = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def keys_where(self, sql: str, params: tuple = ()) -> list[str]:
        """Keys of ``SELECT t.k FROM <table> t`` + ``sql`` (conditions, order), interned."""
        self.flush()
        return [sys.intern(k) for (k,) in self._con.execute(f"SELECT t.k FROM {self._t} t {sql}", params)]

    def _where(self) -> str:
        return "ord IS NOT NULL" if self._ordered else "1"

    def _order(self) -> str:
        return "ord" if self._ordered else "k"

    def pickled_items(self) -> Iterator[tuple[str, bytes]]:
        """(key, the record's pickle) in the table's order: what the index file stores."""
        self.flush()
        yield from self._con.execute(f"SELECT k, v FROM {self._t} WHERE {self._where()} ORDER BY {self._order()}")

    def __getitem__(self, key: Any) -> Any:
        if self._pending:
            self.flush()
        row = self._con.execute(self._select_one if self._ordered else self._select_any, (key,)).fetchone()
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


class StagedGroups(Mapping):
    """A grouping ``_derive`` makes of an ordered staged table's keys, read from SQL instead of held.

    Group ``g`` is the keys whose ``expr`` (over the table ``t`` and ``joins``) is ``g``, in the table's
    order; the groups come in the order of their first key, as ``setdefault(g, []).append(k)`` over the
    ordered records gives them. Rows ``joins`` drops belong to no group.
    """

    def __init__(self, table: StagedTable, expr: str, joins: str = "") -> None:
        self._table, self._expr, self._joins = table, expr, joins

    def _rows(self, where: str = "", params: tuple = ()) -> Iterator[tuple[str, str]]:
        return self._table.execute(
            f"SELECT g, k FROM (SELECT {self._expr} AS g, t.k AS k, t.ord AS ord, "
            f"min(t.ord) OVER (PARTITION BY {self._expr}) AS first FROM {{t}} t {self._joins} "
            f"WHERE t.ord IS NOT NULL AND {self._expr} IS NOT NULL {where}) ORDER BY first, ord", params)

    def _groups(self) -> Iterator[tuple[str, list[str]]]:
        group: list[str] = []
        current = None
        for g, k in self._rows():
            if g != current:
                if group:
                    yield sys.intern(current), group  # type: ignore[arg-type]
                current, group = g, []
            group.append(sys.intern(k))
        if group:
            yield sys.intern(current), group  # type: ignore[arg-type]

    def pickled_items(self) -> Iterator[tuple[str, bytes]]:
        return ((g, pickle.dumps(ks, pickle.HIGHEST_PROTOCOL)) for g, ks in self._groups())

    def items(self) -> Iterator[tuple[str, list[str]]]:  # type: ignore[override]
        return self._groups()

    def values(self) -> Iterator[list[str]]:  # type: ignore[override]
        return (ks for _, ks in self._groups())

    def __getitem__(self, g: Any) -> list[str]:
        ks = [sys.intern(k) for _, k in self._rows(f"AND {self._expr} = ?", (g,))]
        if not ks:
            raise KeyError(g)
        return ks

    def __contains__(self, g: object) -> bool:
        return any(True for _ in self._rows(f"AND {self._expr} = ?", (g,)))

    def __iter__(self) -> Iterator[str]:
        return (g for g, _ in self._groups())

    def __len__(self) -> int:
        (n,), = self._table.execute(f"SELECT count(DISTINCT {self._expr}) FROM {{t}} t {self._joins} "
                                    f"WHERE t.ord IS NOT NULL")
        return n


class StagedPositions(Mapping):
    """Each key of an ordered staged table and its position (0, 1, …) in the table's order."""

    def __init__(self, table: StagedTable) -> None:
        self._table = table

    def _rows(self) -> Iterator[tuple[str, int]]:
        return self._table.execute("SELECT k, ord - 1 FROM {t} WHERE ord IS NOT NULL ORDER BY ord")

    def pickled_items(self) -> Iterator[tuple[str, bytes]]:
        return ((k, pickle.dumps(i, pickle.HIGHEST_PROTOCOL)) for k, i in self._rows())

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        return self._rows()

    def __getitem__(self, k: Any) -> int:
        row = self._table.execute("SELECT ord - 1 FROM {t} WHERE k = ? AND ord IS NOT NULL", (k,)).fetchone()
        if row is None:
            raise KeyError(k)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._rows())

    def __len__(self) -> int:
        return len(self._table)


class StagedRecords(Mapping):
    """The records of an ordered staged table, each completed as it is read by ``complete(key, record,
    whole)``: what ``_derive`` adds to a record (a measure's parts, targets, codings and pairs) is kept
    apart, by key, and never in every record at once. ``whole`` False leaves out what costs a query a
    record (``without_lists``)."""

    def __init__(self, table: StagedTable, complete: Callable[[str, Any, bool], Any], whole: bool = True) -> None:
        self._table, self._complete, self._whole = table, complete, whole

    @property
    def table(self) -> StagedTable:
        return self._table

    def without_lists(self) -> StagedRecords:
        """The records without what is read per record from the staging file (a measure's text-reuse pairs
        and policy-tool codings): for readers that read none of it (the index file's facets, the analyses
        made with an entry), to whom each record read whole cost two queries more (the responsibility
        tallies of 3,000 documents took 30 s instead of 7)."""
        return StagedRecords(self._table, self._complete, whole=False)

    def pickled_items(self) -> Iterator[tuple[str, bytes]]:
        """(key, the whole record's pickle) in the table's order: what the index file stores."""
        for k, rec in self._table.items():
            yield k, pickle.dumps(self._complete(k, rec, True), pickle.HIGHEST_PROTOCOL)

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        return ((k, self._complete(k, rec, self._whole)) for k, rec in self._table.items())

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        return (rec for _, rec in self.items())

    def __getitem__(self, k: Any) -> Any:
        return self._complete(k, self._table[k], self._whole)

    def __contains__(self, k: object) -> bool:
        return k in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
