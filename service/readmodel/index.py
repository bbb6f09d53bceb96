"""Read the whole graph once into typed records and dict indexes.

A request never runs SPARQL: it looks things up here. Loading is a fixed
number of SELECTs (one per kind of node, plus one per multi-valued
relation), whatever the size of the graph, so start-up stays linear and the
store's round-trip counter shows exactly what the index cost.

The precomputed ``measure_type → city → measures`` map is what makes
``sharedMeasures`` a dictionary walk instead of a pairwise aggregation.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, Iterator

import pyoxigraph as ox

from graph import vocab
from graph.model import GOVERNMENT_KINDS, ROLE_RANK
from graph.network.source import Spans

from .records import (
    BASES,
    FORMS,
    LEVELS,
    ORG_KINDS,
    ROLES,
    City,
    Classification,
    Concept,
    DocumentReport,
    Measure,
    Organization,
    Policy,
    Responsibility,
    Similarity,
    Span,
    Target,
    ToolCoding,
    Unit,
    local_id,
)
from ..store.protocol import GraphStore
from .name_keys import key
from .staged import StagedGroups, StagedPositions, StagedRecords, StagedTable, StagingFile

log = logging.getLogger("policykg.service")

# plain strings: SPARQL text and result values are compared as str
PK = str(vocab.PK)
MEASURE_TYPE_SCHEME = str(vocab.MT)
INDUSTRY_SCHEME = str(vocab.IND)
INDICATOR_SCHEME = str(vocab.KPI)
POLICY_TOOL_SCHEME = str(vocab.PT)
SCHEMES_GRAPH = str(vocab.SCHEMES_GRAPH)
PREFIXES = vocab.SPARQL_PREFIXES


def _v(term: Any) -> Any:
    """A solution term's value (None when unbound), interned: pyoxigraph makes a new string each time a
    value is read, and a record's IRIs, document names and quotes repeat in other records and rows
    (at 300 cities it and the network corpus held 237 MiB of strings, interned 66)."""
    if term is None:
        return None
    return sys.intern(term.value)


def _pk_name(iri: str | None) -> str | None:
    """pk:LEAD → "LEAD"."""
    if iri is None:
        return None
    return iri.rsplit("#", 1)[-1]


def keys_in_order(table: Any) -> Sequence[str]:
    """A table's keys in the index's order, as a sequence: a table on disk (index_file.DiskTable) lists
    only the page asked for instead of every key; a dict gives a list."""
    ordered = getattr(table, "ordered_keys", None)
    return ordered() if ordered is not None else list(table)


def in_city_key(name_key: str, city_iri: str) -> str:
    """The key of ``GraphIndex.org_names_in_city``: one string, so that any key-value table can hold it."""
    return f"{name_key}\x1f{city_iri}"


def _concept_id(iri: str, scheme: str) -> str:
    return iri[len(scheme):] if iri.startswith(scheme) else iri.rstrip("/").rsplit("/", 1)[-1]


_TOOL_TYPES = "SED"  # 供给型, 环境型, 需求型: the order Chinese studies tabulate them in


def policy_tool_key(c: Concept) -> tuple:
    """A policy tool's place: its type (S, E, D), the type before its sub-tools, then S1 < S2 < … < S10."""
    n = c.notation or "?"
    rank = _TOOL_TYPES.find(n[0])
    return (rank if rank >= 0 else len(_TOOL_TYPES), len(n), n, c.id)


@dataclass
class GraphIndex:
    """Everything the API answers from. Built by ``load_index``."""

    cities: dict[str, City] = field(default_factory=dict)  # the jurisdictions that issued policies
    jurisdictions: dict[str, City] = field(default_factory=dict)  # every one, enclosing ones too
    policies: dict[str, Policy] = field(default_factory=dict)
    measures: Mapping[str, Measure] = field(default_factory=dict)  # may be staged (staged.py)
    organizations: dict[str, Organization] = field(default_factory=dict)
    # this one and three below may be tables of a staging file while an entry is made (staged.py)
    responsibilities: Mapping[str, Responsibility] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    classifications: Mapping[str, Classification] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    reports: dict[str, DocumentReport] = field(default_factory=dict)  # by document file name
    units: dict[str, Unit] = field(default_factory=dict)  # by the unit as written
    tool_codings: Mapping[str, ToolCoding] = field(default_factory=dict)
    similarities: Mapping[str, Similarity] = field(default_factory=dict)  # best first

    # -- derived indexes (filled by _derive) --------------------------------
    by_id: dict[str, str] = field(default_factory=dict)  # readable id → IRI, every kind
    # the responsibilities' groupings and positions: read from the staging file when it holds them
    resp_by_org: Mapping[str, list[str]] = field(default_factory=dict)
    resp_by_measure: Mapping[str, list[str]] = field(default_factory=dict)
    resp_by_city: Mapping[str, list[str]] = field(default_factory=dict)
    measure_pos: dict[str, int] = field(default_factory=dict)  # position in the global order
    resp_pos: Mapping[str, int] = field(default_factory=dict)
    measures_by_org: dict[str, list[str]] = field(default_factory=dict)  # assigned or involved
    measures_by_city: dict[str, list[str]] = field(default_factory=dict)
    policies_by_city: dict[str, list[str]] = field(default_factory=dict)
    orgs_by_city: dict[str, list[str]] = field(default_factory=dict)  # named in the city's documents
    measures_by_concept: dict[str, list[str]] = field(default_factory=dict)  # concept and narrower
    concept_cities: dict[str, list[str]] = field(default_factory=dict)
    # measure type → city → measures, the sharedMeasures map
    type_city_measures: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # measure type → city → how many: what sharedMeasures counts from, without reading every measure's IRI
    type_city_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    classifications_by_measure: dict[str, list[str]] = field(default_factory=dict)
    targets_by_city: dict[str, list[str]] = field(default_factory=dict)
    # name key (name_keys.key) → organizations with that name or alias, and the same per city
    # (in_city_key): every city has a 市科技局, and filtering the 300 of them by city made a
    # one-department lookup cost 19 us at 300 cities instead of 1
    org_names: dict[str, list[str]] = field(default_factory=dict)
    org_names_in_city: dict[str, list[str]] = field(default_factory=dict)
    listed_orgs: list[str] = field(default_factory=list)  # named by some document, in city order
    listed_institutions: list[str] = field(default_factory=list)  # the listed bodies no government is
    registry_only: set[str] = field(default_factory=set)  # registry bodies no document names
    documents: list[str] = field(default_factory=list)
    triple_count: int = 0
    load_round_trips: int = 0

    # -- small helpers the resolvers use ------------------------------------
    def measure_types(self) -> list[Concept]:
        return [c for c in self.concepts.values() if c.scheme == MEASURE_TYPE_SCHEME]

    def industries(self) -> list[Concept]:
        return [c for c in self.concepts.values() if c.scheme == INDUSTRY_SCHEME]

    def indicators(self) -> list[Concept]:
        return [c for c in self.concepts.values() if c.scheme == INDICATOR_SCHEME]

    def policy_tools(self) -> list[Concept]:
        """The three types and their sub-tools, in the scheme's order (S, S1 … E … D …)."""
        tools = [c for c in self.concepts.values() if c.scheme == POLICY_TOOL_SCHEME]
        return sorted(tools, key=policy_tool_key)

    def resolve_id(self, ident: str) -> str:
        """An IRI from an IRI or a readable id (``measure/<doc>/(28)``), encoded or not."""
        from urllib.parse import unquote

        return self.by_id.get(ident) or self.by_id.get(unquote(ident)) or ident


