"""What every analysis shares: the graph, concept and department-type lookups,
effective issuing dates, and small CSV helpers.

Every analysis takes a ``GraphState`` (``service.lifecycle.loading.load_graph()`` gives
one in a notebook) and caches its structures with ``GraphState.derived``, so
each is computed once per loaded graph and dropped with it on reload.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graph import vocab

from ..readmodel.index import INDUSTRY_SCHEME, MEASURE_TYPE_SCHEME, PREFIXES, GraphIndex
from ..readmodel.names import Suggester, unknown
from ..readmodel.records import Concept, Organization

DEPARTMENT_TYPE_SCHEME = str(vocab.DT)
KEY = "insights."  # prefix of every derived key of this package

_SCHEME_PREFIXES = {"mt:": MEASURE_TYPE_SCHEME, "ind:": INDUSTRY_SCHEME, "dt:": DEPARTMENT_TYPE_SCHEME}

# Organizations without a department type (county governments, "各有关单位",
# institutions) are grouped by their kind, so no responsibility is dropped.
KIND_GROUPS = {
    "GOVERNMENT_DEPARTMENT": ("其他政府部门", "Other government departments"),
    "LOCAL_GOVERNMENT": ("县(市、区)政府", "County and district governments"),
    "ADMINISTRATIVE_COMMITTEE": ("其他管委会", "Other administrative committees"),
    "COLLECTIVE": ("有关部门(泛指)", "Collective references (各有关单位 ...)"),
    "UNIVERSITY": ("高校", "Universities"),
    "RESEARCH_INSTITUTE": ("科研院所", "Research institutes"),
    "ENTERPRISE": ("企业", "Enterprises"),
    "FINANCIAL_INSTITUTION": ("金融机构", "Financial institutions"),
    "OTHER": ("其他", "Other"),
}
KIND_GROUP_PREFIX = "kind:"


EXPLICIT = "EXPLICIT"


def basis_scope(basis: str | None, include_inherited: bool = False) -> str | None:
    """The basis an analysis counts: the one asked for; else EXPLICIT only, or both (None) when
    ``include_inherited``. An issuer carried to every measure (INHERITED) would otherwise top
    every ranking and fill every matrix row with measures nobody assigned to it."""
    if basis is not None:
        return basis
    return None if include_inherited else EXPLICIT


@dataclass(frozen=True, slots=True)
class Header:
    """A row or column of a matrix: a city, concept or department type."""

    id: str
    label: str
    label_en: str
    iri: str | None = None


class _Memo:
    """This package's per-graph structures. GraphState.derived builds under one
    lock per graph, so the search index (seconds at 300 cities) would hold up
    every other structure; the package takes one derived slot and memoizes
    inside it with a lock per key: a structure may use another (search →
    citations) while unrelated ones are built concurrently. Dependencies are
    acyclic, so per-key locks cannot deadlock."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, g: Any, key: str, make: Callable[[Any], Any]) -> Any:
        value = self.values.get(key)
        if value is None:
            with self.lock:
                lock = self.locks.setdefault(key, threading.Lock())
            with lock:
                value = self.values.get(key)
                if value is None:
                    value = g.kept(KEY + key)  # made with the index file (precompute.py)
                    if value is None:
                        value = make(g)
                    self.values[key] = value
        return value


def is_built(g: Any, key: str) -> bool:
    """Whether the structure ``key`` of this graph is already computed."""
    memo = g.derived(KEY + "memo", lambda _g: _Memo())
    return memo.values.get(key) is not None


def derived(g: Any, key: str, make: Callable[[Any], Any]) -> Any:
    """A structure computed once per loaded graph (see ``_Memo``)."""
    memo: _Memo = g.derived(KEY + "memo", lambda _g: _Memo())
    return memo.get(g, key, make)


def state_parts(g: Any) -> tuple[GraphIndex, Any]:
    """(index, store) of a GraphState."""
    return g.index, g.store


def resolve_concept(g: Any, name: str | None, scheme: str = MEASURE_TYPE_SCHEME) -> Concept | None:
    """A concept by IRI, ``mt:id`` / ``ind:id``, local id, label or alternative label."""
    if name is None:
        return None
    ix = g.index
    text = name.strip()
    for prefix, ns in _SCHEME_PREFIXES.items():
        if text.startswith(prefix) and ns == scheme:
            hit = ix.concepts.get(ns + text[len(prefix):])
            if hit is not None:
                return hit
    if text in ix.concepts and ix.concepts[text].scheme == scheme:
        return ix.concepts[text]
    names = g.queries.names
    return names.measure_type(text) if scheme == MEASURE_TYPE_SCHEME else names.industry(text)


def concept_header(c: Concept) -> Header:
    return Header(c.id, c.label, c.label_en, c.iri)


def family_of(ix: GraphIndex, concept_iri: str) -> str:
    """The top concept above a concept (itself when it has no broader one)."""
    seen = {concept_iri}
    c = ix.concepts.get(concept_iri)
    while c is not None and c.broader_iri in ix.concepts and c.broader_iri not in seen:
        seen.add(c.broader_iri)
        c = ix.concepts[c.broader_iri]
    return c.iri if c is not None else concept_iri


