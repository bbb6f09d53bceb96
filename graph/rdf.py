"""Facts → RDF: one named graph per source document (facts → RDF stage).

No blank nodes: every node gets an IRI derived from what it is (document,
measure code, offsets), so the same input serializes byte for byte the same.
"""

from __future__ import annotations

import bisect

import functools
import hashlib
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .gazetteer import City, default_gazetteer
from .model import Citation, CitationKind, DocumentFacts, OrgMention, OrgRef, Span
from .normalize import squash
from .orgs import org_slug
from .report import DocumentReport
from .vocab import ELI, GRAPHS, ID, OA, ORG, PK, PROV


class _Terms:
    """A namespace whose terms are made once.

    rdflib builds (and validates) a new URIRef on every ``PK.x`` access; at
    national scale (hundreds of thousands of quads) that was a large share of
    the build. Same terms, same output.
    """

    def __init__(self, ns) -> None:
        self._ns = ns
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._ns, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._ns[name]
        return term


DCTERMS, RDF, RDFS, SKOS, XSD = (_Terms(ns) for ns in (DCTERMS, RDF, RDFS, SKOS, XSD))
ELI, OA, ORG, PK, PROV = (_Terms(ns) for ns in (ELI, OA, ORG, PK, PROV))


@functools.lru_cache(maxsize=65536)
def _seg(text: str) -> str:
    return quote(text, safe="-_.~")


@functools.lru_cache(maxsize=65536)
def _int(n: int) -> Literal:
    return Literal(n)


def _decimal(v: float) -> str:
    """A value as xsd:decimal text: 500, 2.1 (no float noise, no trailing .0)."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _h(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@functools.lru_cache(maxsize=65536)
def doc_slug(file: str) -> str:
    return _seg(file.rsplit(".", 1)[0])


def policy_iri(file: str) -> URIRef:
    return ID[f"policy/{doc_slug(file)}"]


def graph_iri(file: str) -> URIRef:
    return URIRef(GRAPHS + doc_slug(file))  # vocab.document_graph(policy_iri(file)) names the same


def measure_iri(file: str, code: str) -> URIRef:
    return ID[f"measure/{doc_slug(file)}/{_seg(code)}"]


def city_iri(code: str) -> URIRef:
    return ID[f"city/{code}"]


def org_iri(ref: OrgRef) -> URIRef:
    slug = org_slug(ref)
    return URIRef(slug) if slug.startswith("http") else ID[slug]


def span_iri(span: Span) -> URIRef:
    return ID[f"span/{doc_slug(span.document)}/{span.start}-{span.end}"]


def cited_iri(c: Citation) -> URIRef:
    return ID[f"policy/cited/{_h(c.doc_number or c.title)}"]


def programme_iri(name: str) -> URIRef:
    """One node per programme name, shared by every document that mentions it."""
    return ID[f"programme/{_h(squash(name))}"]


Quad = tuple[URIRef, URIRef, Node, URIRef]


class _Writer:
    """Collects one document's quads (plain tuples: cheaper than store adds)."""

    def __init__(self, graph: URIRef, pages: dict[str, tuple[int, ...]] | None = None):
        self.graph = graph
        self.pages = pages or {}  # per document: where each page starts (PDF), for pk:page
        self.quads: set[Quad] = set()
        self._spans: dict[Span, URIRef] = {}  # a span cited by several facts is written once
        self._orgs: dict[tuple[OrgRef, str], URIRef] = {}  # so is an organization named alike
        self._cities: dict[str, URIRef] = {}

    def add(self, s, p, o) -> None:
        self.quads.add((s, p, o, self.graph))

    def span(self, span: Span) -> URIRef:
        node = self._spans.get(span)
        if node is not None:
            return node
        node = self._spans[span] = span_iri(span)
        self.add(node, RDF.type, PK.SourceSpan)
        self.add(node, PK.document, Literal(span.document))
        self.add(node, OA.start, _int(span.start))
        self.add(node, OA.end, _int(span.end))
        self.add(node, OA.exact, Literal(span.quote))
        starts = self.pages.get(span.document)
        if starts:
            self.add(node, PK.page, _int(bisect.bisect_right(starts, span.start) or 1))
        return node

    def city(self, city: City, ancestors: tuple[City, ...] = ()) -> URIRef:
        """A jurisdiction's node, with its enclosing ones (长葛市 → 许昌市 → 河南省)."""
        node = city_iri(city.code)
        self.add(node, RDF.type, PK.City)
        self.add(node, RDFS.label, Literal(city.name, lang="zh"))
        self.add(node, RDFS.label, Literal(city.name_en, lang="en"))
        self.add(node, SKOS.altLabel, Literal(city.short, lang="zh"))
        self.add(node, PK.province, Literal(city.province, lang="zh"))
        self.add(node, PK.adminCode, Literal(city.code))
        self.add(node, PK.level, PK[city.level])
        if ancestors:
            self.add(node, PK.parentJurisdiction, self.city(ancestors[0], ancestors[1:]))
        return node

    def jurisdiction(self, code: str) -> URIRef:
        """The node of a jurisdiction an organization belongs to (written once per graph)."""
        node = self._cities.get(code)
        if node is None:
            gazetteer = default_gazetteer()
            city = gazetteer.get(code)
            node = self._cities[code] = self.city(city, tuple(gazetteer.ancestors(city)))
        return node

    def org(self, mention: OrgMention) -> URIRef:
        ref = mention.org
        seen = self._orgs.get((ref, mention.surface))
        if seen is not None:
            return seen
        if ref.parent is not None:
            self.org(OrgMention(ref.parent, ref.parent.name, mention.span))
        node = self._orgs[(ref, mention.surface)] = org_iri(ref)
        self.add(node, RDF.type, ORG.Organization)
        self.add(node, RDFS.label, Literal(ref.name, lang="zh"))
        self.add(node, PK.kind, PK[ref.kind.value])
        if ref.name_en:
            self.add(node, PK.nameEn, Literal(ref.name_en, lang="en"))
        if ref.city_code:
            self.add(node, PK.city, self.jurisdiction(ref.city_code))
        if ref.department_type:
            self.add(node, PK.departmentType, URIRef(ref.department_type))
        if ref.parent_key:
            self.add(node, ORG.subOrganizationOf, URIRef(ref.parent_key))
        surface = mention.surface.strip()
        if surface and surface != ref.name:
            self.add(node, SKOS.altLabel, Literal(surface, lang="zh"))
        return node


