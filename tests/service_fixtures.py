"""The real server, started the way a user starts it: ``policykg serve --port N``, and how to ask it.

``start_server`` / ``stop_server`` run one (tests/conftest.py's ``server`` fixture is the one a
session shares); servers run with POLICYKG_DEBUG=1 so GraphQL responses report store round trips
(the N+1 test reads them), and with a small SPARQL row cap so the cap can be seen. ``gql`` and
``data_of`` ask it GraphQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contract/schema.graphql"  # vendored: kept identical to the shared one (test_contract_copy.py)
SHARED_CONTRACT = ROOT.parent / "shared/contract/schema.graphql"
SPARQL_ROW_CAP = 500
STARTUP_TIMEOUT_S = 60


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")[-4000:]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def policykg_command() -> list[str]:
    """The ``policykg`` command: the script on PATH when it runs this checkout's entry point
    (service/cli.py), else the same CLI through this interpreter (no script, or one installed
    before the entry point moved)."""
    exe = shutil.which("policykg")
    installed = {e.name: e.value for e in entry_points(group="console_scripts")}.get("policykg")
    if exe and installed == "service.cli:app":
        return [exe]
    return [sys.executable, "-c", "from service.cli import app; app()"]


def _command() -> list[str]:
    return [*policykg_command(), "serve"]


def start_server(*args: str, env: dict[str, str] | None = None) -> Server:
    """Start ``policykg serve`` with extra arguments (and environment); wait until /health says ready."""
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="policykg-serve-", suffix=".log")[1])
    env = dict(os.environ, POLICYKG_DEBUG="1", POLICYKG_SPARQL_MAX_ROWS=str(SPARQL_ROW_CAP), **(env or {}))
    log = log_path.open("wb")  # a file, not a pipe: a full pipe would stall the server
    process = subprocess.Popen([*_command(), "--host", "127.0.0.1", "--port", str(port), *args],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"policykg serve exited with {process.returncode}:\n{server.log()}")
        try:
            r = httpx.get(server.url + "/health", timeout=2)
            if r.status_code == 200 and r.json().get("status") == "ready":
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"policykg serve not ready within {STARTUP_TIMEOUT_S}s:\n{server.log()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    server.log_path.unlink(missing_ok=True)


def gql(client: httpx.Client, query: str, **variables) -> dict:
    """POST a GraphQL query; the HTTP layer must always answer 200 with JSON."""
    r = client.post("/graphql", json={"query": query, "variables": variables})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "Traceback" not in r.text  # errors never carry a stack trace
    return body


def data_of(client: httpx.Client, query: str, **variables) -> dict:
    body = gql(client, query, **variables)
    assert not body.get("errors"), body["errors"]
    return body["data"]
