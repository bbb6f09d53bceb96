"""Evaluate one read-only SPARQL query and write its answer: in a worker process
(sandbox.py) or, over a store that cannot be copied into one, in a thread (endpoint.py).

The query has passed ``guard.check_read_only`` before it gets here; oxigraph's
own parser is asked once more for SERVICE (guard.check_no_service_by_parser),
then the answer is written, capped in rows and bytes (formats.py).
"""

from __future__ import annotations

from typing import Any

from . import formats as fmt
from .guard import Refused, check_no_service_by_parser


def evaluate(store: Any, query: str, default_graphs: list[str], named_graphs: list[str],
             request: fmt.AnswerRequest, cancelled: Any = None) -> fmt.Answer:
    """Run a query that passed ``check_read_only`` and write its answer (in a worker or a thread)."""
    check_no_service_by_parser(query)
    try:
        result = store.query(query, default_graphs=default_graphs or None, named_graphs=named_graphs or None)
    except SyntaxError as exc:
        raise Refused(400, f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise Refused(400, f"The query could not be evaluated: {exc}") from None
    try:
        return fmt.write_answer(result, request, cancelled)
    except (OSError, ValueError, SyntaxError, RuntimeError) as exc:  # pyoxigraph's evaluation errors
        raise Refused(400, f"The query failed while running: {exc}") from None