# -----------------------------------------------------------------------------
# loading


def _select(store: GraphStore, body: str) -> Iterator[Any]:
    return iter(store.query(PREFIXES + body))


@dataclass
class _Pending:
    """What the row readers gather over every store read (the whole dataset, or one named graph after
    another) that only the finishing steps (``IndexReader.finish``) turn into the index."""

    graph_city: dict[str, str] = field(default_factory=dict)  # a document's graph → its city
    seen_in_docs: set[str] = field(default_factory=set)  # organizations some document graph names
    concept_alts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unknown_roles: int = 0
    missing_spans: int = 0  # span IRIs a record points to that the store read does not describe
    # staged measures (staged.py): their keys, and the links a later graph gives one (in the order read)
    staged_measures: set[str] = field(default_factory=set)
    later_links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _spans(store: GraphStore) -> Spans:
    spans = Spans()
    for row in _select(store, """
        SELECT DISTINCT ?s ?doc ?start ?end ?exact WHERE { GRAPH ?g {
          ?s a pk:SourceSpan ; pk:document ?doc ; oa:start ?start ; oa:end ?end .
          OPTIONAL { ?s oa:exact ?exact }
        } }"""):
        s = _v(row["s"])
        if s not in spans:
            spans[s] = Span(_v(row["doc"]), int(row["start"].value), int(row["end"].value),
                            _v(row["exact"]) or "")
    return spans


def _cities(store: GraphStore, ix: GraphIndex) -> None:
    """Every jurisdiction node: the issuers' and those enclosing them or owning a body."""
    for row in _select(store, """
        SELECT DISTINCT ?c ?code ?label ?alt ?prov ?level ?parent WHERE { GRAPH ?g {
          ?c a pk:City ; pk:adminCode ?code .
          OPTIONAL { ?c rdfs:label ?label }
          OPTIONAL { ?c skos:altLabel ?alt }
          OPTIONAL { ?c pk:province ?prov }
          OPTIONAL { ?c pk:level ?level }
          OPTIONAL { ?c pk:parentJurisdiction ?parent }
        } }"""):
        iri = _v(row["c"])
        city = ix.jurisdictions.get(iri)
        if city is None:
            code = _v(row["code"])
            level = _pk_name(_v(row["level"]))
            city = ix.jurisdictions[iri] = City(
                iri, local_id(iri), code, "", "", "", _v(row["prov"]) or "",
                level if level in LEVELS else "PREFECTURE", _v(row["parent"]),
            )
        label = row["label"]
        if isinstance(label, ox.Literal):
            if label.language == "en":
                city.name_en = _v(label)
            elif not city.name or label.language == "zh":
                city.name = _v(label)
        if row["alt"] is not None and not city.short:
            city.short = _v(row["alt"])


def _finish_cities(ix: GraphIndex) -> None:
    for city in ix.jurisdictions.values():
        city.short = city.short or city.name.removesuffix("市")
        city.name_en = city.name_en or city.name
    ix.jurisdictions = dict(sorted(ix.jurisdictions.items(), key=lambda kv: kv[1].admin_code))


def _concepts(store: GraphStore, ix: GraphIndex, pending: _Pending) -> None:
    for row in _select(store, f"""
        SELECT ?c ?scheme ?label ?broader ?def ?notation WHERE {{ GRAPH ?g {{
          ?c skos:inScheme ?scheme .
          VALUES ?scheme {{ <{MEASURE_TYPE_SCHEME}> <{INDUSTRY_SCHEME}> <{INDICATOR_SCHEME}> <{POLICY_TOOL_SCHEME}> }}
          OPTIONAL {{ ?c skos:prefLabel ?label }}
          OPTIONAL {{ ?c skos:broader ?broader }}
          OPTIONAL {{ ?c skos:definition ?def }}
          OPTIONAL {{ ?c skos:notation ?notation }}
        }} }}"""):
        iri, scheme = _v(row["c"]), _v(row["scheme"])
        c = ix.concepts.get(iri)
        if c is None:
            c = ix.concepts[iri] = Concept(iri, _concept_id(iri, scheme), scheme, "", "", _v(row["broader"]))
        if row["def"] is not None and not c.definition:
            c.definition = _v(row["def"])
        if row["notation"] is not None and c.notation is None:
            c.notation = _v(row["notation"])
        label = row["label"]
        if isinstance(label, ox.Literal):
            if label.language == "en":
                c.label_en = _v(label)
            elif label.language in ("zh", None, "") or not c.label:
                c.label = _v(label)
    for row in _select(store, """
        SELECT ?c ?alt WHERE { GRAPH ?g { ?c skos:inScheme ?scheme ; skos:altLabel ?alt } }"""):
        pending.concept_alts[_v(row["c"])].append(_v(row["alt"]))


def _finish_concepts(ix: GraphIndex, alts: dict[str, list[str]]) -> None:
    for c in ix.concepts.values():
        c.label = c.label or c.id
        c.label_en = c.label_en or c.label
        c.alt_labels = tuple(sorted(set(alts.get(c.iri, ()))))
        if c.broader_iri in ix.concepts:
            ix.concepts[c.broader_iri].narrower_iris.append(c.iri)
    for c in ix.concepts.values():
        c.narrower_iris.sort()  # the same order whatever engine answered


