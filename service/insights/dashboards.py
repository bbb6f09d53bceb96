"""Compact aggregates for charts: one call, plain numbers, no per-cell lookups.

- ``city_measure_types``: city × measure type counts of measures;
- ``city_industries``: city × industry counts of measures;
- ``target_comparison``: targets compared like with like across cities (the
  same indicator concept, kind and unit family; units normalized: 万元 → 亿元,
  名 → 人, 万家 → 家 …), saying which targets each row leaves out and why;
- ``workload``: organizations ranked by the measures they lead or are
  responsible for.

Each has a ``*_csv`` twin (served as ``GET /dashboards/<name>.csv``).

    from service.insights import dashboards
    m = dashboards.city_measure_types(g, families=True)
    m.rows[0].label, m.columns[0].label, m.cells[0][0]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from ..errors import QueryError
from ..readmodel.index import INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME
from ..readmodel.names import key
from .common import (
    Header,
    concept_header,
    concept_order,
    department_types,
    derived,
    to_csv,
)
from .tallies import ANY, NONE, TOOL_LEVELS, tallies, tool_places

# unit as written → (normalized unit, factor): value_normalized = value * factor
UNITS: dict[str, tuple[str, float]] = {
    "亿元": ("亿元", 1.0), "万元": ("亿元", 1e-4), "元": ("亿元", 1e-8), "千万元": ("亿元", 0.1),
    "百万元": ("亿元", 0.01), "十万元": ("亿元", 1e-3), "万亿元": ("亿元", 1e4),
    "%": ("%", 1.0), "％": ("%", 1.0),
    "家": ("家", 1.0), "万家": ("家", 1e4),
    "人": ("人", 1.0), "名": ("人", 1.0), "位": ("人", 1.0), "万人": ("人", 1e4), "万名": ("人", 1e4),
    "人次": ("人次", 1.0), "万人次": ("人次", 1e4),
    "平方米": ("万平方米", 1e-4), "万平方米": ("万平方米", 1.0),
    "百分点": ("个百分点", 1.0), "个百分点": ("个百分点", 1.0),
}


def normalize_unit(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """(value, unit) in the normalized unit; units not in the table are kept as written."""
    if unit is None:
        return value, None
    u = unit.strip()
    norm, factor = UNITS.get(u, (u, 1.0))
    if value is None:
        return None, norm
    return round(value * factor, 10), norm


# -- count matrices -------------------------------------------------------------------------


@dataclass(frozen=True)
class CountMatrix:
    name: str
    rows: list[Header]  # cities
    columns: list[Header]  # concepts
    cells: list[list[int]]  # measures per (row, column)
    row_totals: list[int]  # distinct measures of the row carrying at least one of the columns
    column_totals: list[int]  # distinct measures of the column over all rows
    row_kind: str = "city"  # what a row is: city, or policy_tool (the tool × family matrix)

    def to_csv(self, header: str = "label") -> str:
        """Wide: a row per city (or tool), a column per concept (``header``: label, en or id)."""
        def name(h: Header) -> str:
            return h.id if header == "id" else h.label_en if header == "en" else h.label
        head = [self.row_kind, f"{self.row_kind}_id", *(name(c) for c in self.columns), "measures"]
        return to_csv(head, ([r.label, r.id, *cells, total]
                             for r, cells, total in zip(self.rows, self.cells, self.row_totals)))


def _cities_of(g: Any, cities: list[str] | None) -> list[str]:
    """The issuing cities named (all when None), by administrative code."""
    ix = g.index
    if cities is None:
        return list(ix.cities)
    found = (g.queries.names.city(n) for n in cities)
    return sorted({c.iri for c in found if c is not None}, key=lambda i: ix.cities[i].admin_code)


def _count_matrix(g: Any, name: str, scheme: str, families: bool, cities: list[str] | None) -> CountMatrix:
    """Cities × concepts of a scheme from the tallies' per-city counts (a measure is in one city, so a
    column's total is its cells' sum; a row's, the city's union over the columns, is counted ahead)."""
    ix = g.index
    city_iris = _cities_of(g, cities)
    counts = tallies(g).concept_cells(scheme, city_iris)
    concepts = [c for c in concept_order(ix, {c for _ci, c in counts})
                if (ix.concepts[c].broader_iri is None if families else not ix.concepts[c].narrower_iris)]
    cells = [[counts.get((ci, c), 0) for c in concepts] for ci in city_iris]
    row_totals = tallies(g).concept_totals(scheme, families, city_iris)
    rows = [Header(ix.cities[ci].id, ix.cities[ci].name, ix.cities[ci].name_en, ci) for ci in city_iris]
    return CountMatrix(name, rows, [concept_header(ix.concepts[c]) for c in concepts], cells,
                       [row_totals.get(ci, 0) for ci in city_iris],
                       [sum(row[j] for row in cells) for j in range(len(concepts))])


def city_measure_types(g: Any, families: bool = False, cities: list[str] | None = None) -> CountMatrix:
    """Measures per city and measure type; ``families=True`` rolls types up to their families."""
    if cities is None:
        return derived(g, f"city_measure_types:{families}",
                         lambda _g: _count_matrix(_g, "city-measure-types", MEASURE_TYPE_SCHEME, families, None))
    return _count_matrix(g, "city-measure-types", MEASURE_TYPE_SCHEME, families, cities)


def city_industries(g: Any, families: bool = False, cities: list[str] | None = None) -> CountMatrix:
    """Measures per city and industry; ``families=True`` rolls industries up to the top categories."""
    if cities is None:
        return derived(g, f"city_industries:{families}",
                         lambda _g: _count_matrix(_g, "city-industries", INDUSTRY_SCHEME, families, None))
    return _count_matrix(g, "city-industries", INDUSTRY_SCHEME, families, cities)


# -- policy tools (政策工具) -------------------------------------------------------------------

def _tool_level(level: str) -> str:
    if level.upper() not in TOOL_LEVELS:
        raise QueryError(f"`level` must be one of {', '.join(TOOL_LEVELS)}, got {level[:40]!r}.")
    return level.upper()


def city_policy_tools(g: Any, level: str = "TOOL", cities: list[str] | None = None) -> CountMatrix:
    """City × policy tool: measures of each city coded with each tool (``level="TYPE"``: each type).
    The same counts as ``graph.policy_tools.city_tool_matrix`` over the built dataset."""
    ix = g.index
    level = _tool_level(level)
    columns, _place = tool_places(ix, level)
    city_iris = _cities_of(g, cities)
    counts = tallies(g).tools(level, city_iris)
    cells = [[counts.get((ci, col, NONE), 0) for col in columns] for ci in city_iris]
    rows = [Header(ix.cities[ci].id, ix.cities[ci].name, ix.cities[ci].name_en, ci) for ci in city_iris]
    return CountMatrix("city-policy-tools", rows, [concept_header(ix.concepts[t]) for t in columns], cells,
                       [counts.get((ci, NONE, NONE), 0) for ci in city_iris],
                       [sum(row[j] for row in cells) for j in range(len(columns))], "city")


def policy_tool_families(g: Any, level: str = "TOOL", cities: list[str] | None = None) -> CountMatrix:
    """Policy tool × measure-type family, the 二维分析框架: measures coded with the row's tool that carry
    a measure type of the column's family (a measure counts once per cell, and in every family it has).
    The same counts as ``graph.policy_tools.tool_family_matrix``."""
    ix = g.index
    level = _tool_level(level)
    tools, _place = tool_places(ix, level)
    families = [c.iri for c in sorted((c for c in ix.measure_types() if c.broader_iri is None), key=lambda c: c.id)]
    # every city together is a scope of its own: no sum over each city's rows when none are named
    counts = tallies(g).tools(level, _cities_of(g, cities) if cities is not None else [ANY])
    summed: dict[tuple[str, str], int] = defaultdict(int)  # a measure is in one city: the cities add up
    for (_city, tool, family), n in counts.items():
        summed[(tool, family)] += n
    return CountMatrix("policy-tool-families", [concept_header(ix.concepts[t]) for t in tools],
                       [concept_header(ix.concepts[f]) for f in families],
                       [[summed.get((t, f), 0) for f in families] for t in tools],
                       [summed.get((t, ANY), 0) for t in tools],
                       [summed.get((NONE, f), 0) for f in families], "policy_tool")


# -- targets --------------------------------------------------------------------------------

# the unit a family is shown in; count-like families keep the unit the targets use most
_DISPLAY = {"money": "亿元", "people": "人", "area": "万平方米", "person-times": "人次", "percent": "%",
            "percentage-points": "个百分点", "rank": "位", "pieces": "件", "times": "次", "multiple": "倍"}


@dataclass(frozen=True, slots=True)
class TargetCell:
    city_iri: str
    city_name: str
    value: float | None  # normalized
    unit: str | None  # normalized
    year: int | None
    qualifier: str | None
    original_value: float | None
    original_unit: str | None
    text: str  # the sentence of the headline target
    target_iris: tuple[str, ...]  # every target of the city in this row
    comparator: str | None = None
    value_max: float | None = None  # normalized
    target_iri: str | None = None  # the headline target

    @property
    def count(self) -> int:
        return len(self.target_iris)


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A target of the same statistic that this row does not compare, and why."""

    target_iri: str
    reason: str


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    indicator: str
    unit: str | None  # normalized
    cells: tuple[TargetCell, ...]  # one per city that sets the target, in city order
    concept_iri: str | None = None
    kind: str | None = None
    unit_family: str | None = None
    left_out: tuple[LeftOut, ...] = ()

    @property
    def city_count(self) -> int:
        return len(self.cells)


