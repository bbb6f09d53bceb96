"""``policykg export``: a view of a built dataset, to a file or stdout.

The command's body, kept out of ``graph/cli.py`` so the CLI stays a list of
commands. CSV is two tables: ``-o x.zip`` zips them (as ``GET /export``
does), any other name ``x.csv`` writes ``x.nodes.csv`` and ``x.edges.csv``.
Parquet is the whole dataset as tables (graph/export/parquet.py), into ``-o DIR``.
"""

from __future__ import annotations

from pathlib import Path

from graph.network import DatasetStore, Filters, build_view, quads_about, read_corpus

from . import csv, export, get_format


class ExportError(Exception):
    pass


def _parquet(output: Path | None, data: Path) -> list[Path]:
    from . import parquet

    if output is None:
        raise ExportError("parquet writes one file per table: give -o DIR")
    if not data.exists():
        raise ExportError(f"{data} does not exist: run `policykg build` first")
    try:
        return parquet.write_parquet(data, output)
    except NotADirectoryError as exc:
        raise ExportError(str(exc)) from None


def run(filters: Filters, format_name: str, output: Path | None, data: Path) -> tuple[list[Path], bytes | None]:
    """Written files, or the bytes for stdout when there is no output path."""
    if format_name.strip().lower() == "parquet":  # the dataset's tables, not a view (graph/export/parquet.py)
        return _parquet(output, data), None
    fmt = get_format(format_name)
    if not data.exists():
        raise ExportError(f"{data} does not exist: run `policykg build` first")
    store = DatasetStore.open(data)
    view = build_view(read_corpus(store), filters)
    if fmt.name == "csv" and (output is None or output.suffix != ".zip"):
        if output is None:
            raise ExportError("csv writes two tables: give -o FILE.zip, or -o FILE.csv for FILE.nodes.csv "
                              "and FILE.edges.csv")
        nodes, edges = csv.write_csv(view.graph)
        paths = [output.with_suffix(".nodes.csv"), output.with_suffix(".edges.csv")]
        for path, text in zip(paths, (nodes, edges)):
            path.write_text(text, "utf-8")
        return paths, None
    result = export(view, fmt.name, lambda subjects: quads_about(store, subjects))
    if output is None:
        return [], result.data
    output.write_bytes(result.data)
    return [output], None
