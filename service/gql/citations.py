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


@strawberry.enum(description="Issuing level of a policy, from its 文号 or title.")
class PolicyLevel(Enum):
    NATIONAL = "NATIONAL"
    PROVINCIAL = "PROVINCIAL"
    MUNICIPAL = "MUNICIPAL"
    UNKNOWN = "UNKNOWN"


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
    def level(self) -> PolicyLevel:
        return PolicyLevel(self.level)  # type: ignore[arg-type]

    @strawberry.field(description="The corpus policy; null for a stub.")
    def policy(self, info: Ctx) -> Optional[Policy]:
        return info.context.index.policies.get(self.iri)

    @strawberry.field(description="The corpus policy's city; null for a stub.")
    def city(self, info: Ctx) -> Optional[City]:
        return info.context.index.cities.get(self.city_iri or "")  # type: ignore[attr-defined]

    @strawberry.field
    def cites(self, info: Ctx) -> list[PolicyCitation]:
        net = _citations.citation_network(info.context.graph)
        return [net.edges[i] for i in self.cites_ids]  # type: ignore[attr-defined]

    @strawberry.field
    def cited_by(self, info: Ctx) -> list[PolicyCitation]:
        net = _citations.citation_network(info.context.graph)
        return [net.edges[i] for i in self.cited_by_ids]  # type: ignore[attr-defined]


@strawberry.type(description="One policy citing another: 《title》(文号) in the citing text.")
class PolicyCitation:
    source: Optional[SourceSpan] = strawberry.field(description="The citation as written.")

    @strawberry.field
    def citing(self, info: Ctx) -> PolicyRef:
        return _citations.citation_network(info.context.graph).nodes[self.citing_iri]  # type: ignore[attr-defined]

    @strawberry.field
    def cited(self, info: Ctx) -> PolicyRef:
        return _citations.citation_network(info.context.graph).nodes[self.cited_iri]  # type: ignore[attr-defined]


@strawberry.type(description="Policies (corpus and stubs) and the citations between them.")
class CitationNetwork:
    edges: list[PolicyCitation] = strawberry.field(description="In citing-document order.")

    @strawberry.field(description="Corpus policies first, then stubs.")
    def nodes(self) -> list[PolicyRef]:
        return list(self.nodes.values())  # type: ignore[attr-defined]  # self is the network record