def _unit_family(ix: Any, unit: str | None) -> str:
    u = ix.units.get((unit or "").strip())
    return u.family if u is not None else (unit or "")


def _row_key(t: Any, ix: Any) -> tuple[str, str, str]:
    """Like with like: the same statistic (or name), kind and unit family."""
    return (t.concept_iri or t.indicator, t.kind, _unit_family(ix, t.unit))


def _count_unit(ix: Any, items: list[Any]) -> str | None:
    """The unit a count-like row is shown in: the factor-1 unit its targets use most."""
    seen: dict[str, int] = defaultdict(int)
    for t in items:
        u = ix.units.get((t.unit or "").strip())
        if u is not None and u.factor == 1.0:
            seen[u.label] += 1
    return max(seen, key=lambda k: (seen[k], k)) if seen else None


def _kind_word(kind: str) -> str:
    return {"LEVEL": "a level", "INCREMENT": "an increment over the period", "ANNUAL": "a figure per year",
            "GROWTH_RATE": "a growth rate", "SHARE": "a share", "RANK": "a rank"}.get(kind, kind)


def _targets(g: Any) -> list[IndicatorRow]:
    ix = g.index
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for t in ix.targets.values():  # city order, then document order
        groups[_row_key(t, ix)].append(t)
    by_stat: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for k in groups:
        by_stat[k[0]].append(k)
    rows = []
    for (stat, kind, family), items in groups.items():
        display = _DISPLAY.get(family) or _count_unit(ix, items)
        by_city: dict[str, list[tuple[float | None, float | None, str | None, Any]]] = defaultdict(list)
        for t in items:
            v, u = _normalized(ix, t.value, t.unit, display)
            vmax, _ = _normalized(ix, t.value_max, t.unit, display)
            by_city[t.city_iri].append((v, vmax, u, t))
        cells = []
        unit = None
        for city_iri, xs in by_city.items():
            # the headline: the latest due year, then the largest value
            v, vmax, u, t = max(xs, key=lambda x: (x[3].year or 0, x[0] if x[0] is not None else float("-inf")))
            unit = unit or u
            city = ix.cities.get(city_iri)
            cells.append(TargetCell(city_iri, city.name if city else city_iri, v, u, t.year, t.qualifier, t.value,
                                    t.unit, t.text, tuple(x[3].iri for x in xs), t.comparator, vmax, t.iri))
        cells.sort(key=lambda c: ix.cities[c.city_iri].admin_code if c.city_iri in ix.cities else c.city_iri)
        left = []
        for other in by_stat[stat]:
            if other == (stat, kind, family):
                continue
            why = (f"{_kind_word(other[1])}, not {_kind_word(kind)}" if other[1] != kind
                   else f"in {other[2] or 'no unit'}, not comparable with {family or 'no unit'}")
            left += [LeftOut(t.iri, why) for t in groups[other]]
        concept = ix.concepts.get(stat)
        if concept is not None:  # narrower statistics are other statistics
            for n in _below(ix, concept.iri):
                label = ix.concepts[n].label
                left += [LeftOut(i, f"a narrower statistic ({label})") for i in ix.concepts[n].target_iris]
        rows.append(IndicatorRow(concept.label if concept else stat, unit, tuple(cells), concept.iri if concept else None,
                                 kind, family or None, tuple(left)))
    rows.sort(key=lambda r: (-r.city_count, r.indicator, r.kind or "", r.unit or ""))
    return rows