def _policies(store: GraphStore, ix: GraphIndex, pending: _Pending) -> None:
    # Only documents of the corpus: cited policies outside it are stubs
    # (pk:stub) with no city and no text, and the contract's Policy.city is
    # non-null.
    for row in _select(store, """
        SELECT ?p ?title ?num ?issued ?city ?doc ?url ?annexOf WHERE { GRAPH ?g {
          ?p a pk:Policy ; pk:sourceDocument ?doc ; pk:city ?city .
          OPTIONAL { ?p dcterms:title ?title }
          OPTIONAL { ?p pk:docNumber ?num }
          OPTIONAL { ?p dcterms:issued ?issued }
          OPTIONAL { ?p dcterms:source ?url }
          OPTIONAL { ?p pk:annexOf ?annexOf }
        } }"""):
        iri = _v(row["p"])
        if iri in ix.policies:
            continue
        ix.policies[iri] = Policy(
            iri=iri, id=local_id(iri), title=_v(row["title"]) or _v(row["doc"]),
            doc_number=_v(row["num"]), issued=_v(row["issued"]), city_iri=_v(row["city"]),
            document=_v(row["doc"]), url=_v(row["url"]), annex_of_iri=_v(row["annexOf"]),
        )
        pending.graph_city[vocab.document_graph(iri)] = _v(row["city"])
    for row in _select(store, """
        SELECT ?p ?rel ?o WHERE { GRAPH ?g {
          ?p a pk:Policy ; pk:sourceDocument ?doc ; ?rel ?o .
          VALUES ?rel { eli:passed_by dcterms:references }
        } } ORDER BY ?p ?rel ?o"""):
        p = ix.policies.get(_v(row["p"]))
        if p is None:
            continue
        target = p.issuer_iris if _v(row["rel"]).endswith("passed_by") else p.reference_iris
        if _v(row["o"]) not in target:
            target.append(_v(row["o"]))
    # level and validity (graph/research_rdf.py): one value each, the first in IRI order
    for row in _select(store, """
        SELECT ?p ?prop ?v WHERE { GRAPH ?g {
          ?p a pk:Policy ; pk:sourceDocument ?doc ; ?prop ?v .
          VALUES ?prop { pk:level pk:published pk:validFrom pk:validUntil pk:repealed pk:statedStatus }
        } } ORDER BY ?p ?prop ?v"""):
        p = ix.policies.get(_v(row["p"]))
        if p is None:
            continue
        attr = _POLICY_PROPS[_v(row["prop"]).rsplit("#", 1)[-1]]
        if getattr(p, attr) is None:
            v = _v(row["v"])
            setattr(p, attr, _pk_name(v) if attr in ("level", "stated_status") else v[:10])


_POLICY_PROPS = {"level": "level", "published": "published", "validFrom": "valid_from", "validUntil": "valid_until",
                 "repealed": "repealed", "statedStatus": "stated_status"}


def _measures(store: GraphStore, ix: GraphIndex, spans: dict[str, Span], pending: _Pending) -> None:
    staged = isinstance(ix.measures, StagedTable)
    # a staged measure is written whole once its graph is read; before that, this graph's new ones
    new: dict[str, Measure] = {}
    known = pending.staged_measures if staged else ix.measures
    for row in _select(store, """
        SELECT ?m ?code ?title ?text ?policy ?city ?parent ?order ?src ?refines ?kind WHERE { GRAPH ?g {
          ?m a pk:Measure ; pk:code ?code ; eli:is_part_of ?policy .
          OPTIONAL { ?m dcterms:title ?title }
          OPTIONAL { ?m rdf:value ?text }
          OPTIONAL { ?m pk:city ?city }
          OPTIONAL { ?m dcterms:isPartOf ?parent }
          OPTIONAL { ?m pk:order ?order }
          OPTIONAL { ?m pk:source ?src }
          OPTIONAL { ?m pk:refines ?refines }
          OPTIONAL { ?m pk:sectionKind ?kind }
        } }"""):
        iri = _v(row["m"])
        if iri in known or iri in new:
            continue
        policy = _v(row["policy"])
        src = spans.get(_v(row["src"]) or "")
        pol = ix.policies.get(policy)
        text = _v(row["text"]) or (src.quote if src else "")
        new[iri] = Measure(
            iri=iri, id=local_id(iri), code=_v(row["code"]), title=_v(row["title"]), text=text,
            policy_iri=policy,
            city_iri=_v(row["city"]) or (pol.city_iri if pol else ""),
            parent_iri=_v(row["parent"]),
            order=int(row["order"].value) if row["order"] is not None else 0,
            source=src or Span(pol.document if pol else "", 0, 0, ""),
            refines_iri=_v(row["refines"]), section_kind=_v(row["kind"]),
        )
    if not staged:
        ix.measures.update(new)  # type: ignore[attr-defined]
    for row in _select(store, """
        SELECT ?m ?rel ?o WHERE { GRAPH ?g {
          ?m a pk:Measure ; ?rel ?o .
          VALUES ?rel { pk:measureType pk:industry pk:involves pk:policyTool }
        } } ORDER BY ?m ?rel ?o"""):
        iri, rel, o = _v(row["m"]), _v(row["rel"]), _v(row["o"])
        m = new.get(iri) if staged else ix.measures.get(iri)
        if m is None:
            if iri in known:  # staged from an earlier graph: added when its record is read
                pending.later_links.setdefault(iri, []).append((rel, o))
            continue
        _link(m, rel, o)
    for iri, m in new.items() if staged else ():
        _put(ix.measures, iri, m, m.city_iri, m.policy_iri, m.order, m.code, m.id, m.parent_iri, m.refines_iri)
        pending.staged_measures.add(iri)


def _link(m: Measure, rel: str, o: str) -> None:
    """``o`` into the list of ``m`` that ``rel`` names, once."""
    target = (m.measure_type_iris if rel.endswith("measureType")
              else m.industry_iris if rel.endswith("industry")
              else m.policy_tool_iris if rel.endswith("policyTool") else m.institution_iris)
    if o not in target:
        target.append(o)


