"""Read the network corpus out of an RDF store with SPARQL.

Anything with ``query(sparql)`` answering pyoxigraph-style solutions works:
the service's ``OxigraphStore`` (whose default graph is the union of the
named graphs) or ``DatasetStore`` below for a TriG file. A fixed number of
SELECTs, whatever the size of the graph; nodes written into several
document graphs (organizations, cities) are merged here. Every pattern is
matched inside one named graph (``GRAPH ?g``), where a document's facts
live: joins over the union graph are several times slower in Oxigraph.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

import pyoxigraph as ox

from .. import vocab
from ..model import Span
from .records import Classification, City, Concept, Corpus, Measure, Organization, Responsibility

# plain strings: SPARQL text and result values are compared as str
PK = str(vocab.PK)
MEASURE_TYPE_SCHEME = str(vocab.MT)
INDUSTRY_SCHEME = str(vocab.IND)
PREFIXES = vocab.SPARQL_PREFIXES

# Predicates whose object is a span (or other node) that only makes sense
# together with its subject: the RDF export follows them one hop.
_DEPENDENT = (PK + "source", PK + "mention", PK + "sentence")


class SparqlStore(Protocol):
    def query(self, sparql: str) -> Any: ...


class DatasetStore:
    """A TriG/N-Quads file in an embedded store, queried over the union of its graphs."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def open(cls, path: Path) -> "DatasetStore":
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TRIG
        store = ox.Store()
        store.bulk_load(path=str(path), format=fmt)
        return cls(store)

    def query(self, sparql: str) -> Any:
        return self._store.query(sparql, use_default_graph_as_union=True)


def _rows(store: SparqlStore, body: str) -> Iterator[Any]:
    return iter(store.query(PREFIXES + body))


def _v(term: Any) -> str:
    """A term's value ("" when unbound), interned: the IRIs and names of one node repeat in many rows."""
    return "" if term is None else sys.intern(term.value)


def _lang(term: Any) -> str | None:
    return getattr(term, "language", None) if term is not None else None


class Spans(dict):
    """Spans by IRI; a lookup of one not there is counted (``misses``): read graph by graph, that is a
    span described in another graph only, which that reading cannot join (CorpusReader.missing_spans,
    and service/readmodel/index.py's reader, which uses this class too)."""

    misses = 0

    def get(self, k: str, default: Any = None) -> Any:  # type: ignore[override]
        v = dict.get(self, k, default)
        if v is None and k:
            self.misses += 1
        return v


def _spans(store: SparqlStore) -> Spans:
    """Every source span, read once: joining them into each query costs more
    than a dictionary lookup per row."""
    spans = Spans()
    for row in _rows(store, """
        SELECT ?s ?doc ?start ?end ?exact WHERE { GRAPH ?g {
          ?s pk:document ?doc ; oa:start ?start ; oa:end ?end . OPTIONAL { ?s oa:exact ?exact }
        } }"""):
        s, doc, start, end, exact = row  # by position: the hottest loop, ~100k rows per 300 cities
        spans.setdefault(s.value, Span(_v(doc), int(start.value), int(end.value), _v(exact)))
    return spans


class _Properties:
    """(local predicate name, object) per node of a class, merged over the graphs and the stores read.

    One row per triple, matched inside one graph at a time: optional
    properties joined over the union graph multiply (a national body named in
    hundreds of documents has each label hundreds of times), so a query with
    several OPTIONALs grows as a power of the number of documents.
    """

    def __init__(self, cls: str, props: str) -> None:
        self.cls, self.props = cls, props
        self.out: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        self._seen: set[tuple[str, str, str]] = set()

    def read(self, store: SparqlStore) -> None:
        for row in _rows(store, f"""
            SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s a {self.cls} ; ?p ?o . VALUES ?p {{ {self.props} }} }} }}"""):
            s_term, p_term, o = row
            s, p = _v(s_term), p_term.value
            k = (s, p, str(o))
            if k not in self._seen:
                self._seen.add(k)
                self.out[s].append((p.rsplit("#", 1)[-1].rsplit("/", 1)[-1], o))

    def finish(self) -> dict[str, list[tuple[str, Any]]]:
        for values in self.out.values():
            values.sort(key=lambda po: (po[0], str(po[1])))  # the same corpus, the same choices below
        return self.out


def _cities(props: dict[str, list[tuple[str, Any]]]) -> dict[str, City]:
    cities = []
    for iri, node in props.items():
        p: dict[str, str] = {}
        for name, o in node:
            if name == "adminCode":
                p.setdefault("code", _v(o))
            elif name == "label":
                p.setdefault("en" if _lang(o) == "en" else "zh", _v(o))
            else:
                p.setdefault("short", _v(o))
        if "code" in p:
            zh = p.get("zh", p["code"])
            cities.append(City(iri, p["code"], zh, p.get("en", zh), p.get("short") or zh.removesuffix("市")))
    return {c.iri: c for c in sorted(cities, key=lambda c: c.code)}


