"""GraphQL over ``service.insights``: diffusion, citations, responsibility matrix,
dashboards and search.

Resolvers only translate arguments and hand over the records the insights
modules computed once per loaded graph; matrices are returned whole (lists of
lists of numbers), so a chart needs one request and no per-cell resolvers.
The citation network's types are in citations.py; the analyses run off the
event loop until built (offload.py).
"""

from __future__ import annotations

from enum import Enum
from typing import Optional

import strawberry

from ..insights import citations as _citations
from ..insights import common as _common
from ..insights import dashboards as _dashboards
from ..insights import diffusion as _diffusion
from ..insights import matrix as _matrix
from ..insights import search as _search
from ..insights.common import basis_scope
from .citations import CitationNetwork, PolicyLevel, PolicyRef
from .connections import check_first
from .context import Ctx
from .offload import offload
from .types import (
    City,
    Measure,
    MeasureType,
    Organization,
    OrganizationKind,
    Policy,
    ResponsibilityBasis,
    Indicator,
    Target,
    TargetComparator,
    TargetKind,
    SourceSpan,
)


def _value(member: Enum | None) -> str | None:
    return member.value if member is not None else None


def _check(info: Ctx, **names: str | list[str] | None) -> None:
    """Every name argument resolves, or the field answers the names service's error (argument named,
    closest names offered): the analyses read an unknown name as "nothing there"."""
    _common.check_names(info.context.graph, **names)


_SCOPE = (" Counts EXPLICIT responsibilities unless basis is given or includeInherited is true (then both "
          "EXPLICIT and INHERITED).")


def _basis(basis: Enum | None, include_inherited: bool | None) -> str | None:
    return basis_scope(_value(basis), bool(include_inherited))


# -- shared ------------------------------------------------------------------------------------


@strawberry.type(description="A row or column of a matrix: a city, a concept or a department type.")
class MatrixHeader:
    id: str
    label: str
    label_en: str
    iri: Optional[str]


@strawberry.type(description="Counts of measures, rows × columns, in one piece (cells[row][column]).")
class CountMatrix:
    name: str
    rows: list[MatrixHeader] = strawberry.field(description="Cities, by administrative code (policy tools, in "
                                                            "the tool × family matrix: see rowKind).")
    row_kind: str = strawberry.field(description="What a row is: city, or policy_tool.")
    columns: list[MatrixHeader] = strawberry.field(description="Concepts, grouped by family.")
    cells: list[list[int]] = strawberry.field(description="Measures of the column's concept (or a narrower "
                                                          "one) in the row's city.")
    row_totals: list[int] = strawberry.field(description="Distinct measures of the row carrying any column.")
    column_totals: list[int] = strawberry.field(description="Distinct measures of the column over all rows.")


@strawberry.enum(description="The second axis of the policy-tool matrix.")
class PolicyToolMatrixAxis(Enum):
    CITY = "CITY"  # city × tool
    MEASURE_TYPE_FAMILY = "MEASURE_TYPE_FAMILY"  # tool × measure-type family (二维分析框架)


@strawberry.enum(description="Policy tools one by one, or rolled up to their three types.")
class PolicyToolLevel(Enum):
    TOOL = "TOOL"
    TYPE = "TYPE"


# -- diffusion ---------------------------------------------------------------------------------


@strawberry.type(description="A city's adoption of a measure type: the issuing date of its earliest policy "
                             "carrying it.")
class Adoption:
    rank: int
    city_name: str
    province: str
    date: Optional[str] = strawberry.field(description="ISO date; null when the city's policy is undated.")
    lag_days: Optional[int] = strawberry.field(description="Days after the first adopter (0 for it).")

    @strawberry.field
    @staticmethod
    def city(adoption: strawberry.Parent[_diffusion.Adoption], info: Ctx) -> City:
        return info.context.lookups.city(adoption.city_iri)

    @strawberry.field(description="The adopting policy.")
    @staticmethod
    def policy(adoption: strawberry.Parent[_diffusion.Adoption], info: Ctx) -> Policy:
        return info.context.lookups.policy(adoption.policy_iri)

    @strawberry.field
    @staticmethod
    def measure_count(adoption: strawberry.Parent[_diffusion.Adoption]) -> int:
        return adoption.measure_count

    @strawberry.field(description="The city's measures of the type, in document order.")
    @staticmethod
    def measures(adoption: strawberry.Parent[_diffusion.Adoption], info: Ctx) -> list[Measure]:
        lookups = info.context.lookups
        return lookups.many(lookups.measure, adoption.measure_iris(lookups.ix))


