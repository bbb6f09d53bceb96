"""Shared fixtures: the bundled corpus built once per test session, and the real server.

``server`` is ``policykg serve`` on a free port (tests/service_fixtures.py starts it), one per
session, started by the first test that asks and stopped at the end; ``client`` talks to it.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from service_fixtures import Server, start_server, stop_server

from graph.build import BuildResult, build_corpus
from graph.paths import RAW_DIR


@pytest.fixture(scope="session")
def corpus() -> BuildResult:
    return build_corpus(RAW_DIR)


@pytest.fixture(scope="session")
def facts_by_file(corpus):
    return {f.source.name: f for f in corpus.facts}


TOOLKIT_FIXTURES = RAW_DIR.parent.parent / "tests" / "fixtures" / "toolkit"


@pytest.fixture(scope="session")
def toolkit_raw(tmp_path_factory):
    """The seeds plus the toolkit's own documents (tests/fixtures/toolkit): a province's
    opinions, a city's plan copying three 承德 measures, a county's repealed portal page."""
    import shutil

    raw = tmp_path_factory.mktemp("toolkit") / "raw"
    shutil.copytree(RAW_DIR, raw)
    manifest = (raw / "sources.toml").read_text("utf-8")
    for path in sorted(TOOLKIT_FIXTURES.iterdir()):
        if path.name == "sources.toml":
            manifest += "\n" + path.read_text("utf-8")
        else:
            shutil.copy(path, raw / path.name)
    (raw / "sources.toml").write_text(manifest, "utf-8")
    return raw


@pytest.fixture(scope="session")
def toolkit_corpus(toolkit_raw) -> BuildResult:
    return build_corpus(toolkit_raw)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    started = start_server()
    yield started
    stop_server(started)


@pytest.fixture(scope="session")
def client(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c
