"""The tallies behind the workload ranking and the matrix: the same numbers as counting the measures.

Each figure is counted again here the plain way, from the index's
responsibilities (sets of measure IRIs per scope), and compared with what
the ranking and the matrix read from the tallies, in every city and across
cities, for each basis and both.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from graph.model import WORK_ROLES
from service.insights import dashboards, matrix
from service.insights.common import KIND_GROUP_PREFIX, department_types
from service.insights.tallies import ANY, tallies
from service.lifecycle.loading import load_graph
from service.readmodel.index import MEASURE_TYPE_SCHEME

BASES = ["EXPLICIT", "INHERITED", None]


@pytest.fixture(scope="module")
def g():
    return load_graph()


def cities(g):
    return [None, *g.index.cities]


def in_scope(g, r, city_iri, basis):
    m = g.index.measures.get(r.measure_iri)
    return m is not None and (city_iri is None or m.city_iri == city_iri) and (basis is None or r.basis == basis)


def counted_workload(g, city_iri, basis):
    """org → (lead, responsible, cooperating, lead or responsible, any work role, explicit in any role)."""
    sets = defaultdict(lambda: defaultdict(set))
    for r in g.index.responsibilities.values():
        if in_scope(g, r, city_iri, basis):
            sets[r.organization_iri][r.role].add(r.measure_iri)
            if r.basis == "EXPLICIT":
                sets[r.organization_iri]["explicit"].add(r.measure_iri)
    out = {}
    for org, s in sets.items():
        lead, resp, coop = (s[x] for x in WORK_ROLES)
        if lead | resp | coop:
            out[org] = (len(lead), len(resp), len(coop), len(lead | resp), len(lead | resp | coop), len(s["explicit"]))
    return out


@pytest.mark.parametrize("basis", BASES)
def test_every_organizations_workload_is_its_measures_counted(g, basis):
    for city_iri in cities(g):
        rows = dashboards.workload(g, city=g.index.cities[city_iri].name if city_iri else None, basis=basis,
                                   collectives=True)
        got = {r.organization_iri: (r.lead, r.responsible, r.cooperating, r.lead_or_responsible, r.measures,
                                    r.explicit) for r in rows}
        assert got == counted_workload(g, city_iri, basis), city_iri
        keys = [(-r.lead_or_responsible, -r.lead, -r.measures, r.name) for r in rows]
        assert keys == sorted(keys)


def test_ranks_are_shared_by_ties_and_the_filters_narrow_the_same_ranking(g):
    rows = dashboards.workload(g, basis=None, collectives=True)
    assert len(rows) > 50
    for a, b in zip(rows, rows[1:]):
        same = (a.lead_or_responsible, a.lead, a.measures) == (b.lead_or_responsible, b.lead, b.measures)
        assert b.rank == (a.rank if same else rows.index(b) + 1)
    assert any(a.rank == b.rank for a, b in zip(rows, rows[1:]))  # the seeds have ties
    dts = department_types(g)
    for kind in ("GOVERNMENT_DEPARTMENT", "COLLECTIVE", "ENTERPRISE"):
        want = [r.organization_iri for r in rows if r.kind == kind]
        assert [r.organization_iri for r in dashboards.workload(g, kind=kind, basis=None)] == want
    assert [r.organization_iri for r in dashboards.workload(g, basis=None)] == \
        [r.organization_iri for r in rows if r.kind != "COLLECTIVE"]
    finance = dashboards.workload(g, department_type="财政局", basis=None)
    assert finance and all(dts.of(g.index.organizations[r.organization_iri]) == "finance" for r in finance)
    assert dashboards.workload(g, basis=None, first=5) == dashboards.workload(g, basis=None)[:5]


def counted_matrix(g, city_iri, basis):
    """concept → group → role → measures, a measure under its types and every broader one."""
    ix = g.index
    dts = department_types(g)

    def up(c):
        while c in ix.concepts:
            yield c
            c = ix.concepts[c].broader_iri

    cells = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for r in ix.responsibilities.values():
        if r.role in WORK_ROLES and in_scope(g, r, city_iri, basis):
            m = ix.measures[r.measure_iri]
            types = {a for c in m.measure_type_iris
                     if c in ix.concepts and ix.concepts[c].scheme == MEASURE_TYPE_SCHEME for a in up(c)}
            for c in types:
                cells[c][dts.of(ix.organizations.get(r.organization_iri))][r.role].add(m.iri)
    return cells


@pytest.mark.parametrize("basis", BASES)
def test_every_matrix_cell_and_column_is_its_measures_counted(g, basis):
    n = 0
    for city_iri in cities(g):
        m = matrix.responsibility_matrix(g, city=g.index.cities[city_iri].name if city_iri else None, basis=basis)
        want = counted_matrix(g, city_iri, basis)
        assert {h.iri for h in m.measure_types} == set(want)
        for j, mt in enumerate(m.measure_types):
            by_group = want[mt.iri]
            assert {h.id for i, h in enumerate(m.department_types) if m.total[i][j] or m.cooperating[i][j]} == \
                set(by_group)
            anyone = set()
            for i, dt in enumerate(m.department_types):
                roles = by_group.get(dt.id, {})
                lead, resp, coop = (roles.get(x, set()) for x in WORK_ROLES)
                assert (m.lead[i][j], m.responsible[i][j], m.cooperating[i][j], m.total[i][j]) == \
                    (len(lead), len(resp), len(coop), len(lead | resp))
                anyone |= lead | resp
                n += 1
            assert m.column_measures[j] == len(anyone)
            best = max(((not gid.startswith(KIND_GROUP_PREFIX), len(r.get("LEAD", ())),
                         len(r.get("LEAD", set()) | r.get("RESPONSIBLE", set())), [-ord(ch) for ch in gid]), gid)
                       for gid, r in by_group.items() if r.get("LEAD") or r.get("RESPONSIBLE")) if anyone else None
            leader = m.leaders[j].department_type
            assert (leader.id if leader else None) == (best[1] if best else None)
    assert n > 1000


def test_leaders_per_city_are_each_citys_matrix_leaders(g):
    for mt in ("科技金融与财税支持", "mt:family-enterprise", "揭榜挂帅"):
        for basis in BASES:
            got = matrix.leaders(g, mt, basis)
            assert got.cities
            for row in got.cities:
                m = matrix.responsibility_matrix(g, city=row.city_name, basis=basis)
                assert m.leader(got.measure_type.iri) == row.leader
            assert got.overall == matrix.responsibility_matrix(g, basis=basis).leader(got.measure_type.iri)


def test_across_cities_is_a_row_of_its_own_the_cities_sum(g):
    t = tallies(g)
    for basis in ("EXPLICIT", "INHERITED", ANY):
        every, b = t.codes_of(ANY, basis)
        (summed, whole), = t.rows(
            "SELECT (SELECT sum(lead + cooperating) FROM cell WHERE city != ? AND basis = ?), "
            "(SELECT sum(lead + cooperating) FROM cell WHERE city = ? AND basis = ?)", (every, b, every, b))
        assert summed == whole > 0, basis
        (summed, whole), = t.rows(
            "SELECT (SELECT sum(measures) FROM work WHERE city != ? AND basis = ?), "
            "(SELECT sum(measures) FROM work WHERE city = ? AND basis = ?)", (every, b, every, b))
        assert summed == whole > 0, basis
    assert t.codes_of("no such city", "EXPLICIT") is None and dashboards.workload(g, basis="NO SUCH BASIS") == []


def test_a_department_types_organizations_are_those_of_its_group_in_the_city(g):
    ix = g.index
    dts = department_types(g)
    groups = {dts.of(o) for o in ix.organizations.values()}
    assert len(groups) > 5
    n = 0
    for city_iri in cities(g):
        for gid in groups:
            profile = matrix.department_profile(g, gid, city=ix.cities[city_iri].name if city_iri else None)
            if profile is None:  # a kind group is no department type to ask for
                continue
            want = [o.iri for o in ix.organizations.values()
                    if o.iri not in ix.registry_only and dts.of(o) == gid
                    and (city_iri is None or o.city_iri == city_iri or city_iri in o.named_in_iris)]
            assert list(profile.organization_iris) == want, (gid, city_iri)
            n += len(want)
    assert n > 50


def test_an_organizations_group_is_its_department_type_else_its_kind(g):
    dts = department_types(g)
    for o in g.index.organizations.values():
        gid = dts.of(o)
        if o.department_type:
            assert dts.headers[gid].iri == o.department_type or gid == o.department_type.rsplit("/", 1)[-1]
        else:
            assert gid == KIND_GROUP_PREFIX + o.kind


def counted_tools(g, level, city_iris):
    """(row, column) → measures of the policy-tool matrices, counted from the measures' codings."""
    ix = g.index
    tools = ix.policy_tools()
    place = {t.iri: (t.broader_iri or t.iri) if level == "TYPE" else t.iri for t in tools}
    columns = [t.iri for t in tools if (t.broader_iri is None) == (level == "TYPE")]
    families = {c.iri for c in ix.measure_types() if c.broader_iri is None}
    family_of = {c.iri: c.broader_iri or c.iri for c in ix.measure_types()}
    by_city, by_family = defaultdict(set), defaultdict(set)
    for m in ix.measures.values():
        if m.city_iri in city_iris:
            for t in m.policy_tool_iris:
                if place.get(t) in columns:
                    by_city[(m.city_iri, place[t])].add(m.iri)
                    for f in {family_of[c] for c in m.measure_type_iris if c in family_of} & families:
                        by_family[(place[t], f)].add(m.iri)
    return columns, by_city, by_family


