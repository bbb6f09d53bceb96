"""GET /documents/<file>: the text every span of that document indexes.

For a .txt source that is the file decoded; for HTML, Word and PDF the text
extracted from them. ``text[start:end] == quote`` holds for every span the
graph serves, so a client can check or show any quote in its context.

Where the text comes from follows where the graph came from:

- the bundled dataset, or a .trig file: the text ``policykg build`` wrote
  beside it (``text/<file>.txt``), unless the raw file is newer (a reload
  rebuilt the graph from it), then the raw file decoded;
- a raw folder built in memory (``--data DIR``): its file, decoded.

Only documents of the served graph are answered (404 otherwise), so no
path a client sends reaches the file system.
"""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .middleware import request_graph


@functools.lru_cache(maxsize=32)
def _decoded(path: str, mtime_ns: int, size: int) -> str:
    from graph.textio import read_document

    return read_document(Path(path)).text


def _text(file: str, data: Path | None) -> str | None:
    from graph.build import text_path
    from graph.paths import DATASET_PATH, RAW_DIR
    from graph.textio import DocumentError

    if data is not None and data.is_dir():
        raw, stored = data / file, None
    else:
        dataset = data if data is not None else DATASET_PATH
        raw = RAW_DIR / file if data is None else None
        stored = text_path(dataset.parent, file)
    candidates = []
    if stored is not None and stored.is_file():
        candidates.append((stored.stat().st_mtime_ns, "stored", stored))
    if raw is not None and raw.is_file():
        candidates.append((raw.stat().st_mtime_ns, "raw", raw))
    if not candidates:
        return None
    _, kind, path = max(candidates)  # the newer: a reload from the raw file outdates the stored text
    if kind == "stored":
        return path.read_bytes().decode("utf-8")
    st = path.stat()
    try:
        return _decoded(str(path), st.st_mtime_ns, st.st_size)
    except DocumentError:
        return None


def documents_endpoint(data: Path | None):
    async def document(request: Request) -> Response:
        file = request.path_params["file"]
        graph = request_graph(request.app)
        if file not in graph.documents:
            return PlainTextResponse(f"no document {file!r} in the served graph\n", status_code=404)
        text = _text(file, data)
        if text is None:
            return PlainTextResponse(f"the text of {file!r} is not available (its source file is gone)\n",
                                     status_code=404)
        return PlainTextResponse(text, media_type="text/plain; charset=utf-8")

    return document
