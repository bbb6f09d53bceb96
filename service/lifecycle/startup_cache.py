"""A per-dataset start-up cache: a persistent store and the index file.

Reading 1.4M triples into an in-memory store, then into typed records
(service/readmodel/index.py), then hashing them for the graph version takes over a
minute at 300 cities. None of it changes while the dataset file does not, so
the first start from a dataset file keeps, under ``data/cache/<key>/``:

- ``store/``: a persistent pyoxigraph (RocksDB) store, bulk-loaded once;
- ``network.sqlite``: the network corpus (graph/network) that exports are
  made from, as rows (service/insights/kept_corpus.py);
- ``search.sqlite``: the full-text search index (service/insights/search.py),
  opened read-only by every worker like the index file;
- ``tallies.sqlite``: the per-city counts the rankings and matrices read
  (service/insights/tallies.py), and ``analytics-explicit.sqlite`` and
  ``analytics-inherited.sqlite``: the network analytics as rows
  (service/insights/kept_analytics.py), ``diffusion.sqlite``: each measure
  type's adoptions (service/insights/diffusion.py), and ``citations.sqlite``:
  the citation network (service/insights/citations.py), opened the same way;
- ``index.sqlite``: the ``GraphIndex`` and the graph version in one SQLite
  file (service/readmodel/index_file.py), written last (atomically); its
  presence marks the entry complete. Every process serving the entry opens it
  read-only and reads it through the page cache, so workers share one copy;
- ``in-use.<pid>``: one per process serving from the entry, so that pruning
  (``KEEP`` entries, most recently used first) spares it.

To make an entry, the dataset file is read one named graph at a time
(by_graph.py) while the on-disk store fills: no copy of the whole dataset in
memory, and quicker. The index's leaf record tables go to
``staging.<pid>.sqlite`` as they are read (readmodel/staged.py), removed
once the index file is written. A file that cannot be read so is read into
an in-memory store when it is at most ``IN_MEMORY_MAX_BYTES``, else from the
entry's own store (an in-memory copy costs about three times the index it is
read for).

Later starts open the index file read-only (any number of processes can),
and the store on a process's first SPARQL query: ready in a second, whatever
the corpus. ``policykg build`` makes the entry
right after writing the dataset (``prime``), so even the first
``policykg serve`` of a freshly built dataset starts that way.

The key is the sha256 of the dataset file's bytes (about 0.5 s per 400 MB)
with ``FORMAT``, the pyoxigraph and Python versions and a hash of the index
code, so a changed dataset or index format never meets a stale entry.
Anything unexpected (corrupt pickle, mismatched metadata, a store that will
not open) is logged, the entry is dropped and rebuilt; the caller falls back
to the normal in-memory load when even that fails.

A remote engine (``serve --store URL``) has entries too, under
``data/cache/remote/<key>/``: just the index file, read from the engine by a
spawned child (the worker never holds the corpus) together with the analyses
made with it. Its key is the version ``policykg build --store`` stamps on the
dataset it loads (service/store/remote.py, ``STAMP_GRAPH``), so every worker
on a machine, and every restart, opens the one file one process made; a file
lock lets only one read the engine while the others wait. An engine without
the stamp (loaded by other means) gets a file per process, as before.

``POLICYKG_CACHE=0`` turns it off; ``POLICYKG_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import functools
import gc
import hashlib
import logging
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.network import read_corpus

from ..readmodel.index import load_index
from ..insights.precompute import precompute
from ..readmodel.index_file import DERIVED, open_index, write_index
from ..readmodel.queries import Queries
from ..readmodel.staged import StagingFile
from ..readmodel.state import GraphState, graph_version
from ..store.embedded import OxigraphStore
from ..store.remote import RemoteStore
from .by_graph import NotByGraph, read_by_graph
from .child import in_child

from .. import settings

log = logging.getLogger("policykg.service")

FORMAT = "3"  # bump when what is pickled changes shape in a way the code hash below would miss
KEEP = 3  # entries kept (most recently used); older ones are removed

# set by the last load_cached() in this process: "hit" | "miss" | "" (not used); tests read it
last_status = ""


def enabled() -> bool:
    return settings.get("POLICYKG_CACHE")


def cache_root() -> Path:
    chosen = settings.get("POLICYKG_CACHE_DIR")
    if chosen:
        return Path(chosen)
    from graph.paths import DATA_DIR

    return DATA_DIR / "cache"


@functools.cache
def _code_hash() -> str:
    """The code of what is pickled: a change to how records are made or shaped invalidates every entry.

    Hashed once, when this module is imported (below): the files on disk may change under a running
    process (an upgrade), and its entries must carry the key of the code it runs, not of the new files."""
    from graph import model  # Span, which both kinds of record hold
    from graph import network

    from .. import insights, readmodel

    h = hashlib.sha256()
    # what is stored: the records and index (readmodel/), the network corpus and analytics (graph/network/),
    # the analyses kept with the index file (insights/), and this module
    files = [Path(model.__file__ or ""), Path(__file__)]
    for package in (readmodel, insights, network):
        files += sorted(Path(package.__file__ or "").parent.glob("*.py"))
    for path in files:
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(path.name.encode())
    return h.hexdigest()


_code_hash()


def _key(content: str) -> str:
    """An entry's key: what it was made from (``content``) with everything an entry's bytes depend on."""
    meta = f"{FORMAT}|{ox.__version__}|{sys.version_info[0]}.{sys.version_info[1]}|{_code_hash()}|{content}"
    return hashlib.sha256(meta.encode()).hexdigest()[:40]


def dataset_key(path: Path) -> str:
    with open(path, "rb") as f:
        return _key(hashlib.file_digest(f, "sha256").hexdigest())


def _state(store: OxigraphStore, index: Any, version: str, entry: Path, precomputed: Any) -> GraphState:
    _mark_in_use(entry)
    return GraphState(store=store, index=index, queries=Queries(index), documents=index.documents, version=version,
                      cache_entry=entry, precomputed=precomputed)


INDEX_FILE = "index.sqlite"


def _write_index_file(entry: Path, key: str, store: Any, index: Any, version: str, corpus: Any = None) -> None:
    """The entry's index file, with the analyses every worker would otherwise make on first use, made
    here once over the index in memory; written last, it marks the entry complete."""
    # The analyses read no measure's text-reuse pairs or policy-tool codings (request-time fields only):
    # with the lists staged (readmodel/staged.py), they read the records without them
    without_lists = getattr(index.measures, "without_lists", None)
    analysed = index if without_lists is None else dataclasses.replace(index, measures=without_lists())
    # cache_entry: what is made as a file of its own (search, tallies, analytics) goes into the entry
    derived = precompute(GraphState(store=store, index=analysed, queries=Queries(analysed),
                                    documents=index.documents, version=version, cache_entry=entry,
                                    network_corpus=None if corpus is None else lambda: corpus))
    del analysed
    write_index(index, entry / INDEX_FILE, {"entry_format": FORMAT, "key": key, "version": version}, derived)


def _open_index_file(entry: Path, key: str) -> tuple[Any, str, Any]:
    """(index, version, kept analyses) of the entry's index file, refused if made for another key."""
    index, meta = open_index(entry / INDEX_FILE, in_memory=settings.get("POLICYKG_INDEX_IN_MEMORY"))
    if meta.get("key") != key or meta.get("entry_format") != FORMAT:
        raise ValueError(f"{entry}: metadata does not match the dataset")
    return index, meta["version"], meta[DERIVED]


