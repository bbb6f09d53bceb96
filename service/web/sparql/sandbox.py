"""SPARQL evaluation in killable worker processes.

A thread cannot be stopped: a query stuck inside one long step (a COUNT or
an ORDER BY over a cartesian product) goes on burning a core after its
client got the time-limit answer, and an ORDER BY over a product grows by
~250 MB/s until the machine runs out of memory and the whole server dies.
So each query runs in a worker process with its own copy of the graph:

- past the time limit the worker is killed (and replaced on next use), so
  the CPU is free again at once;
- its address space is capped (``POLICYKG_SPARQL_MEMORY_MB``, 1024): a query
  that needs more makes the worker die, not the server;
- it has no network (service/web/sparql/worker_network.py): SERVICE is refused before
  a query gets here, and a query that slipped past reaches no host;
- it writes the answer itself, capped in rows and bytes (small answers come
  back through the pipe, larger ones as a file the server streams), so the
  server never holds a large answer whole;
- the graph reaches the workers as an N-Quads file written once per loaded
  graph (a reload writes a new one; a worker reloads when it sees a new
  path), so a worker never answers from a graph the request did not pin.

A worker that dies under a query is reported by how it died: an abort is an
allocation over the memory cap, a segmentation fault a stack overflow.

Only an in-memory ``OxigraphStore`` can be copied this way; for any other
store (a remote endpoint, a test double) the caller evaluates in a thread
as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ... import settings

log = logging.getLogger("policykg.sparql")

STARTUP_TIMEOUT_S = 60.0  # starting a worker and loading the graph are not the query's time
POLL_S = 0.1  # how often a waiting query checks whether it was preempted


class WorkerDied(Exception):
    pass


# -- the worker process --------------------------------------------------------------

def _worker_main(conn: Connection, memory_mb: int, network: str, stderr_path: str = "") -> None:
    import resource

    if stderr_path:
        # the runtime's last words ("has overflowed its stack", "memory allocation … failed")
        # tell the parent why the worker died: both end in SIGABRT
        fd = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)

    from .worker_network import NetworkCutFailed, cut_network

    try:
        cut = cut_network(network)  # first, before anything here could open a socket
    except NetworkCutFailed as exc:
        conn.send(("failed", f"POLICYKG_SPARQL_NETWORK={network}: {exc}"))
        return
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ...store.embedded import OxigraphStore
    from .evaluate import evaluate
    from .guard import Refused

    loaded: tuple[str, Any] | None = None
    conn.send(("ready", cut))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if message[0] == "load":
                if loaded is None or loaded[0] != message[1]:
                    loaded = None  # drop the old store before loading the new one
                    loaded = (message[1], OxigraphStore.from_file(Path(message[1])))
                conn.send(("loaded",))
            elif message[0] == "query":
                assert loaded is not None
                _, query, defaults, named, answer_request = message
                conn.send(("ok", evaluate(loaded[1], query, defaults, named, answer_request)))
        except Refused as exc:
            conn.send(("refused", exc.status, exc.message))
        except MemoryError:
            conn.send(("refused", 503, (f"The query needed more than {memory_mb} MB and was stopped. "
                                       "Narrow it (more specific patterns, LIMIT).")))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    graph: str | None = None  # the dump it has loaded
    stderr_path: str = ""  # where its standard error goes

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        if self.stderr_path:
            with contextlib.suppress(OSError):
                os.unlink(self.stderr_path)

    def last_words(self) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 4096))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


# -- the pool ------------------------------------------------------------------------

class SparqlSandbox:
    """Idle workers are reused; a worker that ran out of time or memory is replaced."""

    def __init__(self, memory_mb: int | None = None, network: str | None = None) -> None:
        from .worker_network import requested_mode

        self.memory_mb = memory_mb if memory_mb is not None else settings.get("POLICYKG_SPARQL_MEMORY_MB")
        self.network = network or requested_mode()
        self.network_cut: str | None = None  # what the workers applied: "namespace", "seccomp" or "off"
        self._ctx = multiprocessing.get_context("spawn")  # no fork: the server has threads
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._dir: Path | None = None  # made on first use: most apps built in tests never query
        self._dumps: dict[str, Path] = {}  # graph version -> its N-Quads file
        self.killed = 0  # workers stopped for time or memory: tests and metrics read it

    @staticmethod
    def supports(graph: Any) -> bool:
        from ...store.embedded import OxigraphStore

        return isinstance(getattr(graph, "store", None), OxigraphStore)

    async def run(self, graph: Any, query: str, defaults: list[str], named: list[str], answer_request: Any,
                  timeout_s: float, preempted: threading.Event | None = None) -> Any:
        """The query's answer (``sparql_formats.Answer``); raises ``sparql.Refused``.

        One hop to a thread for the whole exchange: under load every extra
        await waits its turn behind the other requests on the event loop.
        """
        return await asyncio.to_thread(self._run_blocking, graph, query, defaults, named, answer_request,
                                       timeout_s, preempted or threading.Event())

    def _run_blocking(self, graph: Any, query: str, defaults: list[str], named: list[str], answer_request: Any,
                      timeout_s: float, preempted: threading.Event) -> Any:
        from dataclasses import replace

        from .guard import Refused

        dump = self._dump(graph)
        worker = self._take(dump)
        deadline = time.monotonic() + timeout_s
        try:
            worker.conn.send(("query", query, defaults, named, replace(answer_request, spill_dir=str(dump.parent))))
            while not worker.conn.poll(min(max(deadline - time.monotonic(), 0), POLL_S)):
                if preempted.is_set():
                    self._discard(worker)
                    raise Refused(503, "The query was stopped to give other clients a turn: it was the newest of "
                                       "several this client had running. Send one long query at a time.")
                if time.monotonic() >= deadline:
                    self._discard(worker)
                    raise Refused(503, f"The query ran past the {timeout_s:g} s time limit and was stopped. "
                                       "Narrow it (more specific patterns, LIMIT) and try again.")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            # the worker is dying: read how before discarding it (a kill would
            # overwrite its exit status, and discarding deletes its last words)
            worker.process.join(5)
            why = self._death(worker.process.exitcode, worker.last_words())
            self._discard(worker)
            raise Refused(503, why) from None
        self._give_back(worker)
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "refused":
            raise Refused(reply[1], reply[2])
        log.error("SPARQL worker failed on a query: %s", reply[1])
        raise Refused(500, "The query could not be evaluated (internal error); the server log has details.")

    def _death(self, exitcode: int | None, last_words: str = "") -> str:
        """Why a worker died under a query, from how it died and what it said."""
        if exitcode == -signal.SIGSEGV or "overflowed its stack" in last_words:
            # the parser and evaluator recurse per nesting level and per chained step
            return ("The query crashed its worker: a stack overflow, from nesting or chaining too deep "
                    "(hundreds of BINDs, OPTIONALs or nested groups). Simplify it and try again.")
        if exitcode in (-signal.SIGABRT, -signal.SIGKILL, 1, None):
            # an allocation over the address-space cap aborts (Rust) or raises MemoryError (Python)
            return (f"The query needed more than {self.memory_mb} MB and was stopped. "
                    "Narrow it (more specific patterns, LIMIT) and try again.")
        return f"The query's worker died (exit code {exitcode}); retry, or simplify the query."

    # -- workers -------------------------------------------------------------------------
    def _take(self, dump: Path) -> _Worker:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.process.is_alive():
            if worker is not None:
                worker.kill()
            worker = self._spawn()
        if worker.graph != str(dump):
            worker.conn.send(("load", str(dump)))
            self._expect(worker, "loaded")
            worker.graph = str(dump)
        return worker

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        fd, stderr_path = tempfile.mkstemp(prefix="policykg-sparql-worker-", suffix=".err")
        os.close(fd)
        process = self._ctx.Process(target=_worker_main, args=(child, self.memory_mb, self.network, stderr_path),
                                    daemon=True, name="policykg-sparql")
        process.start()
        child.close()
        worker = _Worker(process, parent, stderr_path=stderr_path)
        reply = self._expect(worker, "ready")
        if self.network_cut != reply[1]:
            self.network_cut = reply[1]
            if reply[1] == "off":
                log.warning("SPARQL workers evaluate WITH network access (POLICYKG_SPARQL_NETWORK=%s): "
                            "neither a network namespace nor a seccomp filter could be applied; only the "
                            "query checks refuse SERVICE", self.network)
            else:
                log.info("SPARQL workers evaluate without network access (%s)", reply[1])
        return worker

    def _expect(self, worker: _Worker, what: str) -> tuple:
        try:
            if worker.conn.poll(STARTUP_TIMEOUT_S):
                reply = worker.conn.recv()
                if reply[0] == what:
                    return reply
                worker.kill()
                raise WorkerDied(f"SPARQL worker answered {reply!r} instead of {what}")
        except (EOFError, OSError):
            pass
        worker.kill()
        raise WorkerDied(f"SPARQL worker did not get {what} (exit code {worker.process.exitcode})")

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        self.killed += 1
        threading.Thread(target=worker.kill, daemon=True).start()  # joining may take a moment

    # -- the graph, as a file the workers load -------------------------------------------
    def _dump(self, graph: Any) -> Path:
        import pyoxigraph as ox

        # the content hash names the graph; an id() could be reused by the next graph's store
        key = getattr(graph, "version", "") or f"id{id(graph.store)}"
        with self._lock:
            path = self._dumps.get(key)
            if path is not None and path.exists():
                return path
            if self._dir is None:
                self._dir = Path(tempfile.mkdtemp(prefix="policykg-sparql-"))
            path = self._dir / f"graph-{key}.nq"
            graph.store._store.dump(str(path), format=ox.RdfFormat.N_QUADS)
            # keep the previous graph's file: a request pinned to it may still be loading it
            for old_key in list(self._dumps)[:-1]:
                self._dumps.pop(old_key).unlink(missing_ok=True)
            self._dumps[key] = path
            return path

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for w in workers:
            w.kill()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
