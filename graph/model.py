"""Typed records passed between the pipeline stages.

text (SourceText) -> document model (ParsedDocument: blocks and measures)
-> facts (DocumentFacts) -> RDF (graph.rdf) -> indexes (service).

Every fact points back into the original text with a Span, so that
``source.text[span.start:span.end] == span.quote`` always holds.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import Enum


class Role(str, Enum):
    LEAD = "LEAD"
    RESPONSIBLE = "RESPONSIBLE"
    COOPERATING = "COOPERATING"
    SUPERVISING = "SUPERVISING"  # 考核 / 督办 / 督导 / 监督: assesses or oversees the measure


# The roles that share a measure's work, strongest first (the order ties between roles are
# broken in, wherever responsibilities are ranked); SUPERVISING, assessing it, ranks after them.
WORK_ROLES: tuple[str, ...] = (Role.LEAD.value, Role.RESPONSIBLE.value, Role.COOPERATING.value)
ROLE_RANK: dict[str, int] = {r: i for i, r in enumerate(WORK_ROLES)}


class Basis(str, Enum):
    EXPLICIT = "EXPLICIT"
    INHERITED = "INHERITED"


class Form(str, Enum):
    """How a responsibility was found."""

    TABLE = "TABLE"  # a cell of a task table
    CLAUSE = "CLAUSE"  # a labelled or verbal clause, in brackets or closing a paragraph
    PROSE = "PROSE"  # a sentence of the measure's own text: 由X负责…, X会同Y…
    PARENT = "PARENT"  # inherited from the nearest enclosing measure that names units
    ANNEX = "ANNEX"  # inherited from the annex tasks that refine the measure
    ISSUER = "ISSUER"  # inherited from the bodies that issued the document


class OrgKind(str, Enum):
    GOVERNMENT_DEPARTMENT = "GOVERNMENT_DEPARTMENT"
    LOCAL_GOVERNMENT = "LOCAL_GOVERNMENT"
    ADMINISTRATIVE_COMMITTEE = "ADMINISTRATIVE_COMMITTEE"
    COLLECTIVE = "COLLECTIVE"
    UNIVERSITY = "UNIVERSITY"
    RESEARCH_INSTITUTE = "RESEARCH_INSTITUTE"
    ENTERPRISE = "ENTERPRISE"
    FINANCIAL_INSTITUTION = "FINANCIAL_INSTITUTION"
    OTHER = "OTHER"


# The kinds that are government; the rest are the contract's "institutions" (universities,
# institutes, enterprises ...).
GOVERNMENT_KINDS = frozenset({OrgKind.GOVERNMENT_DEPARTMENT.value, OrgKind.LOCAL_GOVERNMENT.value,
                              OrgKind.ADMINISTRATIVE_COMMITTEE.value, OrgKind.COLLECTIVE.value})


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A half-open character range [start, end) of one source document: ``text[start:end] == quote``.

    The one span type: the pipeline's facts, the service's records and the network views all
    carry it (slots: the served index holds hundreds of thousands).
    """

    document: str
    start: int
    end: int
    quote: str

    def __reduce__(self):
        # the constructor's arguments: a slotted dataclass's own unpickling walks fields() per
        # object, and the build cache unpickles every measure's span on each build
        return (Span, (self.document, self.start, self.end, self.quote))


@dataclass(frozen=True)
class GridCell:
    """One cell of a table as its source format laid it out.

    ``text[start:end]`` is the cell's text (trimmed); a merged cell is one
    GridCell at its top-left position with its spans, and the positions it
    covers have no cell of their own.
    """

    row: int
    col: int
    start: int
    end: int
    rowspan: int = 1
    colspan: int = 1
    # the cell's own pieces where its text is not contiguous (a cell wrapped
    # over the lines of a ruled text table): [start, end) then spans them all
    fragments: tuple[tuple[int, int], ...] = ()

    def pieces(self) -> tuple[tuple[int, int], ...]:
        return self.fragments or ((self.start, self.end),)


@dataclass(frozen=True)
class Grid:
    """A table read from a structured format (HTML ``<table>``, Word table, ruled PDF table).

    ``start``/``end`` bound the table's rendering in the extracted text, so
    that the numbered-text parser can step over it.
    """

    start: int
    end: int
    cells: tuple[GridCell, ...]
    # True where empty cells may stand for merged ones the source lost (a
    # table copied as text): a task row with no units then takes the row
    # above's. Structured formats state their merges (rowspan) instead.
    implicit_merges: bool = False