def _normalized(ix: Any, value: float | None, unit: str | None, display: str | None) -> tuple[float | None, str | None]:
    """(value, unit) in the row's display unit, by the units' factors (ontology/indicators.ttl)."""
    if unit is None:
        return value, None
    u = ix.units.get(unit.strip())
    base = ix.units.get(display or "")
    if u is None or base is None or u.family != base.family:
        return normalize_unit(value, unit)
    return (None if value is None else round(value * u.factor / base.factor, 10)), base.label


def _below(ix: Any, iri: str) -> list[str]:
    out, todo = [], list(ix.concepts[iri].narrower_iris)
    while todo:
        n = todo.pop(0)
        out.append(n)
        todo += ix.concepts[n].narrower_iris if n in ix.concepts else []
    return out


def target_comparison(g: Any, indicator: str | None = None, city: str | None = None,
                      min_cities: int = 1, kind: str | None = None) -> list[IndicatorRow]:
    """Targets compared like with like: one row per statistic, kind and unit family.

    ``indicator``: a concept's id or label (its rows only), or part of a name.
    Each row names the targets of the same statistic it leaves out (another
    kind, another unit family, a narrower statistic) and why.
    """
    rows: list[IndicatorRow] = derived(g, "targets", _targets)
    if indicator:
        concept = g.queries.names.indicator(indicator)
        if concept is not None:
            rows = [r for r in rows if r.concept_iri == concept.iri]
        else:
            k = key(indicator)
            rows = [r for r in rows if k in key(r.indicator)]
    if kind is not None:
        rows = [r for r in rows if r.kind == kind]
    if city is not None:
        c = g.queries.names.city(city)
        if c is None:
            return []
        rows = [replace(r, cells=tuple(x for x in r.cells if x.city_iri == c.iri)) for r in rows]
        rows = [r for r in rows if r.cells]
    return [r for r in rows if r.city_count >= min_cities]


