"""GraphQL object types of the contract (and a few additions), thin over the index.

Resolvers receive the index's records as ``self`` (strawberry passes the
parent value through), so scalar fields are plain attribute reads and only
relations have resolvers, each a lookup in the index (service/lookups.py).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import strawberry
from strawberry.types import Info

from .context import Context
from .pagination import paginate

Ctx = Info[Context, None]


@strawberry.enum(description="The part an organization plays for a measure.")
class ResponsibilityRole(Enum):
    LEAD = "LEAD"  # 牵头单位
    RESPONSIBLE = "RESPONSIBLE"  # 责任单位 / 责任主体
    COOPERATING = "COOPERATING"  # 配合单位, 参与单位
    SUPERVISING = "SUPERVISING"  # 考核单位, 督办单位, 督导 / 监督单位: assesses or oversees the measure


@strawberry.enum(description="How a responsibility was found.")
class ResponsibilityForm(Enum):
    TABLE = "TABLE"  # a cell of a task table
    CLAUSE = "CLAUSE"  # a labelled or verbal clause, in brackets or closing a paragraph
    PROSE = "PROSE"  # a sentence of the measure's own text: 由X负责…, X牵头…, X会同Y…
    PARENT = "PARENT"  # INHERITED from the nearest enclosing measure that names units
    ANNEX = "ANNEX"  # INHERITED from the annex tasks that refine the measure
    ISSUER = "ISSUER"  # INHERITED from the bodies that issued the document


@strawberry.enum(description="The administrative level of a jurisdiction.")
class JurisdictionLevel(Enum):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"  # 安徽省, 北京市 (a municipality directly under the central government)
    PREFECTURE = "PREFECTURE"  # 许昌市, 阿坝藏族羌族自治州
    COUNTY = "COUNTY"  # 长葛市, 魏都区, 襄城县


@strawberry.enum(description="Why the organization holds the role.")
class ResponsibilityBasis(Enum):
    EXPLICIT = "EXPLICIT"  # named for this measure by a responsibility clause or table
    INHERITED = "INHERITED"  # carried over from a parent measure or the issuing body


@strawberry.enum(description="What a target figure counts.")
class TargetKind(Enum):
    LEVEL = "LEVEL"  # a stock to reach: 高新技术企业达到500家
    INCREMENT = "INCREMENT"  # a total to add over the plan period: 新增25家, 总计实施300项
    ANNUAL = "ANNUAL"  # a figure per year: 每年新培育200家
    GROWTH_RATE = "GROWTH_RATE"  # 年均增长10%
    SHARE = "SHARE"  # a ratio or intensity: 研发投入占地区生产总值比重2.1%
    RANK = "RANK"  # 进入全国前20位


@strawberry.enum(description="How the figure bounds the target.")
class TargetComparator(Enum):
    AT_LEAST = "AT_LEAST"  # 以上, 超, 突破
    ABOUT = "ABOUT"  # 左右
    EXACT = "EXACT"
    AT_MOST = "AT_MOST"  # 以内; a rank: 前20位
    BETWEEN = "BETWEEN"  # 3—5项: value and valueMax


@strawberry.enum
class OrganizationKind(Enum):
    GOVERNMENT_DEPARTMENT = "GOVERNMENT_DEPARTMENT"
    LOCAL_GOVERNMENT = "LOCAL_GOVERNMENT"
    ADMINISTRATIVE_COMMITTEE = "ADMINISTRATIVE_COMMITTEE"
    COLLECTIVE = "COLLECTIVE"
    UNIVERSITY = "UNIVERSITY"
    RESEARCH_INSTITUTE = "RESEARCH_INSTITUTE"
    ENTERPRISE = "ENTERPRISE"
    FINANCIAL_INSTITUTION = "FINANCIAL_INSTITUTION"
    OTHER = "OTHER"


@strawberry.type(description="Where a fact is written: character offsets into a source file.")
class SourceSpan:
    document: str = strawberry.field(description="The source file's name under data/raw/.")
    start: int
    end: int
    quote: str = strawberry.field(description="Exactly text[start:end] of the document.")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


@strawberry.type(description="A jurisdiction that issues policy or owns a body: province, prefecture or county.")
class City:
    id: strawberry.ID
    iri: str
    name: str
    name_en: str
    province: str
    admin_code: str
    short: str = strawberry.field(name="shortName", description="许昌 for 许昌市.")
    level: JurisdictionLevel

    @strawberry.field(description="河南省 for 许昌市, 许昌市 for 长葛市; null for a province.")
    def parent(self, info: Ctx) -> Optional[City]:
        return info.context.lookups.city(self.parent_iri) if self.parent_iri else None

    @strawberry.field
    def policies(self, info: Ctx) -> list[Policy]:
        ix = info.context.index
        return [ix.policies[i] for i in ix.policies_by_city.get(self.iri, ())]

    @strawberry.field(description="Organizations named in this city's documents.")
    def organizations(self, info: Ctx) -> list[Organization]:
        ix = info.context.index
        return [ix.organizations[i] for i in ix.orgs_by_city.get(self.iri, ())]


@strawberry.type
class Policy:
    id: strawberry.ID
    iri: str
    title: str
    doc_number: Optional[str]
    issued: Optional[str]
    document: str = strawberry.field(description="The source file's name under data/raw/.")
    url: Optional[str]

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)

    @strawberry.field
    def issuers(self, info: Ctx) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, self.issuer_iris)

    @strawberry.field
    def measures(self, info: Ctx, first: Optional[int] = 100, after: Optional[str] = None) -> MeasureConnection:
        ix = info.context.index
        return MeasureConnection.of(paginate(self.measure_iris, "measure", first, after, 100), ix.measures)

    @strawberry.field
    def annex_of(self, info: Ctx) -> Optional[Policy]:
        if self.annex_of_iri is None:
            return None
        return info.context.lookups.policy(self.annex_of_iri)

    @strawberry.field
    def annexes(self, info: Ctx) -> list[Policy]:
        lookups = info.context.lookups
        return lookups.many(lookups.policy, self.annex_iris)

    @strawberry.field(description="Policies of the corpus this one cites.")
    def references(self, info: Ctx) -> list[Policy]:
        lookups = info.context.lookups
        return lookups.many(lookups.policy, self.reference_iris)

    # citation network (issue 7, service/gql_insights.py): stubs outside the corpus included
    @strawberry.field(description="Every policy this one cites, corpus or stub, with the citation as written.")
    async def cites(self, info: Ctx) -> list[Annotated["PolicyCitation", strawberry.lazy("service.gql_insights")]]:
        from .gql_insights import policy_cites

        return await policy_cites(info, self.iri)

    @strawberry.field(description="Every policy of the corpus that cites this one.")
    async def cited_by(self, info: Ctx) -> list[Annotated["PolicyCitation", strawberry.lazy("service.gql_insights")]]:
        from .gql_insights import policy_cited_by

        return await policy_cited_by(info, self.iri)


@strawberry.type
class Measure:
    id: strawberry.ID
    iri: str
    code: str = strawberry.field(description='Its numbering in the document, e.g. "三.(一).1" or "(28)".')
    title: Optional[str]
    text: str
    source: SourceSpan
    section_kind: Optional[str] = strawberry.field(
        description="The kind of section it sits in: tasks, goals, safeguards, background ...")
    order: int = strawberry.field(description="Its position in the document.")

    @strawberry.field
    def policy(self, info: Ctx) -> Policy:
        return info.context.lookups.policy(self.policy_iri)

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)

    @strawberry.field
    def parent(self, info: Ctx) -> Optional[Measure]:
        if self.parent_iri is None:
            return None
        return info.context.lookups.measure(self.parent_iri)

    @strawberry.field
    def children(self, info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, self.child_iris)

    @strawberry.field
    def responsibilities(self, info: Ctx) -> list[Responsibility]:
        return info.context.lookups.responsibilities_of_measure(self.iri)

    @strawberry.field(description="Institutions the measure names or assigns.")
    def institutions(self, info: Ctx) -> list[Organization]:
        return info.context.lookups.institutions_of_measure(self.iri)

    @strawberry.field
    def industries(self, info: Ctx) -> list[Industry]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.industry_iris)

    @strawberry.field
    def measure_types(self, info: Ctx) -> list[MeasureType]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.measure_type_iris)

    @strawberry.field
    def targets(self, info: Ctx) -> list[Target]:
        lookups = info.context.lookups
        return lookups.many(lookups.target, self.target_iris)

    @strawberry.field(description="The words that gave the measure each of its types and industries.")
    def classifications(self, info: Ctx) -> list[Classification]:
        return info.context.lookups.classifications_of_measure(self.iri)

    @strawberry.field(description="The main-plan measure an annex task details.")
    def refines(self, info: Ctx) -> Optional[Measure]:
        if self.refines_iri is None:
            return None
        return info.context.lookups.measure(self.refines_iri)

    @strawberry.field(description="Annex tasks that detail this measure.")
    def refined_by(self, info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, self.refined_by_iris)


@strawberry.type
class Responsibility:
    source: SourceSpan = strawberry.field(description="Where the assignment is written.")
    mention: Optional[SourceSpan] = strawberry.field(description="The organization's name as written.")
    open_ended: bool = strawberry.field(description="The text adds 等 / 各有关单位 after the names.")

    # the records hold the enums' values as strings (records.ROLES, BASES), which serialize as they are
    role: ResponsibilityRole
    basis: ResponsibilityBasis
    form: ResponsibilityForm

    @strawberry.field
    def organization(self, info: Ctx) -> Organization:
        return info.context.lookups.organization(self.organization_iri)

    @strawberry.field
    def measure(self, info: Ctx) -> Measure:
        return info.context.lookups.measure(self.measure_iri)


@strawberry.type
class Organization:
    id: strawberry.ID
    iri: str
    name: str
    name_en: Optional[str]
    aliases: list[str] = strawberry.field(description="Every surface form seen in the documents.")

    kind: OrganizationKind  # a string of records.ORG_KINDS, read as is

    @strawberry.field(description="Home city; null for national bodies.")
    def city(self, info: Ctx) -> Optional[City]:
        if self.city_iri is None:
            return None
        return info.context.lookups.city(self.city_iri)

    @strawberry.field
    def parent(self, info: Ctx) -> Optional[Organization]:
        if self.parent_iri is None:
            return None
        return info.context.lookups.organization(self.parent_iri)

    @strawberry.field(description="Cities whose documents name it or one of its parts (a document naming "
                                  "中科院微电子所 names 中科院 too).")
    def cities(self, info: Ctx) -> list[City]:
        lookups = info.context.lookups
        return lookups.many(lookups.city, self.city_iris)

    @strawberry.field
    def responsibilities(self, info: Ctx, role: Optional[ResponsibilityRole] = None,
                         first: Optional[int] = 100, after: Optional[str] = None) -> ResponsibilityConnection:
        q = info.context.queries
        iris = q.organization_responsibilities(self.iri, role.value if role else None)
        return ResponsibilityConnection.of(paginate(iris, "responsibility", first, after, 100),
                                           q.ix.responsibilities)

    @strawberry.field(description="Measures that assign or name it (or one of its parts).")
    def measures(self, info: Ctx) -> list[Measure]:
        return info.context.lookups.measures_of_org(self.iri)


@strawberry.type
class MeasureType:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str

    @strawberry.field
    def broader(self, info: Ctx) -> Optional[MeasureType]:
        if self.broader_iri is None:
            return None
        return info.context.lookups.concept(self.broader_iri)

    @strawberry.field
    def narrower(self, info: Ctx) -> list[MeasureType]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.narrower_iris)

    @strawberry.field(description="Measures of this type or of a narrower one.")
    def measures(self, info: Ctx) -> list[Measure]:
        ix = info.context.index
        return [ix.measures[i] for i in ix.measures_by_concept.get(self.iri, ())]

    @strawberry.field
    def cities(self, info: Ctx) -> list[City]:
        ix = info.context.index
        return [ix.cities[i] for i in ix.concept_cities.get(self.iri, ()) if i in ix.cities]


@strawberry.type
class Industry:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str

    @strawberry.field
    def broader(self, info: Ctx) -> Optional[Industry]:
        if self.broader_iri is None:
            return None
        return info.context.lookups.concept(self.broader_iri)

    @strawberry.field
    def narrower(self, info: Ctx) -> list[Industry]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.narrower_iris)

    @strawberry.field(description="Measures of this industry or of a narrower one.")
    def measures(self, info: Ctx) -> list[Measure]:
        ix = info.context.index
        return [ix.measures[i] for i in ix.measures_by_concept.get(self.iri, ())]

    @strawberry.field
    def cities(self, info: Ctx) -> list[City]:
        ix = info.context.index
        return [ix.cities[i] for i in ix.concept_cities.get(self.iri, ()) if i in ix.cities]


@strawberry.type(description="The words in a measure that gave it a measure type or an industry.")
class Classification:
    source: SourceSpan

    @strawberry.field
    def measure(self, info: Ctx) -> Measure:
        return info.context.lookups.measure(self.measure_iri)

    @strawberry.field
    def measure_type(self, info: Ctx) -> Optional[MeasureType]:
        c = info.context.lookups.concept(self.concept_iri)
        return c if c is not None and c.scheme.endswith("/measure-type/") else None

    @strawberry.field
    def industry(self, info: Ctx) -> Optional[Industry]:
        c = info.context.lookups.concept(self.concept_iri)
        return c if c is not None and c.scheme.endswith("/industry/") else None


@strawberry.type
class Target:
    id: strawberry.ID
    indicator: str = strawberry.field(description="The indicator concept's label, or the statistic's name as written.")
    # the records hold the enums' values as strings (records.TARGET_KINDS, COMPARATORS)
    kind: TargetKind
    comparator: TargetComparator
    value: Optional[float] = strawberry.field(description="The (lower) figure.")
    value_max: Optional[float] = strawberry.field(description="The upper figure of a range: 3—5项 gives 3 and 5.")
    unit: Optional[str] = strawberry.field(description="As written: 家, %, 亿元, 万人 ...")
    year: Optional[int] = strawberry.field(description="The year the target is due.")
    aspiration: bool = strawberry.field(description="力争 / 争取: striven for rather than promised.")
    qualifier: Optional[str] = strawberry.field(
        description="The comparator in lower case (at-least, about, exact, at-most, between); use comparator.")
    text: str = strawberry.field(description="The sentence it came from.")
    source: SourceSpan = strawberry.field(description="The figure as written.")
    phrase: SourceSpan = strawberry.field(description="The statistic's name and the figure.")

    @strawberry.field(description="The statistic it is stated in (ontology/indicators.ttl); null when none fits.")
    def indicator_concept(self, info: Ctx) -> Optional[Indicator]:
        if self.concept_iri is None:  # type: ignore[attr-defined]
            return None
        return info.context.lookups.concept(self.concept_iri)  # type: ignore[attr-defined]

    @strawberry.field
    def city(self, info: Ctx) -> City:
        return info.context.lookups.city(self.city_iri)

    @strawberry.field
    def measure(self, info: Ctx) -> Optional[Measure]:
        if self.measure_iri is None:
            return None
        return info.context.lookups.measure(self.measure_iri)

    @strawberry.field
    def policy(self, info: Ctx) -> Policy:
        return info.context.lookups.policy(self.policy_iri)


@strawberry.type(description="What the build made of one document of the manifest.")
class DocumentReport:
    document: str = strawberry.field(description="The source file's name.")
    error: Optional[str] = strawberry.field(description="Why it was refused; null when it was built.")
    measures: int = strawberry.field(description="Its measures: numbered items and task-table rows.")
    measures_with_explicit: int = strawberry.field(
        description="Measures that name responsible units themselves (table, clause or prose).")
    unexplained: list[SourceSpan] = strawberry.field(
        description="Passages that read like an assignment (a role word near names ending like bodies) "
                    "but yielded none: where to look for a form the extractor does not read yet.")

    @strawberry.field(description="The policy it became; null when it was refused.")
    def policy(self, info: Ctx) -> Optional[Policy]:
        return info.context.lookups.policy(self.policy_iri) if self.policy_iri else None

@strawberry.type(description="A statistic targets are stated in, defined so that cities' figures compare.")
class Indicator:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str
    definition: str = strawberry.field(description="What is measured.")

    @strawberry.field
    def broader(self, info: Ctx) -> Optional[Indicator]:
        if self.broader_iri is None:
            return None
        return info.context.lookups.concept(self.broader_iri)

    @strawberry.field(description="Narrower statistics: a level (省级, 市级) or a kind of the counted thing.")
    def narrower(self, info: Ctx) -> list[Indicator]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, self.narrower_iris)

    @strawberry.field(description="Targets stated in exactly this statistic, in city then document order.")
    def targets(self, info: Ctx) -> list[Target]:
        lookups = info.context.lookups
        return lookups.many(lookups.target, self.target_iris)



@strawberry.type
class SharedMeasure:
    measure_type: MeasureType

    @strawberry.field(description="How many of the given cities have it (cheaper than listing them).")
    def city_count(self) -> int:
        return len(self.city_iris)

    @strawberry.field(description="How many evidence measures there are.")
    def measure_count(self) -> int:
        return len(self.measure_iris)

    @strawberry.field
    def cities(self, info: Ctx) -> list[City]:
        ix = info.context.index
        return [ix.cities[i] for i in self.city_iris]

    @strawberry.field(description="The evidence, from each of those cities.")
    def measures(self, info: Ctx) -> list[Measure]:
        ix = info.context.index
        return [ix.measures[i] for i in self.measure_iris]

    @strawberry.field(description="For each evidence measure, in the same order, the words that give it the type.")
    def evidence(self, info: Ctx) -> list[Classification]:
        ix = info.context.index
        closure = info.context.queries.narrower_closure(self.measure_type.iri)
        return [ix.classifications[c] for c in self.evidence_iris(ix, closure)]


# -- connections -----------------------------------------------------------------


@strawberry.type
class MeasureEdge:
    node: Measure
    cursor: str


@strawberry.type
class MeasureConnection:
    edges: list[MeasureEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page, table) -> "MeasureConnection":
        return cls(
            edges=[MeasureEdge(node=table[i], cursor=c) for i, c in zip(page.items, page.cursors)],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.type
class ResponsibilityEdge:
    node: Responsibility
    cursor: str


@strawberry.type
class ResponsibilityConnection:
    edges: list[ResponsibilityEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page, table) -> "ResponsibilityConnection":
        return cls(
            edges=[ResponsibilityEdge(node=table[i], cursor=c) for i, c in zip(page.items, page.cursors)],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.type
class OrganizationEdge:
    node: Organization
    cursor: str


@strawberry.type
class OrganizationConnection:
    edges: list[OrganizationEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page, table) -> "OrganizationConnection":
        return cls(
            edges=[OrganizationEdge(node=table[i], cursor=c) for i, c in zip(page.items, page.cursors)],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


__all__ = [
    "City", "Classification", "Industry", "Measure", "MeasureConnection", "MeasureType", "Organization",
    "OrganizationConnection", "OrganizationKind", "Policy", "Responsibility", "ResponsibilityBasis",
    "ResponsibilityConnection", "ResponsibilityRole", "SharedMeasure", "SourceSpan", "Target",
]
