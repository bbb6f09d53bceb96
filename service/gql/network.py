"""GraphQL root fields over the network analytics (graph/network/analytics.py).

Everything is computed once per loaded graph (``GraphState.derived``) and
only looked up here: workload by role, centrality and communities in each
city's co-responsibility network, and the cities most alike by the measure
types they share. Nodes come back as the contract's own types (Organization,
City, MeasureType), read from the index like every other resolver.
"""

from __future__ import annotations

from typing import Optional

import strawberry

from graph.network import Analytics
from graph.network import analytics as an

from ..errors import QueryError
from ..readmodel.network import analytics_of
from .context import Ctx
from .types import City, MeasureType, Organization


_SCOPE = (" Counts EXPLICIT responsibilities (named in a table, clause or sentence) unless includeInherited: "
          "an issuer carried to every measure would otherwise top every ranking.")


@strawberry.type(description="Measures an organization holds in all cities' documents: by role (EXPLICIT "
                             "responsibilities unless the field was asked with includeInherited), and by basis.")
class Workload:
    lead: int
    responsible: int
    cooperating: int
    explicit: int = strawberry.field(description="Named for the measure by a clause or table.")
    inherited: int = strawberry.field(description="Carried over from a parent measure or the issuing body.")
    measures: int = strawberry.field(description="Distinct measures, whatever the role.")


@strawberry.type(description="An organization's place in one city's co-responsibility network "
                             "(organizations tied by the measures they share).")
class NetworkCentrality:
    degree: float = strawberry.field(description="Share of the network's other organizations it shares a "
                                                 "measure with.")
    strength: float = strawberry.field(description="Weighted degree: shared measures summed over its ties.")
    betweenness: float = strawberry.field(description="Share of shortest paths that pass through it.")
    rank: int = strawberry.field(description="1 = most central (by strength, then degree, then betweenness).")
    network_size: int = strawberry.field(description="Organizations in the network.")
    community: int = strawberry.field(description="Its Louvain community: an index into "
                                                  "organizationCommunities(city) for this city.")
    city_iri: strawberry.Private[str]

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)


@strawberry.type
class OrganizationAnalytics:
    workload: Workload
    centrality: list[NetworkCentrality] = strawberry.field(
        description="One per city network it is in: one for a city body, several for a national one.")
    organization_iri: strawberry.Private[str]

    @strawberry.field
    def organization(self, info: Ctx) -> Organization:
        return info.context.lookups.organization(self.organization_iri)


@strawberry.type(description="Another city, and the measure types both use (as assigned, the leaf concepts).")
class SimilarCity:
    shared_count: int
    jaccard: float = strawberry.field(description="Shared types / types either city uses.")
    city_iri: strawberry.Private[str]
    type_iris: strawberry.Private[tuple[str, ...]]

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)

    @strawberry.field
    def shared_measure_types(self, info: Ctx) -> list[MeasureType]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.type_iris)


@strawberry.type(description="A Louvain community of one city's co-responsibility network.")
class OrganizationCommunity:
    index: int = strawberry.field(description="0 = the largest.")
    size: int
    city_iri: strawberry.Private[str]
    member_iris: strawberry.Private[tuple[str, ...]]

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)

    @strawberry.field(description="Most central first.")
    def organizations(self, info: Ctx) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, self.member_iris)


def _organization(a: Analytics, iri: str) -> OrganizationAnalytics:
    w = a.workload.get(iri) or an.Workload(iri, 0, 0, 0, 0, 0, 0)
    return OrganizationAnalytics(
        workload=Workload(lead=w.lead, responsible=w.responsible, cooperating=w.cooperating, explicit=w.explicit,
                          inherited=w.inherited, measures=w.measures),
        centrality=[_centrality(c) for c in a.centrality.get(iri, ())],
        organization_iri=iri,
    )


def _centrality(c: an.OrganizationCentrality) -> NetworkCentrality:
    return NetworkCentrality(degree=c.degree, strength=c.strength, betweenness=c.betweenness, rank=c.rank,
                             network_size=c.of, community=c.community, city_iri=c.city_iri)


def _city_iri(info: Ctx, name: str) -> str:
    return info.context.queries.names.require_city(name).iri


def _check_first(first: Optional[int]) -> int | None:
    if first is not None and first < 0:
        raise QueryError(f"first must be 0 or more, not {first}")
    return first


@strawberry.type
class NetworkQuery:
    """Analytics of the organization and city networks (issue 4)."""

    @strawberry.field(description="Workload by role and network centrality of one organization (name or "
                                  "alias, scoped by city as in organization())." + _SCOPE)
    def organization_analytics(self, info: Ctx, name: str, city: Optional[str] = None,
                               include_inherited: Optional[bool] = False) -> Optional[OrganizationAnalytics]:
        names = info.context.queries.names
        org = names.require_organization(name, names.require_city(city), "name")
        return _organization(analytics_of(info.context.graph, bool(include_inherited)), org.iri)

    @strawberry.field(description="A city's organizations, most central in its co-responsibility network first."
                                  + _SCOPE)
    def central_organizations(self, info: Ctx, city: str, first: Optional[int] = 10,
                              include_inherited: Optional[bool] = False) -> list[OrganizationAnalytics]:
        iri = _city_iri(info, city)
        a = analytics_of(info.context.graph, bool(include_inherited))
        ranked = a.ranking.get(iri, [])[:_check_first(first)]
        return [_organization(a, e.organization_iri) for e in ranked]

    @strawberry.field(description="The other cities, most similar first: by measure types shared, then Jaccard.")
    def similar_cities(self, info: Ctx, city: str, first: Optional[int] = None) -> list[SimilarCity]:
        iri = _city_iri(info, city)
        found = analytics_of(info.context.graph).similar.get(iri, [])[:_check_first(first)]
        return [SimilarCity(shared_count=s.shared, jaccard=s.jaccard, city_iri=s.other_iri,
                            type_iris=s.measure_type_iris) for s in found]

    @strawberry.field(description="Louvain communities of each city's co-responsibility network (one city "
                                  "when given), largest first." + _SCOPE)
    def organization_communities(self, info: Ctx, city: Optional[str] = None,
                                 include_inherited: Optional[bool] = False) -> list[OrganizationCommunity]:
        a = analytics_of(info.context.graph, bool(include_inherited))
        if city is not None:
            cities = [_city_iri(info, city)]
        else:
            cities = [c.iri for c in info.context.queries.cities()]
        return [OrganizationCommunity(index=c.index, size=len(c.organization_iris), city_iri=c.city_iri,
                                      member_iris=c.organization_iris)
                for ci in cities for c in a.communities.get(ci, [])]