def _organizations(store: GraphStore, ix: GraphIndex, pending: _Pending) -> None:
    # Organizations are written into every document graph that names them,
    # and registry institutions also into the schemes graph: read them per
    # graph and merge, so aliases are the union and `cities` says which
    # cities' documents name the body.
    graph_city, seen_in_docs = pending.graph_city, pending.seen_in_docs
    for row in _select(store, """
        SELECT ?g ?o ?label ?en ?kind ?city ?home ?parent ?dtype WHERE {
          GRAPH ?g {
            ?o a org:Organization .
            OPTIONAL { ?o rdfs:label ?label }
            OPTIONAL { ?o pk:nameEn ?en }
            OPTIONAL { ?o pk:kind ?kind }
            OPTIONAL { ?o pk:city ?city }
            OPTIONAL { ?o pk:homeCity ?home }
            OPTIONAL { ?o org:subOrganizationOf ?parent }
            OPTIONAL { ?o pk:departmentType ?dtype }
          }
        }"""):
        iri, g = _v(row["o"]), _v(row["g"])
        o = ix.organizations.get(iri)
        if o is None:
            o = ix.organizations[iri] = Organization(
                iri=iri, id=local_id(iri), name="", name_en=None, kind="OTHER", city_iri=None,
                parent_iri=None, department_type=None,
            )
        label = row["label"]
        if isinstance(label, ox.Literal) and label.language in ("zh", None, ""):
            o.name = o.name or _v(label)
            o.lookup_names.add(_v(label))
        o.name_en = o.name_en or _v(row["en"])
        if row["kind"] is not None and o.kind == "OTHER":
            kind = _pk_name(_v(row["kind"]))
            o.kind = kind if kind in ORG_KINDS else "OTHER"
        home = _v(row["city"]) or _v(row["home"])
        if home and home.startswith("http") and o.city_iri is None:
            o.city_iri = home
        o.parent_iri = o.parent_iri or _v(row["parent"])
        o.department_type = o.department_type or _v(row["dtype"])
        city = graph_city.get(g)
        if city is not None:
            seen_in_docs.add(iri)
            if city not in o.named_in_iris:
                o.named_in_iris.append(city)
    for row in _select(store, """
        SELECT ?g ?o ?alt WHERE { GRAPH ?g { ?o a org:Organization ; skos:altLabel ?alt } }"""):
        o = ix.organizations.get(_v(row["o"]))
        if o is None:
            continue
        alt = _v(row["alt"])
        o.lookup_names.add(alt)
        if _v(row["g"]) in graph_city and alt not in o.aliases:
            o.aliases.append(alt)


def _finish_organizations(ix: GraphIndex, seen_in_docs: set[str]) -> None:
    # Registry entries no document names stay resolvable as parents
    # (中科院微电子所 → 中国科学院) but are not listed as organizations.
    ix.registry_only = {iri for iri in ix.organizations if iri not in seen_in_docs}
    for o in ix.organizations.values():
        o.name = o.name or o.id
        o.aliases.sort()
        o.named_in_iris.sort(key=lambda c: ix.cities[c].admin_code if c in ix.cities else c)


def _responsibilities(store: GraphStore, ix: GraphIndex, spans: dict[str, Span], pending: _Pending) -> None:
    # a staged table keeps the first record under a key itself (INSERT OR IGNORE), without a query a row
    seen = () if isinstance(ix.responsibilities, StagedTable) else ix.responsibilities
    for row in _select(store, """
        SELECT ?r ?org ?m ?role ?basis ?form ?src ?mention ?open WHERE { GRAPH ?g {
          ?r a pk:Responsibility ; pk:organization ?org ; pk:measure ?m ; pk:role ?role .
          OPTIONAL { ?r pk:basis ?basis }
          OPTIONAL { ?r pk:form ?form }
          OPTIONAL { ?r pk:source ?src }
          OPTIONAL { ?r pk:mention ?mention }
          OPTIONAL { ?r pk:openEnded ?open }
        } }"""):
        iri = _v(row["r"])
        if iri in seen:
            continue
        role, basis, form = _pk_name(_v(row["role"])), _pk_name(_v(row["basis"])), _pk_name(_v(row["form"]))
        if role not in ROLES:  # not ours (a shared store may hold other data): no role to answer with
            pending.unknown_roles += 1
            continue
        src = spans.get(_v(row["src"]) or "")
        r = Responsibility(
            iri=iri, organization_iri=_v(row["org"]), measure_iri=_v(row["m"]),
            role=role, basis=basis if basis in BASES else "EXPLICIT",
            form=form if form in FORMS else ("CLAUSE" if basis != "INHERITED" else "ISSUER"),
            source=src or Span("", 0, 0, ""),
            mention=spans.get(_v(row["mention"]) or ""),
            open_ended=_v(row["open"]) == "true",
        )
        # the columns _derive orders and groups a staged table by (_derive_staged_responsibilities)
        _put(ix.responsibilities, iri, r, r.measure_iri, r.organization_iri, r.role, r.basis, r.source.start,
             r.mention.start if r.mention else 0)


def _put(table: Mapping[str, Any], iri: str, record: Any, *columns: Any) -> None:
    """``record`` under ``iri`` unless the table has one (the first graph describing a node wins); a staged
    table keeps ``columns`` beside it, what ``_derive`` groups and orders its records by."""
    if isinstance(table, StagedTable):
        table.put(iri, record, *columns)
    else:
        assert isinstance(table, MutableMapping)
        table.setdefault(iri, record)


def _classifications(store: GraphStore, ix: GraphIndex, spans: dict[str, Span]) -> None:
    for row in _select(store, """
        SELECT ?c ?m ?concept ?src WHERE { GRAPH ?g {
          ?c a pk:Classification ; pk:measure ?m ; pk:concept ?concept .
          OPTIONAL { ?c pk:source ?src }
        } }"""):
        iri = _v(row["c"])
        src = spans.get(_v(row["src"]) or "")
        if src is not None:
            _put(ix.classifications, iri, Classification(iri, _v(row["m"]), _v(row["concept"]), src), _v(row["m"]))


def _tool_codings(store: GraphStore, ix: GraphIndex, spans: dict[str, Span]) -> None:
    for row in _select(store, """
        SELECT ?c ?m ?tool ?src ?via WHERE { GRAPH ?g {
          ?c a pk:PolicyToolCoding ; pk:measure ?m ; pk:concept ?tool .
          OPTIONAL { ?c pk:source ?src }
          OPTIONAL { ?c pk:via ?via }
        } }"""):
        iri = _v(row["c"])
        src = spans.get(_v(row["src"]) or "")
        if src is not None:
            _put(ix.tool_codings, iri, ToolCoding(iri, _v(row["m"]), _v(row["tool"]), src, _v(row["via"])),
                 _v(row["m"]), _v(row["tool"]), src.start)


