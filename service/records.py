"""Typed in-memory records of the graph, as the index holds them.

One record per node of interest. Relations are kept as IRIs (or lists of
IRIs) and resolved through the index, so a record never embeds another and
the GraphQL layer resolves every hop with one index lookup (service/lookups.py).

The GraphQL types in ``service.types`` read these records directly: field
names here match the schema's (snake_case → camelCase), which spares a copy
per node per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_BASE = "https://w3id.org/policykg/id/"

# The values of the GraphQL enums (service/types.py; a test keeps the two equal). The index
# admits only these, so the enum fields are plain attribute reads with no resolver per object.
ROLES = ("LEAD", "RESPONSIBLE", "COOPERATING", "SUPERVISING")
BASES = ("EXPLICIT", "INHERITED")
FORMS = ("TABLE", "CLAUSE", "PROSE", "PARENT", "ANNEX", "ISSUER")
LEVELS = ("NATIONAL", "PROVINCE", "PREFECTURE", "COUNTY")
ORG_KINDS = ("GOVERNMENT_DEPARTMENT", "LOCAL_GOVERNMENT", "ADMINISTRATIVE_COMMITTEE", "COLLECTIVE", "UNIVERSITY",
             "RESEARCH_INSTITUTE", "ENTERPRISE", "FINANCIAL_INSTITUTION", "OTHER")


@dataclass(frozen=True, slots=True)
class Span:
    document: str  # file name under data/raw
    start: int
    end: int
    quote: str


@dataclass(slots=True)
class City:
    iri: str
    id: str
    admin_code: str
    name: str  # 许昌市
    name_en: str  # Xuchang
    short: str  # 许昌
    province: str  # 河南省
    level: str = "PREFECTURE"  # one of LEVELS
    parent_iri: str | None = None  # 河南省 for 许昌市, 许昌市 for 长葛市


@dataclass(slots=True)
class Concept:
    """A SKOS concept of the measure-type, industry or indicator scheme."""

    iri: str
    id: str  # local name in its scheme
    scheme: str  # scheme IRI
    label: str
    label_en: str
    broader_iri: str | None
    alt_labels: tuple[str, ...] = ()
    narrower_iris: list[str] = field(default_factory=list)
    definition: str = ""  # indicators: what is measured
    target_iris: list[str] = field(default_factory=list)  # indicators: targets stated in it


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit targets are written in, with its family and factor to the family's base unit."""

    label: str
    family: str  # count, people, money, area, percent ...
    factor: float


@dataclass(slots=True)
class Organization:
    iri: str
    id: str
    name: str
    name_en: str | None
    kind: str  # one of ORG_KINDS
    city_iri: str | None  # home city; None for national bodies
    parent_iri: str | None
    department_type: str | None
    aliases: list[str] = field(default_factory=list)  # surface forms seen in documents
    lookup_names: set[str] = field(default_factory=set)  # aliases + registry labels, for resolution
    named_in_iris: list[str] = field(default_factory=list)  # cities whose documents name it
    city_iris: list[str] = field(default_factory=list)  # ... it or one of its parts (中科院微电子所)


@dataclass(slots=True)
class Policy:
    iri: str
    id: str
    title: str
    doc_number: str | None
    issued: str | None
    city_iri: str
    document: str  # source file name
    url: str | None
    annex_of_iri: str | None
    issuer_iris: list[str] = field(default_factory=list)
    reference_iris: list[str] = field(default_factory=list)
    annex_iris: list[str] = field(default_factory=list)
    measure_iris: list[str] = field(default_factory=list)  # in document order


@dataclass(slots=True)
class Measure:
    iri: str
    id: str
    code: str
    title: str | None
    text: str
    policy_iri: str
    city_iri: str
    parent_iri: str | None
    order: int
    source: Span
    refines_iri: str | None
    section_kind: str | None
    child_iris: list[str] = field(default_factory=list)
    refined_by_iris: list[str] = field(default_factory=list)
    measure_type_iris: list[str] = field(default_factory=list)
    industry_iris: list[str] = field(default_factory=list)
    institution_iris: list[str] = field(default_factory=list)  # pk:involves
    target_iris: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Responsibility:
    iri: str
    organization_iri: str
    measure_iri: str
    role: str  # one of ROLES
    basis: str  # one of BASES
    form: str  # one of FORMS: how it was found
    source: Span  # where the assignment is written
    mention: Span | None  # the organization's name as written
    open_ended: bool


@dataclass(slots=True)
class Classification:
    """Why a measure carries a measure type or industry: the matched words."""

    iri: str
    measure_iri: str
    concept_iri: str
    source: Span


@dataclass(slots=True)
class Target:
    iri: str
    id: str
    indicator: str
    value: float | None
    unit: str | None
    year: int | None
    kind: str  # one of TARGET_KINDS
    comparator: str  # one of COMPARATORS
    value_max: float | None
    concept_iri: str | None  # the indicator concept
    aspiration: bool
    policy_iri: str
    city_iri: str
    measure_iri: str | None
    source: Span  # the figure as written
    phrase: Span  # the statistic's name and the figure
    sentence: Span | None

    @property
    def text(self) -> str:
        return self.sentence.quote if self.sentence else self.phrase.quote

    @property
    def qualifier(self) -> str:
        """The comparator in the older lower-case form: at-least, about, exact, at-most, between."""
        return self.comparator.lower().replace("_", "-")


TARGET_KINDS = ("LEVEL", "INCREMENT", "ANNUAL", "GROWTH_RATE", "SHARE", "RANK")
COMPARATORS = ("AT_LEAST", "ABOUT", "EXACT", "AT_MOST", "BETWEEN")


@dataclass(slots=True)
class DocumentReport:
    """What the build made of one document of the manifest (graph/report.py)."""

    document: str
    policy_iri: str | None  # None when the document was refused
    error: str | None
    measures: int
    measures_with_explicit: int
    unexplained: list[Span] = field(default_factory=list)


def local_id(iri: str) -> str:
    """The readable id of a node: its IRI below the id/ base, percent-decoded."""
    from urllib.parse import unquote

    if iri.startswith(ID_BASE):
        return unquote(iri[len(ID_BASE):])
    return iri