def _open_hit(entry: Path, key: str) -> GraphState:
    index, version, precomputed = _open_index_file(entry, key)
    # The store's triple count was checked against the index when the entry was made (_build), before
    # the index file marked it complete; counting again here would read the whole store at every start
    # and leave each worker's RocksDB block cache full (+33 MiB a worker at 300 cities).
    if not (entry / "store").is_dir():
        raise ValueError("the entry has no store")
    store = OxigraphStore(opener=functools.partial(ox.Store.read_only, str(entry / "store")))
    return _state(store, index, version, entry, precomputed)


# a dataset file that cannot be read graph by graph is read into an in-memory store up to this size
# to make its entry (quicker); a larger one from the entry's on-disk store (bounded memory)
IN_MEMORY_MAX_BYTES = 256 << 20


def _build(path: Path, entry: Path, key: str) -> GraphState:
    entry.mkdir(parents=True, exist_ok=True)
    # the index's leaf record tables, written as the graphs are read (readmodel/staged.py); gone once
    # the index file is written, or the build fails. One per process: a second process building the
    # same entry (refused at the store's lock below) must not touch the first one's
    for stale in entry.glob("staging.*.sqlite"):
        pid = stale.name.split(".")[1]
        if pid.isdigit() and not _alive(int(pid)):  # left by a build that crashed
            stale.unlink(missing_ok=True)
    staging = StagingFile(entry / f"staging.{os.getpid()}.sqlite")
    try:
        return _build_staged(path, entry, key, staging)
    finally:
        staging.close()


