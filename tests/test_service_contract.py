"""The served schema (by introspection over HTTP) holds the whole public contract.

Every type, field, argument and enum value of contract/schema.graphql (the
repository's copy of shared/contract/schema.graphql, kept identical by
tests/test_contract_copy.py, so this runs wherever the repository is) must
exist with the same type; defaults stated by the contract must match.
The server may add to the contract, never drop or rename.
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


def test_every_contract_type_is_served_with_the_same_kind(schemas):
    contract, served = schemas
    missing = [n for n in _user_types(contract) if n not in served.type_map]
    assert missing == []
    for name, t in _user_types(contract).items():
        assert type(served.type_map[name]) is type(t), name


def test_every_field_and_argument_has_the_contract_type(schemas):
    contract, served = schemas
    problems = []
    for name, t in _user_types(contract).items():
        if not isinstance(t, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            continue
        got = served.type_map[name]
        for fname, field in t.fields.items():
            if fname not in got.fields:
                problems.append(f"{name}.{fname} missing")
                continue
            if str(got.fields[fname].type) != str(field.type):
                problems.append(f"{name}.{fname}: {got.fields[fname].type} != {field.type}")
            for aname, arg in getattr(field, "args", {}).items():
                served_arg = got.fields[fname].args.get(aname)
                if served_arg is None:
                    problems.append(f"{name}.{fname}({aname}) missing")
                    continue
                if str(served_arg.type) != str(arg.type):
                    problems.append(f"{name}.{fname}({aname}): {served_arg.type} != {arg.type}")
                if _default(arg) is not None and _default(served_arg) != _default(arg):
                    problems.append(f"{name}.{fname}({aname}) default {_default(served_arg)} "
                                    f"!= {_default(arg)}")
            # added arguments must be optional, or old queries would break
            for aname, served_arg in got.fields[fname].args.items():
                if aname not in getattr(field, "args", {}) and "!" in str(served_arg.type) \
                        and _default(served_arg) is None:
                    problems.append(f"{name}.{fname}({aname}) is a new required argument")
    assert problems == []


def test_every_enum_value_is_served(schemas):
    contract, served = schemas
    for name, t in _user_types(contract).items():
        if isinstance(t, GraphQLEnumType):
            assert set(t.values) <= set(served.type_map[name].values), name


def test_query_root_is_the_contract_query(schemas):
    contract, served = schemas
    assert served.query_type.name == contract.query_type.name == "Query"
    assert set(contract.query_type.fields) <= set(served.query_type.fields)
