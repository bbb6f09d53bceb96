"""Errors a client caused and may read; everything else is masked.

A ``QueryError`` message goes to the client as is (bad cursor, over-cap
``first``, time limit). Any other exception raised while resolving is an
internal fault: the client gets a generic message and the details go to the
server log, never a stack trace in the response.
"""

from __future__ import annotations


class QueryError(Exception):
    """A problem with the request, explained to the client."""


class TimeLimitExceeded(QueryError):
    pass
