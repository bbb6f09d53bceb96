"""The citation network between policies, stubs included.

A policy cites another with ``《title》(文号)``; the pipeline writes
``dcterms:references`` from the citing policy to the cited one and a
``pk:Citation`` node with the quote span. A cited policy outside the corpus is
a stub (``pk:stub true``) with only its title and 文号. The service's index
keeps corpus policies only, so this module reads stubs and citation spans from
the store itself, once per loaded graph.

Each node gets a level — NATIONAL, PROVINCIAL, MUNICIPAL or UNKNOWN — read
from its 文号's issuer abbreviation (国发, 豫政, 许政 …) or, without one,
from its title (河南省…, 国务院…, 漯河市…): that is what lets a researcher ask
which city policies implement which provincial or national ones.

    from service.insights import citations
    net = citations.citation_network(g)
    [(e.citing.title, e.cited.doc_number) for e in net.cites("policy/xuchang-2020-plan")]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..readmodel.index import PREFIXES
from ..readmodel.names import key
from ..readmodel.records import Span, local_id
from .common import derived, to_csv
from .databases import EntryMapping, KeptRows

CITATIONS_FILE = "citations.sqlite"
RECENT = 1024  # nodes and edges a worker keeps decoded

# 文号 issuer abbreviations → province (the first character of a provincial 文号).
PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区", "内蒙": "内蒙古自治区",
    "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省",
    "皖": "安徽省", "闽": "福建省", "赣": "江西省", "鲁": "山东省", "豫": "河南省", "鄂": "湖北省",
    "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区", "琼": "海南省", "渝": "重庆市", "川": "四川省",
    "黔": "贵州省", "云": "云南省", "滇": "云南省", "藏": "西藏自治区", "陕": "陕西省", "甘": "甘肃省",
    "青": "青海省", "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}
# 文号 prefixes of central bodies: 国发, 国办发, 中发, 中办发, 国科发, 财教 ...
NATIONAL_PREFIXES = ("国", "中发", "中办", "中科", "财", "科发", "发改", "工信", "教", "人社部", "商", "银发")
NATIONAL_TITLE_WORDS = ("国务院", "中共中央", "国家", "科技部", "财政部", "工业和信息化部", "教育部")

LEVELS = ("NATIONAL", "PROVINCIAL", "MUNICIPAL", "UNKNOWN")


@dataclass(slots=True)
class PolicyRef:
    """A node of the citation network: a corpus policy or a stub."""

    iri: str
    id: str
    title: str
    doc_number: str | None
    issued: str | None
    stub: bool
    city_iri: str | None  # the corpus policy's city; None for stubs
    level: str = "UNKNOWN"
    province: str | None = None  # for PROVINCIAL (and MUNICIPAL when known)
    cites_ids: list[int] = field(default_factory=list)  # indexes into CitationNetwork.edges
    cited_by_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CitationEdge:
    citing_iri: str
    cited_iri: str
    source: Span | None  # the 《title》(文号) as written in the citing document


@dataclass
class CitationNetwork:
    nodes: Mapping[str, PolicyRef]
    edges: Sequence[CitationEdge]

    def node(self, ident: str) -> PolicyRef | None:
        """A node by IRI, readable id (``policy/xuchang-2020-plan``) or exact 文号."""
        if ident in self.nodes:
            return self.nodes[ident]
        for n in self.nodes.values():
            if n.id == ident or (n.doc_number and n.doc_number == ident):
                return n
        return None

    def cites(self, ident: str) -> list[CitationEdge]:
        n = self.node(ident)
        return [self.edges[i] for i in n.cites_ids] if n else []

    def cited_by(self, ident: str) -> list[CitationEdge]:
        n = self.node(ident)
        return [self.edges[i] for i in n.cited_by_ids] if n else []

    def find(self, text: str | None = None, level: str | None = None, stub: bool | None = None,
             cited_only: bool = True) -> list[PolicyRef]:
        """Nodes whose title or 文号 contains ``text``; cited ones only by default,
        most cited first."""
        return _found(self.nodes.values(), text, level, stub, cited_only)

    def subnetwork(self, city_iri: str | None) -> CitationNetwork:
        """The edges whose citing policy is in ``city_iri`` (all when None), and their ends."""
        if city_iri is None:
            return self
        edges = [e for e in self.edges
                 if self.nodes[e.citing_iri].city_iri == city_iri]
        keep = {e.citing_iri for e in edges} | {e.cited_iri for e in edges}
        keep |= {iri for iri, n in self.nodes.items() if n.city_iri == city_iri}
        return CitationNetwork({i: self.nodes[i] for i in self.nodes if i in keep}, edges)


def _found(nodes: Iterator[PolicyRef] | Any, text: str | None, level: str | None, stub: bool | None,
           cited_only: bool) -> list[PolicyRef]:
    k = key(text) if text else None
    out = []
    for n in nodes:
        if cited_only and not n.cited_by_ids:
            continue
        if level is not None and n.level != level:
            continue
        if stub is not None and n.stub != stub:
            continue
        if k and k not in key(n.title) and k not in key(n.doc_number or ""):
            continue
        out.append(n)
    out.sort(key=lambda n: (-len(n.cited_by_ids), LEVELS.index(n.level), n.doc_number or "", n.title))
    return out


class KeptEdges(Sequence):
    """The network's edges by position, read from the entry's rows when asked."""

    def __init__(self, rows: EntryMapping, count: int) -> None:
        self._rows, self._count = rows, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if not -self._count <= i < self._count:
            raise IndexError(i)
        return self._rows[str(i % self._count)]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


class KeptCitationNetwork(CitationNetwork):
    """The network of an entry: nodes and edges are rows of ``citations.sqlite``, read when asked, and what
    a lookup by id or 文号, ``find`` and a city's subnetwork need are rows of their own. Kept whole, the
    first request of each worker reading any citation unpickled the whole network (+14 MiB at 3,000
    documents)."""

    def __init__(self, db: KeptCitations) -> None:
        super().__init__(db.mapping("nodes", RECENT), KeptEdges(db.mapping("edges", RECENT), db.edge_count))
        self._db = db
        self._aliases = db.mapping("aliases", RECENT)
        self._cities = db.mapping("cities", 16)
        self._cited = db.mapping("cited", 1)

    def node(self, ident: str) -> PolicyRef | None:
        n = self.nodes.get(ident)
        if n is None and ident in self._aliases:
            n = self.nodes.get(self._aliases[ident])
        return n

    def find(self, text: str | None = None, level: str | None = None, stub: bool | None = None,
             cited_only: bool = True) -> list[PolicyRef]:
        iris = self._cited[""] if cited_only else list(self.nodes)
        return _found((self.nodes[i] for i in iris), text, level, stub, cited_only)

    def subnetwork(self, city_iri: str | None) -> CitationNetwork:
        if city_iri is None:
            return self
        edges, nodes = self._cities.get(city_iri, ((), ()))
        return CitationNetwork({i: self.nodes[i] for i in nodes}, [self.edges[i] for i in edges])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CitationNetwork):
            return NotImplemented
        return dict(self.nodes.items()) == dict(other.nodes.items()) and list(self.edges) == list(other.edges)


class KeptCitations(KeptRows):
    """The citation network as rows of a file of the entry; ``attach`` gives back a ``KeptCitationNetwork``."""

    FILE = CITATIONS_FILE

    def __init__(self, g: Any, net: CitationNetwork) -> None:
        aliases: dict[str, str] = {}
        for n in net.nodes.values():  # the first node with the id or 文号, as CitationNetwork.node finds it
            for alias in (n.id, n.doc_number):
                if alias and alias not in net.nodes:
                    aliases.setdefault(alias, n.iri)
        # each city's part as CitationNetwork.subnetwork makes it: the edges its policies cite by, and their
        # ends and its own policies in the network's order
        edges: dict[str, list[int]] = {}
        ends: dict[str, set[str]] = {}
        for i, e in enumerate(net.edges):
            city = net.nodes[e.citing_iri].city_iri
            if city is not None:
                edges.setdefault(city, []).append(i)
                ends.setdefault(city, set()).update((e.citing_iri, e.cited_iri))
        for n in net.nodes.values():
            if n.city_iri is not None:
                ends.setdefault(n.city_iri, set()).add(n.iri)
        position = {iri: i for i, iri in enumerate(net.nodes)}
        cities = {c: (edges.get(c, []), sorted(kept, key=position.__getitem__)) for c, kept in ends.items()}
        super().__init__(g, {
            "nodes": net.nodes, "edges": {str(i): e for i, e in enumerate(net.edges)}, "aliases": aliases,
            "cities": cities, "cited": {"": [n.iri for n in net.nodes.values() if n.cited_by_ids]},
        })
        self.edge_count = len(net.edges)

    def attach(self, g: Any) -> KeptCitationNetwork:
        super().attach(g)
        return KeptCitationNetwork(self)


def _level(doc_number: str | None, title: str, own_city: Any, cities: list[Any]) -> tuple[str, str | None]:
    """(level, province) of a cited policy, from its 文号 prefix or its title."""
    if doc_number:
        prefix = doc_number.split("〔", 1)[0]
        if own_city is not None and own_city.short and prefix.startswith(own_city.short[0]):
            return "MUNICIPAL", own_city.province or None
        for abbr in sorted(PROVINCE_ABBREVIATIONS, key=len, reverse=True):
            if prefix.startswith(abbr):
                return "PROVINCIAL", PROVINCE_ABBREVIATIONS[abbr]
        if prefix.startswith(NATIONAL_PREFIXES):
            return "NATIONAL", None
        # another city of the corpus (许政, 漯发, 承办, 常发): the province only when unambiguous
        provinces = {c.province for c in cities if c.short and prefix.startswith(c.short[0])}
        if provinces:
            return "MUNICIPAL", provinces.pop() if len(provinces) == 1 else None
    t = title.strip()
    provinces = sorted(set(PROVINCE_ABBREVIATIONS.values()), key=len, reverse=True)
    for c in ([own_city] if own_city is not None else []) + cities:
        if c is not None and (c.name in t or (c.short and t.startswith(c.short))):
            return "MUNICIPAL", c.province or None
    for p in provinces:
        if t.startswith((p, p.rstrip("省市"))) or f"{p}人民政府" in t:
            return "PROVINCIAL", p
    if t.startswith(NATIONAL_TITLE_WORDS) or any(w in t[:12] for w in ("国务院", "中共中央")):
        return "NATIONAL", None
    if "省" in t[:8]:
        return "PROVINCIAL", None
    return "UNKNOWN", None


def _compute(g: Any) -> CitationNetwork:
    ix, store = g.index, g.store
    nodes: dict[str, PolicyRef] = {}
    for p in ix.policies.values():
        nodes[p.iri] = PolicyRef(p.iri, p.id, p.title, p.doc_number, p.issued, False, p.city_iri)
    # Plain joins, no OPTIONAL: over the union of hundreds of document graphs an
    # OPTIONAL pattern here costs seconds, the joins milliseconds.
    stubs: dict[str, dict[str, str]] = {}
    for row in store.query(PREFIXES + "SELECT DISTINCT ?p WHERE { ?p pk:stub true }"):
        stubs.setdefault(row["p"].value, {})
    for field_name, prop in (("title", "dcterms:title"), ("num", "pk:docNumber")):
        for row in store.query(PREFIXES + f"SELECT DISTINCT ?p ?v WHERE {{ ?p pk:stub true ; {prop} ?v }}"):
            stubs.setdefault(row["p"].value, {}).setdefault(field_name, row["v"].value)
    for iri in sorted(stubs):
        if iri in nodes:
            continue
        title, num = stubs[iri].get("title", ""), stubs[iri].get("num")
        nodes[iri] = PolicyRef(iri, local_id(iri), title or (num or local_id(iri)), num, None, True, None)
    spans: dict[tuple[str, str], Span] = {}
    for row in store.query(PREFIXES + """
        SELECT DISTINCT ?citing ?cited ?doc ?start ?end ?exact WHERE {
          ?c a pk:Citation ; pk:citing ?citing ; pk:cited ?cited ; pk:source ?s .
          ?s pk:document ?doc ; oa:start ?start ; oa:end ?end ; oa:exact ?exact .
        }"""):
        pair = (row["citing"].value, row["cited"].value)
        span = Span(row["doc"].value, int(row["start"].value), int(row["end"].value), row["exact"].value)
        if pair not in spans or span.start < spans[pair].start:
            spans[pair] = span
    # the edges: dcterms:references of corpus policies (the index has them in order)
    edges: list[CitationEdge] = []
    spans_of: dict[str, list[str]] = {}
    for a, c in spans:
        spans_of.setdefault(a, []).append(c)
    for p in ix.policies.values():
        refs = list(p.reference_iris)
        refs += [c for c in spans_of.get(p.iri, ()) if c not in refs]
        refs.sort(key=lambda c: (spans[(p.iri, c)].start if (p.iri, c) in spans else 1 << 30, c))
        for cited in refs:
            if cited not in nodes:  # a reference to something that is not a policy node
                nodes[cited] = PolicyRef(cited, local_id(cited), local_id(cited), None, None, True, None)
            edges.append(CitationEdge(p.iri, cited, spans.get((p.iri, cited))))
    for i, e in enumerate(edges):
        nodes[e.citing_iri].cites_ids.append(i)
        nodes[e.cited_iri].cited_by_ids.append(i)
    cities = list(ix.cities.values())
    for n in nodes.values():
        if not n.stub:
            city = ix.cities.get(n.city_iri or "")
            n.level, n.province = "MUNICIPAL", (city.province if city else None)
            continue
        # a stub is read from the point of view of (the first of) the cities citing it
        citing_city = next((ix.cities.get(nodes[edges[i].citing_iri].city_iri or "")
                            for i in n.cited_by_ids), None)
        n.level, n.province = _level(n.doc_number, n.title, citing_city, cities)
    return CitationNetwork(nodes, edges)


def citation_network(g: Any, city: str | None = None) -> CitationNetwork:
    """The whole network, or the citations made by one city's policies."""
    net: CitationNetwork = derived(g, "citations", _compute)
    if city is None:
        return net
    c = g.queries.names.city(city)
    if c is None:
        return CitationNetwork({}, [])
    return net.subnetwork(c.iri)


def citations_csv(g: Any, city: str | None = None) -> str:
    net = citation_network(g, city)
    ix = g.index
    rows = []
    for e in net.edges:
        a, b = net.nodes[e.citing_iri], net.nodes[e.cited_iri]
        city_rec = ix.cities.get(a.city_iri or "")
        rows.append([city_rec.name if city_rec else "", a.id, a.title, a.doc_number, b.id, b.title, b.doc_number,
                     b.level, b.province, b.stub, e.source.quote if e.source else ""])
    return to_csv(["citing_city", "citing_id", "citing_title", "citing_doc_number", "cited_id", "cited_title",
                   "cited_doc_number", "cited_level", "cited_province", "cited_stub", "quote"], rows)