@dataclass(frozen=True)
class SourceText:
    """A decoded document: the file name under data/raw and its text.

    For a .txt file the text is the file decoded. For HTML, Word and PDF it is
    the text extracted from them (the build keeps it beside the graph), and
    every span indexes that text. ``grids`` are the tables the format itself
    delimits; ``pages`` the offset where each page starts (PDF). ``meta``
    holds what a page declares about itself outside its text (<meta> tags,
    info-table fields), as (name, value) pairs in page order; ``notes`` what
    the decoder saw but could not read (images, embedded objects, pages
    without text), so that the extraction report can show it.
    """

    name: str
    text: str
    encoding: str
    format: str = "txt"  # txt / html / docx / pdf / doc (read as the .docx LibreOffice makes of it)
    grids: tuple[Grid, ...] = ()
    pages: tuple[int, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def page_of(self, offset: int) -> int | None:
        """The 1-based page an offset falls on (None for formats without pages)."""
        if not self.pages:
            return None
        return bisect.bisect_right(self.pages, offset) or 1

    def span(self, start: int, end: int) -> Span:
        return Span(self.name, start, end, self.text[start:end])


@dataclass
class ManifestEntry:
    """One [[document]] table of data/raw/sources.toml."""

    file: str
    city: str
    title: str | None = None
    doc_number: str | None = None
    issued: str | None = None
    issuers: list[str] | None = None
    url: str | None = None
    annex_of: str | None = None
    issuer_spans: list[Span] | None = None  # where sources.toml names each issuer (parallel to issuers)
    valid_from: str | None = None  # graph.validity: YYYY-MM-DD the policy takes effect
    valid_until: str | None = None  # the last day it is valid
    status: str | None = None  # in_force / expired / repealed (or 有效 / 失效 / 废止)


@dataclass(frozen=True)
class TableCell:
    """A role cell of a task-table row: the column's role and the cell's span."""

    role: Role
    span: Span
    header: str  # the column's header as written (牵头单位)
    owner: str | None = None  # the body whose divisions the column lists (市卫健委 in 市卫健委内牵头处室)
    carried: bool = False  # taken from the row above: a merged cell the text lost
    pieces: tuple[tuple[int, int], ...] = ()  # the cell's own text where not contiguous (GridCell.fragments)


@dataclass
class Measure:
    """A numbered item of a document (section, measure, annex task).

    ``code`` is the dotted path of numbering labels ("三.(一).1", "(28)").
    """

    code: str
    label: str  # the item's own numbering label, e.g. "(一)", "1", "一是"
    level: int
    title: str | None
    span: Span  # the whole item text, numbering included
    title_span: Span | None = None
    parent: str | None = None  # code of the parent measure
    order: int = 0
    section_kind: str | None = None  # goals / tasks / safeguards / ...
    table_row: dict[str, Span] | None = None  # task-table row: number / heading / goal / task / deadline cells
    table_cells: tuple[TableCell, ...] = ()  # its role cells (牵头单位, 配合单位 …)
    actionable: bool = True  # a task, not 指导思想 / 基本原则 / 发展基础 / 主要目标
    text: str | None = None  # its text where the span holds more (a wrapped table cell); else span.quote

    @property
    def own_text(self) -> str:
        return self.text if self.text is not None else self.span.quote


@dataclass
class DocumentHeader:
    """What the text itself says about the document (each with its span)."""

    title: Span | None = None
    doc_number: Span | None = None
    issued: tuple[str, Span] | None = None  # ISO date and where it is written
    issuers: list[Span] = field(default_factory=list)


@dataclass
class ParsedDocument:
    source: SourceText
    header: DocumentHeader
    measures: list[Measure]
    body_start: int  # offset after the header / page furniture
    tables: list = field(default_factory=list)  # graph.table.TaskTable: the task tables read
    problems: list[str] = field(default_factory=list)  # recoverable oddities


@dataclass(frozen=True)
class OrgRef:
    """An organization resolved from a surface form.

    ``key`` identifies one real body: national bodies are keyed by their
    registry id, city bodies by (city code, canonical name).
    """

    key: str
    name: str
    kind: OrgKind
    name_en: str | None = None
    city_code: str | None = None
    department_type: str | None = None  # IRI of a dt: concept
    parent_key: str | None = None  # IRI of the body it is part of
    parent: "OrgRef | None" = None  # that body, when it is not in the registry (written with it)


@dataclass(frozen=True)
class OrgMention:
    org: OrgRef
    surface: str
    span: Span
    open_ended: bool = False  # the list ended with 等 ("and others")


@dataclass(frozen=True)
class Responsibility:
    measure: str  # measure code
    mention: OrgMention
    role: Role
    basis: Basis
    span: Span  # the clause, cell or sentence that assigns it
    form: Form


@dataclass(frozen=True)
class ConceptHit:
    measure: str
    concept: str  # concept IRI
    span: Span  # the evidence phrase


class TargetKind(str, Enum):
    """What a target figure counts (the contract's TargetKind)."""

    LEVEL = "LEVEL"  # a stock or flow to reach: 高新技术企业达到500家
    INCREMENT = "INCREMENT"  # a total added over the plan period: 新增25家, 总计实施300项
    ANNUAL = "ANNUAL"  # a figure per year: 每年新培育200家
    GROWTH_RATE = "GROWTH_RATE"  # 年均增长10%
    SHARE = "SHARE"  # a ratio or intensity: 研发投入占地区生产总值比重2.1%
    RANK = "RANK"  # 进入全国前20位


class Comparator(str, Enum):
    """How the figure bounds the target (the contract's TargetComparator)."""

    AT_LEAST = "AT_LEAST"  # 以上, 超, 突破, 不低于
    ABOUT = "ABOUT"  # 左右
    EXACT = "EXACT"
    AT_MOST = "AT_MOST"  # 以内, 以下; a rank: 前20位
    BETWEEN = "BETWEEN"  # a range: 3—5项 (value, value_max)


@dataclass(frozen=True)
class Target:
    indicator: str  # the indicator concept's label, or the phrase naming the statistic
    value: float | None  # the (lower) figure
    unit: str | None  # as written: 家, %, 亿元, 万人 ...
    year: int | None  # the year it is due
    kind: TargetKind
    comparator: Comparator
    measure: str | None
    span: Span  # the phrase that states it: the statistic's name and the figure
    sentence: Span  # the sentence it came from
    figure: Span  # the figure as written: 500家左右, 3—5项, 前20位
    value_max: float | None = None  # the upper figure of a range
    indicator_concept: str | None = None  # IRI of a kpi: concept (ontology/indicators.ttl)
    aspiration: bool = False  # 力争 / 争取: striven for rather than promised


class CitationKind(str, Enum):
    CITED = "CITED"  # an existing policy the document cites: 《title》(文号)
    PLANNED = "PLANNED"  # a document the policy will draft or issue: 制定《…工作方案》
    PROGRAMME = "PROGRAMME"  # a named programme: “许昌英才计划”2.0版


@dataclass(frozen=True)
class Citation:
    """A reference to another document or a programme, with the text that makes it."""

    title: str  # the title without 《》, or the programme's name without quotes or version
    doc_number: str | None
    span: Span
    kind: CitationKind = CitationKind.CITED


@dataclass(frozen=True)
class ToolCoding:
    """A measure coded with a policy tool (graph.policy_tools), with its evidence words."""

    measure: str  # measure code
    tool: str  # IRI of a pt: concept
    span: Span  # the evidence phrase
    via: str | None = None  # the measure type (mt: IRI) whose crosswalk gave the tool; None: the tool's own words


@dataclass(frozen=True)
class DateStatement:
    """A date a policy states about itself (graph.validity): where it comes from, and the words."""

    kind: str  # issued / published / valid-from / valid-until / repealed
    date: str  # ISO YYYY-MM-DD
    origin: str  # text / meta (the portal page's fields) / manifest
    span: Span | None = None  # the words, for origin text (and manifest lines)


@dataclass
class Validity:
    """When a policy is in force, as it states it; status is computed at query time."""

    dates: list[DateStatement] = field(default_factory=list)
    stated_status: str | None = None  # IN_FORCE / REPEALED / EXPIRED, when a page or the manifest says so
    status_span: Span | None = None
    status_origin: str | None = None  # meta / manifest

    def date(self, kind: str) -> str | None:
        return next((d.date for d in self.dates if d.kind == kind), None)


@dataclass
class PolicyMeta:
    """Resolved metadata: the text's own statements, filled by the manifest."""

    title: str
    doc_number: str | None
    issued: str | None
    issuers: list[OrgMention]
    city_code: str
    annex_of: str | None  # file name of the main document
    url: str | None
    conflicts: list[str] = field(default_factory=list)


@dataclass
class DocumentFacts:
    source: SourceText
    meta: PolicyMeta
    measures: list[Measure]
    responsibilities: list[Responsibility]
    involvements: list[OrgMention]  # institutions named inside measures
    involvement_measures: list[str]  # parallel to involvements: measure code
    measure_types: list[ConceptHit]
    industries: list[ConceptHit]
    targets: list[Target]
    citations: list[Citation]
    refines: dict[str, str] = field(default_factory=dict)  # annex code -> main code
    notes: list[str] = field(default_factory=list)
    unexplained: list[Span] = field(default_factory=list)  # read like an assignment, yielded none
    policy_tools: list[ToolCoding] = field(default_factory=list)  # graph.policy_tools
    validity: Validity = field(default_factory=Validity)  # graph.validity
