"""The GraphQL schema: the contract's Query over ``service.readmodel.queries``.

Resolvers here only translate arguments (enums to strings, names to the
query functions) and page the answers into connections: the questions are
``Queries``, which a notebook can call without a server, and the nodes of
an answer come through the request's lookups, like every other hop.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import strawberry
from strawberry.tools import merge_types
from graphql.error import GraphQLError

from . import direct_resolvers
from .connections import Connection, check_first, connection
from .context import Ctx
from .descriptions import describe_arguments
from .limits import Limits, extensions, is_internal
from .types import (
    City,
    DocumentReport,
    Indicator,
    Industry,
    JurisdictionLevel,
    Measure,
    MeasureSimilarity,
    MeasureType,
    Organization,
    OrganizationConnection,
    OrganizationKind,
    Policy,
    PolicyTool,
    ResponsibilityBasis,
    ResponsibilityConnection,
    ResponsibilityRole,
    SharedMeasure,
    Target,
    TargetKind,
)


log = logging.getLogger("policykg.graphql")


def _value(enum_member) -> str | None:
    return enum_member.value if enum_member is not None else None


@strawberry.type
class CoreQuery:
    """The contract's root fields."""

    @strawberry.field(description="The jurisdictions whose documents are in the corpus, of one level if given.")
    def cities(self, info: Ctx, level: Optional[JurisdictionLevel] = None) -> list[City]:
        return info.context.queries.cities(_value(level))

    @strawberry.field(description="One jurisdiction by any written form of its name or its code.")
    def city(self, info: Ctx, name: str) -> Optional[City]:
        return info.context.queries.names.require_city(name, "name")

    @strawberry.field(description="The policies of a city (every city's when omitted), by issuing date; with "
                                  "inForceOn (an ISO date), only those in force that day by their stated dates.")
    def policies(self, info: Ctx, city: Optional[str] = None, in_force_on: Optional[str] = None) -> list[Policy]:
        lookups = info.context.lookups
        return lookups.many(lookups.policy, info.context.queries.policies(city, in_force_on))

    @strawberry.field(description="One policy by id (policy/<document without extension>) or IRI.")
    def policy(self, info: Ctx, id: strawberry.ID) -> Optional[Policy]:
        return info.context.lookups.policy(info.context.queries.resolve_id(id))

    @strawberry.field(description="Organizations the documents name (one city's when given), paged.")
    def organizations(self, info: Ctx, city: Optional[str] = None, kind: Optional[OrganizationKind] = None,
                      search: Optional[str] = None, first: Optional[int] = 100,
                      after: Optional[str] = None) -> OrganizationConnection:
        check_first(first, 100)  # a bad argument is an error even when the list is empty
        iris = info.context.queries.organizations(city, _value(kind), search)
        return connection(iris, "organization", first, after, 100, info.context.lookups.organization)

    @strawberry.field(description="One organization by canonical name or alias. A name several cities' "
                                  "bodies share (市科技局) needs a city: without one it is an error listing "
                                  "the cities, unless a national body holds the name.")
    def organization(self, info: Ctx, name: str, city: Optional[str] = None) -> Optional[Organization]:
        names = info.context.queries.names
        return names.require_organization(name, names.require_city(city), "name")

    @strawberry.field(description="Who is responsible for what. Filters combine with AND.")
    def responsibilities(self, info: Ctx, city: Optional[str] = None, organization: Optional[str] = None,
                         role: Optional[ResponsibilityRole] = None, basis: Optional[ResponsibilityBasis] = None,
                         measure_type: Optional[str] = None, first: Optional[int] = 100,
                         after: Optional[str] = None) -> ResponsibilityConnection:
        check_first(first, 100)
        iris = info.context.queries.responsibilities(city, organization, _value(role), _value(basis), measure_type)
        return connection(iris, "responsibility", first, after, 100, info.context.lookups.responsibility)

    @strawberry.field(description="Measures (numbered items and task-table rows), in document order, paged. "
                                  "Filters combine with AND.")
    def measures(self, info: Ctx, city: Optional[str] = None, organization: Optional[str] = None,
                 measure_type: Optional[str] = None, industry: Optional[str] = None,
                 institution: Optional[str] = None, text: Optional[str] = None,
                 first: Optional[int] = 50, after: Optional[str] = None) -> Connection[Measure]:
        check_first(first, 50)
        iris = info.context.queries.measures(city, organization, measure_type, industry, institution, text)
        return connection(iris, "measure", first, after, 50, info.context.lookups.measure)

    @strawberry.field(description="One measure by id (measure/<document>/<code>) or IRI.")
    def measure(self, info: Ctx, id: strawberry.ID) -> Optional[Measure]:
        return info.context.lookups.measure(info.context.queries.resolve_id(id))

    @strawberry.field(description="Measure types found in the measures of at least minCities of the given "
                                  "cities (all cities when omitted): the scheme's direct concepts, and its "
                                  "families (top concepts) too when families is true.")
    def shared_measures(self, info: Ctx, cities: Optional[list[str]] = None,
                        min_cities: Optional[int] = 2, families: Optional[bool] = False) -> list[SharedMeasure]:
        return info.context.queries.shared_measures(cities, 2 if min_cities is None else min_cities, bool(families))

    @strawberry.field(description="Universities, research institutes, enterprises and other non-government "
                                  "bodies.")
    def institutions(self, info: Ctx, city: Optional[str] = None) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, info.context.queries.institutions(city))

    @strawberry.field(description="The industry scheme (战略性新兴产业分类 2018), families and their members.")
    def industries(self, info: Ctx) -> list[Industry]:
        return info.context.queries.industries()

    @strawberry.field(description="The measure-type scheme (mapped to STIP Compass), families and their "
                                  "members.")
    def measure_types(self, info: Ctx) -> list[MeasureType]:
        return info.context.queries.measure_types()

    @strawberry.field(description="Targets, filtered by city, indicator (a concept's id or label: its targets and "
                                  "those of narrower statistics) and kind.")
    def targets(self, info: Ctx, city: Optional[str] = None, indicator: Optional[str] = None,
                kind: Optional[TargetKind] = None) -> list[Target]:
        lookups = info.context.lookups
        return lookups.many(lookups.target, info.context.queries.targets(city, indicator, _value(kind)))

    @strawberry.field(description="Normalized statistics that targets are stated in, comparable across cities.")
    def indicators(self, info: Ctx) -> list[Indicator]:
        return info.context.queries.indicators()

    @strawberry.field(description="Rothwell & Zegveld's policy tools (供给型 / 环境型 / 需求型 and their sub-tools), "
                                  "in the order studies tabulate them.")
    def policy_tools(self, info: Ctx) -> list[PolicyTool]:
        return info.context.queries.policy_tools()

    @strawberry.field(description="Pairs of measures in different documents whose texts are near-copies (policy "
                                  "transfer), best first; with cities, pairs whose two measures are both of those "
                                  "cities. `earlier` says which was issued first.")
    def text_reuse(self, info: Ctx, cities: Optional[list[str]] = None, min_score: Optional[float] = 0.8,
                   first: Optional[int] = 100) -> list[MeasureSimilarity]:
        n = check_first(first, 100)
        return info.context.queries.text_reuse(cities, 0.8 if min_score is None else min_score)[:n]

    @strawberry.field(description="What each document yielded, and every passage that reads like an "
                                  "assignment but gave none. `document` is a source file's name.")
    def extraction_report(self, info: Ctx, document: Optional[str] = None) -> list[DocumentReport]:
        return info.context.queries.extraction_report(document)


