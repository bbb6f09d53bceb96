"""Let graphql-core call our resolvers directly, without strawberry's per-call wrapper.

For every resolver call strawberry builds an ``Info`` object, converts each
argument by its annotation, runs field extensions and exception handlers, and
only then calls the function; a field without a resolver is read through
three nested calls. With this schema none of that changes anything:

- the arguments are all leaves (strings, ints, IDs, enums, lists of those),
  which strawberry passes through as graphql-core coerced them (enums arrive
  as members already; lists are copied, and so they are here);
- no field has extensions, permissions or exception handlers;
- the resolvers read only ``info.context``, which graphql-core's own info
  object carries too, and their ``strawberry.Parent``, which is
  graphql-core's source, as strawberry hands it over.

Yet the wrapper cost more than the resolvers themselves: a one-department
lookup spent most of its execution in it (strawberry's open PR #4620 goes
after the same overhead). So, once the schema is built, each field that
qualifies gets a plain ``resolve`` that renames the arguments and calls the
function, or reads the attribute. strawberry still builds the schema and
runs parsing, validation, the schema extensions (limits, masking) and
serialization; a field that does not qualify keeps strawberry's resolver.
``POLICYKG_DIRECT_RESOLVERS=0`` turns this off; a test runs the same
queries both ways and compares.
"""

from __future__ import annotations

from typing import Any, Callable

from graphql import GraphQLObjectType
from strawberry.scalars import ID
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField

from .. import settings

_LEAVES = (str, int, float, bool, ID)


def enabled() -> bool:
    return settings.get("POLICYKG_DIRECT_RESOLVERS")


def _is_leaf(type_: Any) -> bool:
    while isinstance(type_, (StrawberryOptional, StrawberryList)):
        type_ = type_.of_type
    return type_ in _LEAVES or isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_)


def _direct(field: StrawberryField, names: dict[str, str],
            default_resolver: Callable[[Any, str], Any]) -> Callable[..., Any] | None:
    """A graphql-core resolver calling ``field``'s function as strawberry would; None if it does not qualify."""
    resolver = field.base_resolver
    if field.extensions or field.is_subscription:
        return None
    if resolver is None:  # a plain attribute: strawberry reads it with its configured default resolver
        attribute = field.python_name

        def read(source: Any, info: Any) -> Any:
            return default_resolver(source, attribute)

        read.__name__ = f"direct_{attribute}"
        return read
    if resolver.root_parameter is not None:
        return None
    if not all(_is_leaf(arg.type) for arg in field.arguments):
        return None
    func = resolver.wrapped_func
    with_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    parent_name = resolver.parent_parameter.name if resolver.parent_parameter is not None else None
    renames = {gql: py for gql, py in names.items() if gql != py}

    def resolve(source: Any, info: Any, **kwargs: Any) -> Any:
        if kwargs:
            # a list default is one object graphql-core hands to every request: copy it
            kwargs = {renames.get(k, k): list(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        if info_name is not None:
            kwargs[info_name] = info
        if parent_name is not None:  # strawberry.Parent[...]: the record the field is read on
            kwargs[parent_name] = source
        return func(source, **kwargs) if with_self else func(**kwargs)

    resolve.__name__ = f"direct_{field.python_name}"
    return resolve


def install(schema: Any) -> list[str]:
    """Give each qualifying field of ``schema`` (a strawberry.Schema) a direct resolver; their names."""
    converter = schema.schema_converter
    done: list[str] = []
    for type_name, gql_type in schema._schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        definition = (gql_type.extensions or {}).get("strawberry-definition")
        if definition is None:
            continue
        for field in definition.fields:
            gql_name = converter.config.name_converter.get_graphql_name(field)
            gql_field = gql_type.fields.get(gql_name)
            if gql_field is None:
                continue
            names = {converter.config.name_converter.get_graphql_name(a): a.python_name for a in field.arguments}
            if set(names) != set(gql_field.args):
                continue  # the two disagree on the arguments: leave the field to strawberry
            resolve = _direct(field, names, converter.config.default_resolver)
            if resolve is not None:
                gql_field.resolve = resolve
                done.append(f"{type_name}.{gql_name}")
    return done
