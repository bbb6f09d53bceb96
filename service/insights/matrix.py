"""Who is responsible for what, system-wide: department type × measure type.

A cell counts the distinct measures of a measure type (or of a narrower one:
family rows such as ``mt:family-enterprise`` roll their members up) for which
some organization of a department type holds the role. ``total`` counts the
measures it LEADs or is RESPONSIBLE for (the issue's "leads or is
responsible"); ``lead``, ``responsible`` and ``cooperating`` are kept apart.
Organizations without a department type (county governments, "各有关单位",
institutions) are grouped by their kind (``kind:LOCAL_GOVERNMENT`` …) so no
responsibility is dropped.

The *leading* department type of a measure type is the one with the most
measures it LEADs, then the most in ``total``; groups by kind only lead when
no real department type holds any measure of the type.

    from service.insights import matrix
    m = matrix.responsibility_matrix(g, city="许昌", families=True)
    m.leader("mt:family-enterprise").department_type.label   # 科技局
    matrix.leaders(g, "科技金融与财税支持")                      # per city, and same_everywhere
    matrix.department_profile(g, "财政局")                      # the reverse view
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Any

from ..readmodel.index import MEASURE_TYPE_SCHEME
from .common import (
    KEY,
    KIND_GROUP_PREFIX,
    Header,
    concept_header,
    concept_order,
    department_types,
    resolve_concept,
    to_csv,
)
from .tallies import ANY, tallies


@dataclass(frozen=True, slots=True)
class Leader:
    measure_type: Header
    department_type: Header | None
    lead: int
    total: int
    measures: int  # measures of the type in scope that anyone leads or is responsible for

    @property
    def share(self) -> float | None:
        return round(self.total / self.measures, 4) if self.measures else None


@dataclass(frozen=True)
class ResponsibilityMatrix:
    city_iri: str | None  # None: across cities
    basis: str | None
    department_types: list[Header]  # rows
    measure_types: list[Header]  # columns
    lead: list[list[int]]
    responsible: list[list[int]]
    cooperating: list[list[int]]
    total: list[list[int]]  # LEAD or RESPONSIBLE, distinct measures
    column_measures: list[int]  # per column: distinct measures anyone leads or is responsible for
    leaders: list[Leader]  # per column

    def cell(self, department_type: str, measure_type: str) -> dict[str, int]:
        """The counts of one cell, by ids, labels or IRIs; KeyError when a row or column is absent."""
        r = next((i for i, h in enumerate(self.department_types)
                  if department_type in (h.id, h.label, h.iri, "dt:" + h.id)), None)
        c = next((i for i, h in enumerate(self.measure_types)
                  if measure_type in (h.id, h.label, h.iri, "mt:" + h.id)), None)
        if r is None or c is None:
            raise KeyError(department_type if r is None else measure_type)
        return {"lead": self.lead[r][c], "responsible": self.responsible[r][c],
                "cooperating": self.cooperating[r][c], "total": self.total[r][c]}

    def leader(self, measure_type: str) -> Leader | None:
        for h, lead in zip(self.measure_types, self.leaders):
            if measure_type in (h.id, h.label, h.iri, "mt:" + h.id):
                return lead
        return None

    def to_csv(self) -> str:
        """Long format: one row per non-empty cell."""
        rows = []
        for r, dt in enumerate(self.department_types):
            for c, mt in enumerate(self.measure_types):
                if self.total[r][c] or self.cooperating[r][c]:
                    rows.append([dt.id, dt.label, mt.id, mt.label, self.lead[r][c], self.responsible[r][c],
                                 self.cooperating[r][c], self.total[r][c], self.column_measures[c]])
        return to_csv(["department_type", "department_type_label", "measure_type", "measure_type_label",
                       "lead", "responsible", "cooperating", "total", "measures_of_type"], rows)


class _Views:
    """The matrices asked for, made from the tallies (tallies.py), the last ``KEEP`` kept in this
    process: a view is a few hundred numbers, its tallies one (city, basis) of the file."""

    KEEP = 128

    def __init__(self) -> None:
        self._views: OrderedDict[tuple, ResponsibilityMatrix] = OrderedDict()
        self._lock = Lock()

    def get(self, g: Any, city_iri: str | None, basis: str | None, families: bool | None) -> ResponsibilityMatrix:
        key = (city_iri, basis, families)
        with self._lock:
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
                return hit
        out = _build(g, city_iri, basis, families)
        with self._lock:
            self._views[key] = out
            while len(self._views) > self.KEEP:
                self._views.popitem(last=False)
        return out


def _view(g: Any, city_iri: str | None, basis: str | None, families: bool | None) -> ResponsibilityMatrix:
    # a graph's own cache, not the package's memo: the views are never kept with the index file
    return g.derived(KEY + "matrix-views", lambda _g: _Views()).get(g, city_iri, basis, families)


def _build(g: Any, city_iri: str | None, basis: str | None, families: bool | None) -> ResponsibilityMatrix:
    ix = g.index
    counts = tallies(g)
    scope = (city_iri or ANY, basis or ANY)
    merged: dict[str, dict[str, tuple[int, int, int, int]]] = {}  # concept → group → counts
    for concept, group, *cell in counts.cells(*scope):
        merged.setdefault(concept, {})[group] = tuple(cell)
    anyone = counts.columns(*scope)
    concepts = [c for c in concept_order(ix, merged)
                if families is None
                or (families and ix.concepts[c].broader_iri is None)
                or (not families and not ix.concepts[c].narrower_iris)]
    groups_used = {gid for c in concepts for gid in merged[c]}
    headers = department_types(g).headers
    rows = sorted(groups_used, key=lambda gid: (gid.startswith(KIND_GROUP_PREFIX), gid))
    row_headers = [headers.get(gid) or Header(gid, gid, gid) for gid in rows]
    col_headers = [concept_header(ix.concepts[c]) for c in concepts]
    lead, resp, coop, total = ([[0] * len(concepts) for _ in rows] for _ in range(4))
    column_measures, leaders = [], []
    for j, c in enumerate(concepts):
        best: tuple | None = None
        for i, gid in enumerate(rows):
            cell = merged[c].get(gid)
            if cell is None:
                continue
            lead[i][j], resp[i][j], coop[i][j], total[i][j] = cell
            if total[i][j]:
                k = _rank(gid, lead[i][j], total[i][j])
                if best is None or k > best[0]:
                    best = (k, i)
        column_measures.append(anyone.get(c, 0))
        if best is None:
            leaders.append(Leader(col_headers[j], None, 0, 0, column_measures[j]))
        else:
            i = best[1]
            leaders.append(Leader(col_headers[j], row_headers[i], lead[i][j], total[i][j], column_measures[j]))
    return ResponsibilityMatrix(city_iri, basis, row_headers, col_headers, lead, resp, coop, total,
                                column_measures, leaders)


def _leader(g: Any, header: Header, by_group: dict[str, tuple[int, int]], measures: int) -> Leader:
    """The leading department type of one measure type, from its groups' (lead, total)."""
    best: tuple | None = None
    for gid, (lead, total) in by_group.items():
        if total:
            k = _rank(gid, lead, total)
            if best is None or k > best[0]:
                best = (k, gid, lead, total)
    if best is None:
        return Leader(header, None, 0, 0, measures)
    gid = best[1]
    headers = department_types(g).headers
    return Leader(header, headers.get(gid) or Header(gid, gid, gid), best[2], best[3], measures)


