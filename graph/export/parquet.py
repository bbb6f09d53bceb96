"""Parquet: the dataset's tables (graph/frames.py), one file per kind, for pandas, R, DuckDB, Spark.

Unlike the other formats, which export a network view, this writes the whole
dataset as tables: ``policykg export --format parquet -o DIR`` makes
``DIR/policies.parquet``, ``DIR/measures.parquet`` … (graph.frames.TABLES),
each sorted by its stable ``id`` column. pyarrow writes them.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from graph.frames import TABLES, load_tables

EXTENSION = "parquet"


def write_parquet(dataset: Path, folder: Path) -> list[Path]:
    """Every table of the built ``dataset`` as ``folder/<table>.parquet``; the paths written."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file: parquet writes one file per table into a folder (-o DIR)")
    folder.mkdir(parents=True, exist_ok=True)
    tables = load_tables(dataset)
    paths = []
    for kind in TABLES:
        path = folder / f"{kind}.{EXTENSION}"
        pq.write_table(tables[kind], path, compression="zstd")
        paths.append(path)
    return paths


def read_parquet(folder: Path) -> dict:
    """The tables back, as pyarrow Tables (the round trip the tests check)."""
    return {kind: pq.read_table(folder / f"{kind}.{EXTENSION}") for kind in TABLES}
