"""The ``policykg`` command."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .paths import DATASET_PATH, RAW_DIR, dataset_path_for

app = typer.Typer(help="policykg: a knowledge graph of Chinese municipal S&T policy.", no_args_is_help=True)
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


@app.command()
def build(
    raw: RawOpt = RAW_DIR,
    out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="TriG file to write.")] = None,
    check: Annotated[bool, typer.Option(help="Fail if the file on disk differs from a fresh build.")] = False,
) -> None:
    """Build the TriG dataset from the documents and their manifest."""
    from .build import serialize_trig

    started = time.perf_counter()
    result = _build(raw)
    _report(result)
    text = serialize_trig(result)
    target = out_file or dataset_path_for(raw)
    if check:
        current = target.read_text("utf-8") if target.exists() else ""
        if current != text:
            err.print(f"[red]{target} is out of date[/red]: run `policykg build`")
            raise typer.Exit(1)
        err.print(f"{target} is current")
        return
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(target)  # atomic: a reader never sees half a file
    n = result.triple_count
    err.print(
        f"built {len(result.facts)} documents, {n} triples in {time.perf_counter() - started:.2f}s -> {target}"
    )
    if result.errors:
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


@app.command()
def stats(raw: RawOpt = RAW_DIR) -> None:
    """Counts per document: measures, responsibilities by role and basis, types, targets."""
    result = _build(raw, quiet=True)
    _report(result)
    table = Table(title="policykg corpus")
    for col in ("document", "city", "measures", "LEAD", "RESP", "COOP", "explicit", "inherited",
                "types", "industries", "targets", "citations"):
        table.add_column(col)
    for f in result.facts:
        roles = Counter(r.role.value for r in f.responsibilities if r.basis.value == "EXPLICIT")
        basis = Counter(r.basis.value for r in f.responsibilities)
        table.add_row(
            f.source.name, result.cities[f.meta.city_code].name, str(len(f.measures)),
            str(roles["LEAD"]), str(roles["RESPONSIBLE"]), str(roles["COOPERATING"]),
            str(basis["EXPLICIT"]), str(basis["INHERITED"]),
            str(len({h.concept for h in f.measure_types})), str(len({h.concept for h in f.industries})),
            str(len(f.targets)), str(len(f.citations)),
        )
    out.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data: Annotated[Optional[Path], typer.Option(help="A folder laid out like data/raw/ to serve instead.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve GraphQL, SPARQL and the ontology over HTTP."""
    try:
        from service.server import run
    except ImportError as exc:  # pragma: no cover - service not installed
        err.print(f"[red]the service is not available: {exc}[/red]")
        raise typer.Exit(2) from None
    run(host=host, port=port, data=data, workers=workers)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
