"""``policykg serve --workers N``: workers forked from the server process, replaced when they die, stopped with it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
from service_fixtures import start_server, stop_server

from graph.paths import DATASET_PATH
from service.lifecycle.loading import ensure_dataset


def _parent(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise AssertionError(pid)


def _worker_pids(url: str, want: int, seconds: float = 30) -> set[int]:
    """The pids that answer /health, over fresh connections (the kernel picks a worker per connection)."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while len(seen) < want and time.monotonic() < deadline:
        try:
            seen.add(httpx.get(url + "/health", timeout=5).json()["pid"])
        except httpx.HTTPError:
            time.sleep(0.1)
    return seen


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0


def test_workers_are_forked_replaced_and_stopped():
    ensure_dataset()
    server = start_server("--data", str(DATASET_PATH), "--workers", "3")
    try:
        pids = _worker_pids(server.url, 3)
        assert len(pids) == 3, server.log()
        assert {_parent(p) for p in pids} == {server.process.pid}  # forked by the server process itself
        body = httpx.post(server.url + "/graphql", json={"query": "{ cities { name } }"}, timeout=30).json()
        assert len(body["data"]["cities"]) == 4
        gone = sorted(pids)[0]
        os.kill(gone, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # a replacement is forked and serves
            now = _worker_pids(server.url, 3, seconds=5)
            if gone not in now and len(now) == 3:
                break
            assert time.monotonic() < deadline, (now, server.log())
        assert "starting another" in server.log_path.read_text("utf-8", errors="replace")  # the whole log
        workers = now
    finally:
        stop_server(server)
    assert server.process.returncode == 0
    time.sleep(0.5)
    assert not [p for p in workers if _alive(p)]  # SIGTERM to the server stopped its workers


def test_a_dataset_that_cannot_load_stops_the_server_before_any_worker(tmp_path):
    """The parent loads the graph the workers are forked with: a broken dataset stops the server
    there, with the file, line and column named, not a traceback per worker."""
    broken = tmp_path / "broken.trig"
    broken.write_text("<urn:a> <urn:b> .\n", "utf-8")  # not TriG
    for workers in ("1", "2"):
        try:
            start_server("--data", str(broken), "--workers", workers)
        except RuntimeError as exc:
            message = str(exc)
        else:  # pragma: no cover - the assertion below says what happened
            message = "started"
        assert "exited with 1" in message and f"policykg serve: {broken} is not a dataset it can read" in message
        assert "line 1 column 17" in message and "Traceback" not in message, message


# The parent's two ways of giving up (service/prefork.py), each run in a process of its own: a worker that fails
# as it starts stops the server, and so do workers dying over and over, instead of forking in a loop.
_GIVING_UP = """
import logging, os, signal, sys
import uvicorn
from service import prefork

logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")

def fails_to_start():
    raise RuntimeError("no graph")

def dies_at_once():
    os.kill(os.getpid(), signal.SIGKILL)

factory = {"fails": fails_to_start, "dies": dies_at_once}[sys.argv[1]]
config = uvicorn.Config(factory, factory=True, host="127.0.0.1", port=0, log_level="critical")
print("status", prefork.serve_forked(config, 2, lambda: None), flush=True)
"""


def _give_up(how: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _GIVING_UP, how], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_worker_failing_as_it_starts_stops_the_server():
    out = _give_up("fails")
    assert "exited with 1" in out and "stopping the others" in out and out.rstrip().endswith("status 1"), out
    assert "starting another" not in out  # not replaced: it would fail the same way


def test_workers_dying_over_and_over_stop_the_server():
    from service.prefork import MAX_RESTARTS

    out = _give_up("dies")
    assert out.count("starting another") == MAX_RESTARTS, out  # replaced while the minute's count allows
    assert "replaced in the last minute): stopping the others" in out and out.rstrip().endswith("status 1"), out
