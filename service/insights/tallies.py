"""Counts by city, in SQLite: what the workload ranking, the responsibility matrix, the count
matrices and the policy-tool matrices add up.

The workload ranking and the responsibility matrix count distinct measures
(per organization, or per department type and measure type), by role, in one
city or across cities, for one basis or both. Held as Python sets of measure
IRIs they cost a worker +76 and +121 MiB at 3,000 documents, ~2 GB at
national scale, unpickled whole on the first request for either.

A measure belongs to one city, so a count across cities is the sum of the
cities' counts; only the unions (across bases, roles, tools, families or
concepts) have to be counted ahead. The tables hold those counts per city
(and per basis scope), and one more row for every city together (city
``ANY``) and both bases together (basis ``ANY``), so that a request reads
the rows of one scope:

- ``work``: per organization, its LEAD, RESPONSIBLE and COOPERATING measures,
  LEAD or RESPONSIBLE, any role, and those assigned EXPLICITly, with what a
  ranking shows of it (name, kind, department-type group, home city) and
  ``pos``, the order it was first met in (the ranking's last tie-break);
- ``cell``: per (measure type, department-type group), the matrix's four
  counts; a measure counts under its types and every broader one;
- ``typed``: per measure type, the measures anyone leads or is responsible for;
- ``member``: the organizations of each group in each city they are of or named in
  (the reverse view's list), in the index's order;
- ``concept_cell`` and ``concept_total``: per measure type or industry (a family with its members),
  a city's measures, and the city's distinct measures over the leaf or the top concepts (the count
  matrices' row totals). Counts by city, not the measures' IRIs a worker read per concept before;
- ``tool``: per policy-tool column (a sub-tool, or a type at ``level`` TYPE), the
  measures coded with it, with it and a measure-type family, and the unions a
  matrix's totals count (``tool_rows``). The coded measures, each worker's own
  list before, grew with the corpus (+33 MiB at 3,000 documents).

It is a database of the graph (databases.py): a file of the start-up cache
entry that the workers share, or in memory.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from graph.model import WORK_ROLES

from ..readmodel.index import INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME
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
    """The tables above, and the queries the analyses make of them.

    Cities, bases, measure types, groups and kinds are small integers in the tables (``names`` in
    memory, a few hundred to a few thousand strings): the same IRIs in every row made the file
    145 MiB at 3,000 documents. The tables a request reads by a key are clustered by it (``WITHOUT
    ROWID``), and the matrix's second way in, by measure type, is a covering index: one request
    reads a few contiguous pages, not a row on a page of its own for each city.
    """

    FILE = TALLIES_FILE

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        codes: dict[str, int] = {}

        def code(name: str | None) -> int | None:
            return None if name is None else codes.setdefault(name, len(codes))

        def coded(rows: Iterator[tuple], at: tuple[int, ...]) -> Iterator[tuple]:
            for row in rows:
                yield tuple(code(v) if i in at else v for i, v in enumerate(row))

        con.execute("CREATE TABLE work (city INTEGER NOT NULL, basis INTEGER NOT NULL, org TEXT NOT NULL, "
                    "lead INTEGER, responsible INTEGER, cooperating INTEGER, lead_or_responsible INTEGER, "
                    "measures INTEGER, explicit INTEGER, name TEXT, kind INTEGER, grp INTEGER, home INTEGER, "
                    "pos INTEGER)")
        con.execute("CREATE TABLE cell (city INTEGER, basis INTEGER, concept INTEGER, grp INTEGER, lead INTEGER, "
                    "responsible INTEGER, cooperating INTEGER, total INTEGER, "
                    "PRIMARY KEY (city, basis, concept, grp)) WITHOUT ROWID")
        con.execute("CREATE TABLE typed (city INTEGER, basis INTEGER, concept INTEGER, measures INTEGER, "
                    "PRIMARY KEY (city, basis, concept)) WITHOUT ROWID")
        con.execute("CREATE TABLE member (grp INTEGER, city INTEGER, pos INTEGER, org TEXT NOT NULL, "
                    "PRIMARY KEY (grp, city, pos)) WITHOUT ROWID")
        con.execute("CREATE TABLE tool (level INTEGER, city INTEGER, tool INTEGER, family INTEGER, n INTEGER, "
                    "PRIMARY KEY (level, city, tool, family)) WITHOUT ROWID")
        con.execute("CREATE TABLE concept_cell (scheme INTEGER, city INTEGER, concept INTEGER, n INTEGER, "
                    "PRIMARY KEY (scheme, city, concept)) WITHOUT ROWID")
        con.execute("CREATE TABLE concept_total (scheme INTEGER, families INTEGER, city INTEGER, n INTEGER, "
                    "PRIMARY KEY (scheme, families, city)) WITHOUT ROWID")
        with con:
            con.executemany("INSERT INTO work VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            coded(_work_rows(g), (0, 1, 10, 11, 12)))
            for cells, columns in _matrix_rows(g):  # a city's rows at a time
                con.executemany("INSERT INTO cell VALUES (?, ?, ?, ?, ?, ?, ?, ?)", coded(iter(cells), (0, 1, 2, 3)))
                con.executemany("INSERT INTO typed VALUES (?, ?, ?, ?)", coded(iter(columns), (0, 1, 2)))
            con.executemany("INSERT INTO member VALUES (?, ?, ?, ?)", coded(_member_rows(g), (0, 1)))
            con.executemany("INSERT INTO tool VALUES (?, ?, ?, ?, ?)", coded(tool_rows(g), (0, 1, 2, 3)))
            cells, totals = concept_rows(g)
            con.executemany("INSERT INTO concept_cell VALUES (?, ?, ?, ?)", coded(iter(cells), (0, 1, 2)))
            con.executemany("INSERT INTO concept_total VALUES (?, ?, ?, ?)", coded(iter(totals), (0, 2)))
            # a ranking walks this index in its order and stops at the page asked for
            con.execute("CREATE INDEX work_rank ON work (city, basis, lead_or_responsible DESC, lead DESC, "
                        "measures DESC, name, pos)")
            # one measure type in every city (the leaders): the index holds all it reads (and city, grp)
            con.execute("CREATE INDEX cell_concept ON cell (concept, basis, lead, total)")
            con.execute("CREATE INDEX typed_concept ON typed (concept, basis, measures)")
            con.execute("CREATE TABLE names (code INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            con.executemany("INSERT INTO names VALUES (?, ?)", ((c, n) for n, c in codes.items()))

    @property
    def names(self) -> list[str]:
        """Code → name, read from the database once per process (not kept in the pickle)."""
        return self._vocabulary()[0]

    @property
    def codes(self) -> dict[str, int]:
        """Name → code."""
        return self._vocabulary()[1]

    def _vocabulary(self) -> tuple[list[str], dict[str, int]]:
        known = self.__dict__.get("_known")
        if known is None:  # two threads may both read it: the same list either way
            names = [n for (n,) in self.rows("SELECT name FROM names ORDER BY code")]
            known = self._known = (names, {n: c for c, n in enumerate(names)})
        return known

    def codes_of(self, *names: str | None) -> tuple[int, ...] | None:
        """The codes of ``names``, or None when one is in no row (nothing to find)."""
        codes = self.codes
        out = tuple(codes.get(n, -1) for n in names)
        return None if -1 in out else out

    def _name(self, c: int | None) -> str | None:
        return None if c is None else self.names[c]

    # -- the workload ranking ---------------------------------------------------------------------

    def ranking(self, city: str, basis: str, kind: str | None, group: str | None, collectives: bool,
                first: int | None) -> list[tuple]:
        """(org, name, kind, group, home, lead, responsible, cooperating, lead or responsible, any role,
        explicit) in ranking order: most measures led or held, then led, then in any role, then by name."""
        scope = self.codes_of(city, basis)
        if scope is None:
            return []
        where, params = ["city = ?", "basis = ?"], list(scope)
        for column, value in (("kind", kind), ("grp", group)):
            if value is not None:
                if value not in self.codes:
                    return []
                where.append(f"{column} = ?")
                params.append(self.codes[value])
        if kind is None and not collectives and "COLLECTIVE" in self.codes:
            where.append("kind != ?")
            params.append(self.codes["COLLECTIVE"])
        limit = ""
        if first is not None:
            limit = " LIMIT ?"
            params.append(first)
        rows = self.rows(
            "SELECT org, name, kind, grp, home, lead, responsible, cooperating, lead_or_responsible, measures, "
            f"explicit FROM work WHERE {' AND '.join(where)} AND measures > 0 "
            f"ORDER BY lead_or_responsible DESC, lead DESC, measures DESC, name, pos{limit}", params)
        return [(org, name, self._name(k), self._name(grp), self._name(home), *counts)
                for org, name, k, grp, home, *counts in rows]

    # -- the responsibility matrix ----------------------------------------------------------------

    def cells(self, city: str, basis: str) -> list[tuple[str, str, int, int, int, int]]:
        """(concept, group, lead, responsible, cooperating, total) of one scope."""
        scope = self.codes_of(city, basis)
        if scope is None:
            return []
        return [(self.names[c], self.names[grp], *counts) for c, grp, *counts in self.rows(
            "SELECT concept, grp, lead, responsible, cooperating, total FROM cell WHERE city = ? AND basis = ?",
            scope)]

    def columns(self, city: str, basis: str) -> dict[str, int]:
        """Per measure type of one scope, the measures anyone leads or is responsible for."""
        scope = self.codes_of(city, basis)
        if scope is None:
            return {}
        return {self.names[c]: n for c, n in self.rows(
            "SELECT concept, measures FROM typed WHERE city = ? AND basis = ?", scope)}

    def by_city(self, concept: str, basis: str) -> list[tuple[str, str, int, int]]:
        """(city, group, lead, total) of one measure type in each city."""
        key = self.codes_of(concept, basis, ANY)
        if key is None:
            return []
        return [(self.names[city], self.names[grp], lead, total) for city, grp, lead, total in self.rows(
            "SELECT city, grp, lead, total FROM cell WHERE concept = ? AND basis = ? AND city != ?", key)]

    def column_by_city(self, concept: str, basis: str) -> dict[str, int]:
        key = self.codes_of(concept, basis, ANY)
        if key is None:
            return {}
        return {self.names[city]: n for city, n in self.rows(
            "SELECT city, measures FROM typed WHERE concept = ? AND basis = ? AND city != ?", key)}

    # -- the policy-tool matrices -----------------------------------------------------------------

    def tools(self, level: str, cities: list[str]) -> dict[tuple[str, str, str], int]:
        """(city, tool, family) → count of ``tool_rows``, for each of ``cities`` (``ANY``: all of them)."""
        lv = self.codes_of(level)
        if lv is None:
            return {}
        return {(self.names[city], self.names[tool], self.names[family]): n for city, tool, family, n in
                self._in_cities("SELECT city, tool, family, n FROM tool WHERE level = ? AND city IN", lv, cities)}

    # -- the count matrices -------------------------------------------------------------------------

    def _in_cities(self, sql: str, head: tuple, cities: list[str]) -> Iterator[tuple]:
        """``sql`` (ending ``city IN``) over the known ``cities``."""
        return self.rows_in(sql, head, [c for c in (self.codes.get(city) for city in cities) if c is not None])

    def concept_cells(self, scheme: str, cities: list[str]) -> dict[tuple[str, str], int]:
        """(city, concept) → the city's measures of the concept (or of a narrower one)."""
        sc = self.codes_of(scheme)
        if sc is None:
            return {}
        return {(self.names[city], self.names[c]): n for city, c, n in self._in_cities(
            "SELECT city, concept, n FROM concept_cell WHERE scheme = ? AND city IN", sc, cities)}

    def concept_totals(self, scheme: str, families: bool, cities: list[str]) -> dict[str, int]:
        """city → its distinct measures of the top (``families``) or the leaf concepts."""
        sc = self.codes_of(scheme)
        if sc is None:
            return {}
        return {self.names[city]: n for city, n in self._in_cities(
            "SELECT city, n FROM concept_total WHERE scheme = ? AND families = ? AND city IN", (*sc, int(families)),
            cities)}

    def members(self, group: str, city: str) -> list[str]:
        """The organizations of a group in a city (``ANY``: everywhere), in the index's order."""
        key = self.codes_of(group, city)
        if key is None:
            return []
        return [o for (o,) in self.rows("SELECT org FROM member WHERE grp = ? AND city = ? ORDER BY pos", key)]


