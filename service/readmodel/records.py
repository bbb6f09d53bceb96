"""Typed in-memory records of the graph, as the index holds them.

One record per node of interest. Relations are kept as IRIs (or lists of
IRIs) and resolved through the index, so a record never embeds another and
the GraphQL layer resolves every hop with one index lookup (service/readmodel/lookups.py).

The GraphQL types in ``service.gql.types`` read these records directly: field
names here match the schema's (snake_case → camelCase), which spares a copy
per node per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.model import Basis, Comparator, Form, OrgKind, Role, Span, TargetKind
from graph.validity import policy_status
from graph.vocab import local_id

# The values of the GraphQL enums (service/gql/types.py; a test keeps the two equal), taken from
# the pipeline's own enums (graph/model.py). The index admits only these, so the enum fields are
# plain attribute reads with no resolver per object.
ROLES = tuple(r.value for r in Role)
BASES = tuple(b.value for b in Basis)
FORMS = tuple(f.value for f in Form)
LEVELS = ("NATIONAL", "PROVINCE", "PREFECTURE", "COUNTY")  # graph/gazetteer.py's LEVELS, and the nation's
ORG_KINDS = tuple(k.value for k in OrgKind)
TARGET_KINDS = tuple(k.value for k in TargetKind)
COMPARATORS = tuple(c.value for c in Comparator)



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
    notation: str | None = None  # skos:notation: policy tools' order (S, S1 … D5)


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
    part_iris: list[str] = field(default_factory=list)  # bodies that are org:subOrganizationOf it


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
    level: str | None = None  # the issuing government's level (one of LEVELS); None: the city's
    published: str | None = None  # ISO dates as stated (graph/validity.py)
    valid_from: str | None = None
    valid_until: str | None = None
    repealed: str | None = None
    stated_status: str | None = None  # IN_FORCE / EXPIRED / REPEALED as the text or portal states it

    def status(self, on: date | str | None = None) -> str:
        """IN_FORCE, EXPIRED, REPEALED or UNKNOWN on the day ``on`` (today when None)."""
        return policy_status(self, on)


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
    policy_tool_iris: list[str] = field(default_factory=list)  # pk:policyTool
    tool_coding_iris: list[str] = field(default_factory=list)  # the evidence of each
    similarity_iris: list[str] = field(default_factory=list)  # pairs it is in, either side, best first


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
class ToolCoding:
    """Why a measure is coded with a policy tool: the words, and the measure type it came through."""

    iri: str
    measure_iri: str
    tool_iri: str
    source: Span
    via_iri: str | None  # the measure type of the crosswalk, when the tool came that way


@dataclass(frozen=True, slots=True)
class Similarity:
    """Two measures of different documents whose texts are near-copies (graph/reuse.py)."""

    iri: str
    measure_iri: str  # the later document's measure, where the pair is stored
    other_iri: str
    score: float  # 0..1, 1 for identical texts
    earlier_iri: str | None  # the one issued first, when the dates differ
    source: Span | None  # each measure's own text, as compared
    other_source: Span | None

    def seen_from(self, measure_iri: str) -> "Similarity":
        """The pair with ``measure_iri`` as its ``measure``: Measure.similarMeasures reads from the measure asked."""
        if measure_iri != self.other_iri:
            return self
        return Similarity(self.iri, self.other_iri, self.measure_iri, self.score, self.earlier_iri,
                          self.other_source, self.source)


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


@dataclass(slots=True)
class DocumentReport:
    """What the build made of one document of the manifest (graph/report.py)."""

    document: str
    policy_iri: str | None  # None when the document was refused
    error: str | None
    measures: int
    measures_with_explicit: int
    unexplained: list[Span] = field(default_factory=list)


__all__ = ["BASES", "COMPARATORS", "City", "Classification", "Concept", "DocumentReport", "FORMS", "LEVELS",
           "Measure", "ORG_KINDS", "Organization", "Policy", "ROLES", "Responsibility", "Similarity", "Span",
           "TARGET_KINDS", "Target", "ToolCoding", "Unit", "local_id"]
