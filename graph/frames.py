"""The built dataset as tables, for notebooks and for ``policykg export --format parquet``.

    >>> from graph.frames import load_frames
    >>> frames = load_frames("data/policykg.trig")       # no server needed
    >>> frames["responsibilities"].query("role == 'LEAD'").groupby("organization").size()

One table per kind of node, each row keyed by a stable ``id`` (the node's IRI
below https://w3id.org/policykg/id/, percent-decoded: the id the GraphQL API
uses too) and carrying its provenance as ``document``, ``start``, ``end`` and
``quote`` (``text[start:end] == quote`` in the document's extracted text):

    policies          id, document, title, doc_number, issued, published, valid_from, valid_until,
                      repealed, stated_status, level, city, city_code, annex_of, implements
    measures          id, policy, document, code, title, text, parent, order, section_kind, city, start, end
    responsibilities  id, measure, organization, organization_name, role, basis, form, document, start, end, quote
    organizations     id, name, name_en, kind, city_code, department_type, parent
    targets           id, measure, policy, indicator, indicator_concept, kind, comparator, value, value_max,
                      unit, due_year, aspiration, document, start, end, quote
    classifications   id, measure, concept, scheme, label, document, start, end, quote   (measure types, industries)
    policy_tools      id, measure, tool, label, tool_type, type_label, via, document, start, end, quote
    reuse_pairs       id, measure, other, score, earlier, document, other_document, start, end, other_start, other_end

Rows are sorted by id, so the same dataset gives the same tables.
:func:`load_tables` returns pyarrow Tables (what the Parquet export writes),
:func:`load_frames` the same as pandas DataFrames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyoxigraph as ox

from .vocab import ID, SPARQL_PREFIXES

ID_BASE = str(ID)

TABLES = ("policies", "measures", "responsibilities", "organizations", "targets", "classifications",
          "policy_tools", "reuse_pairs")


def local_id(iri: str | None) -> str | None:
    """The readable id of a node: its IRI below the id/ base, percent-decoded (None stays None)."""
    if iri is None:
        return None
    return unquote(iri[len(ID_BASE):]) if iri.startswith(ID_BASE) else iri


def _name(iri: str | None) -> str | None:
    """pk:LEAD → LEAD; a scheme concept → its last path segment."""
    if iri is None:
        return None
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def open_store(path: str | Path) -> ox.Store:
    """A built dataset file (.trig or .nq) in an in-memory pyoxigraph store."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such dataset (run `policykg build`)")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TRIG
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return store


def _select(store: Any, body: str) -> list[dict[str, Any]]:
    q = SPARQL_PREFIXES + body
    rows = store.query(q, use_default_graph_as_union=True) if isinstance(store, ox.Store) else store.query(q)
    names = [v.value for v in rows.variables]
    out = []
    for row in rows:
        out.append({n: (None if row[n] is None else row[n].value) for n in names})
    return out


def _distinct(rows: list[dict], key: str = "id") -> list[dict]:
    """One row per id (nodes written in several document graphs are read once each), sorted."""
    seen: dict[str, dict] = {}
    for r in rows:
        cur = seen.get(r[key])
        if cur is None:
            seen[r[key]] = r
        else:
            for k, v in r.items():
                if cur.get(k) is None and v is not None:
                    cur[k] = v
    return [seen[k] for k in sorted(seen)]


_SPAN = "?s pk:document ?document ; oa:start ?start ; oa:end ?end ; oa:exact ?quote ."