def _build_staged(path: Path, entry: Path, key: str, staging: StagingFile) -> GraphState:
    # read-write open takes RocksDB's lock: a second process building the same entry fails here
    # (and falls back to the in-memory load) instead of writing beside us
    disk = ox.Store(str(entry / "store"))
    try:
        disk.clear()  # what a crashed earlier build may have left
        # pyoxigraph's bulk loader runs in Rust without the GIL: the on-disk store fills on the other
        # core while this one reads the index, the version and the network corpus
        with ThreadPoolExecutor(max_workers=1) as pool:
            loader = _BlockLoader(disk, pool)
            try:
                by_graph = read_by_graph(path, loader.add, staging)
                read: tuple[Any, str, Any] | None = by_graph.index, by_graph.version, by_graph.corpus
                loaded = loader.close()
            except NotByGraph as exc:
                log.info("%s read as a whole: %s", path.name, exc)
                loader.wait()
                disk.clear()
                staging.close()
                read, loaded = _read_whole(path, disk, pool)
        # precompute's queries, if any, go to the entry's store, as a worker's will
        store = OxigraphStore(disk)
        if read is None:  # read from the on-disk store: bounded memory, two to three times slower
            read = _read_store(store)
        index, version, corpus = read
        if loaded != index.triple_count:
            raise ValueError(f"on-disk store holds {loaded} triples, expected {index.triple_count}")
    finally:
        del disk  # closes it (and releases the lock) once ``store`` is let go too (del below)
        gc.collect()
    _write_index_file(entry, key, store, index, version, corpus)
    del corpus
    # the entry is complete from here on: the index file, written last, marks it
    # serve from the entry's store and index file, as later starts will: the in-memory copies go
    del store, index
    release_memory()
    return _open_hit(entry, key)


class _BlockLoader:
    """Fills the entry's on-disk store with the dataset's graph blocks as by_graph.py reads them, a few
    MiB at a time, in the pool's thread. pyoxigraph's bulk loader holds several times its input in
    memory: 1.6 GiB for a whole file at 300 cities, 250 MiB in batches of 8 MiB (a little slower, hidden
    behind the reading, and 1.6 times the disk until RocksDB compacts)."""

    BATCH = 8 << 20

    def __init__(self, disk: ox.Store, pool: ThreadPoolExecutor) -> None:
        self._disk, self._pool = disk, pool
        self._texts: list[bytes] = []
        self._size = 0
        self._loading: Any = None

    def add(self, text: bytes) -> None:
        self._texts.append(text)
        self._size += len(text)
        if self._size >= self.BATCH:
            self._submit()

    def _submit(self) -> None:
        self.wait()  # one batch at a time: the memory bound
        batch, self._texts, self._size = b"".join(self._texts), [], 0
        self._loading = self._pool.submit(self._disk.bulk_load, batch, format=ox.RdfFormat.TRIG)

    def wait(self) -> None:
        """Until the batch being loaded is in."""
        if self._loading is not None:
            self._loading.result()
            self._loading = None

    def close(self) -> int:
        """Load what is left and wait for it: the triples the store holds."""
        if self._texts:
            self._submit()
        self.wait()
        self._disk.flush()
        return len(self._disk)


def _read_whole(path: Path, disk: ox.Store, pool: ThreadPoolExecutor) -> tuple[tuple[Any, str, Any] | None, int]:
    """For a file that cannot be read graph by graph: the on-disk store bulk-loaded from it, and
    (index, version, network corpus) read from an in-memory store meanwhile when the file is small
    enough; else None (read from the on-disk store)."""
    loading = pool.submit(_bulk_load, disk, path)
    read = None
    if path.stat().st_size <= IN_MEMORY_MAX_BYTES:
        read = _read_store(OxigraphStore.from_file(path))
    return read, loading.result()


def _read_store(store: OxigraphStore) -> tuple[Any, str, Any]:
    """(index, version, network corpus) of a store holding the whole dataset."""
    return load_index(store), graph_version(store), read_corpus(store)


def _bulk_load(disk: ox.Store, path: Path) -> int:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TRIG
    disk.bulk_load(path=str(path), format=fmt)
    disk.flush()
    return len(disk)


def release_memory() -> None:
    """Collect, then hand freed heap back to the system.

    glibc keeps freed memory in its arenas: after the in-memory store of a
    first start is dropped, the process would stay about 1 GB larger at 300
    cities than what it uses. malloc_trim returns it; elsewhere this is a no-op.
    """
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _mark_in_use(entry: Path) -> None:
    """Leave an ``in-use.<pid>`` file in the entry while this process serves from it (removed at exit),
    so that pruning, by another process building another dataset, never takes a store being read."""
    marker = entry / f"in-use.{os.getpid()}"
    try:
        marker.touch()
    except OSError:
        return
    atexit.register(lambda: marker.unlink(missing_ok=True))


