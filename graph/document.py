"""Text → document model: header, numbered measures and task-table rows.

A document is numbered text (一、 (一) 1. (1) ① 一是, 第一章 / 第一条), task
tables, or both: a plan may carry its table at the end or in the middle. The
tables come from the format (SourceText.grids: HTML, Word, PDF) or are found
in the text (graph/table_text.py); the numbered parser steps over them, so
that no measure's text runs across a table.
"""

from __future__ import annotations

from .header import body_start_line, parse_header
from .lines import split_lines
from .model import Measure, ParsedDocument, SourceText
from .normalize import normalize
from .prose import BodyNames, find_prose  # the prose grammar decides what a notice assigns
from .roles import RoleWords, load_role_words
from .structure import parse_numbered
from .table import TaskTable, read_header, table_measures
from .table_text import find_text_tables
from .textio import DocumentError

# sections that state background, principles or goals: no one carries them out; a cover notice
# assigns what it says (由市委目标办牵头组织考核) and passes nothing down
NOT_ACTIONABLE = ("background", "principles", "goals", "notice")


def find_tables(source: SourceText, lines, words: RoleWords) -> tuple[list[TaskTable], list[str]]:
    """The task tables of a document, with what could not be read in them."""
    problems: list[str] = []
    tables: list[TaskTable] = []
    if source.grids:
        for grid in source.grids:
            table = read_header(source, grid, words)
            if table is not None:
                tables.append(table)
        return tables, problems
    for found in find_text_tables(source, lines, words):
        table = read_header(source, found.grid, words)
        if table is not None:
            table.problems.extend(found.problems)
            tables.append(table)
            problems.extend(found.problems)
    return tables, problems


def _kinds_from_openings(measures: list[Measure], words: RoleWords) -> None:
    """Items outside any titled section that open like background, principles or
    goals (“十三五”以来…, 第三条　…坚持…的原则, 到2025年，…) are such, with their sub-items."""
    kind_of: dict[str, str | None] = {}
    for m in measures:
        inherited = kind_of.get(m.parent) if m.parent else None
        if m.table_row is None:
            body = normalize(m.span.quote)  # the openings are written half-width
            lead = len(m.label) + (1 if body[len(m.label) : len(m.label) + 1] in "、." else 0)
            opening = words.opening_kind(body[lead:].lstrip(" .、"))
            if m.section_kind is None:
                m.section_kind = inherited or opening
            elif opening == "principles":
                # 本办法所称…, 本措施自…起施行: a provision, whatever words its first sentence holds
                m.section_kind = opening
        kind_of[m.code] = m.section_kind


def parse_document(source: SourceText, words: RoleWords | None = None) -> ParsedDocument:
    """Header and measures: numbered items first, then table rows.

    Table rows are coded by their own numbering; when the document has
    numbered items too, or several tables, their codes are prefixed 表. /
    表2. … so that codes stay unique.
    """
    words = words or load_role_words()
    lines = split_lines(source.text)
    tables, problems = find_tables(source, lines, words)
    regions = [(t.grid.start, t.grid.end) for t in tables]
    kept = [ln for ln in lines if not any(a <= ln.start < b for a, b in regions)]
    body_line = body_start_line(source, lines)
    body_offset = lines[body_line].start if body_line < len(lines) else len(source.text)
    first_kept = next((i for i, ln in enumerate(kept) if ln.start >= body_offset), len(kept))
    measures: list[Measure] = parse_numbered(source, kept, first_kept, tuple(a for a, _ in regions))
    several = len(tables) > 1 or bool(measures)
    for k, table in enumerate(tables):
        prefix = (f"表{k + 1 if k else ''}." if several else "")
        rows = table_measures(source, table, prefix)
        for row in rows:
            row.order += len(measures)
        measures += rows
    if not measures:
        raise DocumentError(
            source.name,
            "no recognizable structure: no numbered items (一、 (一) 1. (1) 第一条) and no task table",
        )
    _kinds_from_openings(measures, words)
    for m in measures:
        m.actionable = m.section_kind not in NOT_ACTIONABLE
    header_end = min([body_offset] + [a for a, _ in regions])
    header_line = next((i for i, ln in enumerate(lines) if ln.start >= header_end), len(lines))
    header = parse_header(source, lines, header_line)
    notices = _notice_measures(source, lines[:header_line], words)
    for m in measures:
        m.order += len(notices)
    return ParsedDocument(source, header, notices + measures, header_end, tables, problems)


def _notice_measures(source: SourceText, head: list, words: RoleWords) -> list[Measure]:
    """Paragraphs of a cover notice that assign work in their own sentences (各项任务纳入…考核，由市委
    目标办牵头组织考核；市科技局负责…跟踪调度): measures of their own, coded 通知 (通知~2 …), that are
    read like any measure's prose and pass nothing down. A notice that only transmits the document
    (现印发给你们，请认真贯彻落实) makes none."""
    norm = normalize(source.text)
    looks = BodyNames(words.looks_like_body, words.looks_like_body)
    out: list[Measure] = []
    for ln in head:
        a, b = ln.content_start, ln.end
        if b - a < 20 or not find_prose(norm, a, b, words, looks, []):
            continue
        code = "通知" if not out else f"通知~{len(out) + 1}"
        out.append(Measure(code=code, label="通知", level=1, title=None, span=source.span(a, b),
                           order=len(out), section_kind="notice", actionable=False))
    return out