def _similarities(store: GraphStore, ix: GraphIndex, spans: dict[str, Span]) -> None:
    for row in _select(store, """
        SELECT ?s ?m ?o ?score ?earlier ?src ?osrc WHERE { GRAPH ?g {
          ?s a pk:MeasureSimilarity ; pk:measure ?m ; pk:other ?o ; pk:score ?score .
          OPTIONAL { ?s pk:earlier ?earlier }
          OPTIONAL { ?s pk:source ?src }
          OPTIONAL { ?s pk:otherSource ?osrc }
        } }"""):
        iri = _v(row["s"])
        score = float(row["score"].value)
        _put(ix.similarities, iri, Similarity(iri, _v(row["m"]), _v(row["o"]), score, _v(row["earlier"]),
                                              spans.get(_v(row["src"]) or ""), spans.get(_v(row["osrc"]) or "")),
             _v(row["m"]), _v(row["o"]), score)


def _reports(store: GraphStore, ix: GraphIndex, spans: dict[str, Span]) -> None:
    """The extraction report: one row per (document, unexplained passage)."""
    for row in _select(store, """
        SELECT ?doc ?policy ?error ?measures ?explicit ?span WHERE { GRAPH ?g {
          ?r a pk:DocumentReport ; pk:document ?doc ; pk:measureCount ?measures ;
             pk:explicitMeasureCount ?explicit .
          OPTIONAL { ?r pk:policy ?policy }
          OPTIONAL { ?r pk:error ?error }
          OPTIONAL { ?r pk:unexplained ?span }
        } }"""):
        doc = _v(row["doc"])
        report = ix.reports.get(doc)
        if report is None:
            report = ix.reports[doc] = DocumentReport(
                doc, _v(row["policy"]), _v(row["error"]), int(row["measures"].value), int(row["explicit"].value))
        span = spans.get(_v(row["span"]) or "")
        if span is not None and span not in report.unexplained:
            report.unexplained.append(span)


def _finish_reports(ix: GraphIndex) -> None:
    for report in ix.reports.values():
        report.unexplained.sort(key=lambda s: s.start)
    ix.reports = dict(sorted(ix.reports.items()))


def _units(store: GraphStore, ix: GraphIndex) -> None:
    for row in _select(store, """
        SELECT ?label ?family ?factor WHERE { GRAPH ?g {
          ?u a pk:Unit ; skos:prefLabel ?label ; pk:unitFamily ?family ; pk:factor ?factor .
        } }"""):
        label = _v(row["label"])
        if label not in ix.units:
            ix.units[label] = Unit(label, _v(row["family"]).rsplit("/", 1)[-1], float(row["factor"].value))


def _targets(store: GraphStore, ix: GraphIndex, spans: dict[str, Span]) -> None:
    for row in _select(store, """
        SELECT ?t ?ind ?value ?max ?unit ?year ?kind ?cmp ?concept ?asp ?policy ?city ?m ?src ?fig ?sent WHERE { GRAPH ?g {
          ?t a pk:Target ; pk:indicator ?ind ; pk:policy ?policy .
          OPTIONAL { ?t rdf:value ?value }
          OPTIONAL { ?t pk:valueMax ?max }
          OPTIONAL { ?t pk:unit ?unit }
          OPTIONAL { ?t pk:dueYear ?year }
          OPTIONAL { ?t pk:kind ?kind }
          OPTIONAL { ?t pk:comparator ?cmp }
          OPTIONAL { ?t pk:indicatorConcept ?concept }
          OPTIONAL { ?t pk:aspiration ?asp }
          OPTIONAL { ?t pk:city ?city }
          OPTIONAL { ?t pk:measure ?m }
          OPTIONAL { ?t pk:source ?src }
          OPTIONAL { ?t pk:figure ?fig }
          OPTIONAL { ?t pk:sentence ?sent }
        } }"""):
        iri = _v(row["t"])
        if iri in ix.targets:
            continue
        policy = _v(row["policy"])
        pol = ix.policies.get(policy)
        phrase = spans.get(_v(row["src"]) or "") or Span("", 0, 0, "")
        value, vmax, year = _v(row["value"]), _v(row["max"]), _v(row["year"])
        ix.targets[iri] = Target(
            iri=iri, id=local_id(iri), indicator=_v(row["ind"]),
            value=float(value) if value is not None else None, unit=_v(row["unit"]),
            year=int(year) if year is not None else None,
            kind=_pk_name(_v(row["kind"])) or "LEVEL", comparator=_pk_name(_v(row["cmp"])) or "EXACT",
            value_max=float(vmax) if vmax is not None else None, concept_iri=_v(row["concept"]),
            aspiration=_v(row["asp"]) in (True, "true", "1"), policy_iri=policy,
            city_iri=_v(row["city"]) or (pol.city_iri if pol else ""),
            measure_iri=_v(row["m"]), source=spans.get(_v(row["fig"]) or "") or phrase, phrase=phrase,
            sentence=spans.get(_v(row["sent"]) or ""),
        )


