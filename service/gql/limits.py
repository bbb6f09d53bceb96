"""Limits and error hygiene, as strawberry schema extensions.

Depth, aliases and tokens are refused before execution (strawberry's own
limiters); execution time is enforced by the per-request lookups
(readmodel/lookups.py), which check a deadline this module's extension sets.
Parsed and validated documents are cached: dashboards repeat the same few
queries, and parsing and validating dominate the cost of a small query.
The caches are bounded by the bytes of the texts they keep
(``POLICYKG_QUERY_CACHE_BYTES``), and texts over
``POLICYKG_QUERY_CACHE_MAX_TEXT`` characters are not kept at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

from graphql.error import GraphQLError
from graphql.language.parser import parse
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from .. import settings
from ..errors import QueryError
from .guards import document_shape
from .text_cache import TextCache

@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000  # the standard introspection query is about 300
    time_limit_s: float = 10.0
    cache_size: int = 512

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(
            max_depth=settings.get("POLICYKG_MAX_DEPTH"),
            max_aliases=settings.get("POLICYKG_MAX_ALIASES"),
            max_tokens=settings.get("POLICYKG_MAX_TOKENS"),
            time_limit_s=settings.get("POLICYKG_GRAPHQL_TIME_LIMIT"),
        )


class ExecutionTimeLimit(SchemaExtension):
    """Give each execution a deadline the lookups check at every hop."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        lookups = getattr(ctx, "lookups", None)
        if lookups is not None:
            lookups.deadline = time.monotonic() + self.seconds
        yield


class CachedParse(SchemaExtension):
    """strawberry's ParserCache, bounded by the bytes of the texts it keeps (text_cache.py)."""

    def __init__(self, cache: TextCache) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        options = ec.parse_options
        ec.graphql_document = self.cache.get((ec.query, tuple(sorted(options.items()))),
                                             lambda: parse(ec.query, **options))
        yield


class CachedValidation(SchemaExtension):
    """strawberry's ValidationCache, keyed on the text (one text, one document) and bounded by bytes."""

    def __init__(self, cache: TextCache) -> None:
        self.cache = cache

    def on_validate(self) -> Iterator[None]:
        from strawberry.schema.schema import validate_document

        ec = self.execution_context
        rules = tuple(ec.validation_rules)

        def validate() -> list[GraphQLError]:
            return validate_document(ec.schema._schema, ec.graphql_document, rules)

        ec.pre_execution_errors = self.cache.get((ec.query, rules), validate) if ec.query else validate()
        yield


class RoundTrips(SchemaExtension):
    """Report the store round trips of a request (debug aid).

    Added only when POLICYKG_DEBUG is set: the N+1 test reads it from the
    response's ``extensions``. Store counts are process-wide, so the figure is
    exact only when requests do not overlap, as in that test.
    """

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        store = ctx.graph.store
        before = store.round_trips
        yield
        self._figures = {"store": store.round_trips - before}

    def get_results(self) -> dict[str, Any]:
        return {"roundTrips": getattr(self, "_figures", {"store": 0})}


def _should_mask(error: GraphQLError) -> bool:
    """Mask internal faults; keep validation errors and our own explanations."""
    return is_internal(error)


def is_internal(error: GraphQLError) -> bool:
    """A fault of the server, not of the request (validation errors have no original)."""
    original = error.original_error
    return original is not None and not isinstance(original, (QueryError, GraphQLError))


def extensions(limits: Limits, debug: bool = False) -> list[Callable[[], SchemaExtension] | SchemaExtension]:
    # The depth and alias limiters make a new rule class per instance, and the
    # validation cache keys on the rule classes: made per request, they would
    # miss that cache every time (validation was two thirds of a lookup's cost).
    # So the rule classes are made once here and reused by every request.
    rules = [*QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
             *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules]
    parsed, validated = TextCache(limits.cache_size, name="parse"), TextCache(limits.cache_size, name="validate")
    exts: list[Any] = [
        # factories, not instances: an extension holds per-request state
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: CachedParse(parsed),
        document_shape(),  # before validation: the depth and alias rules walk every spread copy
        lambda: CachedValidation(validated),
        lambda: ExecutionTimeLimit(limits.time_limit_s),
        lambda: MaskErrors(should_mask_error=_should_mask,
                           error_message="Internal error: the server could not answer this query."),
    ]
    if debug:
        exts.append(RoundTrips)
    return exts