def _by_city(ix: Any) -> Iterator[tuple[str, list[tuple[Any, Any]]]]:
    """Each city's (responsibility, measure) pairs, a city at a time. A measure is in one city, so the
    distinct measures of a city's scope need that city's responsibilities only: no set of measures of the
    whole corpus is held (they added 105 MiB at 3,000 documents while an entry was made)."""
    for city, iris in ix.resp_by_city.items():
        pairs = [(r, ix.measures[r.measure_iri]) for r in (ix.responsibilities[i] for i in iris)]
        yield city or "", pairs


def _work_rows(g: Any) -> Iterator[tuple]:
    """``work``'s rows: per organization, city and basis scope, then the cities summed (city ANY)."""
    ix = g.index
    # an organization's place: where the corpus's responsibilities first name it (the ranking's last tie-break)
    positions: dict[str, int] = {}
    for r in ix.responsibilities.values():
        if r.measure_iri in ix.measures:
            positions.setdefault(r.organization_iri, len(positions))
    dts = department_types(g)
    shown: dict[str, tuple | None] = {}

    def shown_of(org_iri: str) -> tuple | None:
        if org_iri not in shown:
            o = ix.organizations.get(org_iri)  # none: a responsibility's organization without a record
            shown[org_iri] = None if o is None else (o.name, o.kind, dts.of(o), o.city_iri, positions[org_iri])
        return shown[org_iri]

    summed: dict[str, dict[str, list[int]]] = {}
    for city, pairs in _by_city(ix):
        # org → basis scope → role → the city's measures (every role: ``explicit`` counts a SUPERVISING
        # one too, as the ranking always has; the role columns count WORK_ROLES)
        sets: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        for r, m in pairs:
            for b in _bases(r.basis):
                sets[r.organization_iri][b][r.role].add(m.iri)
        for org_iri, by_basis in sets.items():
            if shown_of(org_iri) is None:
                continue
            for b, by_role in by_basis.items():
                explicit = by_role if b == "EXPLICIT" else by_basis.get("EXPLICIT", {}) if b == ANY else {}
                row = (*_counts(by_role), len(set().union(*explicit.values())))
                yield (city, b, org_iri, *row, *shown_of(org_iri))
                total = summed.setdefault(org_iri, {}).setdefault(b, [0] * len(row))
                for i, n in enumerate(row):
                    total[i] += n
    for org_iri, by_basis in summed.items():
        for b, row in by_basis.items():
            yield (ANY, b, org_iri, *row, *shown_of(org_iri))