def _rank(gid: str, lead: int, total: int) -> tuple:
    """Leader order: real department types before kind groups, then most LEAD, then most
    LEAD-or-RESPONSIBLE, then the smaller id."""
    return (not gid.startswith(KIND_GROUP_PREFIX), lead, total, [-ord(ch) for ch in gid])


def responsibility_matrix(g: Any, city: str | None = None, basis: str | None = "EXPLICIT",
                          families: bool | None = None) -> ResponsibilityMatrix | None:
    """The matrix for one city, or across cities when ``city`` is None.

    ``basis``: EXPLICIT (the default) or INHERITED only, None for both. ``families``: True for the
    top-level families only, False for the leaf types only, None for every type.
    None when the city is unknown.
    """
    city_iri = None
    if city is not None:
        c = g.queries.names.city(city)
        if c is None:
            return None
        city_iri = c.iri
    return _view(g, city_iri, basis, families)


@dataclass(frozen=True, slots=True)
class CityLeader:
    city_iri: str
    city_name: str
    leader: Leader


@dataclass(frozen=True, slots=True)
class Leaders:
    measure_type: Header
    cities: tuple[CityLeader, ...]  # cities where someone leads or is responsible for the type
    overall: Leader | None  # across cities

    @property
    def same_everywhere(self) -> bool:
        """The same department type leads the type in every city that has it (two or more)."""
        ids = {c.leader.department_type.id for c in self.cities if c.leader.department_type is not None}
        return len(self.cities) >= 2 and len(ids) == 1


