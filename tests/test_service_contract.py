"""The served schema (by introspection over HTTP) holds the whole public contract.

Every type, field, argument and enum value of contract/schema.graphql (the
repository's copy of shared/contract/schema.graphql, kept identical by
tests/test_contract_copy.py) must exist with the same type; defaults stated
by the contract must match. The server may add to the contract, never drop
or rename.

Each check runs in two parts: the names served now, and the names issue 19
adds (PENDING), expected to fail until that wiring lands (strict: once it
does, the mark must go).
"""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_client_schema,
    build_schema,
    Undefined,
    get_introspection_query,
    print_ast,
)
from service_fixtures import CONTRACT, data_of

# contract names issue 19 serves (types, Type.field)
PENDING = {"PolicyTool", "MeasureSimilarity", "PolicyStatus", "Policy.validFrom", "Policy.validUntil",
           "Policy.status", "Policy.level", "Measure.policyTools", "Measure.similarMeasures",
           "Query.policyTools", "Query.textReuse"}
PARTS = [pytest.param(False, id="served"),
         pytest.param(True, id="issue-19", marks=pytest.mark.xfail(strict=True, reason="served by issue 19's wiring"))]


def _pending(subject: str) -> bool:
    return subject in PENDING or subject.split(".")[0] in PENDING or subject.split("(")[0] in PENDING


def _part(problems: list[tuple[str, str]], pending: bool) -> list[str]:
    return [p for subject, p in problems if _pending(subject) == pending]


@pytest.fixture(scope="module")
def schemas(client):  # noqa: F811
    contract = build_schema(CONTRACT.read_text("utf-8"))
    served = build_client_schema(data_of(client, get_introspection_query()))
    return contract, served


def _default(arg) -> str | None:
    """An argument's default as GraphQL source ("100"), None when it has none."""
    default = getattr(arg, "default", None)  # graphql-core 3.3
    if default is not None:
        literal = getattr(default, "literal", None)
        if literal is not None:
            return print_ast(literal)
        value = getattr(default, "value", Undefined)
        return None if value is Undefined else repr(value)
    value = getattr(arg, "default_value", Undefined)
    return None if value is Undefined else repr(value)


def _user_types(schema):
    return {name: t for name, t in schema.type_map.items() if not name.startswith("__")}


@pytest.mark.parametrize("pending", PARTS)
def test_every_contract_type_is_served_with_the_same_kind(schemas, pending):
    contract, served = schemas
    problems = []
    for name, t in _user_types(contract).items():
        if name not in served.type_map:
            problems.append((name, f"{name} missing"))
        elif type(served.type_map[name]) is not type(t):
            problems.append((name, f"{name} is a {type(served.type_map[name]).__name__}"))
    assert _part(problems, pending) == []


@pytest.mark.parametrize("pending", PARTS)
def test_every_field_and_argument_has_the_contract_type(schemas, pending):
    contract, served = schemas
    problems = []
    for name, t in _user_types(contract).items():
        if not isinstance(t, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            continue
        got = served.type_map.get(name)
        if got is None:
            problems.append((name, f"{name} missing"))
            continue
        for fname, field in t.fields.items():
            subject = f"{name}.{fname}"
            if fname not in got.fields:
                problems.append((subject, f"{subject} missing"))
                continue
            if str(got.fields[fname].type) != str(field.type):
                problems.append((subject, f"{subject}: {got.fields[fname].type} != {field.type}"))
            for aname, arg in getattr(field, "args", {}).items():
                served_arg = got.fields[fname].args.get(aname)
                if served_arg is None:
                    problems.append((subject, f"{subject}({aname}) missing"))
                    continue
                if str(served_arg.type) != str(arg.type):
                    problems.append((subject, f"{subject}({aname}): {served_arg.type} != {arg.type}"))
                if _default(arg) is not None and _default(served_arg) != _default(arg):
                    problems.append((subject, f"{subject}({aname}) default {_default(served_arg)} "
                                              f"!= {_default(arg)}"))
            # added arguments must be optional, or old queries would break
            for aname, served_arg in got.fields[fname].args.items():
                if aname not in getattr(field, "args", {}) and "!" in str(served_arg.type) \
                        and _default(served_arg) is None:
                    problems.append((subject, f"{subject}({aname}) is a new required argument"))
    assert _part(problems, pending) == []


@pytest.mark.parametrize("pending", PARTS)
def test_every_enum_value_is_served(schemas, pending):
    contract, served = schemas
    problems = []
    for name, t in _user_types(contract).items():
        if isinstance(t, GraphQLEnumType):
            got = served.type_map.get(name)
            missing = set(t.values) - set(got.values if got is not None else ())
            if missing:
                problems.append((name, f"{name}: {sorted(missing)} missing"))
    assert _part(problems, pending) == []


@pytest.mark.parametrize("pending", PARTS)
def test_query_root_is_the_contract_query(schemas, pending):
    contract, served = schemas
    assert served.query_type.name == contract.query_type.name == "Query"
    missing = [(f"Query.{f}", f) for f in contract.query_type.fields if f not in served.query_type.fields]
    assert _part(missing, pending) == []
