"""The serving index in one SQLite file that every worker opens read-only.

A pickled ``GraphIndex`` gives each worker process its own copy of every
record: 336 MiB at 300 cities, growing with the corpus, times the workers.
Here the index's large tables (records and the reverse relations of
``_derive``) are SQLite tables of (position, key, pickled value), read through
a memory map of an immutable file. Pages come from the operating system's
page cache, which every worker on the machine shares, so N workers cost one
copy, and a worker's own memory is what a request touches: the records it
decodes stay in a small bounded cache per table (``RECENT``).

Small parts (jurisdictions, concepts, units, the document names) are kept
whole in memory: requests read them all the time, and they grow with the
jurisdictions and documents, not with the records.

A few tables carry columns a request filters by (``FACETS``: a
responsibility's role, basis, measure and city; an organization's kind and
names), so that a long list narrowed by them is selected in SQL a page at a
time (``DiskTable.where``) instead of by decoding every record.

The analyses made with the file (insights/precompute.py) are a table of their
own, ``derived``, by the key ``GraphState.derived`` reads them by.

Why SQLite (bench/results-serving.md): it is in the standard
library, a file opened ``immutable`` needs no locks, point lookups cost a few
microseconds, and a full scan (analytics made once per graph) is one ordered
read. The Oxigraph store cannot be the index: the derived orderings and
groupings are not in the RDF, and answering a page of 50 measures by SPARQL
took 352 ms at 300 cities against 2.3 ms from the index (bench/results.md).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .index import GraphIndex
from .name_keys import key

FORMAT = "3"  # bump when a table's layout or what its values are changes
RECENT = 4096  # decoded values kept per table per process: the working set of a burst of requests

# kept whole in memory: small, and read by most requests
IN_MEMORY = ("cities", "jurisdictions", "concepts", "units", "documents", "triple_count", "load_round_trips")

_MISSING = object()


def _table(name: str) -> str:
    return f"t_{name}"


DERIVED = "derived"  # the table of structures made with the file (insights/precompute.py), by derived key

# Columns a table of records is filtered by in SQL as well (DiskTable.where): the long lists a request
# narrows by a property of each record. Filtering by decoding every record cost 1 s a request at 300
# cities for the country's responsibilities of one role (~30 s at 30,000 documents).
@dataclass(frozen=True)
class Facets:
    """The columns of one table: ``record`` gives what a row describes (from the index and the row's key
    and pickled value, decoded once a row), each of ``columns`` a value of it."""

    record: Callable[[GraphIndex, str, bytes], Any]
    columns: dict[str, Callable[[GraphIndex, Any], str | None]]


FACETS: dict[str, Facets] = {
    # the row's own record: decoded from its pickle, not looked up (a staged table's lookup is a query)
    "responsibilities": Facets(lambda ix, k, v: pickle.loads(v), {
        "role": lambda ix, r: r.role,
        "basis": lambda ix, r: r.basis,
        "measure": lambda ix, r: r.measure_iri,
        "city": lambda ix, r: _measure_city(ix, r.measure_iri),
    }),
    # a list of keys: the record is the organization's
    "listed_orgs": Facets(lambda ix, k, v: ix.organizations[k], {
        "kind": lambda ix, o: o.kind,
        # every name's search key (name_keys.key), apart: `where(search=…)` finds a part of one
        "names": lambda ix, o: NAMES_APART.join(_search_keys(o)),
    }),
}


def _measure_city(ix: GraphIndex, iri: str) -> str | None:
    """A measure's city: from a staged table's column (staged.py) without decoding the record."""
    table = getattr(ix.measures, "table", None)
    if table is not None:
        return table.column_of(iri, "city")
    m = ix.measures.get(iri)
    return m.city_iri if m is not None else None


NAMES_APART = "\x1f"  # between two names' keys: key() drops it (whitespace), so no match runs across two


# (concept, measure) of GraphIndex.measures_by_concept, a measure type's family: `where(concept=…)`
# keeps the records whose `measure` facet is one of them
MEMBERS = "t_concept_members"


def _search_keys(o: Any) -> list[str]:
    return [key(n) for n in (o.name, o.name_en or "", *o.aliases)]


def write_index(ix: GraphIndex, path: Path, meta: Mapping[str, Any] | None = None,
                derived: Mapping[str, bytes] | None = None) -> None:
    """Write ``ix`` to ``path`` (atomically: a temporary file renamed), with ``meta`` and the
    precomputed ``derived`` structures (already pickled) beside it."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA page_size=8192")
        con.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB)")
        small = {name: getattr(ix, name) for name in IN_MEMORY}
        rows = {"format": FORMAT, "in_memory": small, **(meta or {})}
        con.executemany("INSERT INTO meta VALUES (?, ?)",
                        ((k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)) for k, v in rows.items()))
        tables = [(f.name, _pickled_rows(getattr(ix, f.name))) for f in fields(GraphIndex) if f.name not in IN_MEMORY]
        for name, rows in tables + [(DERIVED, (derived or {}).items())]:
            t = _table(name)
            facets = FACETS.get(name)
            names = tuple(facets.columns) if facets else ()
            columns = "".join(f", {c} TEXT" for c in names)
            con.execute(f"CREATE TABLE {t} (pos INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB{columns})")
            if facets:
                rows = _with_facets(ix, facets, rows)
            marks = ", ?" * len(names)
            con.executemany(f"INSERT INTO {t} (k, v{''.join(f', {c}' for c in names)}) VALUES (?, ?{marks})", rows)
            con.execute(f"CREATE UNIQUE INDEX {t}_k ON {t} (k)")
            for c in names:  # the rowid rides in each index: a facet's rows come out in the table's order
                con.execute(f"CREATE INDEX {t}_{c} ON {t} ({c})")
        con.execute(f"CREATE TABLE {MEMBERS} (concept TEXT NOT NULL, measure TEXT NOT NULL)")
        con.executemany(f"INSERT INTO {MEMBERS} VALUES (?, ?)",
                        ((c, m) for c, ms in ix.measures_by_concept.items() for m in ms))
        con.execute(f"CREATE INDEX {MEMBERS}_concept ON {MEMBERS} (concept)")
        con.commit()
    finally:
        con.close()
    tmp.replace(path)


