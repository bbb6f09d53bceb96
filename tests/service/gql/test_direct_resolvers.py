"""Direct resolvers (service/gql/direct_resolvers.py) answer exactly as strawberry's own do.

Every root field is asked for with every field of its answer three levels
deep (queries made from the schema itself, so a field added later is covered
too), plus hand-written queries with enum, list and variable arguments and
with client mistakes; both schemas must give the same data and errors.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from graph.paths import DATASET_PATH
from service.gql import direct_resolvers
from service.gql.context import Context
from service.readmodel.lookups import Lookups
from service.lifecycle.loading import ensure_dataset, load_graph
from service.gql.limits import Limits
from service.gql.schema import build_schema

REQUIRED = {  # a value for each required argument (field, argument)
    ("city", "name"): "许昌", ("organization", "name"): "许昌市科学技术局", ("organizationAnalytics", "name"): "许昌市科学技术局",
    ("centralOrganizations", "city"): "许昌", ("similarCities", "city"): "许昌",
    ("diffusion", "measureType"): "揭榜挂帅", ("responsibilityLeaders", "measureType"): "科技金融与财税支持",
    ("departmentProfile", "departmentType"): "科技局", ("search", "text"): "科技特派员",
    ("policy", "id"): "policy/xuchang-2020-plan", ("measure", "id"): "measure/xuchang-2020-plan-annex-tasks/(28)",
}
DEPTH = 3

HAND_WRITTEN = [
    ('{ organization(name: "市科技局", city: "许昌") { name kind responsibilities(role: LEAD, first: 3) '
     "{ totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role basis measure { code } } } } } }",
     None),
    ('query Q($c: [String!], $n: Int) { sharedMeasures(cities: $c, minCities: $n) { measureType { label } '
     "cityCount measureCount } }", {"c": ["许昌", "常州", "承德"], "n": 3}),
    ('{ responsibilities(city: "漯河", role: COOPERATING, basis: INHERITED, first: 2) { totalCount '
     "edges { cursor } } }", None),
    ('{ measures(city: "许昌", first: 2, after: "not-a-cursor") { totalCount } }', None),
    ('{ measures(first: 501) { totalCount } }', None),
    ('{ city(name: "没有这个市") { name } organization(name: "不存在的单位") { name } }', None),
    ('{ workloadRanking(kind: GOVERNMENT_DEPARTMENT, first: 3) { organization { name } } }', None),
]


def _args(parent: str, field_name: str, field) -> str:
    given = [f'{a}: {json.dumps(REQUIRED[(field_name, a)], ensure_ascii=False)}'
             for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)]
    return f"({', '.join(given)})" if given else ""


def _selection(type_, depth: int) -> str:
    parts = []
    for name, field in type_.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue  # nested fields with required arguments: covered by the hand-written queries
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType):
            if depth > 1:
                parts.append(f"{name} {{ {_selection(named, depth - 1)} }}")
        else:
            parts.append(name)
    return " ".join(parts) or "__typename"


def generated_queries() -> list[str]:
    schema = build_schema(direct=False)._schema
    out = []
    for name, field in schema.query_type.fields.items():
        named = get_named_type(field.type)
        body = f" {{ {_selection(named, DEPTH)} }}" if isinstance(named, GraphQLObjectType) else ""
        out.append(f"{{ {name}{_args('Query', name, field)}{body} }}")
    return out


@pytest.fixture(scope="module")
def graph():
    ensure_dataset()
    return load_graph(DATASET_PATH)


def run(schema, graph, query: str, variables=None):
    ctx = Context(request=None, response=None, graph=graph, lookups=Lookups(graph.queries))
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))
    return result.data, sorted((e.message, tuple(e.path or ())) for e in result.errors or [])


@pytest.fixture(scope="module")
def schemas():
    # what is compared is the answers, not their speed: the deepest generated queries take seconds
    # on a loaded machine, so the execution time limit is not what decides here
    roomy = Limits(time_limit_s=120.0)
    return build_schema(roomy, direct=False), build_schema(roomy, direct=True)


@pytest.mark.parametrize("query", generated_queries())
def test_every_root_field_answers_the_same(schemas, graph, query):
    wrapped, direct = schemas
    expected = run(wrapped, graph, query)
    assert expected[0] is not None and not expected[1], expected[1]  # the generated query itself is good
    assert run(direct, graph, query) == expected


@pytest.mark.parametrize("query, variables", HAND_WRITTEN)
def test_arguments_and_mistakes_answer_the_same(schemas, graph, query, variables):
    wrapped, direct = schemas
    assert run(direct, graph, query, variables) == run(wrapped, graph, query, variables)


def test_the_hot_fields_are_direct_and_the_switch_turns_it_off(monkeypatch):
    installed = direct_resolvers.install(build_schema(direct=False))
    assert {"Query.organization", "Organization.responsibilities", "Responsibility.measure"} <= set(installed)
    monkeypatch.setenv("POLICYKG_DIRECT_RESOLVERS", "0")
    schema = build_schema()
    resolve = schema._schema.query_type.fields["organization"].resolve
    assert not resolve.__name__.startswith("direct_")


def test_a_list_default_is_not_shared_between_requests():
    # graphql-core hands every request the same default list object; a resolver mutating it must not leak
    import strawberry

    @strawberry.type
    class Q:
        @strawberry.field
        def grow(self, items: list[str] = ["a"]) -> int:  # noqa: B006 - the point of the test
            items.append("x")
            return len(items)

    schema = strawberry.Schema(Q)
    assert direct_resolvers.install(schema) == ["Q.grow"]
    answers = [schema.execute_sync("{ grow }").data["grow"] for _ in range(3)]
    assert answers == [2, 2, 2]
