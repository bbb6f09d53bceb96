"""``policykg serve``: load the graph, then hand the app to uvicorn."""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
from pathlib import Path

import uvicorn

from .lifecycle.loading import LoadError, ensure_dataset, load_graph
from .prefork import serve_forked
from .web.http_limits import HttpLimits, uvicorn_options

from . import settings

log = logging.getLogger("policykg.service")


def _fastest(module: str, name: str, fallback: str) -> str:
    # httptools and uvloop roughly double uvicorn's throughput; use them when installed
    return name if importlib.util.find_spec(module) is not None else fallback


def _preload() -> None:
    """What every worker imports and the graph it serves, loaded once before the workers are forked
    (prefork.py): they share these pages."""
    import service.gql.schema  # noqa: F401
    from service.web import app

    app.preload_graph()


def _prime(data: Path) -> None:
    """Make the dataset's start-up cache entry before the workers start, so that they all open it
    instead of racing to write it (the one that loses would hold a whole in-memory copy). It is made
    in a spawned child: the parent's heap, which the forked workers share, stays as small as it was."""
    from .lifecycle import startup_cache

    if data.is_file() and startup_cache.enabled():
        try:
            startup_cache.in_child(startup_cache.prime, data)
        except Exception as exc:  # noqa: BLE001 - the workers load as without the cache
            log.warning("start-up cache not made for %s (%s: %s)", data, type(exc).__name__, exc)


def run(host: str = "127.0.0.1", port: int = 8000, data: Path | None = None, workers: int = 1,
        watch: bool = False, store: str | None = None) -> None:
    settings.check()  # a value that does not parse stops the server here, named (SettingError)
    if store:
        # a remote SPARQL engine holds the graph; every worker (and reload) reads it from there
        os.environ["POLICYKG_STORE"] = store
    from .web.middleware import configure_access_log

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    configure_access_log()  # one JSON line per request on stderr (POLICYKG_REQUEST_LOG=0: off)
    options = dict(
        host=host,
        port=port,
        loop=_fastest("uvloop", "uvloop", "asyncio"),
        log_level=settings.get("POLICYKG_LOG_LEVEL"),
        access_log=settings.get("POLICYKG_ACCESS_LOG"),
        # head deadline and size, connection cap, keep-alive and shutdown timeouts (service/web/http_limits.py)
        **uvicorn_options(HttpLimits.from_env(), _fastest("httptools", "httptools", "h11")),
    )
    try:
        if workers > 1:
            # The start-up cache entry is made first, in a child, so that the graph the workers
            # are forked with (_preload) or load themselves (spawned) is opened from it; over a
            # remote engine the load makes its entry in a child itself.
            if data is None and not store:
                _prime(ensure_dataset())
            elif data is not None:
                os.environ["POLICYKG_DATA"] = str(Path(data).resolve())
                _prime(Path(data))
            if watch:
                os.environ["POLICYKG_WATCH"] = "1"  # each worker watches and reloads itself
            # an admin reload reaches one worker; it tells the others through this file (service/lifecycle/reload.py)
            signal = Path(tempfile.gettempdir()) / f"policykg-reload-{os.getpid()}.json"
            os.environ["POLICYKG_RELOAD_SIGNAL"] = str(signal)
            try:
                if not hasattr(os, "fork"):  # no fork here: uvicorn's spawned workers, each importing everything
                    uvicorn.run("service.web.app:app_from_env", factory=True, workers=workers, **options)
                    return
                # forked from this process once the code is imported: the workers share its pages (prefork.py)
                config = uvicorn.Config("service.web.app:app_from_env", factory=True, workers=workers, **options)
                status = serve_forked(config, workers, _preload)
            finally:
                signal.unlink(missing_ok=True)
            if status:
                raise SystemExit(f"policykg serve: a worker failed at start-up (status {status}); see the log above")
            return
        from .web.app import create_app

        graph = load_graph(data)
    except LoadError as exc:
        raise SystemExit(f"policykg serve: {exc}") from None
    base = f"http://{host}:{port}"
    log.info("serving %d triples: network viewer %s/ · GraphQL %s/graphql (GraphiQL in a browser) · "
             "also /sparql, /export, /ontology, /health", graph.index.triple_count, base, base)
    uvicorn.run(create_app(graph, data=data, watch=watch), **options)