def _derive(ix: GraphIndex, later_links: dict[str, list[tuple[str, str]]] | None = None) -> None:
    """Every reverse relation and grouping the API needs, computed once. ``later_links``: the links graphs
    after the first gave a staged measure (_Pending.later_links)."""
    city_code = {iri: c.admin_code for iri, c in ix.cities.items()}

    ix.documents = sorted(p.document for p in ix.policies.values())
    for p in ix.policies.values():
        ix.policies_by_city.setdefault(p.city_iri, []).append(p.iri)
        if p.annex_of_iri in ix.policies:
            ix.policies[p.annex_of_iri].annex_iris.append(p.iri)
    for iris in ix.policies_by_city.values():
        iris.sort(key=lambda i: (ix.policies[i].issued or "", ix.policies[i].document))

    # measures in a stable, readable order: city code, document, document order
    staging = next((t.staging for t in (ix.measures, ix.responsibilities, ix.similarities, ix.tool_codings)
                    if isinstance(t, StagedTable)), None)
    # what the rest of _derive reads of every measure: its city, and who and what it names
    city_of: dict[str, str] = {}
    direct: dict[str, list[str]] = defaultdict(list)  # concept → the measures typed with it, in order
    involved: dict[str, set[str]] = defaultdict(set)  # organization → the measures it is responsible for
    added: _Added | None = None
    if isinstance(ix.measures, StagedTable):
        added = _derive_staged_measures(ix, ix.measures, city_code)
        added.later_links = later_links or {}
    else:
        def measure_key(iri: str) -> tuple:
            m = ix.measures[iri]
            pol = ix.policies.get(m.policy_iri)
            return (city_code.get(m.city_iri, ""), pol.document if pol else "", m.order, m.code)

        measures = {iri: ix.measures[iri] for iri in sorted(ix.measures, key=measure_key)}
        ix.measures = measures
        for m in measures.values():
            ix.measures_by_city.setdefault(m.city_iri, []).append(m.iri)
            if m.policy_iri in ix.policies:
                ix.policies[m.policy_iri].measure_iris.append(m.iri)
            if m.parent_iri in measures:
                measures[m.parent_iri].child_iris.append(m.iri)
            if m.refines_iri in measures:
                measures[m.refines_iri].refined_by_iris.append(m.iri)
        ix.measure_pos = {iri: i for i, iri in enumerate(measures)}
    for m in ix.measures.values() if added is None else added.scan():
        city_of[m.iri] = m.city_iri
        for o in m.institution_iris:
            involved[o].add(m.iri)
        for c in m.measure_type_iris + m.industry_iris + m.policy_tool_iris:
            direct[c].append(m.iri)
    measure_pos = ix.measure_pos

    # responsibilities: grouped by measure (in measure order) and by organization
    # the measures' positions as a table of the staging file: what staged rows are ordered by in SQL
    positions = staging.ranks("measure_pos", measure_pos) if staging is not None else ""
    if isinstance(ix.responsibilities, StagedTable):
        _derive_staged_responsibilities(ix.responsibilities, positions, city_of, ix, involved)
    else:
        resp_sorted = sorted(
            ix.responsibilities.values(),
            key=lambda r: (measure_pos.get(r.measure_iri, 1 << 30), ROLE_RANK.get(r.role, 9),
                           r.basis != "EXPLICIT", r.source.start,
                           # units of one clause in the order the clause names them
                           r.mention.start if r.mention else 0, r.organization_iri),
        )
        ix.responsibilities = {r.iri: r for r in resp_sorted}
        ix.resp_pos = {iri: i for i, iri in enumerate(ix.responsibilities)}
        by_measure: dict[str, list[str]] = {}
        by_city: dict[str, list[str]] = {}
        by_org: dict[str, list[str]] = {}
        for r in resp_sorted:
            by_measure.setdefault(r.measure_iri, []).append(r.iri)
            if r.measure_iri in city_of:
                by_city.setdefault(city_of[r.measure_iri], []).append(r.iri)
            by_org.setdefault(r.organization_iri, []).append(r.iri)
            involved[r.organization_iri].add(r.measure_iri)
        ix.resp_by_measure, ix.resp_by_city, ix.resp_by_org = by_measure, by_city, by_org
    # A document naming 中科院微电子所 names 中科院 too: a body's cities and
    # measures include those of its parts (org:subOrganizationOf, transitively).
    parts: dict[str, list[str]] = defaultdict(list)
    for o in ix.organizations.values():
        if o.parent_iri and o.parent_iri != o.iri:
            parts[o.parent_iri].append(o.iri)

    def with_parts(iri: str) -> set[str]:
        out, todo = {iri}, [iri]
        while todo:
            for child in parts.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    for parent, children in parts.items():
        if parent in ix.organizations:
            ix.organizations[parent].part_iris = sorted(
                (c for c in children if c not in ix.registry_only),
                key=lambda c: (city_code.get(ix.organizations[c].city_iri or "", ""), ix.organizations[c].name))
    for o in ix.organizations.values():
        body = with_parts(o.iri)
        cities = {c for member in body for c in ix.organizations[member].named_in_iris}
        o.city_iris = sorted(cities, key=lambda c: city_code.get(c, c))
        ms = {m for member in body for m in involved.get(member, ())}
        if ms:
            ix.measures_by_org[o.iri] = sorted((i for i in ms if i in measure_pos), key=measure_pos.__getitem__)

    listed = [o for o in ix.organizations.values() if o.iri not in ix.registry_only]
    listed.sort(key=lambda o: (city_code.get(o.city_iri or "", ""), o.name))
    ix.listed_orgs = [o.iri for o in listed]
    ix.listed_institutions = [o.iri for o in listed if o.kind not in GOVERNMENT_KINDS]
    for o in listed:
        for c in o.named_in_iris:
            ix.orgs_by_city.setdefault(c, []).append(o.iri)

    # concepts: measures typed with the concept or any narrower one (its family)
    def family(c: str, seen: set[str]) -> set[str]:
        out = {c}
        for n in ix.concepts[c].narrower_iris if c in ix.concepts else ():
            if n not in seen:
                seen.add(n)
                out |= family(n, seen)
        return out

    for c in ix.concepts:
        ms: set[str] = set()
        for member in family(c, {c}):
            ms.update(direct.get(member, ()))
        ix.measures_by_concept[c] = sorted(ms, key=measure_pos.__getitem__)
        per_city: dict[str, list[str]] = {}
        for m in ix.measures_by_concept[c]:
            per_city.setdefault(city_of[m], []).append(m)
        ix.concept_cities[c] = sorted(per_city, key=lambda i: city_code.get(i, i))
        if ix.concepts[c].scheme == MEASURE_TYPE_SCHEME and per_city:
            ix.type_city_measures[c] = per_city
            ix.type_city_counts[c] = {city: len(ms) for city, ms in per_city.items()}

    # the leaf tables that may be staged (staged.py) are grouped and ordered by their columns only
    if isinstance(ix.classifications, StagedTable):
        ix.classifications.keep_ordered("", "t.k")  # every row, in key order
        ix.classifications.index_on("measure")
        ix.classifications_by_measure = StagedGroups(ix.classifications, "t.measure")
    else:
        classified: dict[str, list[str]] = {}
        for iri, c in ix.classifications.items():  # in key order: IndexReader.finish sorted them
            classified.setdefault(c.measure_iri, []).append(iri)
        ix.classifications_by_measure = classified
    tool_rank = {c.iri: i for i, c in enumerate(ix.policy_tools())}
    if added is not None:
        added.tool_rank = tool_rank
        assert isinstance(ix.similarities, StagedTable) and isinstance(ix.tool_codings, StagedTable)
        added.lists = _derive_staged_lists(ix.tool_codings, ix.similarities, positions, tool_rank)
    else:
        for m in ix.measures.values():
            m.policy_tool_iris.sort(key=lambda t: tool_rank.get(t, 1 << 30))
        for tc in sorted(ix.tool_codings.values(), key=lambda t: (tool_rank.get(t.tool_iri, 1 << 30), t.source.start)):
            if tc.measure_iri in ix.measures:
                ix.measures[tc.measure_iri].tool_coding_iris.append(tc.iri)
        # text reuse: best first, then the measures' global order, so pages and ties are stable
        far = 1 << 30
        sims = sorted((s for s in ix.similarities.values() if s.measure_iri in ix.measures and s.other_iri in ix.measures),
                      key=lambda s: (-s.score, measure_pos.get(s.measure_iri, far), measure_pos.get(s.other_iri, far)))
        ix.similarities = {s.iri: s for s in sims}
        for sim in sims:
            ix.measures[sim.measure_iri].similarity_iris.append(sim.iri)
            if sim.other_iri != sim.measure_iri:
                ix.measures[sim.other_iri].similarity_iris.append(sim.iri)
    for t in sorted(ix.targets.values(), key=lambda t: (city_code.get(t.city_iri, ""), t.source.document,
                                                       t.source.start, t.iri)):
        ix.targets_by_city.setdefault(t.city_iri, []).append(t.iri)
        if t.measure_iri in measure_pos:
            if added is not None:
                added.targets.setdefault(t.measure_iri, []).append(t.iri)
            else:
                ix.measures[t.measure_iri].target_iris.append(t.iri)
        if t.concept_iri in ix.concepts:
            ix.concepts[t.concept_iri].target_iris.append(t.iri)
    ix.targets = {iri: ix.targets[iri] for lst in ix.targets_by_city.values() for iri in lst}

    for o in ix.organizations.values():
        cities = {o.city_iri, *o.city_iris} - {None}
        # sorted: a set's order changes with each process's string hashing, and the tables are written in order
        for name in sorted({o.name, o.iri, o.id, *o.lookup_names, *o.aliases} | ({o.name_en} if o.name_en else set())):
            k = key(name)
            bucket = ix.org_names.setdefault(k, [])
            if o.iri not in bucket:
                bucket.append(o.iri)
            for c in sorted(cities):  # a set: its order would change from process to process
                in_city = ix.org_names_in_city.setdefault(in_city_key(k, c), [])
                if o.iri not in in_city:
                    in_city.append(o.iri)
    for table in (ix.org_names, ix.org_names_in_city):  # one order whatever order the engine answered in
        for bucket in table.values():
            bucket.sort()

    for table in (ix.jurisdictions, ix.policies, ix.measures, ix.organizations, ix.concepts, ix.targets):
        ids = added.ids() if table is ix.measures and added is not None else (
            (rec.id, iri) for iri, rec in table.items())
        for ident, iri in ids:
            ix.by_id.setdefault(ident, iri)
    if added is not None:
        ix.measures = StagedRecords(added.table, added.complete)