def _member_rows(g: Any) -> Iterator[tuple[str, str, int, str]]:
    """``member``'s rows: each listed organization under its group, in its home city, every city that
    names it, and ANY."""
    ix = g.index
    dts = department_types(g)
    for pos, o in enumerate(ix.organizations.values()):
        if o.iri not in ix.registry_only:
            group = dts.of(o)
            for city in sorted({ANY, *(c for c in (o.city_iri, *o.named_in_iris) if c)}):
                yield group, city, pos, o.iri


TOOL_LEVELS = ("TOOL", "TYPE")  # the sub-tools (人才培养 …), or the three types (供给型, 环境型, 需求型)
NONE = ""  # the tool or family of a ``tool`` row that is a union over them


def tool_places(ix: Any, level: str) -> tuple[list[str], dict[str, str]]:
    """The tool axis of a level in the scheme's order, and each tool's place on it."""
    tools = ix.policy_tools()
    if level == "TYPE":
        return [t.iri for t in tools if t.broader_iri is None], {t.iri: t.broader_iri or t.iri for t in tools}
    return [t.iri for t in tools if t.broader_iri is not None], {t.iri: t.iri for t in tools}


def tool_rows(g: Any) -> Iterator[tuple[str, str, str, str, int]]:
    """``tool``'s rows (level, city, tool, family, count of distinct measures), per city, then ANY:

    - (tool, NONE): coded with the tool; (NONE, NONE): with any tool of the axis (a city's total);
    - (tool, family): coded with the tool and carrying a measure type of the family; (tool, ANY): with
      the tool and any family; (NONE, family): the family's union over tools.

    A measure is in one city, so the counts of several cities add up.
    """
    ix = g.index
    families = {c.iri for c in ix.measure_types() if c.broader_iri is None}  # the matrix's columns
    family_of = {c.iri: c.broader_iri or c.iri for c in ix.measure_types()}
    for level in TOOL_LEVELS:
        columns, place = tool_places(ix, level)
        wanted = set(columns)
        summed: dict[tuple[str, str], int] = defaultdict(int)
        # city → (tool, family) → measures
        sets: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        for m in ix.measures.values():
            cols = {place[t] for t in m.policy_tool_iris if t in place} & wanted
            if not cols:
                continue
            fams = {family_of[c] for c in m.measure_type_iris if c in family_of} & families
            cell = sets[m.city_iri]
            cell[(NONE, NONE)].add(m.iri)
            for col in cols:
                cell[(col, NONE)].add(m.iri)
                for f in fams:
                    cell[(col, f)].add(m.iri)
                    cell[(NONE, f)].add(m.iri)
                if fams:
                    cell[(col, ANY)].add(m.iri)
        for city, cell in sets.items():
            for (col, f), ms in cell.items():
                yield level, city, col, f, len(ms)
                summed[(col, f)] += len(ms)
        for (col, f), n in summed.items():
            yield level, ANY, col, f, n


