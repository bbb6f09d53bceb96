"""Responsibilities counted by city, in SQLite: what the workload ranking and the matrix add up.

The workload ranking and the responsibility matrix count distinct measures
(per organization, or per department type and measure type), by role, in one
city or across cities, for one basis or both. Held as Python sets of measure
IRIs they cost a worker +76 and +121 MiB at 3,000 documents, ~2 GB at
national scale, unpickled whole on the first request for either.

A measure belongs to one city, so a count across cities is the sum of the
cities' counts; only the union across bases and roles has to be counted
ahead. The tables hold those counts per city and per basis scope, and one
more row for every city together (city ``ANY``) and both bases together
(basis ``ANY``), so that any request reads the rows of one (city, basis):

- ``work``: per organization, its LEAD, RESPONSIBLE and COOPERATING measures,
  LEAD or RESPONSIBLE, any role, and those assigned EXPLICITly, with what a
  ranking shows of it (name, kind, department-type group, home city) and
  ``pos``, the order it was first met in (the ranking's last tie-break);
- ``cell``: per (measure type, department-type group), the matrix's four
  counts; a measure counts under its types and every broader one;
- ``typed``: per measure type, the measures anyone leads or is responsible for;
- ``member``: the organizations of each group in each city they are of or named in
  (the reverse view's list), in the index's order.

It is a database of the graph (databases.py): a file of the start-up cache
entry that the workers share, or in memory.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from graph.model import WORK_ROLES

from ..readmodel.index import MEASURE_TYPE_SCHEME
from .common import department_types, derived
from .databases import GraphDatabase

TALLIES_FILE = "tallies.sqlite"  # in a start-up cache entry, beside its index file
ANY = "*"  # the city or basis of a row that counts them all (no city IRI or basis is "*")
LEAD, RESPONSIBLE = WORK_ROLES[:2]


def _bases(basis: str) -> tuple[str, str]:
    return basis, ANY


def _counts(by_role: dict[str, set[str]]) -> tuple[int, int, int, int, int]:
    """(lead, responsible, cooperating, lead or responsible, any role) of one group's measures by role."""
    lead, resp, coop = (by_role.get(r, set()) for r in WORK_ROLES)
    lor = lead | resp
    return len(lead), len(resp), len(coop), len(lor), len(lor | coop)


