"""Shared fixtures: the bundled corpus is built once per test session."""

from __future__ import annotations

import pytest

from graph.build import BuildResult, build_corpus
from graph.paths import RAW_DIR


@pytest.fixture(scope="session")
def corpus() -> BuildResult:
    return build_corpus(RAW_DIR)


@pytest.fixture(scope="session")
def facts_by_file(corpus):
    return {f.source.name: f for f in corpus.facts}