# Feature modules contribute root fields as their own @strawberry.type classes;
# list them here and they are merged into the one Query type.
QUERY_PARTS: list[type] = [CoreQuery]
from .network import NetworkQuery  # noqa: E402  network analytics (issue 4)
QUERY_PARTS.append(NetworkQuery)
from .insights import InsightsQuery  # noqa: E402  research analytics (issue 7)
QUERY_PARTS.append(InsightsQuery)

Query = merge_types("Query", tuple(QUERY_PARTS))


class PolicySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # A client's mistake (bad cursor, depth bomb) is answered, not logged
        # with a traceback; only the server's own faults are.
        for error in errors:
            if is_internal(error):
                log.error("internal error at %s: %s", ".".join(map(str, error.path or [])), error.message,
                          exc_info=error.original_error)


def build_schema(limits: Limits | None = None, debug: bool = False, direct: bool | None = None) -> strawberry.Schema:
    """``direct``: resolvers called by graphql-core directly (service/gql/direct_resolvers.py); default
    POLICYKG_DIRECT_RESOLVERS, on."""
    schema = PolicySchema(query=Query, extensions=extensions(limits or Limits(), debug))
    describe_arguments(schema._schema)
    if direct_resolvers.enabled() if direct is None else direct:
        direct_resolvers.install(schema)
    return schema