def _with_facets(ix: GraphIndex, facets: Facets, rows: Iterator[tuple[str, bytes]]) -> Iterator[tuple]:
    for k, v in rows:
        rec = facets.record(ix, k, v)
        yield (k, v, *(get(ix, rec) for get in facets.columns.values()))


def _pickled_rows(value: Any) -> Iterator[tuple[str, bytes]]:
    """(key, pickled value) of a table of the index; a list or set of IRIs has its members as keys, in order."""
    stored = getattr(value, "pickled_items", None)
    if stored is not None:  # a staged table (staged.py): its records' pickles as stored
        return stored()
    if isinstance(value, Mapping):
        items = value.items()
    else:
        items = ((k, None) for k in (sorted(value) if isinstance(value, set) else value))
    return ((k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL)) for k, v in items)


def open_read_only(path: Path, mapped: bool = True) -> sqlite3.Connection:
    """A database file read-only. Immutable: no locking and no change detection (the file is never
    written once renamed). Either way its pages come from the operating system's page cache, which every
    process opening it shares.

    ``mapped``: read through a memory map, the index file's way: its point lookups are its hot path,
    and a mapped page costs no copy. Every page a process has touched (and, by the kernel's fault-around,
    up to 15 neighbours) then counts in its RSS until it exits. ``mapped=False``: read with pread into
    SQLite's own small page cache, for the analyses' files, whose queries touch scattered rows once (one
    search mapped 30 MiB of its file into the worker at 3,000 documents, bench/results-serving.md)."""
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    con.execute(f"PRAGMA mmap_size={Path(path).stat().st_size + (1 << 20) if mapped else 0}")
    con.execute("PRAGMA cache_size=-2048")  # SQLite's own page cache small: the page cache serves reads
    return con


