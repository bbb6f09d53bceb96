"""The network views, each a networkx graph built from chosen measures.

Every node is keyed by its IRI and carries ``label`` (Chinese), ``labelEn``,
``kind`` and ``city`` (short Chinese name, "" for national bodies and
concepts); every edge carries ``relation`` and ``role``, and ``weight`` where
the view aggregates. Attribute values are only str, int and float, the types
every export format can hold; nodes and edges are inserted in a fixed order,
so the same corpus and filters give the same bytes in every format.

    view               nodes                          edge relation / role            weight
    responsibility     organization|institution,      responsibleFor / LEAD,           -
                       measure                        RESPONSIBLE, COOPERATING,
                                                      SUPERVISING (a multigraph: one
                                                      edge per organization, measure
                                                      and role, keyed by the
                                                      responsibility's IRI)
    co-responsibility  organization|institution      coResponsibleWith / PARTNER      shared measures
    city-measure-type  city, measureType              hasMeasureType / ADOPTS          measures
    city-institution   city, institution              involvesInstitution / strongest  measures
                                                      role or INVOLVED
    city-similarity    city                           similarTo / SIMILAR              shared measure types
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Callable, Iterable

import networkx as nx
import numpy as np

from . import metrics
from .filters import Filters, Selection, select
from .names import Names
from ..model import ROLE_RANK, WORK_ROLES, Span
from .records import Classification, Corpus, Measure, Organization

KIND_ORDER = {"city": 0, "organization": 1, "institution": 2, "measureType": 3, "industry": 4, "measure": 5}


@dataclass(frozen=True)
class View:
    name: str
    filters: Filters
    graph: nx.Graph
    evidence: frozenset[str]  # IRIs of the facts behind the edges (responsibilities, measures, ...)

    @property
    def subjects(self) -> list[str]:
        """The RDF resources the view shows or rests on: nodes, evidence and the nodes' cities."""
        cities = {d["cityIri"] for _, d in self.graph.nodes(data=True) if d.get("cityIri")}
        return sorted(set(self.graph) | self.evidence | cities)


# -- node and edge attributes ---------------------------------------------------


def _city_attrs(corpus: Corpus, iri: str) -> dict[str, str]:
    c = corpus.jurisdictions.get(iri) or corpus.cities.get(iri)
    return {"city": c.short if c else "", "cityIri": iri if c else ""}


def org_node(corpus: Corpus, o: Organization) -> dict[str, Any]:
    return {"label": o.name, "labelEn": o.name_en, "kind": "institution" if o.is_institution else "organization",
            **_city_attrs(corpus, o.city_iri), "category": o.kind}


def measure_node(corpus: Corpus, m: Measure) -> dict[str, Any]:
    stem = m.document.removesuffix(".txt")
    return {"label": f"{m.code} {m.title}", "labelEn": f"Measure {m.code} of {stem}", "kind": "measure",
            **_city_attrs(corpus, m.city_iri), "code": m.code, "document": m.document,
            "quote": m.source.quote if m.source else ""}


def city_node(corpus: Corpus, iri: str) -> dict[str, Any]:
    c = corpus.cities[iri]
    return {"label": c.name, "labelEn": c.name_en, "kind": "city", **_city_attrs(corpus, iri), "code": c.code}


def concept_node(corpus: Corpus, iri: str) -> dict[str, Any]:
    c = corpus.concepts[iri]
    return {"label": c.label, "labelEn": c.label_en, "kind": c.scheme, "city": "", "cityIri": ""}


def _quote_attrs(q: Span | None) -> dict[str, str]:
    return {"quote": q.quote if q else "", "document": q.document if q else ""}


def _span_attrs(q: Span | None) -> dict[str, Any]:
    """A span as attributes: the quote, its document and offsets (text[start:end] == quote)."""
    if q is None:
        return {"quote": "", "document": ""}
    # not start/end: GEXF reads those as an edge's time interval
    return {"quote": q.quote, "document": q.document, "quoteStart": q.start, "quoteEnd": q.end}


# -- the views ---------------------------------------------------------------


