"""Compact aggregates for charts: one call, plain numbers, no per-cell lookups.

- ``city_measure_types``: city × measure type counts of measures;
- ``city_industries``: city × industry counts of measures;
- ``target_comparison``: targets by indicator across cities, units normalized
  (万元 → 亿元, 名 → 人, 平方米 → 万平方米 …), with due years;
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

    def to_csv(self, header: str = "label") -> str:
        """Wide: a row per city, a column per concept (``header``: label, en or id)."""
        def name(h: Header) -> str:
            return h.id if header == "id" else h.label_en if header == "en" else h.label
        head = ["city", "city_id", *(name(c) for c in self.columns), "measures"]
        return to_csv(head, ([r.label, r.id, *cells, total]
                             for r, cells, total in zip(self.rows, self.cells, self.row_totals)))


def _concept_city_measures(g: Any, scheme: str) -> dict[str, dict[str, list[str]]]:
    """concept → city → measures of the concept or a narrower one (measure types reuse the index's map)."""
    ix = g.index
    if scheme == MEASURE_TYPE_SCHEME:
        return ix.type_city_measures

    def make(_g: Any) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for c, ms in ix.measures_by_concept.items():
            if ix.concepts[c].scheme != scheme or not ms:
                continue
            per: dict[str, list[str]] = {}
            for m in ms:
                per.setdefault(ix.measures[m].city_iri, []).append(m)
            out[c] = per
        return out
    return derived(g, "concept_city_measures:" + scheme, make)


def _count_matrix(g: Any, name: str, scheme: str, families: bool, cities: list[str] | None) -> CountMatrix:
    ix = g.index
    data = _concept_city_measures(g, scheme)
    if cities is None:
        city_iris = list(ix.cities)
    else:
        found = (g.queries.names.city(n) for n in cities)
        city_iris = sorted({c.iri for c in found if c is not None}, key=lambda i: ix.cities[i].admin_code)
    concepts = [c for c in concept_order(ix, data)
                if (ix.concepts[c].broader_iri is None if families else not ix.concepts[c].narrower_iris)
                and any(ci in data[c] for ci in city_iris)]
    cells = [[len(data[c].get(ci, ())) for c in concepts] for ci in city_iris]
    row_totals = [len({m for c in concepts for m in data[c].get(ci, ())}) for ci in city_iris]
    column_totals = [len({m for ci in city_iris for m in data[c].get(ci, ())}) for c in concepts]
    rows = [Header(ix.cities[ci].id, ix.cities[ci].name, ix.cities[ci].name_en, ci) for ci in city_iris]
    return CountMatrix(name, rows, [concept_header(ix.concepts[c]) for c in concepts], cells, row_totals,
                       column_totals)


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


# -- targets --------------------------------------------------------------------------------


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
    target_iris: tuple[str, ...]  # every target of the city for this indicator and unit

    @property
    def count(self) -> int:
        return len(self.target_iris)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    indicator: str
    unit: str | None  # normalized
    cells: tuple[TargetCell, ...]  # one per city that sets the target, in city order

    @property
    def city_count(self) -> int:
        return len(self.cells)


def _targets(g: Any) -> list[IndicatorRow]:
    ix = g.index
    groups: dict[tuple[str, str | None], dict[str, list[tuple[float | None, str | None, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for t in ix.targets.values():  # city order, then document order
        v, u = normalize_unit(t.value, t.unit)
        groups[(t.indicator, u)][t.city_iri].append((v, u, t))
    rows = []
    for (indicator, unit), by_city in groups.items():
        cells = []
        for city_iri, items in by_city.items():
            # the headline: the latest due year, then the largest value
            v, u, t = max(items, key=lambda x: (x[2].year or 0, x[0] if x[0] is not None else float("-inf")))
            city = ix.cities.get(city_iri)
            cells.append(TargetCell(city_iri, city.name if city else city_iri, v, u, t.year, t.qualifier, t.value,
                                    t.unit, t.text, tuple(x[2].iri for x in items)))
        cells.sort(key=lambda c: ix.cities[c.city_iri].admin_code if c.city_iri in ix.cities else c.city_iri)
        rows.append(IndicatorRow(indicator, unit, tuple(cells)))
    rows.sort(key=lambda r: (-r.city_count, r.indicator, r.unit or ""))
    return rows


def target_comparison(g: Any, indicator: str | None = None, city: str | None = None,
                      min_cities: int = 1) -> list[IndicatorRow]:
    """Targets by (indicator, normalized unit) across cities, most widely set first."""
    rows: list[IndicatorRow] = derived(g, "targets", _targets)
    if indicator:
        k = key(indicator)
        rows = [r for r in rows if k in key(r.indicator)]
    if city is not None:
        c = g.queries.names.city(city)
        if c is None:
            return []
        rows = [IndicatorRow(r.indicator, r.unit, tuple(x for x in r.cells if x.city_iri == c.iri)) for r in rows]
        rows = [r for r in rows if r.cells]
    return [r for r in rows if r.city_count >= min_cities]


def targets_csv(g: Any, indicator: str | None = None, city: str | None = None) -> str:
    rows = []
    for r in target_comparison(g, indicator, city):
        for c in r.cells:
            rows.append([r.indicator, r.unit, c.city_name, c.value, c.year, c.qualifier, c.original_value,
                         c.original_unit, c.count, c.text])
    return to_csv(["indicator", "unit", "city", "value", "year", "qualifier", "original_value", "original_unit",
                   "targets", "text"], rows)


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


class _Workload:
    def __init__(self, g: Any) -> None:
        ix = g.index
        # org → city of the measure → role → basis → measures
        self.data: dict[str, dict[str, dict[str, dict[str, set[str]]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
        for r in ix.responsibilities.values():
            m = ix.measures.get(r.measure_iri)
            if m is not None:
                self.data[r.organization_iri][m.city_iri][r.role][r.basis].add(m.iri)


def workload(g: Any, city: str | None = None, kind: str | None = None, department_type: str | None = None,
             basis: str | None = None, collectives: bool = False, first: int | None = None) -> list[WorkloadRow]:
    """Organizations ranked by the measures they lead or are responsible for (then cooperate on).

    ``city`` counts only that city's measures; ``kind`` an OrganizationKind name;
    ``department_type`` a department type (科技局, dt:finance …); ``basis`` EXPLICIT or
    INHERITED; ``collectives`` keeps collective references such as 各有关单位.
    """
    ix = g.index
    data = derived(g, "workload", _Workload).data
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
    rows = []
    for org_iri, by_city in data.items():
        o = ix.organizations.get(org_iri)
        if o is None or (kind is not None and o.kind != kind) or (not collectives and o.kind == "COLLECTIVE"
                                                                  and kind != "COLLECTIVE"):
            continue
        if gid is not None and dts.of(o) != gid:
            continue
        sets: dict[str, set[str]] = defaultdict(set)
        explicit: set[str] = set()
        for c_iri, by_role in by_city.items():
            if city_iri is not None and c_iri != city_iri:
                continue
            for role, by_basis in by_role.items():
                for b, ms in by_basis.items():
                    if basis is not None and b != basis:
                        continue
                    sets[role] |= ms
                    if b == "EXPLICIT":
                        explicit |= ms
        every = sets["LEAD"] | sets["RESPONSIBLE"] | sets["COOPERATING"]
        if not every:
            continue
        group = dts.of(o)
        rows.append(WorkloadRow(0, org_iri, o.name, o.kind, dts.headers.get(group), o.city_iri,
                                len(sets["LEAD"]), len(sets["RESPONSIBLE"]), len(sets["COOPERATING"]),
                                len(sets["LEAD"] | sets["RESPONSIBLE"]), len(every), len(explicit)))
    rows.sort(key=lambda r: (-r.lead_or_responsible, -r.lead, -r.measures, r.name))
    ranked = []
    for i, r in enumerate(rows):
        rank = ranked[-1].rank if ranked and _tied(ranked[-1], r) else i + 1
        ranked.append(replace(r, rank=rank))
    return ranked[:first] if first is not None else ranked


def _tied(a: WorkloadRow, b: WorkloadRow) -> bool:
    return (a.lead_or_responsible, a.lead, a.measures) == (b.lead_or_responsible, b.lead, b.measures)


def workload_csv(g: Any, city: str | None = None, kind: str | None = None, department_type: str | None = None,
                 basis: str | None = None, collectives: bool = False, first: int | None = None) -> str:
    ix = g.index
    rows = []
    for r in workload(g, city, kind, department_type, basis, collectives, first):
        home = ix.cities.get(r.city_iri or "")
        rows.append([r.rank, r.name, home.name if home else "", r.kind,
                     r.department_type.label if r.department_type else "", r.lead, r.responsible, r.cooperating,
                     r.lead_or_responsible, r.measures, r.explicit])
    return to_csv(["rank", "organization", "city", "kind", "department_type", "lead", "responsible",
                   "cooperating", "lead_or_responsible", "measures", "explicit"], rows)
