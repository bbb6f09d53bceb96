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

from graph.model import WORK_ROLES

from ..readmodel.index import MEASURE_TYPE_SCHEME
from .common import (
    KIND_GROUP_PREFIX,
    Header,
    concept_header,
    concept_order,
    department_types,
    derived,
    resolve_concept,
    to_csv,
)

ROLES = WORK_ROLES  # the matrix's role layers (graph/model.py)


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


class _Facts:
    """Every (city, department type, concept, role, basis, measure) once, and a cache of views."""

    def __init__(self, g: Any) -> None:
        ix = g.index
        self.dts = department_types(g)
        ancestors: dict[str, tuple[str, ...]] = {}

        def up(c: str) -> tuple[str, ...]:
            if c not in ancestors:
                chain, seen, cur = [c], {c}, ix.concepts.get(c)
                while cur is not None and cur.broader_iri in ix.concepts and cur.broader_iri not in seen:
                    seen.add(cur.broader_iri)
                    chain.append(cur.broader_iri)
                    cur = ix.concepts[cur.broader_iri]
                ancestors[c] = tuple(chain)
            return ancestors[c]

        measure_concepts: dict[str, tuple[str, ...]] = {}
        for m in ix.measures.values():
            cs: dict[str, None] = {}
            for c in m.measure_type_iris:
                if c in ix.concepts and ix.concepts[c].scheme == MEASURE_TYPE_SCHEME:
                    cs.update(dict.fromkeys(up(c)))
            measure_concepts[m.iri] = tuple(cs)
        # (city, basis) → (concept, group, role) → measures, and the same sets by concept
        self.slots: dict[tuple[str, str], dict[tuple[str, str, str], set[str]]] = {}
        self.by_concept: dict[str, list[tuple[str, str, str, str, set[str]]]] = {}
        for r in ix.responsibilities.values():
            m = ix.measures.get(r.measure_iri)
            if m is None or r.role not in ROLES:
                continue
            group = self.dts.of(ix.organizations.get(r.organization_iri))
            slot = self.slots.setdefault((m.city_iri, r.basis), {})
            for c in measure_concepts.get(m.iri, ()):
                k = (c, group, r.role)
                ms = slot.get(k)
                if ms is None:
                    ms = slot[k] = set()
                    self.by_concept.setdefault(c, []).append((m.city_iri, r.basis, group, r.role, ms))
                ms.add(m.iri)
        self.ix = ix
        self._views: OrderedDict[tuple, ResponsibilityMatrix] = OrderedDict()
        self._lock = Lock()

    # kept with the index file (insights/precompute.py) without the index, and given it back when read
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("ix", "_views", "_lock"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.ix = None
        self._views = OrderedDict()
        self._lock = Lock()

    def attach(self, g: Any) -> None:
        self.ix = g.index

    def view(self, city_iri: str | None, basis: str | None, families: bool | None) -> ResponsibilityMatrix:
        key = (city_iri, basis, families)
        with self._lock:
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
                return hit
        out = self._build(city_iri, basis, families)
        with self._lock:
            self._views[key] = out
            while len(self._views) > 128:
                self._views.popitem(last=False)
        return out

    def _build(self, city_iri: str | None, basis: str | None, families: bool | None) -> ResponsibilityMatrix:
        ix = self.ix
        merged: dict[str, dict[str, dict[str, set[str]]]] = {}
        for (c_iri, b), slot in self.slots.items():
            if (city_iri is not None and c_iri != city_iri) or (basis is not None and b != basis):
                continue
            for (concept, group, role), ms in slot.items():
                by_role = merged.setdefault(concept, {}).setdefault(group, {})
                if role in by_role:
                    by_role[role] |= ms
                else:
                    by_role[role] = set(ms)
        concepts = [c for c in concept_order(ix, merged)
                    if families is None
                    or (families and ix.concepts[c].broader_iri is None)
                    or (not families and not ix.concepts[c].narrower_iris)]
        groups_used = {g for c in concepts for g in merged[c]}
        headers = self.dts.headers
        rows = sorted(groups_used, key=lambda gid: (gid.startswith(KIND_GROUP_PREFIX), gid))
        row_headers = [headers.get(gid) or Header(gid, gid, gid) for gid in rows]
        col_headers = [concept_header(ix.concepts[c]) for c in concepts]
        lead, resp, coop, total = ([[0] * len(concepts) for _ in rows] for _ in range(4))
        column_measures, leaders = [], []
        for j, c in enumerate(concepts):
            anyone: set[str] = set()
            best: tuple | None = None
            for i, gid in enumerate(rows):
                by_role = merged[c].get(gid)
                if not by_role:
                    continue
                lr = by_role.get("LEAD", set()) | by_role.get("RESPONSIBLE", set())
                lead[i][j] = len(by_role.get("LEAD", ()))
                resp[i][j] = len(by_role.get("RESPONSIBLE", ()))
                coop[i][j] = len(by_role.get("COOPERATING", ()))
                total[i][j] = len(lr)
                anyone |= lr
                if total[i][j]:
                    k = _rank(gid, lead[i][j], total[i][j])
                    if best is None or k > best[0]:
                        best = (k, i)
            column_measures.append(len(anyone))
            if best is None:
                leaders.append(Leader(col_headers[j], None, 0, 0, len(anyone)))
            else:
                i = best[1]
                leaders.append(Leader(col_headers[j], row_headers[i], lead[i][j], total[i][j], len(anyone)))
        return ResponsibilityMatrix(city_iri, basis, row_headers, col_headers, lead, resp, coop, total,
                                    column_measures, leaders)


    def leader_of(self, header: Header, by_group: dict[str, dict[str, set[str]]]) -> Leader:
        """The leading department type of one measure type, from its groups' measures by role."""
        anyone: set[str] = set()
        best: tuple | None = None
        for gid, by_role in by_group.items():
            lr = by_role.get("LEAD", set()) | by_role.get("RESPONSIBLE", set())
            anyone |= lr
            if lr:
                k = _rank(gid, len(by_role.get("LEAD", ())), len(lr))
                if best is None or k > best[0]:
                    best = (k, gid, len(by_role.get("LEAD", ())), len(lr))
        if best is None:
            return Leader(header, None, 0, 0, len(anyone))
        gid = best[1]
        return Leader(header, self.dts.headers.get(gid) or Header(gid, gid, gid), best[2], best[3], len(anyone))


def _rank(gid: str, lead: int, total: int) -> tuple:
    """Leader order: real department types before kind groups, then most LEAD, then most
    LEAD-or-RESPONSIBLE, then the smaller id."""
    return (not gid.startswith(KIND_GROUP_PREFIX), lead, total, [-ord(ch) for ch in gid])


def _facts(g: Any) -> _Facts:
    return derived(g, "responsibility_facts", _Facts)


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
    return _facts(g).view(city_iri, basis, families)


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
    facts = _facts(g)
    header = concept_header(c)
    per_city: dict[str, dict[str, dict[str, set[str]]]] = {}
    for city_iri, b, group, role, ms in facts.by_concept.get(c.iri, ()):
        if basis is None or b == basis:
            by_role = per_city.setdefault(city_iri, {}).setdefault(group, {})
            by_role[role] = by_role.get(role, set()) | ms
    rows = []
    for city_iri, city in g.index.cities.items():
        if city_iri in per_city:
            lead = facts.leader_of(header, per_city[city_iri])
            if lead.department_type is not None:
                rows.append(CityLeader(city_iri, city.name, lead))
    return Leaders(header, tuple(rows), facts.view(None, basis, None).leader(c.iri))


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
    facts = _facts(g)
    gid = facts.dts.resolve(department_type)
    if gid is None:
        return None
    m = responsibility_matrix(g, city, basis, families)
    if m is None:
        return None
    header = facts.dts.headers[gid]
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
    ix = g.index
    orgs = [o.iri for o in ix.organizations.values()
            if o.iri not in ix.registry_only and facts.dts.of(o) == gid
            and (m.city_iri is None or o.city_iri == m.city_iri or m.city_iri in o.named_in_iris)]
    return DepartmentProfile(header, m.city_iri, tuple(rows), tuple(orgs))


def matrix_csv(g: Any, city: str | None = None, basis: str | None = "EXPLICIT", families: bool | None = None) -> str:
    m = responsibility_matrix(g, city, basis, families)
    return m.to_csv() if m is not None else to_csv(["department_type"], [])