@dataclass
class _Built:
    graph: nx.Graph
    # the facts behind each edge, so a neighbourhood keeps only its own
    evidence: dict[frozenset[str], set[str]] = field(default_factory=dict)

    def cite(self, u: str, v: str, iris: Iterable[str]) -> None:
        self.evidence.setdefault(frozenset((u, v)), set()).update(iris)

    def evidence_of(self, g: nx.Graph) -> frozenset[str]:
        return frozenset(i for u, v in g.edges() for i in self.evidence.get(frozenset((u, v)), ()))


def _workload(g: nx.Graph, corpus: Corpus, measures: list[Measure]) -> None:
    """lead/responsible/cooperating: how many of the chosen measures each organization node holds
    so (organizations only: on a measure node the counts would mean nothing)."""
    counts: dict[str, dict[str, int]] = {n: dict.fromkeys(WORK_ROLES, 0) for n in g if n in corpus.organizations}
    for m in measures:
        seen: set[tuple[str, str]] = set()
        for r in corpus.resp_by_measure.get(m.iri, ()):
            # SUPERVISING assesses the measure: oversight, not a share of its work
            if r.organization_iri in counts and r.role in ROLE_RANK and (r.organization_iri, r.role) not in seen:
                seen.add((r.organization_iri, r.role))
                counts[r.organization_iri][r.role] += 1
    for n, c in counts.items():
        g.nodes[n].update({role.lower(): c[role] for role in WORK_ROLES})


def responsibility(corpus: Corpus, chosen: Sequence[str]) -> _Built:
    """Organizations ↔ measures, one edge per (organization, measure, role), keyed by the
    responsibility's IRI (unique: GraphML makes edge keys its edge ids): a
    body that leads one part of a measure and cooperates on another keeps both. The edge quotes
    the organization's own words (its mention) with document and offsets; ``passage`` is the
    whole cell or clause they stand in."""
    measures = _records(corpus, chosen)
    out = _Built(nx.MultiGraph())
    g = out.graph
    best: dict[tuple[str, str, str], Any] = {}
    for m in measures:
        for r in corpus.resp_by_measure.get(m.iri, ()):
            if r.organization_iri not in corpus.organizations:
                continue
            out.cite(r.organization_iri, m.iri, (r.iri, m.iri))
            edge = (r.organization_iri, m.iri, r.role)
            if edge not in best or (r.basis == "EXPLICIT" and best[edge].basis != "EXPLICIT"):
                best[edge] = r  # the same role twice (a table and the annex it refines): the explicit one
    for (o, m_iri, role), r in best.items():
        g.add_node(o, **org_node(corpus, corpus.organizations[o]))
        g.add_node(m_iri, **measure_node(corpus, corpus.measures[m_iri]))
        g.add_edge(o, m_iri, key=r.iri, relation="responsibleFor", role=role, basis=r.basis, form=r.form,
                   **_span_attrs(r.mention or r.source), passage=r.source.quote if r.source else "")
    _workload(g, corpus, measures)
    return out


def co_responsibility(corpus: Corpus, chosen: Sequence[str]) -> _Built:
    measures = _records(corpus, chosen)
    out = _Built(nx.Graph())
    g = out.graph
    shared: dict[tuple[str, str], list[Measure]] = {}
    for m in measures:
        resps = [r for r in corpus.resp_by_measure.get(m.iri, ()) if r.organization_iri in corpus.organizations]
        orgs = sorted({r.organization_iri for r in resps})
        for o in orgs:
            g.add_node(o, **org_node(corpus, corpus.organizations[o]))
        for a, b in combinations(orgs, 2):
            shared.setdefault((a, b), []).append(m)
            out.cite(a, b, [m.iri] + [r.iri for r in resps if r.organization_iri in (a, b)])
    for (a, b), ms in shared.items():
        g.add_edge(a, b, relation="coResponsibleWith", role="PARTNER", weight=len(ms),
                   measures="; ".join(m.code for m in ms), **_quote_attrs(ms[0].source))
    _workload(g, corpus, measures)
    # the analytics travel with the view: Gephi or a notebook gets them for free
    ranks = metrics.centrality(g)
    for n, c in ranks.items():
        g.nodes[n].update(degreeCentrality=c.degree, strength=c.strength, betweenness=c.betweenness,
                          centralityRank=c.rank)
    for i, members in enumerate(metrics.communities(g)):
        for n in members:
            g.nodes[n]["community"] = i
    return out


