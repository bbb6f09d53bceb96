"""Every root field and every argument of the served schema is described (introspection over HTTP),
and the two quotes of a responsibility say which is which."""

from __future__ import annotations

from graphql import build_client_schema, get_introspection_query
from service_fixtures import data_of


def test_every_query_field_and_argument_has_a_description(client):  # noqa: F811
    schema = build_client_schema(data_of(client, get_introspection_query(descriptions=True)))
    missing = []
    for fname, field in schema.query_type.fields.items():
        if not (field.description or "").strip():
            missing.append(fname)
        missing += [f"{fname}({a})" for a, arg in field.args.items() if not (arg.description or "").strip()]
    assert missing == []


def test_name_arguments_say_how_names_are_written_and_what_an_unknown_one_does(client):  # noqa: F811
    schema = build_client_schema(data_of(client, get_introspection_query(descriptions=True)))
    city = schema.query_type.fields["responsibilities"].args["city"].description
    assert "Xuchang" in city and "error" in city
    assert "needs `city`" in schema.query_type.fields["organization"].args["name"].description


def test_source_and_mention_are_told_apart(client):  # noqa: F811
    schema = build_client_schema(data_of(client, get_introspection_query(descriptions=True)))
    fields = schema.type_map["Responsibility"].fields
    assert "`mention`" in fields["source"].description and "whole" in fields["source"].description
    assert "`source`" in fields["mention"].description