_QUERIES = {
    "policies": """
        SELECT ?id ?document ?title ?doc_number ?issued ?published ?valid_from ?valid_until ?repealed
               ?stated_status ?level ?cityName ?city_code ?annex_of WHERE {
          ?id a pk:Policy ; pk:sourceDocument ?document ; pk:city ?c .
          ?c pk:adminCode ?city_code .
          OPTIONAL { ?c rdfs:label ?cityName FILTER (lang(?cityName) = "zh") }
          OPTIONAL { ?id dcterms:title ?title } OPTIONAL { ?id pk:docNumber ?doc_number }
          OPTIONAL { ?id dcterms:issued ?issued } OPTIONAL { ?id pk:published ?published }
          OPTIONAL { ?id pk:validFrom ?valid_from } OPTIONAL { ?id pk:validUntil ?valid_until }
          OPTIONAL { ?id pk:repealed ?repealed } OPTIONAL { ?id pk:statedStatus ?stated_status }
          OPTIONAL { ?id pk:level ?level } OPTIONAL { ?id pk:annexOf ?annex_of }
        }""",
    "measures": """
        SELECT ?id ?policy ?document ?code ?title ?text ?parent ?order ?section_kind ?cityName ?start ?end WHERE {
          ?id a pk:Measure ; pk:code ?code ; eli:is_part_of ?policy ; rdf:value ?text ; pk:source ?s .
          ?s pk:document ?document ; oa:start ?start ; oa:end ?end .
          OPTIONAL { ?id dcterms:title ?title } OPTIONAL { ?id dcterms:isPartOf ?parent }
          OPTIONAL { ?id pk:order ?order } OPTIONAL { ?id pk:sectionKind ?section_kind }
          OPTIONAL { ?id pk:city/rdfs:label ?cityName FILTER (lang(?cityName) = "zh") }
        }""",
    "responsibilities": f"""
        SELECT ?id ?measure ?organization ?organization_name ?role ?basis ?form ?document ?start ?end ?quote WHERE {{
          ?id a pk:Responsibility ; pk:measure ?measure ; pk:organization ?organization ;
              pk:role ?role ; pk:basis ?basis ; pk:form ?form ; pk:source ?s .
          {_SPAN}
          OPTIONAL {{ ?organization rdfs:label ?organization_name FILTER (lang(?organization_name) = "zh") }}
        }}""",
    "organizations": """
        SELECT ?id ?name ?name_en ?kind ?city_code ?department_type ?parent WHERE {
          ?id a org:Organization ; pk:kind ?kind .
          OPTIONAL { ?id rdfs:label ?name FILTER (lang(?name) = "zh") }
          OPTIONAL { ?id pk:nameEn ?name_en }
          OPTIONAL { ?id pk:city/pk:adminCode ?city_code }
          OPTIONAL { ?id pk:departmentType ?department_type }
          OPTIONAL { ?id org:subOrganizationOf ?parent }
        }""",
    "targets": f"""
        SELECT ?id ?measure ?policy ?indicator ?indicator_concept ?kind ?comparator ?value ?value_max ?unit
               ?due_year ?aspiration ?document ?start ?end ?quote WHERE {{
          ?id a pk:Target ; pk:indicator ?indicator ; pk:policy ?policy ; pk:source ?s .
          {_SPAN}
          OPTIONAL {{ ?id pk:measure ?measure }} OPTIONAL {{ ?id rdf:value ?value }}
          OPTIONAL {{ ?id pk:valueMax ?value_max }} OPTIONAL {{ ?id pk:indicatorConcept ?indicator_concept }}
          OPTIONAL {{ ?id pk:kind ?kind }} OPTIONAL {{ ?id pk:comparator ?comparator }}
          OPTIONAL {{ ?id pk:aspiration ?aspiration }}
          OPTIONAL {{ ?id pk:unit ?unit }} OPTIONAL {{ ?id pk:dueYear ?due_year }}
        }}""",
    "classifications": f"""
        SELECT ?id ?measure ?concept ?scheme ?label ?document ?start ?end ?quote WHERE {{
          ?id a pk:Classification ; pk:measure ?measure ; pk:concept ?concept ; pk:source ?s .
          {_SPAN}
          OPTIONAL {{ ?concept skos:inScheme ?scheme }}
          OPTIONAL {{ ?concept skos:prefLabel ?label FILTER (lang(?label) = "zh") }}
        }}""",
    "policy_tools": f"""
        SELECT ?id ?measure ?tool ?label ?tool_type ?type_label ?via ?document ?start ?end ?quote WHERE {{
          ?id a pk:PolicyToolCoding ; pk:measure ?measure ; pk:concept ?tool ; pk:source ?s .
          {_SPAN}
          OPTIONAL {{ ?tool skos:prefLabel ?label FILTER (lang(?label) = "zh") }}
          OPTIONAL {{ ?tool skos:broader ?tool_type .
                      OPTIONAL {{ ?tool_type skos:prefLabel ?type_label FILTER (lang(?type_label) = "zh") }} }}
          OPTIONAL {{ ?id pk:via ?via }}
        }}""",
    "reuse_pairs": """
        SELECT ?id ?measure ?other ?score ?earlier ?document ?other_document ?start ?end ?other_start ?other_end WHERE {
          ?id a pk:MeasureSimilarity ; pk:measure ?measure ; pk:other ?other ; pk:score ?score ;
              pk:source ?s ; pk:otherSource ?o .
          ?s pk:document ?document ; oa:start ?start ; oa:end ?end .
          ?o pk:document ?other_document ; oa:start ?other_start ; oa:end ?other_end .
          OPTIONAL { ?id pk:earlier ?earlier }
        }""",
}