def city_measure_type(corpus: Corpus, chosen: Sequence[str]) -> _Built:
    measures = _records(corpus, chosen)
    out = _Built(nx.Graph())
    g = out.graph
    hits: dict[tuple[str, str], list[Measure]] = {}
    for m in measures:
        for t in m.measure_types:
            if t in corpus.concepts and m.city_iri in corpus.cities:
                hits.setdefault((m.city_iri, t), []).append(m)
    for (city, t), ms in hits.items():
        g.add_node(city, **city_node(corpus, city))
        g.add_node(t, **concept_node(corpus, t))
        why = [_why(corpus, m.iri, t) for m in ms]
        g.add_edge(city, t, relation="hasMeasureType", role="ADOPTS", weight=len(ms),
                   measures="; ".join(m.code for m in ms), **_quote_attrs(why[0].source if why[0] else ms[0].source))
        out.cite(city, t, [m.iri for m in ms] + [c.iri for c in why if c is not None])
    return out


def _why(corpus: Corpus, measure_iri: str, concept_iri: str) -> Classification | None:
    """The classification that gave the measure the concept (the last, should there be two)."""
    found = None
    for c in corpus.classifications_by_measure.get(measure_iri, ()):
        if c.concept_iri == concept_iri:
            found = c
    return found


def city_institution(corpus: Corpus, chosen: Sequence[str]) -> _Built:
    measures = _records(corpus, chosen)
    out = _Built(nx.Graph())
    g = out.graph
    hits: dict[tuple[str, str], list[tuple[str, Span | None]]] = {}
    for m in measures:
        if m.city_iri not in corpus.cities:
            continue
        roles: dict[str, tuple[str, Span | None]] = {}
        for r in corpus.resp_by_measure.get(m.iri, ()):
            o = corpus.organizations.get(r.organization_iri)
            if o is not None and o.is_institution:
                out.cite(m.city_iri, o.iri, (r.iri,))
                if o.iri not in roles or ROLE_RANK.get(r.role, 9) < ROLE_RANK.get(roles[o.iri][0], 9):
                    roles[o.iri] = (r.role, r.source)
        for i in m.institutions:  # named in the text: involvement, not responsibility
            if i in corpus.organizations and corpus.organizations[i].is_institution:
                roles.setdefault(i, ("INVOLVED", m.source))
        for inst, hit in roles.items():
            out.cite(m.city_iri, inst, (m.iri,))
            hits.setdefault((m.city_iri, inst), []).append(hit)
    order = {**ROLE_RANK, "INVOLVED": len(WORK_ROLES)}
    for (city, inst), found in hits.items():
        g.add_node(city, **city_node(corpus, city))
        g.add_node(inst, **org_node(corpus, corpus.organizations[inst]))
        role, quote = min(found, key=lambda h: order[h[0]])
        g.add_edge(city, inst, relation="involvesInstitution", role=role, weight=len(found), **_quote_attrs(quote))
    return out


def city_similarity(corpus: Corpus, chosen: Sequence[str]) -> _Built:
    out = _Built(nx.Graph())
    g = out.graph
    types = corpus.city_types(chosen)
    for city, ts in types.items():
        g.add_node(city, **city_node(corpus, city), measureTypes=len(ts))
    sets = {c: frozenset(ts) for c, ts in types.items()}
    for a, b in combinations(sorted(types, key=corpus.city_code), 2):
        both = sorted(sets[a] & sets[b])
        if not both:
            continue
        union = len(sets[a]) + len(sets[b]) - len(both)
        g.add_edge(a, b, relation="similarTo", role="SIMILAR", weight=len(both),
                   jaccard=round(len(both) / union, 6),
                   shared="; ".join(corpus.concepts[t].label for t in both))
        out.cite(a, b, both)
    return out


def _records(corpus: Corpus, chosen: Sequence[str]) -> list[Measure]:
    return [corpus.measures[m] for m in chosen]


BUILDERS: dict[str, Callable[[Corpus, Sequence[str]], _Built]] = {
    "responsibility": responsibility,
    "co-responsibility": co_responsibility,
    "city-measure-type": city_measure_type,
    "city-institution": city_institution,
    "city-similarity": city_similarity,
}


