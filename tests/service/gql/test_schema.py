"""The GraphQL schema in process: error hygiene, the execution deadline, ids.

What needs a broken or slow graph is tested here, where the graph can be
made so; everything a client sees end to end is in test_service_graphql.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from graph.paths import DATASET_PATH
from service.gql.context import Context
from service.gql.limits import Limits
from service.readmodel.lookups import Lookups
from service.lifecycle.loading import ensure_dataset, load_graph
from service.gql.schema import build_schema


@pytest.fixture(scope="module")
def graph():
    ensure_dataset()
    return load_graph(DATASET_PATH)


def execute(schema, graph, query: str, lookups: Lookups | None = None):
    ctx = Context(request=None, response=None, graph=graph, lookups=lookups or Lookups(graph.queries))
    return asyncio.run(schema.execute(query, context_value=ctx))


def test_internal_faults_are_masked_and_client_mistakes_are_not(graph, monkeypatch):
    schema = build_schema()

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail: /srv/policykg/db password=hunter2")

    monkeypatch.setattr(graph.queries, "targets", broken)
    result = execute(schema, graph, '{ targets(city: "许昌") { indicator } }')
    message = result.errors[0].message
    assert "secret" not in message and "hunter2" not in message
    assert "Internal error" in message
    assert result.errors[0].original_error is None  # nothing left to format a traceback from
    bad = execute(schema, graph, "{ measures(first: -5) { totalCount } }")
    assert "-5" in bad.errors[0].message


def test_an_execution_past_its_deadline_stops_with_a_clear_error(graph):
    schema = build_schema(Limits(time_limit_s=0.0))  # every batch is already late
    time.sleep(0.01)
    result = execute(schema, graph, "{ measures(first: 5) { edges { node { policy { title } } } } }")
    assert result.errors and "time limit" in result.errors[0].message


@pytest.mark.parametrize("ident", [
    "measure/xuchang-2020-plan-annex-tasks/(28)",
    "measure/xuchang-2020-plan-annex-tasks/%2828%29",
    "https://w3id.org/policykg/id/measure/xuchang-2020-plan-annex-tasks/%2828%29",
])
def test_measures_are_found_by_id_or_iri(graph, ident):
    result = execute(build_schema(), graph, f'{{ measure(id: "{ident}") {{ code id policy {{ id }} }} }}')
    assert result.errors is None
    assert result.data["measure"] == {"code": "(28)", "id": "measure/xuchang-2020-plan-annex-tasks/(28)",
                                      "policy": {"id": "policy/xuchang-2020-plan-annex-tasks"}}


def test_a_repeated_query_is_validated_once(graph, monkeypatch):
    # validation is most of a small query's cost; a per-request rule class once made
    # every request miss the validation cache (and fill it with dead entries)
    import uuid

    import strawberry.schema.schema as strawberry_schema

    calls = []
    real = strawberry_schema.validate
    monkeypatch.setattr(strawberry_schema, "validate", lambda *a, **k: calls.append(1) or real(*a, **k))
    schema = build_schema()
    query = f'{{ probe_{uuid.uuid4().hex}: cities {{ name }} }}'  # new to the process-wide caches
    for _ in range(3):
        assert not execute(schema, graph, query).errors
    assert len(calls) == 1
    deep = "{ cities " + "{ policies { city " * 6 + "{ name }" + " } }" * 6 + " }"  # 14 levels
    for _ in range(2):  # the limits still hold when the answer comes from the cache
        assert "depth" in execute(schema, graph, deep).errors[0].message


def test_the_guards_refuse_a_repeated_query_every_time(graph):
    # their per-document walks are memoized on the query text: a refusal must be remembered too
    from service.gql.guards import guard_extensions
    from service.gql.text_cache import TextCache as _Memo

    schema = build_schema()
    schema.extensions = (*schema.extensions, *guard_extensions(False))
    long_literal = '{ city(name: "' + "许" * 2000 + '") { name } }'
    costly = ("{ cities { organizations { measures { responsibilities { organization { measures { "
              "responsibilities { organization { name } } } } } } } } }")
    for _ in range(2):
        assert "2000 characters" in execute(schema, graph, long_literal).errors[0].message
        assert "POLICYKG_MAX_COST" in execute(schema, graph, costly).errors[0].message
        assert not execute(schema, graph, "{ cities { name } }").errors
    memo = _Memo(size=2)
    for key in "abc":
        memo.get(key, lambda: key.upper())
    assert memo.get("a", lambda: "made again") == "made again"  # the oldest went first
    assert memo.get("c", lambda: "never") == "C"


def test_the_enums_and_the_index_admit_the_same_values():
    # enum fields are plain reads of the records' strings: a value the enum lacks would fail to serialize
    from service.readmodel import records
    from service.gql.types import OrganizationKind, ResponsibilityBasis, ResponsibilityRole

    assert [e.value for e in ResponsibilityRole] == list(records.ROLES)
    assert [e.value for e in ResponsibilityBasis] == list(records.BASES)
    assert [e.value for e in OrganizationKind] == list(records.ORG_KINDS)


def test_an_unknown_role_or_kind_in_the_store_is_not_served():
    # a shared store may hold data policykg did not write: an unknown kind reads as OTHER, and a
    # responsibility whose role no enum value names is left out rather than failing every query
    from service.readmodel.index import load_index
    from service.store.embedded import OxigraphStore

    trig = """
    @prefix pk: <https://w3id.org/policykg/ontology#> .
    @prefix org: <http://www.w3.org/ns/org#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://example.org/g> {
      <https://example.org/guild> a org:Organization ; rdfs:label "行会"@zh ; pk:kind pk:GUILD .
      <https://example.org/r1> a pk:Responsibility ; pk:organization <https://example.org/guild> ;
          pk:measure <https://example.org/m> ; pk:role pk:OVERSEER .
      <https://example.org/r2> a pk:Responsibility ; pk:organization <https://example.org/guild> ;
          pk:measure <https://example.org/m> ; pk:role pk:LEAD ; pk:basis pk:GUESSED .
    }"""
    ix = load_index(OxigraphStore.from_bytes(trig.encode()))
    assert ix.organizations["https://example.org/guild"].kind == "OTHER"
    assert set(ix.responsibilities) == {"https://example.org/r2"}
    assert ix.responsibilities["https://example.org/r2"].basis == "EXPLICIT"
