"""The ``policykg`` command: the pipeline's commands (graph/cli.py) and the service's.

    build     the pipeline's build, then the start-up cache ``serve`` opens (or ``--store URL``)
    validate, stats, review, synth, export   as graph/cli.py defines them
    serve     GraphQL, SPARQL and the ontology over HTTP (every setting checked first)
    settings  every POLICYKG_* setting: its default, what it does, its value now

The pipeline knows nothing of the service; this module is where the two meet.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from graph import cli as pipeline
from graph.cli import CacheOpt, CheckOpt, JobsOpt, OutOpt, RawOpt, err
from graph.paths import RAW_DIR

from . import settings

app = typer.Typer(help="policykg: a knowledge graph of Chinese municipal S&T policy.", no_args_is_help=True)


@app.command()
def build(
    raw: RawOpt = RAW_DIR,
    out_file: OutOpt = None,
    check: CheckOpt = False,
    cache: CacheOpt = True,
    jobs: JobsOpt = None,
    store: Annotated[Optional[str], typer.Option(
        help="Also load the dataset into this SPARQL 1.1 engine (query endpoint URL), replacing its "
             "policykg graphs.")] = None,
    serve_cache: Annotated[bool, typer.Option(
        help="Also prepare what `policykg serve` starts from (a persistent store and the index, under "
             "data/cache/), so that serving the new dataset is ready in seconds.")] = True,
) -> None:
    """Build the TriG dataset from the documents and their manifest (and keep each document's
    extracted text beside it, in text/<file>.txt)."""
    written = pipeline.write_dataset(raw, out_file, check, cache, jobs)
    if written is None:  # --check: the file is current
        return
    result, target = written
    del written
    failed = bool(result.errors)
    if store:
        _load_into_store(store, target)
    elif serve_cache:
        _prime_serve_cache(target)  # made from the file just written, as `serve` would read it
    if failed:
        raise typer.Exit(1)


def _prime_serve_cache(dataset: Path) -> None:
    from .lifecycle import startup_cache

    if not startup_cache.enabled():
        return
    started = time.perf_counter()
    try:
        status = startup_cache.prime(dataset)
    except Exception as exc:  # noqa: BLE001 - serving still works without it, only starts slower
        err.print(f"[yellow]warning:[/yellow] start-up cache not made ({type(exc).__name__}: {exc}); "
                  "`policykg serve` will load the dataset in full")
        return
    err.print(f"start-up cache {status} in {time.perf_counter() - started:.2f}s under {startup_cache.cache_root()}")


def _load_into_store(url: str, dataset: Path) -> None:
    """``build --store URL``: PUT every graph of the dataset just written (Graph Store Protocol),
    drop graphs no longer built."""
    import pyoxigraph as ox

    from .store.remote import RemoteStore, StoreError

    started = time.perf_counter()
    try:
        summary = RemoteStore(url).replace_graphs(ox.parse(path=str(dataset), format=ox.RdfFormat.TRIG))
    except (StoreError, ValueError, SyntaxError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    err.print(f"loaded {summary['graphs']} graphs, {summary['triples']} triples into {url} "
              f"in {time.perf_counter() - started:.2f}s (dropped {summary['dropped']} stale graphs; "
              f"dataset {summary['version']})")


app.command()(pipeline.validate)
app.command()(pipeline.stats)
app.command()(pipeline.review)


def _serve_epilog() -> str:
    # typer's rich help reflows paragraphs; each line of the table is one paragraph here
    return "Environment (`policykg settings` prints the values set now):\n\n" + "\n\n".join(
        line.strip() for line in settings.describe({}, compact=True).splitlines() if line.strip())


@app.command(epilog=_serve_epilog())
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data: Annotated[Optional[Path], typer.Option(help="A folder laid out like data/raw/ to serve instead.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    watch: Annotated[bool, typer.Option(help="Rebuild and swap the graph when the raw folder changes.")] = False,
    store: Annotated[Optional[str], typer.Option(
        help="Answer from this SPARQL 1.1 engine (query endpoint URL) instead of an embedded store; "
             "load it with `policykg build --store URL`.")] = None,
) -> None:
    """Serve GraphQL, SPARQL and the ontology over HTTP."""
    from .server import run

    _check_settings()
    if store and data is not None:
        err.print("[red]error:[/red] --data and --store are exclusive: load a folder into the store with "
                  "`policykg build --raw DIR --store URL`, then serve --store URL")
        raise typer.Exit(2)
    if store:
        run(host=host, port=port, data=data, workers=workers, watch=watch, store=store)
    else:
        run(host=host, port=port, data=data, workers=workers, watch=watch)


app.command()(pipeline.synth)
app.command()(pipeline.export)


@app.command(name="settings")
def show_settings() -> None:
    """Every POLICYKG_* setting: its default, what it does, and its value where one is set."""
    _check_settings()
    sys.stdout.write(settings.describe())


def _check_settings() -> None:
    """Every setting parses, or the command stops naming the variable (exit 2)."""
    try:
        unknown = settings.check()
    except settings.SettingError as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    for name in unknown:
        err.print(f"[yellow]warning:[/yellow] {name} is no policykg setting (`policykg settings` lists them)")


if __name__ == "__main__":  # pragma: no cover - python -m service.cli
    app()