class Tallies(GraphDatabase):
    """The tables above, and the queries the workload ranking and the matrix make of them."""

    FILE = TALLIES_FILE

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        con.execute("CREATE TABLE work (city TEXT NOT NULL, basis TEXT NOT NULL, org TEXT NOT NULL, "
                    "lead INTEGER, responsible INTEGER, cooperating INTEGER, lead_or_responsible INTEGER, "
                    "measures INTEGER, explicit INTEGER, name TEXT, kind TEXT, grp TEXT, home TEXT, pos INTEGER)")
        con.execute("CREATE TABLE cell (city TEXT NOT NULL, basis TEXT NOT NULL, concept TEXT NOT NULL, "
                    "grp TEXT NOT NULL, lead INTEGER, responsible INTEGER, cooperating INTEGER, total INTEGER)")
        con.execute("CREATE TABLE typed (city TEXT NOT NULL, basis TEXT NOT NULL, concept TEXT NOT NULL, "
                    "measures INTEGER)")
        con.execute("CREATE TABLE member (grp TEXT NOT NULL, city TEXT NOT NULL, org TEXT NOT NULL, pos INTEGER)")
        with con:
            con.executemany("INSERT INTO work VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _work_rows(g))
            cells, columns = _matrix_rows(g)
            con.executemany("INSERT INTO cell VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cells)
            con.executemany("INSERT INTO typed VALUES (?, ?, ?, ?)", columns)
            con.executemany("INSERT INTO member VALUES (?, ?, ?, ?)", _member_rows(g))
            # a ranking walks this index in its order and stops at the page asked for
            con.execute("CREATE INDEX work_rank ON work (city, basis, lead_or_responsible DESC, lead DESC, "
                        "measures DESC, name, pos)")
            con.execute("CREATE INDEX cell_scope ON cell (city, basis)")
            con.execute("CREATE INDEX cell_concept ON cell (concept, basis)")
            con.execute("CREATE INDEX typed_scope ON typed (city, basis, concept)")
            con.execute("CREATE INDEX member_scope ON member (grp, city, pos)")

    # -- the workload ranking ---------------------------------------------------------------------

    def ranking(self, city: str, basis: str, kind: str | None, group: str | None, collectives: bool,
                first: int | None) -> list[tuple]:
        """(org, name, kind, group, home, lead, responsible, cooperating, lead or responsible, any role,
        explicit) in ranking order: most measures led or held, then led, then in any role, then by name."""
        where, params = ["city = ?", "basis = ?"], [city, basis]
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        elif not collectives:
            where.append("kind != 'COLLECTIVE'")
        if group is not None:
            where.append("grp = ?")
            params.append(group)
        limit = ""
        if first is not None:
            limit = " LIMIT ?"
            params.append(first)
        return self.rows(
            "SELECT org, name, kind, grp, home, lead, responsible, cooperating, lead_or_responsible, measures, "
            f"explicit FROM work WHERE {' AND '.join(where)} AND measures > 0 "
            f"ORDER BY lead_or_responsible DESC, lead DESC, measures DESC, name, pos{limit}", params)

    # -- the responsibility matrix ----------------------------------------------------------------

    def cells(self, city: str, basis: str) -> list[tuple[str, str, int, int, int, int]]:
        """(concept, group, lead, responsible, cooperating, total) of one scope."""
        return self.rows("SELECT concept, grp, lead, responsible, cooperating, total FROM cell "
                         "WHERE city = ? AND basis = ?", (city, basis))

    def columns(self, city: str, basis: str) -> dict[str, int]:
        """Per measure type of one scope, the measures anyone leads or is responsible for."""
        return dict(self.rows("SELECT concept, measures FROM typed WHERE city = ? AND basis = ?", (city, basis)))

    def by_city(self, concept: str, basis: str) -> list[tuple[str, str, int, int, int]]:
        """(city, group, lead, responsible, total) of one measure type in each city."""
        return self.rows("SELECT city, grp, lead, responsible, total FROM cell "
                         "WHERE concept = ? AND basis = ? AND city != ?", (concept, basis, ANY))

    def column_by_city(self, concept: str, basis: str) -> dict[str, int]:
        return dict(self.rows("SELECT city, measures FROM typed WHERE concept = ? AND basis = ? AND city != ?",
                              (concept, basis, ANY)))

    def members(self, group: str, city: str) -> list[str]:
        """The organizations of a group in a city (``ANY``: everywhere), in the index's order."""
        return [o for (o,) in self.rows("SELECT org FROM member WHERE grp = ? AND city = ? ORDER BY pos",
                                        (group, city))]


def _work_rows(g: Any) -> Iterator[tuple]:
    """``work``'s rows: per organization, city and basis scope, then the cities summed (city ANY)."""
    ix = g.index
    # org → city of the measure → basis scope → role → measures (every role: ``explicit`` counts a
    # SUPERVISING one too, as the ranking always has; the role columns count WORK_ROLES)
    sets: dict[str, dict[str, dict[str, dict[str, set[str]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
    for r in ix.responsibilities.values():
        m = ix.measures.get(r.measure_iri)
        if m is not None:
            by_basis = sets[r.organization_iri][m.city_iri or ""]
            for b in _bases(r.basis):
                by_basis[b][r.role].add(m.iri)
    dts = department_types(g)
    for pos, (org_iri, by_city) in enumerate(sets.items()):
        o = ix.organizations.get(org_iri)
        if o is None:  # a responsibility's organization without a record: nothing to rank it by
            continue
        shown = (o.name, o.kind, dts.of(o), o.city_iri, pos)
        summed: dict[str, list[int]] = {}
        for city, by_basis in by_city.items():
            for b, by_role in by_basis.items():
                explicit = by_role if b == "EXPLICIT" else by_basis.get("EXPLICIT", {}) if b == ANY else {}
                row = (*_counts(by_role), len(set().union(*explicit.values())))
                yield (city, b, org_iri, *row, *shown)
                total = summed.setdefault(b, [0] * len(row))
                for i, n in enumerate(row):
                    total[i] += n
        for b, row in summed.items():
            yield (ANY, b, org_iri, *row, *shown)


def _member_rows(g: Any) -> Iterator[tuple[str, str, str, int]]:
    """``member``'s rows: each listed organization under its group, in its home city, every city that
    names it, and ANY."""
    ix = g.index
    dts = department_types(g)
    for pos, o in enumerate(ix.organizations.values()):
        if o.iri not in ix.registry_only:
            group = dts.of(o)
            for city in sorted({ANY, *(c for c in (o.city_iri, *o.named_in_iris) if c)}):
                yield group, city, o.iri, pos


def _matrix_rows(g: Any) -> tuple[list[tuple], list[tuple]]:
    """``cell``'s and ``typed``'s rows: per city and basis scope, then the cities summed (city ANY)."""
    ix = g.index
    dts = department_types(g)
    ancestors: dict[str, tuple[str, ...]] = {}

    def up(c: str) -> tuple[str, ...]:
        """A measure type and every broader one."""
        if c not in ancestors:
            chain, seen, cur = [c], {c}, ix.concepts.get(c)
            while cur is not None and cur.broader_iri in ix.concepts and cur.broader_iri not in seen:
                seen.add(cur.broader_iri)
                chain.append(cur.broader_iri)
                cur = ix.concepts[cur.broader_iri]
            ancestors[c] = tuple(chain)
        return ancestors[c]

    concepts_of: dict[str, tuple[str, ...]] = {}
    # (city, basis) → concept → group → role → measures
    sets: dict[tuple[str, str], dict[str, dict[str, dict[str, set[str]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
    for r in ix.responsibilities.values():
        m = ix.measures.get(r.measure_iri)
        if m is None or r.role not in WORK_ROLES:
            continue
        cs = concepts_of.get(m.iri)
        if cs is None:
            found: dict[str, None] = {}
            for c in m.measure_type_iris:
                if c in ix.concepts and ix.concepts[c].scheme == MEASURE_TYPE_SCHEME:
                    found.update(dict.fromkeys(up(c)))
            cs = concepts_of[m.iri] = tuple(found)
        group = dts.of(ix.organizations.get(r.organization_iri))
        for b in _bases(r.basis):
            by_concept = sets[(m.city_iri or "", b)]
            for c in cs:
                by_concept[c][group][r.role].add(m.iri)
    cells: list[tuple] = []
    columns: list[tuple] = []
    cell_sum: dict[tuple[str, str, str], list[int]] = {}
    column_sum: dict[tuple[str, str], int] = {}
    for (city, b), by_concept in sets.items():
        for c, by_group in by_concept.items():
            anyone: set[str] = set()
            for group, by_role in by_group.items():
                lead, resp, coop, lor, _every = _counts(by_role)
                cells.append((city, b, c, group, lead, resp, coop, lor))
                total = cell_sum.setdefault((b, c, group), [0, 0, 0, 0])
                for i, n in enumerate((lead, resp, coop, lor)):
                    total[i] += n
                anyone |= by_role.get(LEAD, set()) | by_role.get(RESPONSIBLE, set())
            columns.append((city, b, c, len(anyone)))
            column_sum[(b, c)] = column_sum.get((b, c), 0) + len(anyone)
    cells += [(ANY, b, c, group, *n) for (b, c, group), n in cell_sum.items()]
    columns += [(ANY, b, c, n) for (b, c), n in column_sum.items()]
    return cells, columns


def tallies(g: Any) -> Tallies:
    return derived(g, "tallies", Tallies)