@pytest.mark.parametrize("level", ["TOOL", "TYPE"])
@pytest.mark.parametrize("names", [None, ["许昌", "常州"], ["漯河"]])
def test_the_policy_tool_matrices_are_the_coded_measures_counted(g, level, names):
    ix = g.index
    city_iris = list(ix.cities) if names is None else [g.queries.names.city(n).iri for n in names]
    columns, by_city, by_family = counted_tools(g, level, set(city_iris))
    m = dashboards.city_policy_tools(g, level, names)
    assert [h.iri for h in m.columns] == columns
    rows = [h.iri for h in m.rows]
    assert sorted(rows) == sorted(city_iris)
    for i, ci in enumerate(rows):
        assert m.cells[i] == [len(by_city[(ci, c)]) for c in columns]
        assert m.row_totals[i] == len(set().union(*(by_city[(ci, c)] for c in columns)))
    assert m.column_totals == [len(set().union(*(by_city[(ci, c)] for ci in rows))) for c in columns]
    assert sum(m.row_totals) > 0
    f = dashboards.policy_tool_families(g, level, names)
    assert [h.iri for h in f.rows] == columns
    fams = [h.iri for h in f.columns]
    assert f.cells == [[len(by_family[(t, fam)]) for fam in fams] for t in columns]
    assert f.row_totals == [len(set().union(*(by_family[(t, fam)] for fam in fams))) for t in columns]
    assert f.column_totals == [len(set().union(*(by_family[(t, fam)] for t in columns))) for fam in fams]
    assert sum(f.row_totals) > 0


