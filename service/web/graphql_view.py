"""``/graphql`` over HTTP: strawberry's ASGI view, with its request decoding hardened and its
work moved off the server's event loop.

- A body that is not JSON a client could mean (nested thousands deep, a
  5000-digit number, invalid UTF-8, a lone surrogate in a string) is a 400
  that says so, never a 500 with a traceback.
- Parsing, validation and execution run on a few event loops of their own,
  each in its own thread (``POLICYKG_GRAPHQL_THREADS``, 4), not on the loop
  that accepts connections: a query that takes 0.7 s to answer, or a text
  that is slow to validate, no longer stops /health and every other request
  for that long. Python threads share one core's worth of bytecode, so this
  is about fairness, not speed; the guards (service/gql/guards.py) still bound
  the work itself.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from typing import Any

from pathlib import Path

from starlette.responses import HTMLResponse
from strawberry.asgi import GraphQL
from strawberry.http.async_base_view import HTTPException  # what strawberry answers as a plain-text 4xx

from ..gql.context import Context
from ..readmodel.lookups import Lookups
from ..readmodel.state import GraphState
from .. import settings
from .middleware import request_graph

GRAPHIQL_PAGE = Path(__file__).resolve().parent / "static" / "graphiql.html"
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class GraphQLApp(GraphQL):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loops = LoopThreads(settings.get("POLICYKG_GRAPHQL_THREADS"))

    async def get_context(self, request: Any, response: Any = None) -> Context:
        graph: GraphState = request_graph(request.app)  # pinned for this request by RequestObserver
        return Context(request=request, response=response, graph=graph, lookups=Lookups(graph.queries))

    async def render_graphql_ide(self, request: Any) -> Any:
        # GraphiQL from the package's own files (static/graphiql.html), not strawberry's CDN page
        return HTMLResponse(GRAPHIQL_PAGE.read_text("utf-8"))

    def decode_json(self, data: str | bytes) -> object:
        try:
            payload = json.loads(data)
        except RecursionError:
            raise HTTPException(400, "The request body nests JSON too deeply to read; a GraphQL request is an "
                                     "object holding `query`, `variables` and `operationName`.") from None
        except UnicodeDecodeError as exc:
            raise HTTPException(400, f"The request body is not valid UTF-8 (byte {exc.start}); send JSON "
                                     "encoded as UTF-8.") from None
        except json.JSONDecodeError:
            raise  # strawberry answers it: "Unable to parse request body as JSON"
        except ValueError as exc:  # a number over Python's 4300-digit conversion limit
            raise HTTPException(400, f"The request body holds a value that cannot be read: {exc}".split(";")[0]
                                + ".") from None
        where = _lone_surrogate(payload)
        if where is not None:
            raise HTTPException(400, f"{where} holds a lone surrogate (U+D800 to U+DFFF): not valid Unicode. "
                                     "Send well-formed strings.")
        return payload

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: Any) -> Any:
        parent = super().execute_single

        async def run() -> Any:
            return await parent(request=request, request_adapter=request_adapter, sub_response=sub_response,
                                context=context, root_value=root_value, request_data=request_data)

        return await self._loops.run(run)

    def close(self) -> None:
        self._loops.close()


def _lone_surrogate(value: Any, where: str = "The request", depth: int = 0) -> str | None:
    """Where a string holding a lone surrogate is, or None (json.loads accepts "\\ud800")."""
    if isinstance(value, str):
        return where if _SURROGATE.search(value) else None
    if depth > 100:
        return None  # the string-size guard refuses anything this deep
    if isinstance(value, dict):
        for k, v in value.items():
            found = _lone_surrogate(k, where, depth + 1) or _lone_surrogate(
                v, f"`{k}`" if depth == 0 else f"{where}.{k}", depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _lone_surrogate(v, f"{where}[{i}]", depth + 1)
            if found:
                return found
    return None


class LoopThreads:
    """A few event loops, each running in a thread of its own; a coroutine goes to the least busy.

    The request's context variables travel with it (``run_coroutine_threadsafe``
    schedules from a copy of the caller's context), and cancelling the caller
    (the client went away) cancels the coroutine on the other loop.
    """

    def __init__(self, n: int) -> None:
        self.n = max(1, n)
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._busy: list[int] = []
        self._lock = threading.Lock()

    def _start(self) -> None:
        for i in range(self.n):
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, daemon=True, name=f"graphql-{i}").start()
            self._loops.append(loop)
            self._busy.append(0)

    async def run(self, make: Any) -> Any:
        with self._lock:
            if not self._loops:
                self._start()
            i = min(range(self.n), key=self._busy.__getitem__)
            self._busy[i] += 1
        try:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(make(), self._loops[i]))
        finally:
            with self._lock:
                self._busy[i] -= 1

    def close(self) -> None:
        with self._lock:
            loops, self._loops, self._busy = self._loops, [], []
        for loop in loops:
            loop.call_soon_threadsafe(loop.stop)


__all__ = ["GraphQLApp", "LoopThreads"]
