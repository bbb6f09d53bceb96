"""SQLite databases made once per loaded graph: a file of its start-up cache entry, or in memory.

The search index and the responsibility tallies are tables a request reads a
few rows of. Held as Python structures, every worker that answered one
request would unpickle the whole of each (hundreds of MiB at national
scale). As a file of the start-up cache entry, written once when the entry
is made (insights/precompute.py) and opened read-only, their pages sit in
the page cache that every worker shares (read with pread, not mapped: see
``open_read_only``). A graph loaded without an entry (a notebook, the
tests) keeps the database in memory.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ..readmodel.index_file import RecentlyDecoded, open_read_only

IN_CHUNK = 500  # values per ``IN (…)`` of one statement


class GraphDatabase:
    """A database filled from one loaded graph by ``fill``, named ``FILE`` (or as given) in the graph's entry.

    Pickled (insights/precompute.py keeps it with the index file), it is its
    attributes and the file's name; ``attach`` opens the file in the process
    that reads it. One in memory is pickled as its serialized bytes.
    """

    FILE: ClassVar[str]

    def __init__(self, g: Any, file: str | None = None) -> None:
        """``file``: the name in the entry, when not the class's ``FILE``."""
        entry = getattr(g, "cache_entry", None)
        self.file: str | None = (file or self.FILE) if entry is not None else None
        if entry is not None:
            target = Path(entry) / self.file
            tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
            tmp.unlink(missing_ok=True)
            con = sqlite3.connect(tmp, check_same_thread=False)
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("PRAGMA synchronous=OFF")
        else:
            con = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            self.fill(con, g)
        except BaseException:
            con.close()
            if entry is not None:
                tmp.unlink(missing_ok=True)  # no half-made file left in the entry
            raise
        if entry is not None:
            con.close()
            tmp.replace(target)
            con = open_read_only(target, mapped=False)
        self.con: sqlite3.Connection | None = con
        self.lock = threading.Lock()

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        """Create and fill the tables from ``g`` (attributes the queries need go on ``self``)."""
        raise NotImplementedError

    def __getstate__(self) -> dict:
        # a name with a leading underscore is a cache of this process, read again from the database
        state = {k: v for k, v in self.__dict__.items() if k not in ("con", "lock") and not k.startswith("_")}
        if self.file is None:
            if not hasattr(self.con, "serialize"):  # an SQLite without serialize: made on first use instead
                raise TypeError("this SQLite cannot serialize a database")
            with self.lock:
                state["database"] = self.con.serialize()
        return state

    def __setstate__(self, state: dict) -> None:
        database = state.pop("database", None)
        self.__dict__.update(state)
        self.con = None  # a file is opened by attach, in the process that reads it (not across a fork)
        if database is not None:
            self.con = sqlite3.connect(":memory:", check_same_thread=False)
            self.con.deserialize(database)
        self.lock = threading.Lock()

    def attach(self, g: Any) -> None:
        if self.con is None and self.file is not None:
            self.con = open_read_only(Path(g.cache_entry) / self.file, mapped=False)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.lock:
            return self.con.execute(sql, params).fetchall()

    def rows_in(self, sql: str, head: Sequence[Any], values: Sequence[Any]) -> Iterator[tuple]:
        """``sql``, ending in ``… IN``, over ``values`` in chunks of ``IN_CHUNK`` (SQLite bounds the
        parameters of one statement), after the parameters ``head``."""
        for i in range(0, len(values), IN_CHUNK):
            chunk = values[i:i + IN_CHUNK]
            yield from self.rows(f"{sql} ({', '.join('?' * len(chunk))})", (*head, *chunk))


class KeptRows(GraphDatabase):
    """A structure's mappings kept as rows (``field``, key, pickled value), read a key at a time.

    A structure pickled whole is unpickled whole by the first request of each
    worker that reads any part of it. Its large mappings here are rows of a
    file of the entry instead; ``mapping`` reads one through a bounded cache
    of decoded values (``EntryMapping``). What ``rows_of`` is given is only
    written: the instance (what is pickled) keeps none of it.
    """

    def __init__(self, g: Any, rows_of: Mapping[str, Mapping[str, Any]], file: str | None = None) -> None:
        self._rows_of = rows_of  # what fill writes; not pickled (a leading underscore)
        super().__init__(g, file)
        del self._rows_of

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        con.execute("CREATE TABLE entry (pos INTEGER PRIMARY KEY, field TEXT NOT NULL, k TEXT NOT NULL, v BLOB)")

        def rows() -> Iterator[tuple[str, str, bytes]]:
            for name, mapping in self._rows_of.items():
                for k, v in mapping.items():
                    yield name, k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)

        with con:
            con.executemany("INSERT INTO entry (field, k, v) VALUES (?, ?, ?)", rows())
            con.execute("CREATE UNIQUE INDEX entry_key ON entry (field, k)")

    def mapping(self, field: str, recent: int) -> "EntryMapping":
        """The rows of ``field`` as a read-only mapping, the ``recent`` last decoded kept."""
        return EntryMapping(self, field, recent)


class EntryMapping(RecentlyDecoded):
    """One field of a ``KeptRows``, read a row at a time, in the order it was written."""

    def __init__(self, db: KeptRows, field: str, recent: int) -> None:
        super().__init__(recent)
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
