"""Rebuild the graph while serving, and swap it in whole, or not at all.

A reload (``POST /admin/reload``, or a change seen by ``serve --watch``):

1. builds the documents in a child process: the build is CPU-bound Python
   that would otherwise hold the GIL and stall every request for a second
   or more, a pathological document cannot hang or crash the server (the
   child is killed past ``POLICYKG_RELOAD_TIMEOUT``), and its memory is
   returned to the system when it exits;
2. loads the result into a new store and index next to the old ones;
3. refuses the new graph if the build failed (bad manifest, nothing built)
   or if a document being served could not be read any more: the last good
   graph keeps serving, and the reason goes to the log and to ``/health``;
4. otherwise replaces ``app.state.graph`` in one assignment. Requests pin
   the graph they started with (service/web/middleware.py), so each is answered
   entirely from the old graph or entirely from the new one.

With ``serve --workers N`` an admin reload reaches one worker only, the one
that took the request. After it succeeds that worker writes the new version
to a signal file the workers share (``POLICYKG_RELOAD_SIGNAL``, set by
``serve``); every other worker polls that file and reloads itself when it
names a version other than its own, so all of them serve the new graph
within a build's time; a worker forked to replace a dead one reads the file
as it starts, and follows too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..readmodel.index import load_index
from ..readmodel.queries import Queries
from ..readmodel.state import GraphState, ensure_version, graph_version
from ..store.embedded import OxigraphStore

from .. import settings

log = logging.getLogger("policykg.reload")

SIGNAL_POLL_S = 0.5  # how often workers look at the shared signal file (one stat)


@dataclass
class ReloadStatus:
    """The last reload attempt, as /health reports it."""

    status: str = "none"  # none | running | ok | failed
    reason: str = ""  # what asked for it: admin, watch
    at: float = 0.0  # when it finished (epoch seconds)
    seconds: float = 0.0
    build_s: float = 0.0  # of which: the build in the child process
    load_s: float = 0.0  # and loading its result next to the serving graph
    error: str | None = None  # why the new graph was refused
    warnings: list[str] = field(default_factory=list)  # documents left out of an accepted graph, and why
    version: str = ""  # the graph serving after this attempt
    reloads: int = 0
    failures: int = 0


class ReloadRefused(Exception):
    pass


# -- the build, in a child process ---------------------------------------------------

def _child(conn: Connection) -> None:
    """Import the build, say ready, then build (or parse) what is asked and send back the dataset.

    Started ahead of the reload that uses it: the imports take a second or
    more. The parsed schemes and the gazetteer are not read ahead: the build
    takes them from its cache (graph/stream.py, per code version) in a few
    hundredths of a second, and reads the ontology itself only when the cache
    has no copy for this code; reading them here as well cost each child two
    seconds of CPU it then did not use.
    """
    import graph.stream  # noqa: F401 - the slow imports, done while waiting

    conn.send("ready")
    try:
        _, data = conn.recv()
        conn.send(_with_index(_build_rdf(Path(data) if data else None)))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent as a message
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def _with_index(outcome: dict[str, Any]) -> dict[str, Any]:
    """Add the index and version, made here: in the server they would hold its GIL for ~0.5 s."""
    if "rdf" in outcome:
        store = OxigraphStore.from_bytes(outcome["rdf"], _FORMATS[outcome["format"]])
        outcome["index"] = load_index(store)
        outcome["version"] = graph_version(store)
    return outcome


_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def _build_rdf(data: Path | None) -> dict[str, Any]:
    """A dataset file parsed, or a raw folder built: incrementally, with the build cache
    ``policykg build`` keeps beside its dataset (graph/stream.py), so that a change to one
    document rebuilds that document and the graphs that depend on it."""
    import hashlib
    import io

    from graph.manifest import ManifestError
    from graph.paths import RAW_DIR, dataset_path_for
    from graph.stream import build_cache_path, stream_corpus

    if data is not None and data.is_file():
        fmt = ox.RdfFormat.from_extension(data.suffix.lstrip(".")) or ox.RdfFormat.TRIG
        try:
            quads = list(ox.parse(path=str(data), format=fmt))
        except (SyntaxError, OSError) as exc:
            return {"error": f"{data}: does not parse ({exc})"}
        return {"rdf": ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", "format": "nquads",
                "errors": [], "warnings": []}
    raw = data if data is not None else RAW_DIR
    if not raw.is_dir():
        return {"error": f"{raw}: no such folder"}
    out = io.BytesIO()
    cache = build_cache_path(dataset_path_for(raw))
    if cache.resolve().is_relative_to(raw.resolve()):
        # a folder not named raw/ keeps its dataset inside it: the cache must not be in what is
        # watched, or each build's own writes would start the next
        from . import startup_cache

        key = hashlib.sha256(str(raw.resolve()).encode("utf-8")).hexdigest()[:16]
        cache = startup_cache.cache_root() / "build" / key / cache.name
    try:
        result = stream_corpus(raw, out, cache)
    except ManifestError as exc:
        return {"error": str(exc)}
    if not result.documents:
        first = f" ({result.errors[0]})" if result.errors else ""
        return {"error": f"{raw}: no document could be built{first}"}
    return {"rdf": out.getvalue(), "format": "trig", "errors": list(result.errors),
            "warnings": list(result.warnings), "extracted": result.extracted, "graphs_made": result.graphs_made}


class _Builder:
    """One build child: spawned (and importing) ahead of time, used once."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork: the server has threads
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_child, args=(child,), daemon=True, name="policykg-build")
        self.process.start()
        child.close()

    def build(self, data: Path | None, timeout_s: float) -> dict[str, Any]:
        """Blocking: wait for the child's answer at most ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        try:
            if not self.conn.poll(timeout_s) or self.conn.recv() != "ready":
                return {"error": f"the build process did not start within {timeout_s:g} s "
                                 "(POLICYKG_RELOAD_TIMEOUT) and was stopped"}
            self.conn.send(("build", str(data) if data else None))
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                return {"error": f"the build took longer than {timeout_s:g} s (POLICYKG_RELOAD_TIMEOUT) "
                                 "and was stopped"}
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            return {"error": f"the build process died (exit code {self.process.exitcode})"}
        finally:
            self.close()

    def close(self) -> None:
        self.conn.close()
        self.process.join(2)  # it exits by itself once its answer is sent
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


def _load(outcome: dict[str, Any]) -> GraphState:
    """The served graph: the child's dataset in a store of our own, with the child's index."""
    store = OxigraphStore.from_bytes(outcome["rdf"], _FORMATS[outcome["format"]])
    index = outcome["index"]
    return GraphState(store=store, index=index, queries=Queries(index), documents=index.documents,
                      version=outcome["version"])


def _document_of(error: str) -> str:
    return error.split(":", 1)[0].strip()


# -- the reloader --------------------------------------------------------------------

class Reloader:
    """Owns reloads of one app's graph: one at a time, swap on success only."""

    def __init__(self, app: Any, data: Path | None, metrics: Any = None,
                 timeout_s: float | None = None) -> None:
        self.app = app
        self.data = Path(data) if data is not None else None
        self.metrics = metrics  # what counts reloads: observe_reload(ok, triples) (web/metrics.py)
        self.timeout_s = timeout_s or settings.get("POLICYKG_RELOAD_TIMEOUT")
        self.last = ReloadStatus()
        self._lock = asyncio.Lock()
        self._next: _Builder | None = None  # the next reload's child, warm
        signal = settings.get("POLICYKG_RELOAD_SIGNAL")  # serve --workers N: shared by the workers
        self.signal = Path(signal) if signal else None

    def prewarm(self) -> None:
        """Start the next build's child now, so a reload skips its start-up (~2 s)."""
        if self._next is None or not self._next.process.is_alive():
            self._next = _Builder()

    def close(self) -> None:
        if self._next is not None:
            self._next.close()
            self._next = None

    def status(self) -> dict[str, Any]:
        return asdict(self.last)

    async def reload(self, reason: str) -> ReloadStatus:
        async with self._lock:
            started = time.perf_counter()
            previous = self.last
            self.last = replace(previous, status="running", reason=reason)
            current: GraphState = self.app.state.graph
            timings: dict[str, float] = {}
            try:
                state, warnings = await self._build(current, timings)
            except Exception as exc:  # noqa: BLE001 - any failure keeps the last good graph
                self.last = ReloadStatus(status="failed", reason=reason, at=time.time(),
                                         seconds=round(time.perf_counter() - started, 3), error=str(exc),
                                         version=current.version, reloads=previous.reloads,
                                         failures=previous.failures + 1, **timings)
                log.error("reload (%s) refused, still serving graph %s: %s", reason, current.version, exc)
                if self.metrics:
                    self.metrics.observe_reload(False)
                return self.last
            self.app.state.graph = state  # the swap: one reference assignment
            self.last = ReloadStatus(status="ok", reason=reason, at=time.time(),
                                     seconds=round(time.perf_counter() - started, 3), warnings=warnings,
                                     version=state.version, reloads=previous.reloads + 1,
                                     failures=previous.failures, **timings)
            log.info("reload (%s): graph %s -> %s (%d documents) in %.2fs (build %.2fs, load %.2fs)", reason,
                     current.version, state.version, len(state.documents), self.last.seconds,
                     self.last.build_s, self.last.load_s)
            for w in warnings:
                log.warning("reload (%s): %s", reason, w)
            if self.metrics:
                self.metrics.observe_reload(True, state.index.triple_count)
            if reason == "admin":
                self._tell_siblings(state.version)
            return self.last

    # -- serve --workers N: the other workers follow an admin reload -------------------
    def _tell_siblings(self, version: str) -> None:
        if self.signal is None:
            return
        tmp = self.signal.with_name(f"{self.signal.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"version": version, "pid": os.getpid(), "at": time.time()}), "utf-8")
            tmp.replace(self.signal)  # atomic: a sibling never reads half of it
        except OSError as exc:
            log.error("could not tell the other workers to reload (%s): they keep their graph", exc)

    async def follow(self, stop: asyncio.Event) -> None:
        """Reload when a sibling worker's admin reload names a version other than ours, until ``stop``."""
        if self.signal is None:
            return
        # not the file's time now: a worker that replaces a dead one is forked from the parent's graph,
        # which predates every reload, so the signal file already there is read on the first look
        seen = -1
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), SIGNAL_POLL_S)
            except asyncio.TimeoutError:
                pass
            now = _mtime(self.signal)
            if now == seen or stop.is_set():
                continue
            seen = now
            try:
                wanted = json.loads(self.signal.read_text("utf-8"))
            except (OSError, ValueError):
                continue  # replaced again meanwhile: the next look reads the newer one
            if wanted.get("pid") != os.getpid() and wanted.get("version") != self.app.state.graph.version:
                await self.reload(f"sibling {wanted.get('pid')}")

    async def _build(self, current: GraphState, timings: dict[str, float]) -> tuple[GraphState, list[str]]:
        if self.data is None and settings.get("POLICYKG_STORE"):
            # serve --store URL: the graph lives in the engine (published by `build --store`); read it again
            from .loading import load_graph

            loading = time.perf_counter()
            state = await asyncio.to_thread(lambda: ensure_version(load_graph(None)))
            timings["load_s"] = round(time.perf_counter() - loading, 3)
            return state, []
        builder, self._next = self._next, None
        if builder is None or not builder.process.is_alive():
            builder = await asyncio.to_thread(_Builder)
        building = time.perf_counter()
        try:
            outcome = await asyncio.to_thread(builder.build, self.data, self.timeout_s)
            timings["build_s"] = round(time.perf_counter() - building, 3)
        finally:
            # the next reload is likely soon (a watched folder, a deploy script): have its child ready
            await asyncio.to_thread(self.prewarm)
        if "error" in outcome:
            raise ReloadRefused(outcome["error"])
        errors: list[str] = outcome.get("errors", [])
        for w in outcome.get("warnings", []):
            log.warning("reload build: %s", w)  # as at start-up: manifest slips, text/manifest disagreements
        lost = [e for e in errors if _document_of(e) in set(current.documents)]
        if lost:
            raise ReloadRefused("a document being served could not be built: " + "; ".join(lost))
        try:
            loading = time.perf_counter()
            state = await asyncio.to_thread(_load, outcome)
            timings["load_s"] = round(time.perf_counter() - loading, 3)
        except (SyntaxError, OSError, ValueError) as exc:
            raise ReloadRefused(f"the built graph could not be loaded: {exc}") from None
        # documents never served that fail are reported, not fatal: they lose nothing
        return state, [f"left out: {e}" for e in errors]

    # -- serve --watch ---------------------------------------------------------------
    def watched_path(self) -> Path:
        from graph.paths import RAW_DIR

        return self.data if self.data is not None else RAW_DIR

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload whenever the raw folder (or the served file) changes, until ``stop``."""
        from watchfiles import awatch

        target = self.watched_path()
        folder = target if target.is_dir() else target.parent
        log.info("watching %s for changes", target)
        try:
            async for changes in awatch(folder, stop_event=stop, debounce=800, step=100,
                                        watch_filter=_filter_for(target)):
                names = sorted({Path(p).name for _, p in changes})
                await self.reload(f"watch: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
        except Exception:  # a watcher that dies must say so; the server keeps serving
            log.exception("watching %s stopped; reload with POST /admin/reload", target)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _filter_for(target: Path) -> Any:
    from watchfiles import DefaultFilter

    default = DefaultFilter()
    if target.is_dir():
        # editors' temp files and our own atomic-write temps are not documents
        return lambda change, path: default(change, path) and not path.endswith((".tmp", "~"))
    return lambda change, path: Path(path).name == target.name
