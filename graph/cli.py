"""The pipeline's commands: build, validate, stats, review, synth, export.

The ``policykg`` command itself is service/cli.py: it offers these and adds
what needs the service (``serve``, ``settings``, ``build --store`` and the
start-up cache ``build`` prepares). Nothing here imports service/.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .paths import DATASET_PATH, RAW_DIR, dataset_path_for

app = typer.Typer(help="policykg pipeline: documents → knowledge graph.", no_args_is_help=True)
err = Console(stderr=True)
out = Console()

RawOpt = Annotated[Path, typer.Option("--raw", help="Folder of source documents with sources.toml.")]


def _build(raw: Path, quiet: bool = False):
    from .build import build_corpus
    from .manifest import ManifestError

    try:
        if quiet:
            return build_corpus(raw)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("extracting", total=None)
            return build_corpus(raw, lambda name: progress.update(task, description=f"extracting {name}"))
    except ManifestError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _report(result) -> None:
    for w in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {w}")
    for e in result.errors:
        err.print(f"[red]error:[/red] {e}")


def write_dataset(raw: Path, out_file: Optional[Path], check: bool, cache: bool = True,
                  jobs: Optional[int] = None) -> tuple[Any, Path] | None:
    """``policykg build``'s pipeline part: the streaming build (graph/stream.py) writes the TriG file
    graph by graph and the extracted texts beside it.

    Returns the build's summary (graph.stream.StreamResult) and the file written, or None for
    ``--check`` (which exits 1 when the file on disk is stale). The service's ``build``
    (service/cli.py) adds its own steps after. ``cache``: keep each document's facts and graph
    in ``<dataset dir>/cache/build/`` so that the next build redoes only what changed. ``jobs``:
    processes extracting documents (None: one per core); the file does not depend on it.
    """
    from .manifest import ManifestError
    from .stream import trig_matches, write_trig

    started = time.perf_counter()
    target = out_file or dataset_path_for(raw)
    try:
        if check:
            current = trig_matches(raw, target, cache, jobs or os.cpu_count() or 1)
            if not current:
                err.print(f"[red]{target} is out of date[/red]: run `policykg build`")
                raise typer.Exit(1)
            err.print(f"{target} is current")
            return None
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("extracting", total=None)
            result = write_trig(raw, target, cache,
                                lambda name: progress.update(task, description=f"extracting {name}"),
                                jobs=jobs or os.cpu_count() or 1)
    except ManifestError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    _report(result)
    err.print(
        f"built {result.documents} documents, {result.triple_count} triples in "
        f"{time.perf_counter() - started:.2f}s -> {target} ({result.extracted} extracted, "
        f"{result.graphs_made} graphs made; the rest from the build cache)"
    )
    return result, target


OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="TriG file to write.")]
CacheOpt = Annotated[bool, typer.Option(help="Keep each document's facts and graph in <dataset dir>/cache/build/: "
                                             "the next build redoes only the documents that changed and "
                                             "the graphs that depend on them.")]
CheckOpt = Annotated[bool, typer.Option(help="Fail if the file on disk differs from a fresh build.")]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes extracting documents "
                                                "(default: one per core); the output is the same bytes.")]


@app.command()
def build(raw: RawOpt = RAW_DIR, out_file: OutOpt = None, check: CheckOpt = False, cache: CacheOpt = True,
          jobs: JobsOpt = None) -> None:
    """Build the TriG dataset from the documents and their manifest (and keep each document's
    extracted text beside it, in text/<file>.txt)."""
    written = write_dataset(raw, out_file, check, cache, jobs)
    if written is not None and written[0].errors:
        raise typer.Exit(1)


@app.command()
def validate(raw: RawOpt = RAW_DIR) -> None:
    """Check the built graph against the SHACL shapes."""
    from .validate import validate_quads

    result = _build(raw, quiet=True)
    report = validate_quads(result.quads)
    if report.conforms:
        out.print(f"[green]conforms[/green] ({result.triple_count} triples)")
        return
    out.print(report.report)
    raise typer.Exit(1)


# (column, its short heading in the text table, what it counts): the legend under the table
STATS_COLUMNS = (
    ("measures", "meas", "measures: numbered items and task-table rows"),
    ("lead", "L", "explicit LEAD assignments"),
    ("responsible", "R", "explicit RESPONSIBLE assignments"),
    ("cooperating", "C", "explicit COOPERATING assignments"),
    ("explicit", "expl", "responsibilities named for the measure (table, clause, prose)"),
    ("inherited", "inh", "responsibilities inherited (parent, annex, issuer)"),
    ("types", "typ", "measure types"),
    ("industries", "ind", "industries"),
    ("targets", "tgt", "targets"),
    ("citations", "cit", "citations of other policies"),
)


def stats_rows(result: Any) -> list[dict[str, Any]]:
    """One row per document: its file, city and the counts of STATS_COLUMNS."""
    rows = []
    for f in result.facts:
        roles = Counter(r.role.value for r in f.responsibilities if r.basis.value == "EXPLICIT")
        basis = Counter(r.basis.value for r in f.responsibilities)
        rows.append({
            "document": f.source.name, "city": result.cities[f.meta.city_code].name,
            "measures": len(f.measures), "lead": roles["LEAD"], "responsible": roles["RESPONSIBLE"],
            "cooperating": roles["COOPERATING"], "explicit": basis["EXPLICIT"], "inherited": basis["INHERITED"],
            "types": len({h.concept for h in f.measure_types}), "industries": len({h.concept for h in f.industries}),
            "targets": len(f.targets), "citations": len(f.citations),
        })
    return rows


@app.command()
def stats(
    raw: RawOpt = RAW_DIR,
    format: Annotated[str, typer.Option("--format", help="text (fits 80 columns), csv or json.")] = "text",
) -> None:
    """Counts per document: measures, responsibilities by role and basis, types, targets."""
    import csv
    import json

    if format not in ("text", "csv", "json"):
        err.print(f"[red]error:[/red] --format must be text, csv or json, not {format!r}")
        raise typer.Exit(2)
    result = _build(raw, quiet=True)
    _report(result)
    rows = stats_rows(result)
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    if format == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["document"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return
    # documents are numbered in the table and named under it: file names would take half the width
    table = Table(title="policykg corpus", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("#", justify="right")
    table.add_column("city", no_wrap=True)
    for _, short, _ in STATS_COLUMNS:
        table.add_column(short, justify="right")
    for i, row in enumerate(rows, 1):
        table.add_row(str(i), row["city"], *(str(row[c]) for c, _, _ in STATS_COLUMNS))
    out.print(table, width=80)
    for i, row in enumerate(rows, 1):
        out.print(f"{i:>3}  {row['document']}", width=80, overflow="fold", highlight=False)
    for _, short, what in STATS_COLUMNS:
        out.print(f"{short:>5}  {what}", width=80, highlight=False)


@app.command()
def review(
    raw: RawOpt = RAW_DIR,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """What each document yielded, and every passage that reads like an assignment but gave none.

    Per document: measures, measures with explicit units, or why it was
    refused; then each unexplained passage with its offsets. Exit code 1
    when a passage is unexplained or a document refused, so it can gate a
    corpus in CI.
    """
    import json

    from .build import extract_corpus
    from .manifest import ManifestError
    from .report import corpus_report

    if format not in ("text", "json"):
        err.print(f"[red]error:[/red] --format must be text or json, not {format!r}")
        raise typer.Exit(2)
    try:
        corpus = extract_corpus(raw)
    except ManifestError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    reports = corpus_report(corpus.facts, corpus.refused)
    if format == "json":
        print(json.dumps([r.as_json() for r in reports], ensure_ascii=False, indent=1))
    else:
        for r in reports:
            if r.error:
                out.print(f"[red]{r.document}[/red]: refused: {r.error}")
                continue
            out.print(f"[bold]{r.document}[/bold]: {r.measures} measures, {r.measures_with_explicit} "
                      f"with explicit units, {len(r.unexplained)} unexplained")
            for span in r.unexplained:
                out.print(f"    {span.start}-{span.end}: {span.quote}", markup=False, highlight=False)
    if any(r.error or r.unexplained for r in reports):
        raise typer.Exit(1)


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write: raw/ (texts + sources.toml) "
                                                                "and truth.json.")],
    cities: Annotated[int, typer.Option(help="How many cities (real ones, from the gazetteer).")] = 5,
    docs_per_city: Annotated[int, typer.Option(help="Documents per city.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed: the same arguments give the same bytes.")] = 0,
    counties: Annotated[int, typer.Option(help="Also this many county-level jurisdictions under each city "
                                               "(区, 县, 县级市, 旗), --docs-per-city documents each.")] = 0,
) -> None:
    """Write a synthetic corpus in the genre, with the facts it planted (truth.json)."""
    from .synth import synthesize

    try:
        truth = synthesize(out_dir, cities, docs_per_city, seed, counties)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    docs = truth["documents"]
    resp = sum(len(d["responsibilities"]) for d in docs)
    err.print(f"wrote {len(docs)} documents of {len(truth['cities'])} cities ({resp} planted responsibilities) "
              f"to {out_dir / 'raw'}; truth in {out_dir / 'truth.json'}; "
              f"build with: policykg build --raw {out_dir / 'raw'}")


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="graphml, gexf, cytoscape, d3, csv, turtle, trig, "
                                                              "ntriples or jsonld; parquet: the whole "
                                                              "dataset as tables into -o DIR.")] = "graphml",
    view: Annotated[str, typer.Option(help="responsibility, co-responsibility, city-measure-type, "
                                           "city-institution or city-similarity.")] = "responsibility",
    city: Annotated[Optional[str], typer.Option(help="许昌, 许昌市, Xuchang or 411000.")] = None,
    organization: Annotated[Optional[str], typer.Option(help="Name or alias (市科技局).")] = None,
    measure_type: Annotated[Optional[str], typer.Option("--measure-type", "--measureType")] = None,
    industry: Annotated[Optional[str], typer.Option()] = None,
    institution: Annotated[Optional[str], typer.Option()] = None,
    depth: Annotated[Optional[int], typer.Option(help="Neighbourhood of this many hops around the named node.")] = None,
    inherited: Annotated[bool, typer.Option("--inherited", help="Keep INHERITED responsibilities too (by default "
                                                                 "only EXPLICIT ones are exported).")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (stdout if omitted).")] = None,
    data: Annotated[Path, typer.Option(help="A built .trig or .nq dataset.")] = DATASET_PATH,
) -> None:
    """Export a network view (graph/network) in a graph or RDF format (graph/export)."""
    from .export import UnknownFormat
    from .export.command import ExportError, run
    from .network import FilterError, Filters

    filters = Filters(view, city, organization, measure_type, industry, institution, depth, inherited)
    try:
        paths, data_out = run(filters, format, output, data)
    except (ExportError, FilterError, UnknownFormat) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if data_out is not None:
        sys.stdout.buffer.write(data_out)
    for path in paths:
        err.print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover - python -m graph.cli
    app()
