"""The seeds converted to HTML, Word and PDF once per session (tests/graph/formats/make.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.model import Grid, SourceText

from .make import chromium, portal_page, printed_pdf, word_file

NO_CHROMIUM = "chromium is not installed (Debian: apt-get install chromium fonts-wqy-microhei; .ci/run does)"


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> Callable[[str, str], Path]:
    """made(seed, "html"|"docx"|"pdf") -> the converted file (made on first use)."""
    folder = tmp_path_factory.mktemp("converted")
    cache: dict[tuple[str, str], Path] = {}

    def make(seed: str, fmt: str) -> Path:
        if fmt == "pdf" and chromium() is None:
            pytest.skip(NO_CHROMIUM)
        key = (seed, fmt)
        if key not in cache:
            out = folder / seed.replace(".txt", f".{fmt}")
            if fmt == "html":
                out.write_bytes(portal_page(seed).encode("utf-8"))
            elif fmt == "docx":
                word_file(seed, out)
            elif fmt == "pdf":
                printed_pdf(seed, out)
            else:
                raise ValueError(fmt)
            cache[key] = out
        return cache[key]

    return make


def check_grid(source: SourceText, grid: Grid) -> list[list[str]]:
    """The grid's rendering is exact: each cell's offsets cut its text, every row has the grid's
    column count of fields, merged positions are empty. Returns the rows' fields."""
    rows = source.text[grid.start:grid.end].split("\n")
    ncols = max(c.col + c.colspan for c in grid.cells)
    assert len(rows) == max(c.row + c.rowspan for c in grid.cells)
    fields = [row.split("\t") for row in rows]
    assert all(len(f) == ncols for f in fields), [len(f) for f in fields]
    covered = {(c.row + dr, c.col + dc) for c in grid.cells for dr in range(c.rowspan) for dc in range(c.colspan)
               if (dr, dc) != (0, 0)}
    for c in grid.cells:
        text = source.text[c.start:c.end]
        assert text == text.strip() and text and "\t" not in text and "\n" not in text
        assert fields[c.row][c.col] == text
    for r, c in covered:
        assert fields[r][c] == "", (r, c, fields[r][c])
    return fields