def targets_csv(g: Any, indicator: str | None = None, city: str | None = None) -> str:
    rows = []
    for r in target_comparison(g, indicator, city):
        for c in r.cells:
            rows.append([r.indicator, r.unit, c.city_name, c.value, c.year, c.qualifier, c.original_value,
                         c.original_unit, c.count, c.text, r.kind, c.comparator, c.value_max])
    return to_csv(["indicator", "unit", "city", "value", "year", "qualifier", "original_value", "original_unit",
                   "targets", "text", "kind", "comparator", "value_max"], rows)


# -- workload ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    rank: int
    organization_iri: str
    name: str
    kind: str
    department_type: Header | None
    city_iri: str | None  # home city
    lead: int
    responsible: int
    cooperating: int
    lead_or_responsible: int  # distinct measures
    measures: int  # distinct measures in any role
    explicit: int  # distinct measures assigned by a clause or table of their own (not inherited)


def workload(g: Any, city: str | None = None, kind: str | None = None, department_type: str | None = None,
             basis: str | None = "EXPLICIT", collectives: bool = False, first: int | None = None) -> list[WorkloadRow]:
    """Organizations ranked by the measures they lead or are responsible for (then cooperate on).

    ``city`` counts only that city's measures; ``kind`` an OrganizationKind name;
    ``department_type`` a department type (科技局, dt:finance …); ``basis`` EXPLICIT (the
    default), INHERITED, or None for both; ``collectives`` keeps collective references such as 各有关单位.
    The counts come from the tallies (tallies.py), the first ``first`` rows of one scope.
    """
    dts = department_types(g)
    city_iri = None
    if city is not None:
        c = g.queries.names.city(city)
        if c is None:
            return []
        city_iri = c.iri
    gid = None
    if department_type is not None:
        gid = dts.resolve(department_type)
        if gid is None:
            return []
    ranked: list[WorkloadRow] = []
    for i, (org_iri, name, org_kind, group, home, *counts) in enumerate(
            tallies(g).ranking(city_iri or ANY, basis or ANY, kind, gid, collectives, first)):
        r = WorkloadRow(i + 1, org_iri, name, org_kind, dts.headers.get(group), home, *counts)
        if ranked and _tied(ranked[-1], r):
            r = replace(r, rank=ranked[-1].rank)
        ranked.append(r)
    return ranked


def _tied(a: WorkloadRow, b: WorkloadRow) -> bool:
    return (a.lead_or_responsible, a.lead, a.measures) == (b.lead_or_responsible, b.lead, b.measures)


def workload_csv(g: Any, city: str | None = None, kind: str | None = None, department_type: str | None = None,
                 basis: str | None = "EXPLICIT", collectives: bool = False, first: int | None = None) -> str:
    ix = g.index
    rows = []
    for r in workload(g, city, kind, department_type, basis, collectives, first):
        home = ix.cities.get(r.city_iri or "")
        rows.append([r.rank, r.name, home.name if home else "", r.kind,
                     r.department_type.label if r.department_type else "", r.lead, r.responsible, r.cooperating,
                     r.lead_or_responsible, r.measures, r.explicit])
    return to_csv(["rank", "organization", "city", "kind", "department_type", "lead", "responsible",
                   "cooperating", "lead_or_responsible", "measures", "explicit"], rows)