def concept_order(ix: GraphIndex, iris: Iterable[str]) -> list[str]:
    """Concepts grouped by family (families first within their group), then by id."""
    def k(iri: str) -> tuple:
        c = ix.concepts[iri]
        fam = ix.concepts[family_of(ix, iri)]
        return (fam.id, c.broader_iri is not None, c.id)
    return sorted((i for i in iris if i in ix.concepts), key=k)


def policy_dates(g: Any) -> dict[str, str | None]:
    """Effective issuing date per corpus policy: an annex without its own date
    takes the date of the document it is annexed to."""
    def make(_g: Any) -> dict[str, str | None]:
        ix = _g.index
        out: dict[str, str | None] = {}
        for iri, p in ix.policies.items():
            date, seen, cur = p.issued, {iri}, p
            while date is None and cur.annex_of_iri in ix.policies and cur.annex_of_iri not in seen:
                seen.add(cur.annex_of_iri)
                cur = ix.policies[cur.annex_of_iri]
                date = cur.issued
            out[iri] = date[:10] if date else None
        return out
    return derived(g, "policy_dates", make)


@dataclass(frozen=True, slots=True)
class DepartmentTypes:
    """The department-type scheme (read from the store once) and each
    organization's group: its department type, or its kind when it has none."""

    headers: dict[str, Header]  # group id → header

    @staticmethod
    def of(org: Organization | None) -> str:
        """An organization's group, from its record: no table of every organization's group is kept
        (one per worker, growing with the corpus)."""
        if org is None:
            return KIND_GROUP_PREFIX + "OTHER"
        if org.department_type:
            return org.department_type.removeprefix(DEPARTMENT_TYPE_SCHEME)
        return KIND_GROUP_PREFIX + org.kind

    def resolve(self, name: str | None) -> str | None:
        """A group id from its id, ``dt:id``, IRI or Chinese/English label."""
        if name is None:
            return None
        text = name.strip()
        text = text.removeprefix("dt:")
        text = text.removeprefix(DEPARTMENT_TYPE_SCHEME)
        if text in self.headers:
            return text
        from ..readmodel.names import key

        k = key(text)
        for gid, h in self.headers.items():
            if k in (key(h.label), key(h.label_en), key(gid)):
                return gid
        return None


def department_types(g: Any) -> DepartmentTypes:
    def make(_g: Any) -> DepartmentTypes:
        ix, store = state_parts(_g)
        headers: dict[str, Header] = {}
        labels: dict[str, dict[str, str]] = {}
        for row in store.query(PREFIXES + f"""
            SELECT DISTINCT ?c ?label WHERE {{
              ?c skos:inScheme <{DEPARTMENT_TYPE_SCHEME}> .
              OPTIONAL {{ ?c skos:prefLabel ?label }}
            }}"""):
            iri = row["c"].value
            lab = row["label"]
            slot = labels.setdefault(iri, {})
            if lab is not None:
                lang = getattr(lab, "language", None) or "zh"
                slot.setdefault(lang, lab.value)
        for iri, lab in labels.items():
            gid = iri.removeprefix(DEPARTMENT_TYPE_SCHEME)
            headers[gid] = Header(gid, lab.get("zh") or gid, lab.get("en") or lab.get("zh") or gid, iri)
        for o in ix.organizations.values():  # a department type no scheme defines is a group of its own
            dt = o.department_type
            if dt:
                gid = dt.removeprefix(DEPARTMENT_TYPE_SCHEME)
                headers.setdefault(gid, Header(gid, gid, gid, dt))
        for kind, (zh, en) in KIND_GROUPS.items():
            headers[KIND_GROUP_PREFIX + kind] = Header(KIND_GROUP_PREFIX + kind, zh, en, None)
        return DepartmentTypes(headers)
    return derived(g, "department_types", make)


def to_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else _cell(v) for v in row])
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(round(v, 10))
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def check_names(g: Any, city: str | None = None, cities: list[str] | None = None, measure_type: str | None = None,
                organization: str | None = None, indicator: str | None = None,
                department_type: str | None = None) -> None:
    """Raise the names service's error (the argument named, the closest names offered) for the first
    name that resolves to nothing: the analyses here read an unknown name as "nothing there", so
    GraphQL and the CSV dashboards check their arguments first."""
    names = g.queries.names
    c = names.require_city(city)
    names.require_cities(cities)
    names.require_measure_type(measure_type)
    names.require_organizations(organization, c)
    if indicator:
        g.queries.check_indicator(indicator)
    if department_type is not None and department_types(g).resolve(department_type) is None:
        suggester = derived(g, "department-type-names", lambda _g: Suggester(
            (f, h.label) for h in department_types(_g).headers.values() for f in (h.label, h.label_en)))
        raise unknown("department type", department_type, "departmentType", suggester)
