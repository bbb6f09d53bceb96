"""GraphQL object types of the contract (and a few additions), thin over the read model.

Each type reads one kind of record (service/readmodel/records.py), whose
field names are the schema's: scalar fields are the record's attributes,
read as they are. A relation is a resolver that takes the record as its
typed parent (``strawberry.Parent``) and hops through the request's lookups
(readmodel/lookups.py), which check the deadline at every hop; a lookup of
an IRI that is None answers None, so optional hops need no test of their own.
The enums are the pipeline's own (graph/model.py) under the contract's names.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Optional

import strawberry

from graph.model import Basis, Comparator, Form, OrgKind, Role
from graph.model import TargetKind as _TargetKind
from graph.validity import STATUSES

from ..insights.citations import citation_network
from ..readmodel import records
from ..readmodel.index import INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME
from ..readmodel.queries import iso_day
from ..readmodel.queries import SharedMeasure as SharedMeasureRecord
from .connections import Connection, check_first, connection
from .context import Ctx
from .offload import offload


def _enum(name: str, values: type[Enum], description: str | None = None) -> type[Enum]:
    """One of the pipeline's enums as the contract names it: the same members, in the same order."""
    return strawberry.enum(Enum(name, [(m.name, m.value) for m in values]), description=description)


ResponsibilityRole = _enum("ResponsibilityRole", Role, "The part an organization plays for a measure.")
ResponsibilityForm = _enum("ResponsibilityForm", Form, "How a responsibility was found.")
ResponsibilityBasis = _enum("ResponsibilityBasis", Basis, "Why the organization holds the role.")
OrganizationKind = _enum("OrganizationKind", OrgKind)
TargetKind = _enum("TargetKind", _TargetKind, "What a target figure counts.")
TargetComparator = _enum("TargetComparator", Comparator, "How the figure bounds the target.")


PolicyStatus = strawberry.enum(
    Enum("PolicyStatus", [(s, s) for s in STATUSES]),
    description="Whether a policy is in force, by its stated dates (施行, 有效期至, 废止) or stated status (有效性): "
                "IN_FORCE, EXPIRED, REPEALED, or UNKNOWN when nothing is stated (or it takes effect later).")


@strawberry.enum(description="The administrative level of a jurisdiction.")
class JurisdictionLevel(Enum):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"  # 安徽省, 北京市 (a municipality directly under the central government)
    PREFECTURE = "PREFECTURE"  # 许昌市, 阿坝藏族羌族自治州
    COUNTY = "COUNTY"  # 长葛市, 魏都区, 襄城县


