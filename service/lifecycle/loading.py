"""Get a graph to serve: from the built TriG, or by building documents in memory.

- no ``data``: the bundled dataset (data/policykg.trig); when it is missing
  it is built from data/raw/ first and written where ``policykg build``
  would write it;
- ``data`` a folder laid out like data/raw/ (sources.toml + texts): built in
  memory, nothing written;
- ``data`` a .trig / .nq file: loaded as is;
- ``POLICYKG_STORE`` set (``serve --store URL``) and no ``data``: a remote
  SPARQL 1.1 engine holds the dataset (service/store/remote.py); the index is read
  from it, once per machine and dataset version (startup_cache.load_remote).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ..readmodel.index import load_index
from ..readmodel.queries import Queries
from ..readmodel.state import GraphState
from ..store.embedded import OxigraphStore
from ..store.remote import RemoteStore

from .. import settings

log = logging.getLogger("policykg.service")


class LoadError(Exception):
    pass


def _build(raw: Path):
    from graph.build import build_corpus
    from graph.manifest import ManifestError

    try:
        result = build_corpus(raw)
    except ManifestError as exc:
        raise LoadError(f"{raw}: {exc}") from None
    for w in result.warnings:
        log.warning("%s", w)
    for e in result.errors:
        log.error("%s", e)
    if not result.facts:
        raise LoadError(f"{raw}: no document could be built" + (f" ({result.errors[0]})" if result.errors else ""))
    return result


def ensure_dataset() -> Path:
    """The bundled dataset's path, building it first when it is missing."""
    from graph.build import serialize_trig
    from graph.paths import DATASET_PATH, RAW_DIR

    if not DATASET_PATH.exists():
        log.warning("%s is missing: building it from %s", DATASET_PATH, RAW_DIR)
        text = serialize_trig(_build(RAW_DIR))
        tmp = DATASET_PATH.with_suffix(DATASET_PATH.suffix + ".tmp")
        tmp.write_text(text, "utf-8")
        tmp.replace(DATASET_PATH)  # atomic, as `policykg build` does
    return DATASET_PATH


def open_remote(url: str):
    """A remote SPARQL engine holding the dataset (``serve --store URL``; issue 5)."""
    from ..store.remote import RemoteStore, StoreError

    try:
        store = RemoteStore(url)
        if not store.has_policykg_data():
            raise LoadError(f"the SPARQL store at {url} holds no policykg graphs: load them first with "
                            f"`policykg build --store {url}`")
    except (StoreError, ValueError, SyntaxError) as exc:
        raise LoadError(str(exc)) from None
    return store, f"{url} (remote SPARQL store)"


def open_store(data: Path | None) -> tuple[OxigraphStore, str]:
    """A loaded store and a description of where it came from."""
    store_url = settings.get("POLICYKG_STORE")  # set by `serve --store URL`, for every worker
    if data is None and store_url:
        return open_remote(store_url)
    if data is None:
        path = ensure_dataset()
        return OxigraphStore.from_file(path), str(path)
    data = Path(data)
    if data.is_file():
        try:
            return OxigraphStore.from_file(data), str(data)
        except (SyntaxError, ValueError) as exc:  # pyoxigraph names the line and column
            raise LoadError(f"{data} is not a dataset it can read: {exc}") from None
    if data.is_dir():
        result = _build(data)
        return OxigraphStore.from_quads(result.quads), f"{data} (built in memory)"
    raise LoadError(f"{data}: no such file or folder")


def _dataset_file(data: Path | None) -> Path | None:
    """The dataset file a load would read (what the start-up cache keys on); None for a remote
    store or a raw folder built in memory."""
    if data is None:
        return None if settings.get("POLICYKG_STORE") else ensure_dataset()
    data = Path(data)
    return data if data.is_file() else None


def load_graph(data: Path | None = None) -> GraphState:
    started = time.perf_counter()
    from . import startup_cache

    startup_cache.last_status = ""
    path = _dataset_file(data) if startup_cache.enabled() else None
    if path is not None:
        try:
            graph = startup_cache.load_cached(path)
        except Exception as exc:  # noqa: BLE001 - the cache is an optimisation: load as before
            log.warning("start-up cache not used for %s (%s: %s): loading in memory", path, type(exc).__name__, exc)
        else:
            index = graph.index
            log.info("loaded %s: %d triples, %d documents, %d measures in %.2fs (start-up cache %s)",
                     path, index.triple_count, len(index.documents), len(index.measures),
                     time.perf_counter() - started, startup_cache.last_status)
            return graph
    store, origin = open_store(data)
    if isinstance(store, RemoteStore) and startup_cache.enabled():
        try:
            graph = startup_cache.load_remote(store)
        except Exception as exc:  # noqa: BLE001 - the cache is an optimisation: read the engine as before
            log.warning("remote start-up cache not used for %s (%s: %s)", store.url, type(exc).__name__, exc)
            graph = None
        if graph is not None:
            index = graph.index
            log.info("loaded %s: %d triples, %d documents, %d measures in %.2fs (dataset %s, start-up cache)",
                     origin, index.triple_count, len(index.documents), len(index.measures),
                     time.perf_counter() - started, graph.version)
            return graph
    if isinstance(store, RemoteStore) and startup_cache.enabled() and not settings.get("POLICYKG_INDEX_IN_MEMORY"):
        # an engine without a version stamp: a child reads the index into a file of this worker's own,
        # read as the start-up cache's is, so that the worker's memory does not hold the corpus
        index = startup_cache.remote_index_on_disk(store.url, startup_cache.cache_root() / "remote")
    else:
        index = load_index(store)
    log.info("loaded %s: %d triples, %d documents, %d measures in %.2fs (%d store queries)",
             origin, index.triple_count, len(index.documents), len(index.measures),
             time.perf_counter() - started, index.load_round_trips)
    return GraphState(store=store, index=index, queries=Queries(index), documents=index.documents)