@dataclass
class _Added:
    """What ``_derive`` adds to the staged measures' records, by key, put into each as it is read
    (``complete``, staged.StagedRecords): parts, refinements, targets, links a later graph gave, the
    policy tools in scheme order, and (``whole``) the policy-tool codings and text-reuse pairs."""

    table: StagedTable
    children: dict[str, list[str]] = field(default_factory=dict)
    refined_by: dict[str, list[str]] = field(default_factory=dict)
    targets: dict[str, list[str]] = field(default_factory=dict)
    later_links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    tool_rank: dict[str, int] = field(default_factory=dict)
    lists: dict[str, Any] = field(default_factory=dict)  # field → the function giving a measure's list

    def complete(self, k: str, m: Measure, whole: bool) -> Measure:
        # the analyses of an entry read every measure this way, some several times: only what is there
        self._link_later(k, m)
        for name, by in (("child_iris", self.children), ("refined_by_iris", self.refined_by),
                         ("target_iris", self.targets)):
            these = by.get(k)
            if these:
                setattr(m, name, list(these))  # the record's own list: a reader may change it
        if len(m.policy_tool_iris) > 1:
            rank = self.tool_rank
            m.policy_tool_iris.sort(key=lambda t: rank.get(t, 1 << 30))
        if whole:
            for name, of in self.lists.items():
                setattr(m, name, of(k))
        return m

    def scan(self) -> Iterator[Measure]:
        """Every measure in order, as far as what the reading gave (links included)."""
        for k, m in self.table.items():
            self._link_later(k, m)
            yield m

    def _link_later(self, k: str, m: Measure) -> None:
        for rel, o in self.later_links.get(k, ()) if self.later_links else ():
            _link(m, rel, o)

    def ids(self) -> Iterator[tuple[str, str]]:
        return ((sys.intern(i), sys.intern(k))
                for k, i in self.table.execute("SELECT k, id FROM {t} WHERE ord IS NOT NULL ORDER BY ord"))


def _derive_staged_measures(ix: GraphIndex, table: StagedTable, city_code: dict[str, str]) -> _Added:
    """The measures' order made in SQL over their staged table (the sort of the records in memory: city
    code, document, order in it, code, then key), their positions, each city's and policy's measures,
    and each measure's parts and refinements, kept apart (``_Added``)."""
    codes = table.staging.values("city_code", city_code)
    documents = table.staging.values("policy_document", {iri: p.document for iri, p in ix.policies.items()})
    table.keep_ordered(f"LEFT JOIN {codes} c ON c.k = t.city LEFT JOIN {documents} d ON d.k = t.policy",
                       "coalesce(c.v, ''), coalesce(d.v, ''), t.seq, t.code")
    added = _Added(table)
    # the positions first (a part may come before its parent), then each row read again: no list of them all
    ix.measure_pos = {sys.intern(k): i for i, (k,) in enumerate(table.execute(
        "SELECT k FROM {t} WHERE ord IS NOT NULL ORDER BY ord"))}
    for k, city, policy, parent, refines in table.execute(
            "SELECT k, city, policy, parent, refines FROM {t} WHERE ord IS NOT NULL ORDER BY ord"):
        k, city = sys.intern(k), sys.intern(city)
        ix.measures_by_city.setdefault(city, []).append(k)
        if policy in ix.policies:
            ix.policies[policy].measure_iris.append(k)
        if parent in ix.measure_pos:
            added.children.setdefault(parent, []).append(k)
        if refines in ix.measure_pos:
            added.refined_by.setdefault(refines, []).append(k)
    return added