@strawberry.type
class ProvinceShare:
    province: str
    cities: int = strawberry.field(description="Adopters in the province.")
    share: float = strawberry.field(description="Of all adopters.")
    corpus_cities: int = strawberry.field(description="Cities of the corpus in the province.")


@strawberry.type(description="How a measure type spread between cities.")
class Diffusion:
    measure_type: MeasureType
    city_count: int
    adoptions: list[Adoption] = strawberry.field(description="In adoption order.")
    first_adopter: Optional[Adoption]
    span_days: Optional[int] = strawberry.field(description="Days from the first to the last dated adoption.")
    provinces: list[ProvinceShare] = strawberry.field(description="Most adopters first.")
    top_province: Optional[str]
    top_province_share: Optional[float]
    single_province: bool = strawberry.field(description="Two or more adopters, all in one province.")
    province_lift: Optional[float] = strawberry.field(
        description="Top province's share of adopters ÷ its share of the corpus's cities (1 = as by chance).")


# -- responsibility matrix -----------------------------------------------------------------------


@strawberry.type(description="The department type in charge of a measure type: most measures it LEADs, then "
                             "most it leads or is responsible for.")
class MatrixLeader:
    measure_type: MatrixHeader
    department_type: Optional[MatrixHeader]
    lead: int
    total: int = strawberry.field(description="Measures of the type it leads or is responsible for.")
    measures: int = strawberry.field(description="Measures of the type anyone leads or is responsible for.")
    share: Optional[float] = strawberry.field(description="total / measures.")


@strawberry.type(description="Department type (rows) × measure type (columns): distinct measures per role. "
                             "Families roll their member types up.")