@strawberry.type(description="Where a fact is written: character offsets into a source file.")
class SourceSpan:
    document: str = strawberry.field(description="The source file's name under data/raw/.")
    start: int
    end: int
    quote: str = strawberry.field(description="Exactly text[start:end] of the document.")


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
    @staticmethod
    def parent(city: strawberry.Parent[records.City], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(city.parent_iri)

    @strawberry.field
    @staticmethod
    def policies(city: strawberry.Parent[records.City], info: Ctx) -> list[Policy]:
        return info.context.lookups.policies_of_city(city.iri)

    @strawberry.field(description="Organizations named in this city's documents.")
    @staticmethod
    def organizations(city: strawberry.Parent[records.City], info: Ctx) -> list[Organization]:
        return info.context.lookups.organizations_of_city(city.iri)


@strawberry.type
class Policy:
    id: strawberry.ID
    iri: str
    title: str
    doc_number: Optional[str]
    issued: Optional[str]
    document: str = strawberry.field(description="The source file's name under data/raw/.")
    url: Optional[str]
    published: Optional[str] = strawberry.field(description="ISO date it was published (发布), when stated.")
    valid_from: Optional[str] = strawberry.field(description="ISO date it takes effect (施行), when stated.")
    valid_until: Optional[str] = strawberry.field(description="ISO date its validity ends (有效期至), when stated.")
    repealed: Optional[str] = strawberry.field(description="ISO date it was repealed (废止), when stated.")

    @strawberry.field(description="In force, expired, repealed or unknown on the day `on` (an ISO date; today "
                                  "when omitted), by its stated dates or status.")
    @staticmethod
    def status(policy: strawberry.Parent[records.Policy], on: Optional[str] = None) -> PolicyStatus:
        return policy.status(iso_day(on, "on") if on is not None else None)

    @strawberry.field(description="The level of the issuing government: a province's 办公厅 issues at PROVINCE.")
    @staticmethod
    def level(policy: strawberry.Parent[records.Policy], info: Ctx) -> JurisdictionLevel:
        if policy.level is not None:
            return policy.level
        city = info.context.lookups.city(policy.city_iri)
        return city.level if city is not None else "PREFECTURE"

    @strawberry.field
    @staticmethod
    def city(policy: strawberry.Parent[records.Policy], info: Ctx) -> City:
        return info.context.lookups.city(policy.city_iri)

    @strawberry.field
    @staticmethod
    def issuers(policy: strawberry.Parent[records.Policy], info: Ctx) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, policy.issuer_iris)

    @strawberry.field
    @staticmethod
    def measures(policy: strawberry.Parent[records.Policy], info: Ctx, first: Optional[int] = 100,
                 after: Optional[str] = None) -> Connection[Measure]:
        return connection(policy.measure_iris, "measure", first, after, 100, info.context.lookups.measure)

    @strawberry.field
    @staticmethod
    def annex_of(policy: strawberry.Parent[records.Policy], info: Ctx) -> Optional[Policy]:
        return info.context.lookups.policy(policy.annex_of_iri)

    @strawberry.field
    @staticmethod
    def annexes(policy: strawberry.Parent[records.Policy], info: Ctx) -> list[Policy]:
        lookups = info.context.lookups
        return lookups.many(lookups.policy, policy.annex_iris)

    @strawberry.field(description="Policies of the corpus this one cites.")
    @staticmethod
    def references(policy: strawberry.Parent[records.Policy], info: Ctx) -> list[Policy]:
        lookups = info.context.lookups
        return lookups.many(lookups.policy, policy.reference_iris)

    # citation network (issue 7): stubs outside the corpus included. PolicyCitation is named
    # lazily: gql/citations.py builds on these types, so importing it here would close a circle
    @strawberry.field(description="Every policy this one cites, corpus or stub, with the citation as written.")
    @staticmethod
    async def cites(policy: strawberry.Parent[records.Policy], info: Ctx
                    ) -> list[Annotated["PolicyCitation", strawberry.lazy("service.gql.citations")]]:  # noqa: F821
        net = await offload(citation_network, info.context.graph)
        n = net.nodes.get(policy.iri)
        return [net.edges[i] for i in n.cites_ids] if n else []

    @strawberry.field(description="Every policy of the corpus that cites this one.")
    @staticmethod
    async def cited_by(policy: strawberry.Parent[records.Policy], info: Ctx
                       ) -> list[Annotated["PolicyCitation", strawberry.lazy("service.gql.citations")]]:  # noqa: F821
        net = await offload(citation_network, info.context.graph)
        n = net.nodes.get(policy.iri)
        return [net.edges[i] for i in n.cited_by_ids] if n else []


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
    @staticmethod
    def policy(measure: strawberry.Parent[records.Measure], info: Ctx) -> Policy:
        return info.context.lookups.policy(measure.policy_iri)

    @strawberry.field
    @staticmethod
    def city(measure: strawberry.Parent[records.Measure], info: Ctx) -> City:
        return info.context.lookups.city(measure.city_iri)

    @strawberry.field
    @staticmethod
    def parent(measure: strawberry.Parent[records.Measure], info: Ctx) -> Optional[Measure]:
        return info.context.lookups.measure(measure.parent_iri)

    @strawberry.field
    @staticmethod
    def children(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, measure.child_iris)

    @strawberry.field
    @staticmethod
    def responsibilities(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Responsibility]:
        return info.context.lookups.responsibilities_of_measure(measure.iri)

    @strawberry.field(description="Institutions the measure names or assigns.")
    @staticmethod
    def institutions(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Organization]:
        return info.context.lookups.institutions_of_measure(measure.iri)

    @strawberry.field
    @staticmethod
    def industries(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Industry]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, measure.industry_iris)

    @strawberry.field
    @staticmethod
    def measure_types(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[MeasureType]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, measure.measure_type_iris)

    @strawberry.field
    @staticmethod
    def targets(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Target]:
        lookups = info.context.lookups
        return lookups.many(lookups.target, measure.target_iris)

    @strawberry.field(description="The words that gave the measure each of its types and industries.")
    @staticmethod
    def classifications(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Classification]:
        return info.context.lookups.classifications_of_measure(measure.iri)

    @strawberry.field(description="Rothwell & Zegveld's policy tools the measure uses (its sub-tools).")
    @staticmethod
    def policy_tools(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[PolicyTool]:
        lookups = info.context.lookups
        return lookups.many(lookups.concept, measure.policy_tool_iris)

    @strawberry.field(description="For each of its policy tools, the words that code it (and the measure type "
                                  "it came through, when it came by the crosswalk).")
    @staticmethod
    def policy_tool_codings(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[PolicyToolCoding]:
        lookups = info.context.lookups
        return lookups.many(lookups.tool_coding, measure.tool_coding_iris)

    @strawberry.field(description="Measures of other documents whose text is a near-copy of this one's, best "
                                  "first; this measure is each pair's `measure`.")
    @staticmethod
    def similar_measures(measure: strawberry.Parent[records.Measure], info: Ctx, min_score: Optional[float] = 0.8,
                         first: Optional[int] = 10) -> list[MeasureSimilarity]:
        n = check_first(first, 10)
        pairs = info.context.queries.similar_measures(measure.iri, 0.8 if min_score is None else min_score)
        return pairs[:n]

    @strawberry.field(description="The main-plan measure an annex task details.")
    @staticmethod
    def refines(measure: strawberry.Parent[records.Measure], info: Ctx) -> Optional[Measure]:
        return info.context.lookups.measure(measure.refines_iri)

    @strawberry.field(description="Annex tasks that detail this measure.")
    @staticmethod
    def refined_by(measure: strawberry.Parent[records.Measure], info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, measure.refined_by_iris)


@strawberry.type
class Responsibility:
    source: SourceSpan = strawberry.field(
        description="Where the assignment is written: the whole table cell, clause or sentence (for an "
                    "INHERITED one, the words that name the body: the parent's clause, the issuer line, the "
                    "文号). It is shared by every body the passage names; `mention` is this one's own words.")
    mention: Optional[SourceSpan] = strawberry.field(
        description="The organization's name exactly as written in this assignment (市科技局), inside "
                    "`source`: quote this for who it is. Null when no passage names the body.")
    open_ended: bool = strawberry.field(description="The text adds 等 / 各有关单位 after the names.")

    # the records hold the enums' values as strings (records.ROLES, BASES), which serialize as they are
    role: ResponsibilityRole
    basis: ResponsibilityBasis
    form: ResponsibilityForm

    @strawberry.field
    @staticmethod
    def organization(responsibility: strawberry.Parent[records.Responsibility], info: Ctx) -> Organization:
        return info.context.lookups.organization(responsibility.organization_iri)

    @strawberry.field
    @staticmethod
    def measure(responsibility: strawberry.Parent[records.Responsibility], info: Ctx) -> Measure:
        return info.context.lookups.measure(responsibility.measure_iri)


@strawberry.type
class Organization:
    id: strawberry.ID
    iri: str
    name: str
    name_en: Optional[str]
    aliases: list[str] = strawberry.field(description="Every surface form seen in the documents.")

    kind: OrganizationKind  # a string of records.ORG_KINDS, read as is

    @strawberry.field(description="Home city; null for national bodies.")
    @staticmethod
    def city(org: strawberry.Parent[records.Organization], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(org.city_iri)

    @strawberry.field
    @staticmethod
    def parent(org: strawberry.Parent[records.Organization], info: Ctx) -> Optional[Organization]:
        return info.context.lookups.organization(org.parent_iri)

    @strawberry.field(description="Its units named in the documents (org:subOrganizationOf it): 中科院微电子所 "
                                  "of 中国科学院, a 处室 of its bureau.")
    @staticmethod
    def parts(org: strawberry.Parent[records.Organization], info: Ctx) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, org.part_iris)

    @strawberry.field(description="Cities whose documents name it or one of its parts (a document naming "
                                  "中科院微电子所 names 中科院 too).")
    @staticmethod
    def cities(org: strawberry.Parent[records.Organization], info: Ctx) -> list[City]:
        lookups = info.context.lookups
        return lookups.many(lookups.city, org.city_iris)

    @strawberry.field
    @staticmethod
    def responsibilities(org: strawberry.Parent[records.Organization], info: Ctx,
                         role: Optional[ResponsibilityRole] = None, first: Optional[int] = 100,
                         after: Optional[str] = None) -> ResponsibilityConnection:
        lookups = info.context.lookups
        iris = lookups.queries.organization_responsibilities(org.iri, role.value if role else None)
        return connection(iris, "responsibility", first, after, 100, lookups.responsibility)

    @strawberry.field(description="Measures that assign or name it (or one of its parts).")
    @staticmethod
    def measures(org: strawberry.Parent[records.Organization], info: Ctx) -> list[Measure]:
        return info.context.lookups.measures_of_org(org.iri)


# The concept schemes' types (MeasureType, Industry, Indicator) read the same record and hop alike.

def _broader(concept: strawberry.Parent[records.Concept], info: Ctx) -> Any:
    return info.context.lookups.concept(concept.broader_iri)


def _narrower(concept: strawberry.Parent[records.Concept], info: Ctx) -> Any:
    lookups = info.context.lookups
    return lookups.many(lookups.concept, concept.narrower_iris)


def _measures_of(concept: strawberry.Parent[records.Concept], info: Ctx) -> Any:
    return info.context.lookups.measures_of_concept(concept.iri)


def _cities_of(concept: strawberry.Parent[records.Concept], info: Ctx) -> Any:
    return info.context.lookups.cities_of_concept(concept.iri)


@strawberry.type
class MeasureType:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str
    broader: Optional[MeasureType] = strawberry.field(resolver=_broader)
    narrower: list[MeasureType] = strawberry.field(resolver=_narrower)
    measures: list[Measure] = strawberry.field(resolver=_measures_of,
                                               description="Measures of this type or of a narrower one.")
    cities: list[City] = strawberry.field(resolver=_cities_of)


@strawberry.type
class Industry:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str
    broader: Optional[Industry] = strawberry.field(resolver=_broader)
    narrower: list[Industry] = strawberry.field(resolver=_narrower)
    measures: list[Measure] = strawberry.field(resolver=_measures_of,
                                               description="Measures of this industry or of a narrower one.")
    cities: list[City] = strawberry.field(resolver=_cities_of)


@strawberry.type(description="The words in a measure that gave it a measure type or an industry.")
class Classification:
    source: SourceSpan

    @strawberry.field
    @staticmethod
    def measure(classification: strawberry.Parent[records.Classification], info: Ctx) -> Measure:
        return info.context.lookups.measure(classification.measure_iri)

    @strawberry.field
    @staticmethod
    def measure_type(classification: strawberry.Parent[records.Classification], info: Ctx) -> Optional[MeasureType]:
        c = info.context.lookups.concept(classification.concept_iri)
        return c if c is not None and c.scheme == MEASURE_TYPE_SCHEME else None

    @strawberry.field
    @staticmethod
    def industry(classification: strawberry.Parent[records.Classification], info: Ctx) -> Optional[Industry]:
        c = info.context.lookups.concept(classification.concept_iri)
        return c if c is not None and c.scheme == INDUSTRY_SCHEME else None


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
    @staticmethod
    def indicator_concept(target: strawberry.Parent[records.Target], info: Ctx) -> Optional[Indicator]:
        return info.context.lookups.concept(target.concept_iri)

    @strawberry.field
    @staticmethod
    def city(target: strawberry.Parent[records.Target], info: Ctx) -> City:
        return info.context.lookups.city(target.city_iri)

    @strawberry.field
    @staticmethod
    def measure(target: strawberry.Parent[records.Target], info: Ctx) -> Optional[Measure]:
        return info.context.lookups.measure(target.measure_iri)

    @strawberry.field
    @staticmethod
    def policy(target: strawberry.Parent[records.Target], info: Ctx) -> Policy:
        return info.context.lookups.policy(target.policy_iri)


@strawberry.type(description="A policy tool (政策工具) of Rothwell & Zegveld: one of the three types "
                             "(供给型, 环境型, 需求型) or one of their sub-tools (人才培养, 税收优惠, 政府采购 ...).")
class PolicyTool:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str
    notation: Optional[str] = strawberry.field(description="S, S1 … E … D …: the order studies tabulate them in.")
    definition: str
    broader: Optional[PolicyTool] = strawberry.field(resolver=_broader, description="Its type; null for a type.")
    narrower: list[PolicyTool] = strawberry.field(resolver=_narrower, description="A type's sub-tools.")
    measures: list[Measure] = strawberry.field(resolver=_measures_of,
                                               description="Measures coded with it (a type: with any of its sub-tools).")
    cities: list[City] = strawberry.field(resolver=_cities_of)


@strawberry.type(description="Why a measure is coded with a policy tool.")
class PolicyToolCoding:
    source: SourceSpan = strawberry.field(description="The words that code it.")

    @strawberry.field
    @staticmethod
    def policy_tool(coding: strawberry.Parent[records.ToolCoding], info: Ctx) -> PolicyTool:
        return info.context.lookups.concept(coding.tool_iri)

    @strawberry.field(description="The measure type whose crosswalk (ontology/policy-tools.ttl) gave the tool; "
                                  "null when the tool's own words did.")
    @staticmethod
    def via(coding: strawberry.Parent[records.ToolCoding], info: Ctx) -> Optional[MeasureType]:
        return info.context.lookups.concept(coding.via_iri)

    @strawberry.field
    @staticmethod
    def measure(coding: strawberry.Parent[records.ToolCoding], info: Ctx) -> Measure:
        return info.context.lookups.measure(coding.measure_iri)


@strawberry.type(description="Two measures of different documents whose texts are near-copies: policy transfer.")
class MeasureSimilarity:
    score: float = strawberry.field(description="0..1, 1 for identical texts: the Jaccard similarity of their "
                                                "character 3-grams (candidates found by MinHash/LSH).")
    source: Optional[SourceSpan] = strawberry.field(description="`measure`'s text, as compared.")
    other_source: Optional[SourceSpan] = strawberry.field(description="`other`'s text, as compared.")

    @strawberry.field
    @staticmethod
    def measure(sim: strawberry.Parent[records.Similarity], info: Ctx) -> Measure:
        return info.context.lookups.measure(sim.measure_iri)

    @strawberry.field
    @staticmethod
    def other(sim: strawberry.Parent[records.Similarity], info: Ctx) -> Measure:
        return info.context.lookups.measure(sim.other_iri)

    @strawberry.field(description="The one issued first, when the dates differ: who may have copied whom.")
    @staticmethod
    def earlier(sim: strawberry.Parent[records.Similarity], info: Ctx) -> Optional[Measure]:
        return info.context.lookups.measure(sim.earlier_iri)


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
    @staticmethod
    def policy(report: strawberry.Parent[records.DocumentReport], info: Ctx) -> Optional[Policy]:
        return info.context.lookups.policy(report.policy_iri)


@strawberry.type(description="A statistic targets are stated in, defined so that cities' figures compare.")
class Indicator:
    id: strawberry.ID
    iri: str
    label: str
    label_en: str
    definition: str = strawberry.field(description="What is measured.")
    broader: Optional[Indicator] = strawberry.field(resolver=_broader)
    narrower: list[Indicator] = strawberry.field(
        resolver=_narrower, description="Narrower statistics: a level (省级, 市级) or a kind of the counted thing.")

    @strawberry.field(description="Targets stated in exactly this statistic, in city then document order.")
    @staticmethod
    def targets(concept: strawberry.Parent[records.Concept], info: Ctx) -> list[Target]:
        lookups = info.context.lookups
        return lookups.many(lookups.target, concept.target_iris)


@strawberry.type
class SharedMeasure:
    measure_type: MeasureType

    @strawberry.field(description="How many of the given cities have it (cheaper than listing them).")
    @staticmethod
    def city_count(shared: strawberry.Parent[SharedMeasureRecord]) -> int:
        return len(shared.city_iris)

    @strawberry.field(description="How many evidence measures there are.")
    @staticmethod
    def measure_count(shared: strawberry.Parent[SharedMeasureRecord]) -> int:
        return shared.measure_count

    @strawberry.field
    @staticmethod
    def cities(shared: strawberry.Parent[SharedMeasureRecord], info: Ctx) -> list[City]:
        lookups = info.context.lookups
        return lookups.many(lookups.city, shared.city_iris)

    @strawberry.field(description="The evidence, from each of those cities.")
    @staticmethod
    def measures(shared: strawberry.Parent[SharedMeasureRecord], info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, shared.measure_iris(lookups.ix))

    @strawberry.field(description="For each evidence measure, in the same order, the words that give it the type.")
    @staticmethod
    def evidence(shared: strawberry.Parent[SharedMeasureRecord], info: Ctx) -> list[Classification]:
        lookups = info.context.lookups
        closure = lookups.queries.narrower_closure(shared.measure_type.iri)
        return lookups.many(lookups.classification, shared.evidence_iris(lookups.ix, closure))


# The contract's connection types by name (gql/connections.py's generic Connection[T], Edge[T]): strawberry
# names these ResponsibilityConnection and OrganizationConnection, their edges ResponsibilityEdge and
# OrganizationEdge, as schema.graphql does.
ResponsibilityConnection = Connection[Responsibility]
OrganizationConnection = Connection[Organization]


__all__ = [
    "City", "Classification", "Industry", "Indicator", "JurisdictionLevel", "Measure", "MeasureSimilarity",
    "MeasureType", "Organization", "OrganizationKind", "Policy", "PolicyStatus", "PolicyTool", "PolicyToolCoding",
    "OrganizationConnection", "Responsibility", "ResponsibilityBasis", "ResponsibilityConnection",
    "ResponsibilityForm", "ResponsibilityRole", "SharedMeasure", "SourceSpan", "Target", "TargetComparator", "TargetKind",
]
