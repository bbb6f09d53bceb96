"""Fixtures of the reliability suite: live servers started as a user would.

The bundled-data server of the service tests (``server``/``client``) is
shared; servers that need other settings (production mode, an admin token,
a temporary raw folder) are started here with their environment.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import httpx
import pytest
from service_fixtures import Server, start_server, stop_server

ADMIN_TOKEN = "reliability-test-token"


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def serve(*args: str, **env: str) -> Server:
    """``policykg serve ARGS`` with extra environment variables."""
    with environment(**env):
        return start_server(*args)


SPARQL_TIME_LIMIT_S = 2
SPARQL_MAX_BYTES = 4_000_000


@pytest.fixture(scope="session")
def production_server() -> Iterator[Server]:
    """Production mode, and short SPARQL limits (the SPARQL abuse tests use it too)."""
    s = serve(POLICYKG_PRODUCTION="1", POLICYKG_SPARQL_TIME_LIMIT=str(SPARQL_TIME_LIMIT_S),
              POLICYKG_SPARQL_MEMORY_MB="768", POLICYKG_SPARQL_MAX_BYTES=str(SPARQL_MAX_BYTES))
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def production_client(production_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=production_server.url, timeout=30) as c:
        yield c


def healthy(c: httpx.Client) -> bool:
    r = c.get("/health", timeout=5)
    return r.status_code == 200 and r.json()["status"] == "ready"