def _read_concepts(store: SparqlStore, schemes: dict[str, str], labels: dict[str, dict[str, str]]) -> None:
    for row in _rows(store, f"""
        SELECT DISTINCT ?c ?scheme ?label WHERE {{
          ?c skos:inScheme ?scheme . VALUES ?scheme {{ <{MEASURE_TYPE_SCHEME}> <{INDUSTRY_SCHEME}> }}
          OPTIONAL {{ ?c skos:prefLabel ?label }}
        }}"""):
        iri = _v(row["c"])
        schemes[iri] = "measureType" if _v(row["scheme"]) == MEASURE_TYPE_SCHEME else "industry"
        if row["label"] is not None:
            labels[iri]["en" if _lang(row["label"]) == "en" else "zh"] = _v(row["label"])


def _concepts(schemes: dict[str, str], labels: dict[str, dict[str, str]]) -> dict[str, Concept]:
    out = {}
    for iri in sorted(schemes):
        zh = labels[iri].get("zh") or iri.rstrip("/").rsplit("/", 1)[-1]
        out[iri] = Concept(iri, schemes[iri], zh, labels[iri].get("en", zh))
    return out


def _organizations(props: dict[str, list[tuple[str, Any]]]) -> dict[str, Organization]:
    out = {}
    for iri in sorted(props):
        p: dict[str, str] = {}
        aliases = set()
        for name, o in props[iri]:
            if name == "label" and _lang(o) != "en":
                p.setdefault("name", _v(o))
            elif name in ("nameEn", "kind"):
                p.setdefault(name, _v(o))
            elif name in ("city", "homeCity") and _v(o).startswith("http"):
                p.setdefault("city", _v(o))
            elif name == "altLabel":
                aliases.add(_v(o))
        name = p.get("name") or iri.rsplit("/", 1)[-1]
        out[iri] = Organization(iri, name, p.get("nameEn") or name, p.get("kind", PK + "OTHER").rsplit("#", 1)[-1],
                                p.get("city"), tuple(sorted(aliases)))
    return out


def _read_measures(store: SparqlStore, spans: dict[str, Span], rows: dict[str, tuple],
                   links: dict[tuple[str, str], list[str]]) -> None:
    """A measure's fields as (code, title, policy, city, document, order, source) by IRI, and its links."""
    for row in _rows(store, """
        SELECT ?m ?code ?title ?policy ?mcity ?pcity ?pdoc ?order ?src WHERE { GRAPH ?g {
          ?m a pk:Measure ; pk:code ?code ; eli:is_part_of ?policy .
          ?policy pk:sourceDocument ?pdoc ; pk:city ?pcity .
          OPTIONAL { ?m dcterms:title ?title } OPTIONAL { ?m pk:city ?mcity } OPTIONAL { ?m pk:order ?order }
          OPTIONAL { ?m pk:source ?src }
        } }"""):
        iri = _v(row["m"])
        if iri not in rows:
            q = spans.get(_v(row["src"]))
            rows[iri] = (_v(row["code"]), _v(row["title"]) or (q.quote[:40] if q else ""), _v(row["policy"]),
                         _v(row["mcity"]) or _v(row["pcity"]), _v(row["pdoc"]),
                         int(row["order"].value) if row["order"] is not None else 0, q)
    for row in _rows(store, """
        SELECT ?m ?rel ?o WHERE {
          VALUES ?rel { pk:measureType pk:industry pk:involves } GRAPH ?g { ?m ?rel ?o }
        }"""):
        links[(_v(row["m"]), _v(row["rel"]).rsplit("#", 1)[-1])].append(_v(row["o"]))


def _measures(rows: dict[str, tuple], links: dict[tuple[str, str], list[str]],
              cities: dict[str, City]) -> dict[str, Measure]:
    for values in links.values():
        values[:] = sorted(set(values))
    measures = []
    for iri, (code, title, policy, city, document, order, source) in rows.items():
        measures.append(Measure(
            iri=iri, code=code, title=title, policy_iri=policy, city_iri=city, document=document,
            order=order, source=source,
            measure_types=tuple(links.get((iri, "measureType"), ())),
            industries=tuple(links.get((iri, "industry"), ())),
            institutions=tuple(links.get((iri, "involves"), ())),
        ))
    measures.sort(key=lambda m: (cities[m.city_iri].code if m.city_iri in cities else "~", m.document,
                                 m.order, m.code))
    return {m.iri: m for m in measures}