def document_quads(
    facts: DocumentFacts, city: City, links: "CorpusLinks", ancestors: tuple[City, ...] = ()
) -> set[Quad]:
    """The named graph of one document, as quads.

    ``ancestors`` are the jurisdictions enclosing ``city``, nearest first.
    """
    w = _Writer(graph_iri(facts.source.name), links.pages)
    file = facts.source.name
    meta = facts.meta
    pol = policy_iri(file)
    city_node = w.city(city, ancestors)
    w.add(pol, RDF.type, PK.Policy)
    w.add(pol, RDF.type, ELI.LegalResource)
    w.add(pol, DCTERMS.title, Literal(meta.title, lang="zh"))
    w.add(pol, PK.sourceDocument, Literal(file))
    w.add(pol, PK.city, city_node)
    if meta.doc_number:
        w.add(pol, PK.docNumber, Literal(meta.doc_number))
    if meta.issued:
        w.add(pol, DCTERMS.issued, Literal(meta.issued, datatype=XSD.date))
    if meta.url:
        w.add(pol, DCTERMS.source, URIRef(meta.url))
    if meta.annex_of:
        w.add(pol, PK.annexOf, policy_iri(meta.annex_of))
    for issuer in meta.issuers:
        w.add(pol, ELI.passed_by, w.org(issuer))
    for c in facts.citations:
        if c.kind is CitationKind.PLANNED:
            # a document to be drafted: not a policy yet, so no citation link
            node = ID[f"planned/{doc_slug(file)}/{c.span.start}-{c.span.end}"]
            w.add(node, RDF.type, PK.PlannedDocument)
            w.add(node, DCTERMS.title, Literal(c.title, lang="zh"))
            w.add(node, PK.source, w.span(c.span))
            w.add(pol, PK.plans, node)
            continue
        if c.kind is CitationKind.PROGRAMME:
            prog = programme_iri(c.title)
            w.add(prog, RDF.type, PK.Programme)
            w.add(prog, RDFS.label, Literal(c.title, lang="zh"))
            w.add(pol, PK.mentionsProgramme, prog)
            mention = ID[f"programme-mention/{doc_slug(file)}/{c.span.start}-{c.span.end}"]
            w.add(mention, RDF.type, PK.ProgrammeMention)
            w.add(mention, PK.programme, prog)
            w.add(mention, PK.policy, pol)
            w.add(mention, PK.source, w.span(c.span))
            continue
        target = links.policy_by_number.get(c.doc_number or "") or links.policy_by_title.get(c.title)
        if target is None:
            target = cited_iri(c)
            w.add(target, RDF.type, PK.Policy)
            w.add(target, PK.stub, Literal(True))
            w.add(target, DCTERMS.title, Literal(c.title, lang="zh"))
            if c.doc_number:
                w.add(target, PK.docNumber, Literal(c.doc_number))
        if target != pol:
            w.add(pol, DCTERMS.references, target)
            cite = ID[f"citation/{doc_slug(file)}/{c.span.start}-{c.span.end}"]
            w.add(cite, RDF.type, PK.Citation)
            w.add(cite, PK.citing, pol)
            w.add(cite, PK.cited, target)
            w.add(cite, PK.source, w.span(c.span))

    codes = {m.code for m in facts.measures}
    for m in facts.measures:
        node = measure_iri(file, m.code)
        w.add(node, RDF.type, PK.Measure)
        w.add(node, RDF.type, ELI.LegalResourceSubdivision)
        w.add(node, PK.code, Literal(m.code))
        w.add(node, PK.order, _int(m.order))
        w.add(node, ELI.is_part_of, pol)
        w.add(node, PK.city, city_node)
        if m.title:
            w.add(node, DCTERMS.title, Literal(m.title, lang="zh"))
        w.add(node, RDF.value, Literal(m.own_text, lang="zh"))
        if m.section_kind:
            w.add(node, PK.sectionKind, Literal(m.section_kind))
        if m.parent and m.parent in codes:
            w.add(node, DCTERMS.isPartOf, measure_iri(file, m.parent))
        w.add(node, PK.source, w.span(m.span))
        refined = facts.refines.get(m.code)
        if refined and meta.annex_of:
            w.add(node, PK.refines, measure_iri(meta.annex_of, refined))

    for r in facts.responsibilities:
        org = w.org(r.mention)
        node = ID[
            f"responsibility/{doc_slug(file)}/{_seg(r.measure)}/{r.role.value}/"
            f"{r.basis.value}/{_h(str(org) + r.span.document + str(r.span.start))}"
        ]
        w.add(node, PK.form, PK[r.form.value])
        w.add(node, RDF.type, PK.Responsibility)
        w.add(node, PK.organization, org)
        w.add(node, PK.measure, measure_iri(file, r.measure))
        w.add(node, PK.role, PK[r.role.value])
        w.add(node, PK.basis, PK[r.basis.value])
        w.add(node, PK.source, w.span(r.span))
        w.add(node, PK.mention, w.span(r.mention.span))
        if r.mention.open_ended:
            w.add(node, PK.openEnded, Literal(True))

    for mention, code in zip(facts.involvements, facts.involvement_measures):
        org = w.org(mention)
        node = measure_iri(file, code)
        w.add(node, PK.involves, org)
        inv = ID[f"involvement/{doc_slug(file)}/{mention.span.start}-{mention.span.end}"]
        w.add(inv, RDF.type, PK.Involvement)
        w.add(inv, PK.measure, node)
        w.add(inv, PK.organization, org)
        w.add(inv, PK.source, w.span(mention.span))

    for prop, hits in ((PK.measureType, facts.measure_types), (PK.industry, facts.industries)):
        for hit in hits:
            node = measure_iri(file, hit.measure)
            concept = URIRef(hit.concept)
            w.add(node, prop, concept)
            cls = ID[f"classification/{doc_slug(file)}/{_seg(hit.measure)}/{_h(hit.concept)}"]
            w.add(cls, RDF.type, PK.Classification)
            w.add(cls, PK.measure, node)
            w.add(cls, PK.concept, concept)
            w.add(cls, PK.source, w.span(hit.span))

    for t in facts.targets:
        node = ID[f"target/{doc_slug(file)}/{t.figure.start}-{t.figure.end}/{_h(t.indicator)}"]
        w.add(node, RDF.type, PK.Target)
        w.add(node, PK.indicator, Literal(t.indicator, lang="zh"))
        if t.indicator_concept:
            w.add(node, PK.indicatorConcept, URIRef(t.indicator_concept))
        w.add(node, PK.kind, PK[t.kind.value])
        w.add(node, PK.comparator, PK[t.comparator.value])
        if t.value is not None:
            w.add(node, RDF.value, Literal(_decimal(t.value), datatype=XSD.decimal))
        if t.value_max is not None:
            w.add(node, PK.valueMax, Literal(_decimal(t.value_max), datatype=XSD.decimal))
        if t.unit:
            w.add(node, PK.unit, Literal(t.unit))
        if t.year:
            w.add(node, PK.dueYear, Literal(t.year))
        if t.aspiration:
            w.add(node, PK.aspiration, Literal(True))
        w.add(node, PK.policy, pol)
        w.add(node, PK.city, city_node)
        if t.measure:
            w.add(node, PK.measure, measure_iri(file, t.measure))
        w.add(node, PK.source, w.span(t.span))
        w.add(node, PK.figure, w.span(t.figure))
        w.add(node, PK.sentence, w.span(t.sentence))

    w.add(pol, PROV.wasDerivedFrom, Literal(file))
    return w.quads