# -- assembling a view ------------------------------------------------------------


def _ordered(g: nx.Graph, corpus: Corpus) -> nx.Graph:
    """The same graph with nodes (kind, city, label, IRI) and edges in that
    order: networkx keeps insertion order, and so every writer does."""
    def node_key(n: str) -> tuple:
        d = g.nodes[n]
        if d["kind"] == "measure":  # document order reads better than labels
            return (KIND_ORDER["measure"], corpus.city_code(d["cityIri"]), corpus.measure_pos[n])
        return (KIND_ORDER.get(d["kind"], 9), corpus.city_code(d.get("cityIri", "")), d["label"], n)

    out = g.__class__(**g.graph)
    nodes = sorted(g, key=node_key)
    pos = {n: i for i, n in enumerate(nodes)}
    out.add_nodes_from((n, g.nodes[n]) for n in nodes)
    if g.is_multigraph():  # parallel edges in the roles' order
        keyed = sorted(((u, v, k) if pos[u] < pos[v] else (v, u, k) for u, v, k in g.edges(keys=True)),
                       key=lambda e: (pos[e[0]], pos[e[1]], ROLE_RANK.get(g.edges[e]["role"], 9), e[2]))
        out.add_edges_from((u, v, k, g.edges[u, v, k]) for u, v, k in keyed)
        return out
    edges = sorted(((u, v) if pos[u] < pos[v] else (v, u) for u, v in g.edges()), key=lambda e: (pos[e[0]], pos[e[1]]))
    out.add_edges_from((u, v, g.edges[u, v]) for u, v in edges)
    return out


def view_size(corpus: Corpus, filters: Filters, names: Names | None = None) -> tuple[int, int] | None:
    """(nodes, edges) of the view the filters ask for, counted without building it, for the one view
    whose size is not bounded by its measures: city similarity joins every pair of cities that share a
    measure type (at national scale, millions of edges around any one city). None for the others.
    A size limit (``maxElements``) is then checked before the work, not after it."""
    if filters.view != "city-similarity":
        return None
    corpus, sel = _selected(corpus, filters, names)
    types = corpus.city_types(sel.measures)
    cities = list(types)
    column = {t: i for i, t in enumerate(sorted({t for ts in types.values() for t in ts}))}
    held = np.zeros((len(cities), max(len(column), 1)), dtype=np.float32)
    for i, c in enumerate(cities):
        held[i, [column[t] for t in types[c]]] = 1.0
    linked = (held @ held.T) > 0  # two cities are joined when they share a type
    np.fill_diagonal(linked, False)
    if sel.centre is None:
        return len(cities), int(linked.sum()) // 2
    if sel.centre not in types:
        return 0, 0
    # the neighbourhood ego_graph cuts: every city within depth hops, and the edges among them
    reached = np.zeros(len(cities), dtype=bool)
    reached[cities.index(sel.centre)] = True
    frontier = reached.copy()
    for _ in range(sel.depth or 0):
        frontier = linked[frontier].any(axis=0) & ~reached
        if not frontier.any():
            break
        reached |= frontier
    return int(reached.sum()), int(linked[np.ix_(reached, reached)].sum()) // 2


def _selected(corpus: Corpus, filters: Filters, names: Names | None) -> tuple[Corpus, Selection]:
    """The corpus in the filters' scope (EXPLICIT responsibilities unless ``inherited``) and what they choose."""
    names = names or Names(corpus)
    corpus = corpus.scoped(filters.inherited)
    return corpus, select(corpus, names, filters)


def build_view(corpus: Corpus, filters: Filters, names: Names | None = None) -> View:
    """The view the filters ask for, of EXPLICIT responsibilities unless ``filters.inherited``."""
    corpus, sel = _selected(corpus, filters, names)
    built = BUILDERS[filters.view](corpus, sel.measures)
    g = built.graph
    if sel.centre is not None:
        if sel.centre not in g:
            g = g.__class__()
        else:
            g = nx.ego_graph(g, sel.centre, radius=sel.depth or 0)
    g.graph.update(name=f"policykg {filters.view}", view=filters.view, filters=filters.describe())
    return View(filters.view, filters, _ordered(g, corpus), built.evidence_of(g))
