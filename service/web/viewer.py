"""GET /: the network viewer page, and /static/ (its script, style and the
vendored Cytoscape.js) served from the package, so no CDN and no npm are
needed to use it. The page itself only calls /export and /graphql."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"

static = StaticFiles(directory=STATIC_DIR)


async def page(request: Request) -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")