def leaders(g: Any, measure_type: str, basis: str | None = "EXPLICIT") -> Leaders | None:
    """Per city, which department type leads a measure type (e.g. whether finance
    measures go to 财政局 everywhere). None when the type is unknown."""
    c = resolve_concept(g, measure_type, MEASURE_TYPE_SCHEME)
    if c is None:
        return None
    header = concept_header(c)
    counts = tallies(g)
    per_city: dict[str, dict[str, tuple[int, int]]] = {}
    for city_iri, group, lead, total in counts.by_city(c.iri, basis or ANY):
        per_city.setdefault(city_iri, {})[group] = (lead, total)
    anyone = counts.column_by_city(c.iri, basis or ANY)
    rows = []
    for city_iri, city in g.index.cities.items():
        if city_iri in per_city:
            lead = _leader(g, header, per_city[city_iri], anyone.get(city_iri, 0))
            if lead.department_type is not None:
                rows.append(CityLeader(city_iri, city.name, lead))
    return Leaders(header, tuple(rows), _view(g, None, basis, None).leader(c.iri))


@dataclass(frozen=True, slots=True)
class ProfileRow:
    measure_type: Header
    lead: int
    responsible: int
    cooperating: int
    total: int
    measures: int  # of the type in scope, led or assigned to anyone
    leads_type: bool  # this department type is the type's leader in scope


@dataclass(frozen=True, slots=True)
class DepartmentProfile:
    """The reverse view: what one kind of department is in charge of."""

    department_type: Header
    city_iri: str | None
    rows: tuple[ProfileRow, ...]  # most measures first
    organization_iris: tuple[str, ...]  # organizations of the type (in the city)


def department_profile(g: Any, department_type: str, city: str | None = None, basis: str | None = "EXPLICIT",
                       families: bool | None = False) -> DepartmentProfile | None:
    dts = department_types(g)
    gid = dts.resolve(department_type)
    if gid is None:
        return None
    m = responsibility_matrix(g, city, basis, families)
    if m is None:
        return None
    header = dts.headers[gid]
    try:
        r = [h.id for h in m.department_types].index(gid)
    except ValueError:
        r = None
    rows = []
    if r is not None:
        for j, mt in enumerate(m.measure_types):
            if m.total[r][j] or m.cooperating[r][j]:
                lead = m.leaders[j].department_type
                rows.append(ProfileRow(mt, m.lead[r][j], m.responsible[r][j], m.cooperating[r][j], m.total[r][j],
                                       m.column_measures[j], lead is not None and lead.id == gid))
    rows.sort(key=lambda x: (-x.total, -x.lead, -x.cooperating, x.measure_type.id))
    orgs = tallies(g).members(gid, m.city_iri or ANY)
    return DepartmentProfile(header, m.city_iri, tuple(rows), tuple(orgs))


def matrix_csv(g: Any, city: str | None = None, basis: str | None = "EXPLICIT", families: bool | None = None) -> str:
    m = responsibility_matrix(g, city, basis, families)
    return m.to_csv() if m is not None else to_csv(["department_type"], [])
