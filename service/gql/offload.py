"""Run an analysis off the event loop the first time, and inline once it is built.

The first call on a graph builds its structure (the search index takes
seconds at 300 cities), and meanwhile the server keeps answering. Once
built, the answer is a lookup: no thread hop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..insights.common import is_built

# analyses cheap once built, and the derived structure that tells (insights/*.py)
_CHEAP = {"citation_network": "citations", "diffusion": "diffusion"}


async def offload(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``: in a worker thread unless it is one of the cheap ones and already built."""
    if getattr(fn, "__name__", "") in _CHEAP and args and is_built(args[0], _CHEAP[fn.__name__]):
        return fn(*args)
    return await asyncio.to_thread(fn, *args)
