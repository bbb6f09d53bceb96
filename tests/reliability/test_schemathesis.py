"""Schemathesis' GraphQL fuzzing against the live schema (fetched by introspection).

For every root field it generates valid and edge-case queries (arguments of
every type, nested selections) and checks that the server never answers
with a server error: a refusal must be a GraphQL error that says why, never
the masked "Internal error" of a crash.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

EXAMPLES = 10 * int(os.environ.get("POLICYKG_FUZZ", "1"))


@pytest.fixture(scope="session")
def graphql_schema(server):
    return schemathesis.graphql.from_url(server.url + "/graphql")


schema = schemathesis.pytest.from_fixture("graphql_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_generated_query_breaks_the_server(case):
    # not call_and_validate(): its GraphQL check counts every error as a server fault, including the
    # refusals we want (a random `after` is not a cursor); a fault is a 5xx or a masked internal error
    response = case.call(timeout=30)
    assert response.status_code < 500, response.text[:500]
    body = response.json()
    for error in body.get("errors") or []:
        assert "Internal error" not in error["message"], (case.body, error)
        assert "Traceback" not in str(error)