@pytest.mark.parametrize("families", [False, True])
@pytest.mark.parametrize("names", [None, ["许昌", "承德"]])
@pytest.mark.parametrize("scheme", ["measure types", "industries"])
def test_the_count_matrices_are_the_measures_counted(g, families, names, scheme):
    ix = g.index
    make = dashboards.city_measure_types if scheme == "measure types" else dashboards.city_industries
    m = make(g, families=families, cities=names)
    city_iris = [h.iri for h in m.rows]
    assert sorted(city_iris) == sorted(ix.cities if names is None else (g.queries.names.city(n).iri for n in names))
    want_scheme = {"measure types": "measure-type", "industries": "industry"}[scheme]
    by_cell = defaultdict(set)
    for c, ms in ix.measures_by_concept.items():
        concept = ix.concepts[c]
        if f"/scheme/{want_scheme}/" not in concept.scheme:
            continue
        if (concept.broader_iri is None) if families else not concept.narrower_iris:
            for x in ms:
                if ix.measures[x].city_iri in city_iris:
                    by_cell[(ix.measures[x].city_iri, c)].add(x)
    columns = {c for _ci, c in by_cell}
    assert {h.iri for h in m.columns} == columns and columns
    for i, ci in enumerate(city_iris):
        assert m.cells[i] == [len(by_cell[(ci, h.iri)]) for h in m.columns]
        assert m.row_totals[i] == len(set().union(*(by_cell[(ci, h.iri)] for h in m.columns)))
    assert m.column_totals == [len(set().union(*(by_cell[(ci, h.iri)] for ci in city_iris))) for h in m.columns]
