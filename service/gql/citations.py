"""GraphQL types of the citation network (service/insights/citations.py): policies and stubs,
and the citations between them.

``Policy.cites`` / ``Policy.citedBy`` (types.py) return ``PolicyCitation``
through a lazy reference, so this module imports the core types and never
the other way round.
"""

from __future__ import annotations

from enum import Enum
from typing import Optional

import strawberry

from ..insights import citations as _citations
from .context import Ctx
from .types import City, Policy, SourceSpan


PolicyLevel = strawberry.enum(Enum("PolicyLevel", [(level, level) for level in _citations.LEVELS]),
                              description="Issuing level of a policy, from its 文号 or title.")


@strawberry.type(description="A policy of the citation network: a corpus document, or a stub known only "
                             "from a citation (title and 文号).")
class PolicyRef:
    id: strawberry.ID
    iri: str
    title: str
    doc_number: Optional[str]
    issued: Optional[str]
    stub: bool
    province: Optional[str]

    @strawberry.field
    @staticmethod
    def level(ref: strawberry.Parent[_citations.PolicyRef]) -> PolicyLevel:
        return PolicyLevel(ref.level)

    @strawberry.field(description="The corpus policy; null for a stub.")
    @staticmethod
    def policy(ref: strawberry.Parent[_citations.PolicyRef], info: Ctx) -> Optional[Policy]:
        return info.context.lookups.policy(ref.iri)

    @strawberry.field(description="The corpus policy's city; null for a stub.")
    @staticmethod
    def city(ref: strawberry.Parent[_citations.PolicyRef], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(ref.city_iri)

    @strawberry.field
    @staticmethod
    def cites(ref: strawberry.Parent[_citations.PolicyRef], info: Ctx) -> list[PolicyCitation]:
        net = _citations.citation_network(info.context.graph)
        return [net.edges[i] for i in ref.cites_ids]

    @strawberry.field
    @staticmethod
    def cited_by(ref: strawberry.Parent[_citations.PolicyRef], info: Ctx) -> list[PolicyCitation]:
        net = _citations.citation_network(info.context.graph)
        return [net.edges[i] for i in ref.cited_by_ids]


@strawberry.type(description="One policy citing another: 《title》(文号) in the citing text.")
class PolicyCitation:
    source: Optional[SourceSpan] = strawberry.field(description="The citation as written.")

    @strawberry.field
    @staticmethod
    def citing(edge: strawberry.Parent[_citations.CitationEdge], info: Ctx) -> PolicyRef:
        return _citations.citation_network(info.context.graph).nodes[edge.citing_iri]

    @strawberry.field
    @staticmethod
    def cited(edge: strawberry.Parent[_citations.CitationEdge], info: Ctx) -> PolicyRef:
        return _citations.citation_network(info.context.graph).nodes[edge.cited_iri]


@strawberry.type(description="Policies (corpus and stubs) and the citations between them.")
class CitationNetwork:
    edges: list[PolicyCitation] = strawberry.field(description="In citing-document order.")

    @strawberry.field(description="Corpus policies first, then stubs.")
    @staticmethod
    def nodes(network: strawberry.Parent[_citations.CitationNetwork]) -> list[PolicyRef]:
        return list(network.nodes.values())