_IDS = {"id", "policy", "measure", "parent", "organization", "other", "earlier", "annex_of"}
_NAMES = {"role", "basis", "form", "level", "stated_status", "kind", "comparator"}
_CONCEPTS = {"tool", "tool_type", "via", "concept", "department_type", "indicator_concept"}
_INTS = {"order", "start", "end", "due_year", "other_start", "other_end"}
_FLOATS = {"value", "value_max", "score"}
_BOOLS = {"aspiration"}


def _typed(kind: str, rows: list[dict]) -> pa.Table:
    for r in rows:
        if "cityName" in r:
            r["city"] = r.pop("cityName")
        for k, v in r.items():
            if v is None:
                continue
            if k in _IDS:
                r[k] = local_id(v)
            elif k in _NAMES or k in _CONCEPTS:
                r[k] = _name(v)
            elif k in _INTS:
                r[k] = int(v)
            elif k in _FLOATS:
                r[k] = float(v)
            elif k in _BOOLS:
                r[k] = v == "true"
            elif k == "scheme":
                r[k] = v.rstrip("/").rsplit("/", 1)[-1]  # measure-type / industry
    rows = _distinct(rows)
    columns = _columns(kind)
    schema = pa.schema([(c, _type(c)) for c in columns])
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)


def _columns(kind: str) -> list[str]:
    head = _QUERIES[kind].split("WHERE", 1)[0].replace("SELECT", "").replace("DISTINCT", "")
    cols = [c.lstrip("?") for c in head.split()]
    cols = ["city" if c == "cityName" else c for c in cols]
    if kind == "policies":
        cols.append("implements")
    return cols


def _type(column: str) -> pa.DataType:
    if column in _INTS:
        return pa.int64()
    if column in _FLOATS:
        return pa.float64()
    if column in _BOOLS:
        return pa.bool_()
    if column == "implements":
        return pa.list_(pa.string())
    return pa.string()


def load_tables(path_or_store: str | Path | Any) -> dict[str, pa.Table]:
    """The tables of a built dataset (a .trig/.nq path, or a store already loaded), as pyarrow Tables."""
    store = path_or_store if not isinstance(path_or_store, (str, Path)) else open_store(path_or_store)
    tables: dict[str, pa.Table] = {}
    implements: dict[str, list[str]] = {}
    for r in _select(store, "SELECT DISTINCT ?a ?b WHERE { ?a pk:implements ?b }"):
        implements.setdefault(local_id(r["a"]), []).append(local_id(r["b"]))
    for kind in TABLES:
        rows = _select(store, _QUERIES[kind])
        if kind == "policies":
            for r in rows:
                r["implements"] = sorted(implements.get(local_id(r["id"]), []))
        tables[kind] = _typed(kind, rows)
    return tables


def load_frames(path_or_store: str | Path | Any) -> dict[str, "Any"]:
    """The same tables as pandas DataFrames: ``load_frames("data/policykg.trig")["measures"]``."""
    return {k: t.to_pandas() for k, t in load_tables(path_or_store).items()}