class IndexFile:
    """One open index file: a read-only connection per thread (and per process, after a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        con = self.connection()
        self.meta = {k: pickle.loads(v) for k, v in con.execute("SELECT name, value FROM meta")}
        if self.meta.get("format") != FORMAT:
            raise ValueError(f"{self.path}: index file format {self.meta.get('format')!r}, expected {FORMAT!r}")

    def connection(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None or self._local.pid != os.getpid():
            con = open_read_only(self.path)
            self._local.con, self._local.pid = con, os.getpid()
        return con


class RecentlyDecoded(Mapping):
    """A read-only mapping of pickled values fetched one key at a time (``_fetch``), the ``recent``
    most recently used kept decoded."""

    def __init__(self, recent: int | None = None) -> None:
        self._recent: OrderedDict[str, Any] = OrderedDict()
        self._keep = RECENT if recent is None else recent
        self._lock = threading.Lock()

    def _fetch(self, k: str) -> bytes | None:
        """The pickled value of ``k``, or None."""
        raise NotImplementedError

    def _lookup(self, k: Any) -> Any:
        if not isinstance(k, str):
            return _MISSING
        with self._lock:
            v = self._recent.get(k, _MISSING)
            if v is not _MISSING:
                self._recent.move_to_end(k)
                return v
        raw = self._fetch(k)
        if raw is None:
            return _MISSING
        v = pickle.loads(raw)
        with self._lock:
            self._recent[k] = v
            if len(self._recent) > self._keep:
                self._recent.popitem(last=False)
        return v

    def __getitem__(self, k: Any) -> Any:
        v = self._lookup(k)
        if v is _MISSING:
            raise KeyError(k)
        return v

    def get(self, k: Any, default: Any = None) -> Any:
        v = self._lookup(k)
        return default if v is _MISSING else v

    def __contains__(self, k: object) -> bool:
        return self._lookup(k) is not _MISSING


class DiskTable(RecentlyDecoded):
    """A read-only mapping over one table of an index file, in the order it was written.

    Lookups decode the pickled value and keep it among the table's ``RECENT``
    most recently used; iterating values or items is one ordered scan.
    """

    def __init__(self, file: IndexFile, name: str) -> None:
        super().__init__()
        self._file = file
        self._t = _table(name)
        self._name = name
        # rows are numbered 1..n as written (see DiskKeys): the last rowid is one b-tree descent, where
        # count(*) reads a whole index, every page of it then resident in each worker (~140 MiB at 3,000
        # documents)
        self._len = file.connection().execute(f"SELECT max(pos) FROM {self._t}").fetchone()[0] or 0
        self.facets = frozenset(row[1] for row in file.connection().execute(f"PRAGMA table_info({self._t})")
                                if row[1] not in ("pos", "k", "v"))

    def __repr__(self) -> str:
        return f"<DiskTable {self._name}: {self._len} rows in {self._file.path.name}>"

    def _fetch(self, k: str) -> bytes | None:
        row = self._file.connection().execute(f"SELECT v FROM {self._t} WHERE k = ?", (k,)).fetchone()
        return None if row is None else row[0]

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        for (k,) in self._file.connection().execute(f"SELECT k FROM {self._t} ORDER BY pos"):
            yield k

    def where(self, **conditions: str) -> "DiskSelection":
        """The keys, in order, of the records whose facets equal ``conditions`` (``concept``: whose
        ``measure`` is of that measure type's family), read a page at a time."""
        clauses, params = [], []
        for name, value in conditions.items():
            if name == "concept" and "measure" in self.facets:
                clauses.append(f"measure IN (SELECT measure FROM {MEMBERS} WHERE concept = ?)")
            elif name == "search" and "names" in self.facets:  # a part of a name's key (name_keys.key)
                value = key(value)
                clauses.append("instr(names, ?) > 0")
            elif name in self.facets:  # a known column name: never text from a request
                clauses.append(f"{name} = ?")
            else:
                raise KeyError(f"{self._name} has no facet {name!r} (it has {sorted(self.facets)})")
            params.append(value)
        return DiskSelection(self, " AND ".join(clauses) or "1", tuple(params))

    def ordered_keys(self) -> "DiskKeys":
        """The keys in order as a sequence that reads only the slice asked for (a page of 50 of 40,000)."""
        return DiskKeys(self)

    def values(self) -> Iterator[Any]:  # type: ignore[override] - a one-pass view is what callers use
        for (v,) in self._file.connection().execute(f"SELECT v FROM {self._t} ORDER BY pos"):
            yield pickle.loads(v)

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        for k, v in self._file.connection().execute(f"SELECT k, v FROM {self._t} ORDER BY pos"):
            yield k, pickle.loads(v)


class _Paged(Sequence):
    """Keys in a table's order, read a slice at a time (``_slice``): a page of 50 of 40,000 reads 50."""

    def _slice(self, start: int, stop: int) -> list[str]:
        raise NotImplementedError

    def __getitem__(self, i):  # type: ignore[override]
        n = len(self)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            return self._slice(start, stop) if stop > start else []
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._slice(i, i + 1)[0]


class DiskSelection(_Paged):
    """The keys of a table's rows that meet a condition, in the table's order: counted once, sliced by SQL."""

    def __init__(self, table: DiskTable, condition: str, params: tuple[str, ...]) -> None:
        self._table, self._condition, self._params = table, condition, params
        self._len: int | None = None

    def _rows(self, tail: str = "", extra: tuple[int, ...] = ()) -> list[str]:
        t = self._table
        sql = f"SELECT k FROM {t._t} WHERE {self._condition} ORDER BY pos{tail}"
        return [k for (k,) in t._file.connection().execute(sql, self._params + extra)]

    def __len__(self) -> int:
        if self._len is None:
            t = self._table
            self._len = t._file.connection().execute(
                f"SELECT count(*) FROM {t._t} WHERE {self._condition}", self._params).fetchone()[0]
        return self._len

    def _slice(self, start: int, stop: int) -> list[str]:
        return self._rows(" LIMIT ? OFFSET ?", (stop - start, start))

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows())


class DiskKeys(_Paged):
    """A table's keys by position: the rows were inserted in order, so key i is at rowid i + 1."""

    def __init__(self, table: DiskTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def _slice(self, start: int, stop: int) -> list[str]:
        t = self._table
        rows = t._file.connection().execute(
            f"SELECT k FROM {t._t} WHERE pos > ? AND pos <= ? ORDER BY pos", (start, stop))
        return [k for (k,) in rows]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)


def open_index(path: Path, in_memory: bool = False) -> tuple[GraphIndex, dict[str, Any]]:
    """The index of an index file (its large tables on disk, or read whole with ``in_memory``)
    and the file's metadata."""
    file = IndexFile(path)
    ix = GraphIndex(**file.meta["in_memory"])
    for f in fields(GraphIndex):
        if f.name not in IN_MEMORY:
            table = DiskTable(file, f.name)
            setattr(ix, f.name, dict(table.items()) if in_memory else table)
    meta = {k: v for k, v in file.meta.items() if k not in ("format", "in_memory")}
    meta[DERIVED] = DiskTable(file, DERIVED)
    return ix, meta