def concept_rows(g: Any) -> tuple[list[tuple], list[tuple]]:
    """``concept_cell``'s rows (scheme, city, concept, measures) for measure types and industries, and
    ``concept_total``'s (scheme, families, city, distinct measures over the top or the leaf concepts)."""
    ix = g.index
    cells: list[tuple] = []
    totals: list[tuple] = []
    for scheme in (MEASURE_TYPE_SCHEME, INDUSTRY_SCHEME):
        union: dict[tuple[bool, str], set[str]] = defaultdict(set)
        for c, ms in ix.measures_by_concept.items():
            concept = ix.concepts[c]
            if concept.scheme != scheme or not ms:
                continue
            per_city: dict[str, list[str]] = defaultdict(list)
            for m in ms:
                per_city[ix.measures[m].city_iri].append(m)
            for city, those in per_city.items():
                cells.append((scheme, city, c, len(those)))
                if concept.broader_iri is None:
                    union[(True, city)].update(those)
                if not concept.narrower_iris:
                    union[(False, city)].update(those)
        totals += [(scheme, int(families), city, len(ms)) for (families, city), ms in union.items()]
    return cells, totals


def _matrix_rows(g: Any) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """``cell``'s and ``typed``'s rows, a city's at a time: per city and basis scope, then the cities summed
    (city ANY)."""
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

    cell_sum: dict[tuple[str, str, str], list[int]] = {}
    column_sum: dict[tuple[str, str], int] = {}
    for city, pairs in _by_city(ix):
        cells: list[tuple] = []
        columns: list[tuple] = []
        concepts_of: dict[str, tuple[str, ...]] = {}
        # basis → concept → group → role → the city's measures
        sets: dict[str, dict[str, dict[str, dict[str, set[str]]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
        for r, m in pairs:
            if r.role not in WORK_ROLES:
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
                by_concept = sets[b]
                for c in cs:
                    by_concept[c][group][r.role].add(m.iri)
        for b, by_concept in sets.items():
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
        yield cells, columns
    yield ([(ANY, b, c, group, *n) for (b, c, group), n in cell_sum.items()],
           [(ANY, b, c, n) for (b, c), n in column_sum.items()])


def tallies(g: Any) -> Tallies:
    return derived(g, "tallies", Tallies)