def _derive_staged_responsibilities(resp: StagedTable, positions: str, city_of: dict[str, str], ix: GraphIndex,
                                    involved: dict[str, set[str]]) -> None:
    """What ``_derive`` makes of the responsibilities, made in SQL over their staged table: their order
    (the sort of the records in memory: measure order, role, explicit first, where in the text, the units
    of a clause as it names them, then by key), their positions, and their groupings by measure, city and
    organization, read from the file when asked or written (none is held whole); ``involved`` filled."""
    far = 1 << 30
    roles = resp.staging.ranks("role_rank", ROLE_RANK)
    resp.keep_ordered(f"LEFT JOIN {positions} a ON a.k = t.measure LEFT JOIN {roles} r ON r.k = t.role",
                      f"coalesce(a.pos, {far}), coalesce(r.pos, 9), coalesce(t.basis, '') != 'EXPLICIT', "
                      "t.start, t.mstart, t.org")
    resp.index_on("measure", "org")
    cities = resp.staging.values("measure_city", city_of)
    ix.resp_pos = StagedPositions(resp)
    ix.resp_by_measure = StagedGroups(resp, "t.measure")
    ix.resp_by_city = StagedGroups(resp, "c.v", f"JOIN {cities} c ON c.k = t.measure")
    ix.resp_by_org = StagedGroups(resp, "t.org")
    for org, measure in resp.execute("SELECT DISTINCT org, measure FROM {t}"):
        involved[sys.intern(org)].add(sys.intern(measure))


def _derive_staged_lists(codings: StagedTable, pairs: StagedTable, positions: str,
                         tool_rank: dict[str, int]) -> dict[str, Any]:
    """The orders ``_derive`` makes of the policy-tool codings and the text-reuse pairs, made in SQL over the
    staged tables, the same as the sorts over records in memory: a measure's codings by tool, then where in
    the text; the pairs best first, then by the measures' global order, ties by key. Each measure's lists
    are read from them when its record is (``StagedRecords``), so no measure holds them here."""
    ranks = pairs.staging.ranks("tool_rank", tool_rank)  # only measures of the index join the positions
    pairs.keep_ordered(f"JOIN {positions} a ON a.k = t.measure JOIN {positions} b ON b.k = t.other",
                       "t.score DESC, a.pos, b.pos")
    pairs.index_on("measure", "other")
    codings.index_on("measure")
    far = 1 << 30
    return {
        "tool_coding_iris": lambda m: codings.keys_where(
            f"LEFT JOIN {ranks} r ON r.k = t.tool WHERE t.measure = ? ORDER BY coalesce(r.pos, {far}), t.start, t.k",
            (m,)),
        "similarity_iris": lambda m: pairs.keys_where(
            "WHERE (t.measure = ?1 OR t.other = ?1) AND t.ord IS NOT NULL ORDER BY t.ord", (m,)),
    }


_RECORD_TABLES = ("policies", "measures", "organizations", "responsibilities", "classifications", "targets",
                  "tool_codings", "similarities")


class IndexReader:
    """Reads stores into one ``GraphIndex``: ``read`` each (the whole dataset at once, or one named graph
    after another: service/lifecycle/by_graph.py), then ``finish`` once. Nodes written into several
    graphs (organizations, jurisdictions) merge as they would in one store, and what needs every
    record (defaults, sorting, ``_derive``) waits for ``finish``."""

    def __init__(self, staging: StagingFile | None = None) -> None:
        """``staging``: the file the leaf record tables are written to as they are read (staged.py),
        instead of held in memory until ``finish``; the caller closes it once the index is written."""
        self.ix = GraphIndex()
        if staging is not None:
            self.ix.classifications = staging.table("classifications", ("measure",))
            self.ix.tool_codings = staging.table("tool_codings", ("measure", "tool", "start"))
            self.ix.similarities = staging.table("similarities", ("measure", "other", "score"))
            # seq: the measure's order in its document (pk:order)
            self.ix.measures = staging.table("measures", ("city", "policy", "seq", "code", "id", "parent", "refines"))
            # mstart: where the organization's name is written in the clause (0 when not recorded)
            self.ix.responsibilities = staging.table("responsibilities",
                                                     ("measure", "org", "role", "basis", "start", "mstart"))
        self.pending = _Pending()
        self.triples = 0
        self.round_trips = 0

    @property
    def missing_spans(self) -> int:
        return self.pending.missing_spans

    def read(self, store: GraphStore) -> None:
        before = store.round_trips
        ix, pending = self.ix, self.pending
        spans = _spans(store)
        _cities(store, ix)
        _concepts(store, ix, pending)
        _policies(store, ix, pending)
        _measures(store, ix, spans, pending)
        _organizations(store, ix, pending)
        _responsibilities(store, ix, spans, pending)
        _classifications(store, ix, spans)
        _targets(store, ix, spans)
        _tool_codings(store, ix, spans)
        _similarities(store, ix, spans)
        _reports(store, ix, spans)
        _units(store, ix)
        pending.missing_spans += spans.misses
        self.triples += store.triple_count()
        self.round_trips += store.round_trips - before

    def finish(self) -> GraphIndex:
        ix, pending = self.ix, self.pending
        _finish_cities(ix)
        issuing = {p.city_iri for p in ix.policies.values()}
        ix.cities = {iri: c for iri, c in ix.jurisdictions.items() if iri in issuing}
        _finish_concepts(ix, pending.concept_alts)
        _finish_organizations(ix, pending.seen_in_docs)
        if pending.unknown_roles:
            log.warning("%d responsibilities with a role other than %s left out", pending.unknown_roles,
                        ", ".join(ROLES))
        _finish_reports(ix)
        # Rows come in the engine's order (read graph by graph, the graphs' order too): the records are
        # put in IRI order first, so that every order made from them depends on the data alone
        for name in _RECORD_TABLES:
            if not isinstance(getattr(ix, name), StagedTable):  # a staged table is read in key order
                setattr(ix, name, dict(sorted(getattr(ix, name).items())))
        _derive(ix, pending.later_links)
        pending.staged_measures.clear()  # the index's measure positions hold them from here on
        ix.triple_count = self.triples
        ix.load_round_trips = self.round_trips
        return ix


def load_index(store: GraphStore) -> GraphIndex:
    reader = IndexReader()
    reader.read(store)
    return reader.finish()