class ResponsibilityMatrix:
    department_types: list[MatrixHeader] = strawberry.field(
        description="Rows. Organizations without a department type are grouped by kind (id kind:…).")
    measure_types: list[MatrixHeader] = strawberry.field(description="Columns.")
    lead: list[list[int]]
    responsible: list[list[int]]
    cooperating: list[list[int]]
    total: list[list[int]] = strawberry.field(description="LEAD or RESPONSIBLE, distinct measures.")
    column_measures: list[int] = strawberry.field(
        description="Per column: distinct measures anyone leads or is responsible for.")
    leaders: list[MatrixLeader] = strawberry.field(description="Per column, its leading department type.")

    @strawberry.field(description="Null: across cities.")
    @staticmethod
    def city(matrix: strawberry.Parent[_matrix.ResponsibilityMatrix], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(matrix.city_iri)

    @strawberry.field(description="The responsibilities counted: EXPLICIT (the default) or INHERITED; null: both.")
    @staticmethod
    def basis(matrix: strawberry.Parent[_matrix.ResponsibilityMatrix]) -> Optional[ResponsibilityBasis]:
        return ResponsibilityBasis(matrix.basis) if matrix.basis else None


@strawberry.type
class CityLeader:
    city_name: str
    leader: MatrixLeader

    @strawberry.field
    @staticmethod
    def city(leader: strawberry.Parent[_matrix.CityLeader], info: Ctx) -> City:
        return info.context.lookups.city(leader.city_iri)


@strawberry.type(description="Which department type leads a measure type, city by city.")
class ResponsibilityLeaders:
    measure_type: MatrixHeader
    cities: list[CityLeader]
    overall: Optional[MatrixLeader] = strawberry.field(description="Across cities.")
    same_everywhere: bool = strawberry.field(
        description="The same department type leads it in every city that assigns it (two or more).")


@strawberry.type
class DepartmentProfileRow:
    measure_type: MatrixHeader
    lead: int
    responsible: int
    cooperating: int
    total: int
    measures: int = strawberry.field(description="Measures of the type anyone leads or is responsible for.")
    leads_type: bool = strawberry.field(description="This department type is the type's leader.")


@strawberry.type(description="The reverse view: the measure types one kind of department is in charge of.")
class DepartmentProfile:
    department_type: MatrixHeader
    rows: list[DepartmentProfileRow] = strawberry.field(description="Most measures first.")

    @strawberry.field
    @staticmethod
    def city(profile: strawberry.Parent[_matrix.DepartmentProfile], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(profile.city_iri)

    @strawberry.field
    @staticmethod
    def organizations(profile: strawberry.Parent[_matrix.DepartmentProfile], info: Ctx) -> list[Organization]:
        lookups = info.context.lookups
        return lookups.many(lookups.organization, profile.organization_iris)


# -- dashboards ----------------------------------------------------------------------------------


@strawberry.type(description="A city's target in a comparison row: the headline one (latest due year, then the "
                             "largest value) in the row's unit.")
class TargetCell:
    city_name: str
    value: Optional[float]
    value_max: Optional[float] = strawberry.field(description="The upper figure of a range, in the row's unit.")
    unit: Optional[str]
    year: Optional[int]
    qualifier: Optional[str]
    original_value: Optional[float]
    original_unit: Optional[str]
    text: str
    count: int = strawberry.field(description="The city's targets in this row (same statistic, kind and unit family).")

    @strawberry.field
    @staticmethod
    def comparator(cell: strawberry.Parent[_dashboards.TargetCell]) -> Optional[TargetComparator]:
        return TargetComparator(cell.comparator) if cell.comparator else None

    @strawberry.field
    @staticmethod
    def city_id(cell: strawberry.Parent[_dashboards.TargetCell], info: Ctx) -> str:
        c = info.context.lookups.city(cell.city_iri)
        return c.id if c else cell.city_iri

    @strawberry.field(description="The headline target.")
    @staticmethod
    def target(cell: strawberry.Parent[_dashboards.TargetCell], info: Ctx) -> Optional[Target]:
        return info.context.lookups.target(cell.target_iri)


@strawberry.type(description="A target of the row's statistic that the row does not compare.")
class LeftOutTarget:
    reason: str = strawberry.field(description="Another kind, another unit family, or a narrower statistic.")

    @strawberry.field
    @staticmethod
    def target(left_out: strawberry.Parent[_dashboards.LeftOut], info: Ctx) -> Target:
        return info.context.lookups.target(left_out.target_iri)


@strawberry.type(description="Targets compared like with like across cities: the same indicator concept, kind and "
                             "unit family, units normalized (万元 → 亿元, 名 → 人, 万家 → 家 …).")
class TargetComparison:
    indicator: str
    unit: Optional[str]
    unit_family: Optional[str] = strawberry.field(description="count, people, money, area, percent ...")
    city_count: int
    cells: list[TargetCell]
    left_out: list[LeftOutTarget] = strawberry.field(
        description="Targets of the same statistic left out of this row, and why.")

    @strawberry.field
    @staticmethod
    def kind(row: strawberry.Parent[_dashboards.IndicatorRow]) -> Optional[TargetKind]:
        return TargetKind(row.kind) if row.kind else None

    @strawberry.field
    @staticmethod
    def indicator_concept(row: strawberry.Parent[_dashboards.IndicatorRow], info: Ctx) -> Optional[Indicator]:
        return info.context.lookups.concept(row.concept_iri)


@strawberry.type
class WorkloadRow:
    rank: int
    name: str
    department_type: Optional[MatrixHeader]
    lead: int
    responsible: int
    cooperating: int
    lead_or_responsible: int = strawberry.field(description="Distinct measures.")
    measures: int = strawberry.field(description="Distinct measures in any role.")
    explicit: int = strawberry.field(description="Distinct measures assigned by a clause or table of their own.")

    @strawberry.field
    @staticmethod
    def kind(row: strawberry.Parent[_dashboards.WorkloadRow]) -> OrganizationKind:
        return OrganizationKind(row.kind)

    @strawberry.field
    @staticmethod
    def organization(row: strawberry.Parent[_dashboards.WorkloadRow], info: Ctx) -> Organization:
        return info.context.lookups.organization(row.organization_iri)


# -- search --------------------------------------------------------------------------------------


@strawberry.enum
class SearchHitKind(Enum):
    MEASURE = "MEASURE"
    POLICY = "POLICY"
    CITED_POLICY = "CITED_POLICY"


@strawberry.type
class SearchHit:
    iri: str
    score: float = strawberry.field(description="Higher is better: −bm25, or occurrences for short terms.")
    title: str = strawberry.field(description="With the matches marked <mark>…</mark>.")
    snippet: str = strawberry.field(description="Text around the first match, matches marked <mark>…</mark>.")
    matches: list[SourceSpan] = strawberry.field(description="Each match in the source document (measures).")

    @strawberry.field
    @staticmethod
    def kind(hit: strawberry.Parent[_search.Hit]) -> SearchHitKind:
        return SearchHitKind(hit.kind)

    @strawberry.field
    @staticmethod
    def measure(hit: strawberry.Parent[_search.Hit], info: Ctx) -> Optional[Measure]:
        return info.context.lookups.measure(hit.iri)

    @strawberry.field(description="The policy hit, or the measure's policy.")
    @staticmethod
    def policy(hit: strawberry.Parent[_search.Hit], info: Ctx) -> Optional[Policy]:
        lookups = info.context.lookups
        m = lookups.measure(hit.iri)
        return lookups.policy(m.policy_iri if m is not None else hit.iri)

    @strawberry.field(description="The cited policy hit (a stub outside the corpus).")
    @staticmethod
    def cited_policy(hit: strawberry.Parent[_search.Hit], info: Ctx) -> Optional[PolicyRef]:
        if hit.kind != "CITED_POLICY":
            return None
        return _citations.citation_network(info.context.graph).nodes.get(hit.iri)

    @strawberry.field
    @staticmethod
    def city(hit: strawberry.Parent[_search.Hit], info: Ctx) -> Optional[City]:
        return info.context.lookups.city(hit.city_iri)


@strawberry.type
class SearchResult:
    text: str
    mode: str = strawberry.field(description="fts5 (trigram index, bm25) or scan (terms under 3 characters).")
    total: int = strawberry.field(name="totalCount")
    hits: list[SearchHit]


# -- root fields ---------------------------------------------------------------------------------


@strawberry.type
class InsightsQuery:
    """Research analytics (issue 7)."""

    @strawberry.field(description="How a measure type (IRI, mt:id, id or label) spread between cities; null when "
                                  "the type is unknown.")
    async def diffusion(self, info: Ctx, measure_type: str) -> Optional[Diffusion]:
        _check(info, measure_type=measure_type)
        return await offload(_diffusion.diffusion, info.context.graph, measure_type)

    @strawberry.field(description="Diffusion of every measure type adopted by at least minCities cities, most "
                                  "widely adopted first; singleProvince: true keeps the province-bound ones.")
    async def diffusions(self, info: Ctx, min_cities: Optional[int] = 2,
                   single_province: Optional[bool] = None) -> list[Diffusion]:
        return await offload(_diffusion.diffusions, info.context.graph, 2 if min_cities is None else min_cities,
                          single_province)

    @strawberry.field(description="Citations between policies (stubs included); city: those made by its "
                                  "policies.")
    async def citation_network(self, info: Ctx, city: Optional[str] = None) -> CitationNetwork:
        _check(info, city=city)
        return await offload(_citations.citation_network, info.context.graph, city)

    @strawberry.field(description="Cited policies (corpus or stub) whose title or 文号 contains `search`, most "
                                  "cited first.")
    async def cited_policies(self, info: Ctx, search: Optional[str] = None, level: Optional[PolicyLevel] = None,
                       stub: Optional[bool] = None) -> list[PolicyRef]:
        net = await offload(_citations.citation_network, info.context.graph)
        return net.find(search, _value(level), stub)

    @strawberry.field(description="Department type × measure type, for one city or across cities (city null). "
                                  "families: true = families only, false = leaf types only, null = every type."
                                  + _SCOPE)
    async def responsibility_matrix(self, info: Ctx, city: Optional[str] = None,
                              basis: Optional[ResponsibilityBasis] = None,
                              families: Optional[bool] = None,
                              include_inherited: Optional[bool] = False) -> Optional[ResponsibilityMatrix]:
        _check(info, city=city)
        return await offload(_matrix.responsibility_matrix, info.context.graph, city,
                             _basis(basis, include_inherited), families)

    @strawberry.field(description="Which department type leads a measure type in each city, and whether it is "
                                  "the same everywhere." + _SCOPE)
    async def responsibility_leaders(self, info: Ctx, measure_type: str,
                               basis: Optional[ResponsibilityBasis] = None,
                               include_inherited: Optional[bool] = False) -> Optional[ResponsibilityLeaders]:
        _check(info, measure_type=measure_type)
        return await offload(_matrix.leaders, info.context.graph, measure_type, _basis(basis, include_inherited))

    @strawberry.field(description="What one kind of department (科技局, dt:finance, finance …) is in charge of."
                                  + _SCOPE)
    async def department_profile(self, info: Ctx, department_type: str, city: Optional[str] = None,
                           basis: Optional[ResponsibilityBasis] = None,
                           families: Optional[bool] = False,
                           include_inherited: Optional[bool] = False) -> Optional[DepartmentProfile]:
        _check(info, city=city, department_type=department_type)
        return await offload(_matrix.department_profile, info.context.graph, department_type, city,
                             _basis(basis, include_inherited), families)

    @strawberry.field(description="Measures per city × measure type (families: roll types up to families).")
    async def city_measure_type_matrix(self, info: Ctx, families: Optional[bool] = False,
                                 cities: Optional[list[str]] = None) -> CountMatrix:
        _check(info, cities=cities)
        return await offload(_dashboards.city_measure_types, info.context.graph, bool(families), cities)

    @strawberry.field(description="Measures per city × industry (families: roll up to top categories).")
    async def city_industry_matrix(self, info: Ctx, families: Optional[bool] = False,
                             cities: Optional[list[str]] = None) -> CountMatrix:
        _check(info, cities=cities)
        return await offload(_dashboards.city_industries, info.context.graph, bool(families), cities)

    @strawberry.field(description="Policy tools as researchers tabulate them: by CITY, the city × tool matrix; by "
                                  "MEASURE_TYPE_FAMILY, the tool × measure-type family 二维分析框架. level TYPE rolls "
                                  "the sub-tools up to 供给型 / 环境型 / 需求型. Cells count distinct measures. "
                                  "Also GET /dashboards/city-policy-tools.csv and policy-tool-families.csv.")
    async def policy_tool_matrix(self, info: Ctx, by: Optional[PolicyToolMatrixAxis] = PolicyToolMatrixAxis.CITY,
                                 level: Optional[PolicyToolLevel] = PolicyToolLevel.TOOL,
                                 cities: Optional[list[str]] = None) -> CountMatrix:
        _check(info, cities=cities)
        by_family = by is PolicyToolMatrixAxis.MEASURE_TYPE_FAMILY
        make = _dashboards.policy_tool_families if by_family else _dashboards.city_policy_tools
        return await offload(make, info.context.graph, (level or PolicyToolLevel.TOOL).value, cities)

    @strawberry.field(description="Targets compared like with like across cities (same indicator concept, kind and "
                                  "unit family), most widely set first; each row says which targets it leaves out "
                                  "and why. indicator: a concept's id or label.")
    async def target_comparison(self, info: Ctx, indicator: Optional[str] = None, city: Optional[str] = None,
                          min_cities: Optional[int] = 1, kind: Optional[TargetKind] = None) -> list[TargetComparison]:
        _check(info, city=city, indicator=indicator)
        return await offload(_dashboards.target_comparison, info.context.graph, indicator, city,
                             1 if min_cities is None else min_cities, kind.value if kind is not None else None)

    @strawberry.field(description="Organizations ranked by the measures they lead or are responsible for. "
                                  "collectives: keep references such as 各有关单位." + _SCOPE)
    async def workload_ranking(self, info: Ctx, city: Optional[str] = None, kind: Optional[OrganizationKind] = None,
                         department_type: Optional[str] = None, basis: Optional[ResponsibilityBasis] = None,
                         collectives: Optional[bool] = False, first: Optional[int] = 50,
                         include_inherited: Optional[bool] = False) -> list[WorkloadRow]:
        _check(info, city=city, department_type=department_type)
        n = check_first(first, 50)
        return await offload(_dashboards.workload, info.context.graph, city, _value(kind), department_type,
                             _basis(basis, include_inherited), bool(collectives), n)

    @strawberry.field(description="Full-text search over measures and policies (SQLite FTS5 trigram, bm25). "
                                  "Space-separated terms must all occur; terms under 3 characters are scanned. "
                                  "measureType and organization restrict the hits to measures.")
    async def search(self, info: Ctx, text: str, city: Optional[str] = None, measure_type: Optional[str] = None,
               organization: Optional[str] = None, kind: Optional[SearchHitKind] = None,
               first: Optional[int] = 20) -> SearchResult:
        _check(info, city=city, measure_type=measure_type, organization=organization)
        n = check_first(first, 20)
        return await offload(_search.search, info.context.graph, text, city, measure_type, organization,
                             _value(kind), n)


__all__ = ["InsightsQuery"]