def _in_use(entry: Path) -> bool:
    """Whether a live process serves from the entry; markers of processes gone are removed."""
    used = False
    for marker in entry.glob("in-use.*"):
        pid = marker.name.rsplit(".", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            used = True
        else:
            marker.unlink(missing_ok=True)
    return used


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _prune(root: Path, keep: str) -> None:
    """Keep the ``KEEP`` most recently used entries, and any a live process serves from (the remote
    engines' folder is not an entry: its entries are pruned among themselves)."""
    try:
        entries = sorted((p for p in root.iterdir() if p.is_dir() and p.name not in (keep, REMOTE)),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[KEEP - 1:]:
        if not _in_use(old):
            shutil.rmtree(old, ignore_errors=True)


def prime(path: Path) -> str:
    """Make the cache entry of the dataset file ``path`` now, as ``policykg build`` does after
    writing it, so that serving it starts from the entry: "made" or "present"."""
    root = cache_root()
    key = dataset_key(Path(path))
    entry = root / key
    if (entry / INDEX_FILE).is_file():
        os.utime(entry)
        return "present"
    state = _build(Path(path), entry, key)
    del state  # the index was only needed to write the entry
    release_memory()
    _prune(root, key)
    return "made"


def load_cached(path: Path) -> GraphState:
    """The graph of the dataset file ``path``, from its cache entry (made first on a miss).

    Raises on a failure the caller should answer with the ordinary load.
    """
    global last_status
    started = time.perf_counter()
    root = cache_root()
    key = dataset_key(Path(path))
    hashed = time.perf_counter() - started
    entry = root / key
    if (entry / INDEX_FILE).is_file():
        try:
            state = _open_hit(entry, key)
        except Exception as exc:  # noqa: BLE001 - any damage: drop the entry, rebuild it below
            log.warning("start-up cache %s unusable (%s: %s): rebuilding it", entry, type(exc).__name__, exc)
            gc.collect()  # let go of a store handle before the files go
            shutil.rmtree(entry, ignore_errors=True)
        else:
            last_status = "hit"
            os.utime(entry)
            log.info("start-up cache hit: %s (key %s…, hashed in %.2fs, ready in %.2fs)",
                     entry, key[:12], hashed, time.perf_counter() - started)
            return state
    state = _build(Path(path), entry, key)
    last_status = "miss"
    log.info("start-up cache miss: built %s in %.2fs", entry, time.perf_counter() - started)
    _prune(root, key)
    return state


# -- a remote engine's entries --------------------------------------------------------

REMOTE = "remote"  # the folder of the remote engines' entries, under cache_root()


def _write_remote_entry(url: str, entry: str, key: str, version: str) -> None:
    """In a child process: the index file of the engine at ``url``, in ``entry``."""
    store = RemoteStore(url)
    _write_index_file(Path(entry), key, store, load_index(store), version)


def remote_entry(store: RemoteStore) -> Path | None:
    """The entry of the dataset the engine holds, made now if this machine has none; None when the
    engine carries no version stamp."""
    version = store.dataset_version()
    if version is None:
        return None
    root = cache_root() / REMOTE
    key = _key(f"remote|{version}")  # not the URL: engines stamped with one version hold one dataset
    entry = root / key
    entry.mkdir(parents=True, exist_ok=True)
    if not (entry / INDEX_FILE).is_file():
        with open(entry / "lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process reads the engine; the others wait for its file
            if not (entry / INDEX_FILE).is_file():
                started = time.perf_counter()
                in_child(_write_remote_entry, store.url, str(entry), key, version)
                log.info("remote start-up cache: read %s (dataset %s) into %s in %.1fs", store.url, version,
                         entry, time.perf_counter() - started)
                _prune(root, key)
    os.utime(entry)
    return entry


def _write_own_index(url: str, path: str) -> None:
    """In a child process: read the index from the engine at ``url`` and write it to ``path``."""
    write_index(load_index(RemoteStore(url)), Path(path))


def remote_index_on_disk(url: str, directory: Path) -> Any:
    """The index of an engine without a version stamp, read by a child process into a file of this
    process in ``directory`` (removed at exit) and opened from it: a worker over a remote engine never
    holds the corpus, not even while reading it (freed, its memory would stay fragmented in the worker)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"index-{os.getpid()}-{threading.get_ident():x}.sqlite"
    atexit.register(path.unlink, missing_ok=True)
    in_child(_write_own_index, url, str(path))
    return open_index(path)[0]


def load_remote(store: RemoteStore) -> GraphState | None:
    """The graph of a remote engine, from the entry of the dataset it holds; None when the engine
    carries no version stamp (the caller reads the index into a file of its own instead)."""
    global last_status
    entry = remote_entry(store)
    if entry is None:
        return None
    index, version, precomputed = _open_index_file(entry, entry.name)
    last_status = "remote"
    return _state(store, index, version, entry, precomputed)