def _read_responsibilities(store: SparqlStore, spans: dict[str, Span], out: dict[str, Responsibility]) -> None:
    for row in _rows(store, """
        SELECT ?r ?org ?m ?role ?basis ?src ?mention ?form WHERE { GRAPH ?g {
          ?r a pk:Responsibility ; pk:organization ?org ; pk:measure ?m ; pk:role ?role .
          OPTIONAL { ?r pk:basis ?basis } OPTIONAL { ?r pk:source ?src }
          OPTIONAL { ?r pk:mention ?mention } OPTIONAL { ?r pk:form ?form }
        } }"""):
        iri = _v(row["r"])
        if iri not in out:
            out[iri] = Responsibility(iri, _v(row["org"]), _v(row["m"]), _v(row["role"]).rsplit("#", 1)[-1],
                                      (_v(row["basis"]) or "#EXPLICIT").rsplit("#", 1)[-1], spans.get(_v(row["src"])),
                                      spans.get(_v(row["mention"])), (_v(row["form"]) or "").rsplit("#", 1)[-1])


def _read_classifications(store: SparqlStore, spans: dict[str, Span], out: dict[str, Classification]) -> None:
    for row in _rows(store, """
        SELECT ?c ?m ?concept ?src WHERE { GRAPH ?g {
          ?c a pk:Classification ; pk:measure ?m ; pk:concept ?concept . OPTIONAL { ?c pk:source ?src }
        } }"""):
        out.setdefault(_v(row["c"]), Classification(_v(row["c"]), _v(row["m"]), _v(row["concept"]),
                                                      spans.get(_v(row["src"]))))


class CorpusReader:
    """Reads stores into one network ``Corpus``: ``read`` each (the whole dataset, or one named graph after
    another), then ``finish`` once. Every choice among values is made on sorted values in ``finish``, so
    the corpus does not depend on the order rows or graphs came in."""

    def __init__(self) -> None:
        self._cities = _Properties("pk:City", "pk:adminCode rdfs:label skos:altLabel")
        self._orgs = _Properties("org:Organization", "rdfs:label pk:nameEn pk:kind pk:city pk:homeCity skos:altLabel")
        self._schemes: dict[str, str] = {}
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)
        self._measures: dict[str, tuple] = {}
        self._links: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._resps: dict[str, Responsibility] = {}
        self._classes: dict[str, Classification] = {}
        self.missing_spans = 0  # span IRIs a record points to that the store read does not describe

    def read(self, store: SparqlStore) -> None:
        spans = _spans(store)
        self._cities.read(store)
        _read_concepts(store, self._schemes, self._labels)
        self._orgs.read(store)
        _read_measures(store, spans, self._measures, self._links)
        _read_responsibilities(store, spans, self._resps)
        _read_classifications(store, spans, self._classes)
        self.missing_spans += spans.misses

    def finish(self) -> Corpus:
        cities = _cities(self._cities.finish())
        measures = _measures(self._measures, self._links, cities)
        # the jurisdictions that issued the corpus; enclosing ones and those of
        # named bodies (河南省 for 省科技厅) are nodes too, but not the corpus's cities
        issuing = {m.city_iri for m in measures.values()}
        jurisdictions, cities = cities, {iri: c for iri, c in cities.items() if iri in issuing}
        pos = {iri: i for i, iri in enumerate(measures)}
        resps = [self._resps[k] for k in sorted(self._resps) if self._resps[k].measure_iri in pos]
        resps.sort(key=lambda r: (pos[r.measure_iri], r.role != "LEAD", r.role, r.basis, r.organization_iri))
        classes = [self._classes[k] for k in sorted(self._classes) if self._classes[k].measure_iri in pos]
        classes.sort(key=lambda c: (pos[c.measure_iri], c.source.start if c.source else 0, c.concept_iri))
        return Corpus(cities, _concepts(self._schemes, self._labels), _organizations(self._orgs.finish()),
                      measures, resps, classes, jurisdictions)


def read_corpus(store: SparqlStore) -> Corpus:
    reader = CorpusReader()
    reader.read(store)
    return reader.finish()


# -- RDF of a view --------------------------------------------------------------

def quads_about(store: SparqlStore, subjects: Iterable[str]) -> list[ox.Quad]:
    """Every quad whose subject is one of ``subjects``, plus the quads of the
    spans they point to (pk:source, pk:mention), sorted: the same view gives
    the same bytes."""
    todo = sorted(set(subjects))
    seen: set[str] = set()
    quads: set[ox.Quad] = set()
    for _hop in range(2):
        todo = [s for s in todo if s not in seen]
        if not todo:
            break
        seen.update(todo)
        follow: set[str] = set()
        for i in range(0, len(todo), 500):  # bounded VALUES blocks
            values = " ".join(f"<{s}>" for s in todo[i:i + 500])
            for row in store.query(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"):
                quads.add(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
                if _v(row["p"]) in _DEPENDENT and isinstance(row["o"], ox.NamedNode):
                    follow.add(_v(row["o"]))
        todo = sorted(follow)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