REPORT_GRAPH_NAME = "graph/report"


def report_quads(reports: "list[DocumentReport]") -> set[Quad]:
    """The extraction report (graph.report), one node per document of the manifest, in its own graph."""
    w = _Writer(ID[REPORT_GRAPH_NAME])
    for r in reports:
        node = ID[f"report/{doc_slug(r.document)}"]
        w.add(node, RDF.type, PK.DocumentReport)
        w.add(node, PK.document, Literal(r.document))
        if r.policy:
            w.add(node, PK.policy, policy_iri(r.policy))
        if r.error:
            w.add(node, PK.error, Literal(r.error))
        w.add(node, PK.measureCount, _int(r.measures))
        w.add(node, PK.explicitMeasureCount, _int(r.measures_with_explicit))
        for span in r.unexplained:
            w.add(node, PK.unexplained, w.span(span))
    return w.quads


class CorpusLinks:
    """Cross-document lookups the RDF mapping needs (citations to corpus policies)."""

    def __init__(self, all_facts: list[DocumentFacts] = ()):
        self.policy_by_number: dict[str, URIRef] = {}
        self.policy_by_title: dict[str, URIRef] = {}
        # page starts of paged documents (PDF): spans quoted in any graph carry their page
        self.pages: dict[str, tuple[int, ...]] = {}
        self._add((f.source.name, f.meta.doc_number, f.meta.title, f.source.pages) for f in all_facts)

    @classmethod
    def from_documents(cls, documents) -> "CorpusLinks":
        """From (file, 文号, title, page starts) per document, in corpus order: no facts needed."""
        links = cls()
        links._add(documents)
        return links

    def _add(self, documents) -> None:
        for file, doc_number, title, pages in documents:
            if pages:
                self.pages[file] = pages
            if doc_number:
                self.policy_by_number[doc_number] = policy_iri(file)
            self.policy_by_title[title] = policy_iri(file)
