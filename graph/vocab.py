"""IRIs of the policykg vocabulary and of the vocabularies it reuses.

The ontology in ``ontology/policykg.ttl`` declares every ``PK`` term used here;
this module is the single place Python code takes them from.

Shape of the graph (one named graph per source document):

    <policy>  a pk:Policy, eli:LegalResource ;
              dcterms:title, pk:docNumber, dcterms:issued (xsd:date),
              pk:city <city>, eli:passed_by <org>*, pk:annexOf <policy>?,
              dcterms:references <policy>* (citations), pk:sourceDocument "file.txt" .
    <measure> a pk:Measure, eli:LegalResourceSubdivision ;
              pk:code "三.(一).1", dcterms:title?, rdf:value "full text",
              eli:is_part_of <policy>, dcterms:isPartOf <parent measure>?,
              pk:refines <main-plan measure>? (annex tasks), pk:order n,
              pk:measureType <concept>*, pk:industry <concept>*,
              pk:involves <institution>*, pk:source <span> .
    <resp>    a pk:Responsibility ; pk:organization <org> ; pk:measure <measure> ;
              pk:role pk:LEAD|pk:RESPONSIBLE|pk:COOPERATING ;
              pk:basis pk:EXPLICIT|pk:INHERITED ; pk:source <span> .
    <typing>  a pk:Classification ; pk:measure <m> ; pk:concept <c> ; pk:source <span> .
    <span>    a pk:SourceSpan, oa:TextPositionSelector ; pk:document "file.txt" ;
              oa:start n ; oa:end n ; oa:exact "quote" ; pk:page n? (PDF sources) .
    <org>     a org:Organization ; rdfs:label "canonical name"@zh ; pk:nameEn "..."@en ;
              skos:altLabel "alias"@zh* ; pk:kind pk:GOVERNMENT_DEPARTMENT ... ;
              pk:city <city>? ; pk:departmentType <concept>? ; org:subOrganizationOf <org>? .
    <city>    a pk:City ; rdfs:label "许昌市"@zh, "Xuchang"@en ; pk:province "河南省" ;
              pk:adminCode "411000" .
    (policy tools, text reuse, validity, levels, implementation: see graph/research_rdf.py)
    <target>  a pk:Target ; pk:indicator "..."@zh ; pk:indicatorConcept <kpi:...>? ;
              pk:kind pk:LEVEL|pk:INCREMENT|pk:ANNUAL|pk:GROWTH_RATE|pk:SHARE|pk:RANK ;
              pk:comparator pk:AT_LEAST|pk:ABOUT|pk:EXACT|pk:AT_MOST|pk:BETWEEN ;
              rdf:value decimal ; pk:valueMax decimal? ; pk:unit "%" ; pk:dueYear 2022 ;
              pk:aspiration true? ; pk:measure <m>? ; pk:policy <policy> ;
              pk:source <span> (the phrase) ; pk:figure <span> ; pk:sentence <span> .
    <cite>    a pk:Citation ; pk:citing <policy> ; pk:cited <policy> ; pk:source <span> .
    <planned> a pk:PlannedDocument ; dcterms:title ; pk:source <span> .  <policy> pk:plans <planned> .
    <mention> a pk:ProgrammeMention ; pk:programme <programme> ; pk:policy <policy> ; pk:source <span> .
              <policy> pk:mentionsProgramme <programme> .  <programme> a pk:Programme ; rdfs:label .
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/policykg/"

PK = Namespace(BASE + "ontology#")
ID_BASE = BASE + "id/"
GRAPHS = ID_BASE + "graph/"  # every named graph policykg writes is under this (remote stores: no other touched)
ID = Namespace(BASE + "id/")
MT = Namespace(BASE + "scheme/measure-type/")
IND = Namespace(BASE + "scheme/industry/")
DT = Namespace(BASE + "scheme/department-type/")
STIP = Namespace(BASE + "scheme/stip/")
RW = Namespace(BASE + "scheme/responsibility-words/")  # ontology/responsibility-words.ttl
PT = Namespace(BASE + "scheme/policy-tool/")  # Rothwell & Zegveld policy tools (ontology/policy-tools.ttl)
KPI = Namespace(BASE + "scheme/indicator/")
UNIT = Namespace(BASE + "scheme/unit/")
INST = Namespace(BASE + "id/institution/")

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {
    "pk": PK,
    "id": ID,
    "mt": MT,
    "ind": IND,
    "dt": DT,
    "stip": STIP,
    "pt": PT,
    "kpi": KPI,
    "unit": UNIT,
    "inst": INST,
    "eli": ELI,
    "org": ORG,
    "oa": OA,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

# Named graph that holds the concept schemes and the institution registry.
SCHEMES_GRAPH = ID["graph/schemes"]

# Named graph that ``policykg build --store`` writes last into a remote engine: the loaded dataset's
# version (pk:datasetVersion), so that workers know which dataset they serve without reading it all.
# Not part of the dataset: the version, triple counts and unions leave it out. A path with a "/" is
# never a document's graph (a document's slug has none).
DATASET_STAMP_GRAPH = GRAPHS + "meta/dataset"

# The same prefixes for SPARQL text written by the service and the network views.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


def document_graph(policy_iri: str) -> str:
    """The named graph of a policy's document: ``id/graph/<slug>`` for ``id/policy/<slug>``."""
    return GRAPHS + policy_iri.rsplit("/", 1)[-1]


def local_id(iri: str) -> str:
    """The readable id of a node: its IRI below the id/ base, percent-decoded."""
    from urllib.parse import unquote

    if iri.startswith(ID_BASE):
        return unquote(iri[len(ID_BASE):])
    return iri
