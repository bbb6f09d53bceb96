"""``serve --workers N``: N worker processes forked from one parent that has imported the code.

uvicorn's own workers are spawned: each starts a new interpreter and imports
strawberry, graphql-core, starlette, pyoxigraph, numpy and the schema again,
about 140 MiB of private heap per worker before it reads any graph. Here the
parent binds the socket, imports the application's modules, freezes the
objects it made (``gc.freeze``: the collector never writes to them, so their
pages stay shared) and forks; the children share those pages copy-on-write.
Each child then opens the graph itself (the start-up cache's store and index
file, read-only: the index pages come from the page cache every worker
shares) and runs a uvicorn server on the inherited socket.

The parent only supervises: SIGTERM or SIGINT is passed on to the workers and
waited for; a worker that dies (killed, out of memory) is replaced. One that
exits with an error within ``QUICK_EXIT`` seconds of starting (a graph that
does not load), or more than ``MAX_RESTARTS`` replacements in a minute, stop
the others and the parent exits with an error rather than forking in a loop.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable

import uvicorn

log = logging.getLogger("policykg.service")

QUICK_EXIT = 5.0  # seconds: a worker exiting with an error sooner than this after its start failed to start
MAX_RESTARTS = 10  # replacements within a minute before the parent gives up


def serve_forked(config: uvicorn.Config, workers: int, preload: Callable[[], None]) -> int:
    """Run ``workers`` forked uvicorn servers of ``config`` until a signal stops them; the exit status."""
    sock = config.bind_socket()
    preload()
    gc.collect()
    gc.freeze()  # what the parent made is never scanned (so never written) by the children's collector
    children: dict[int, float] = {}  # pid → start time
    restarts: list[float] = []
    state = {"stopping": False, "status": 0}

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_DFL)  # uvicorn's server installs its own
                config.configure_logging()
                uvicorn.Server(config).run(sockets=[sock])
                code = 0
            except BaseException:  # noqa: BLE001 - a worker reports, then its exit status says it failed
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = time.monotonic()

    def stop(signum: int, _frame) -> None:
        state["stopping"] = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(workers):
            start()
        log.info("serving with %d forked workers (pids %s)", workers, ", ".join(map(str, children)))
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = children.pop(pid, None)
            if started is None or state["stopping"]:
                continue
            code = os.waitstatus_to_exitcode(status)  # negative: the signal that killed it
            now = time.monotonic()
            restarts[:] = [t for t in restarts if now - t < 60]
            if (code > 0 and now - started < QUICK_EXIT) or len(restarts) >= MAX_RESTARTS:
                log.error("worker %d exited with %d %.1fs after starting (%d replaced in the last minute): "
                          "stopping the others", pid, code, now - started, len(restarts))
                state["status"] = 1
                stop(signal.SIGTERM, None)
                continue
            log.warning("worker %d exited with %d: starting another", pid, code)
            restarts.append(now)
            start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return state["status"]
