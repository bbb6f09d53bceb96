"""Task tables in plain text, cut into a :class:`~graph.model.Grid`.

A table copied out of a word processor, a web page or a spreadsheet arrives
in one of these layouts; each is turned into the same grid of cells (offsets
into the text), which graph/table.py then reads:

* **one cell per line**, each cell led by a tab; a line without a leading
  tab continues the cell above (multi-line unit lists), blank lines are
  padding (the 许昌 annex). Rows are as wide as the header.
* **one row per line**, cells separated by tabs, ``|``, ``│`` or ``┃``
  (borders at the ends dropped), or by runs of two or more spaces, columns
  then aligned to the header by display width (a CJK character is two
  columns wide). A spreadsheet copy quotes a cell that holds line breaks:
  ``"市科技局\\n市财政局"`` is one cell. Empty fields stay empty cells, so a
  continuation row of a merged cell starts with empty cells.

A table starts at a header whose cells read as column headers (at least one
role column such as 牵头单位 and a task or heading column); it ends at the
first line that is neither a row, a section row (``二、…`` alone on its line)
nor blank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .lines import Line
from .model import Grid, GridCell, SourceText
from .normalize import normalize
from .roles import LabelReading, RoleWords

_SEPARATORS = ("\t", "|")  # after normalize(): ｜ → |; box-drawing bars are mapped below
_BARS = str.maketrans({"│": "|", "┃": "|", "┆": "|", "║": "|"})
_SPACES = re.compile(r" {2,}")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|第[一二三四五六七八九十]{1,3}(?:部分|类|项|章))")


@dataclass
class TextTable:
    grid: Grid
    first_line: int  # index of the header's first line
    last_line: int  # index of the table's last line
    problems: list[str] = field(default_factory=list)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _header_readings(names: list[str], words: RoleWords) -> list[LabelReading | None]:
    return [words.read_header(n) for n in names]


def is_header(names: list[str], words: RoleWords) -> bool:
    """Cells that read as a task table's header: a role column, a task, heading or
    indicator column (指标名称 | … | 责任单位: a table of targets assigns them too), and most
    cells recognized."""
    readings = _header_readings(names, words)
    kinds = [r.kind for r in readings if r is not None]
    known = len(kinds)
    return (
        len(names) >= 2
        and "role" in kinds
        and ("task" in kinds or "heading" in kinds or "goal" in kinds)
        and known * 2 >= len(names)
    )


# -- one row per line --------------------------------------------------------------


def _split_fields(norm: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """Fields of one line split by a one-character separator (offsets, untrimmed)."""
    fields = []
    pos = start
    for i in range(start, end):
        if norm[i] == sep:
            fields.append((pos, i))
            pos = i + 1
    fields.append((pos, end))
    return fields


def _split_spaces(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    fields = []
    pos = start
    for m in _SPACES.finditer(norm, start, end):
        if m.start() > pos:
            fields.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        fields.append((pos, end))
    return fields


class _RowReader:
    """Rows of the one-row-per-line layout, with quoted multi-line cells."""

    def __init__(self, source: SourceText, norm: str, sep: str, header: Line, indent: bool):
        self.source = source
        self.norm = norm
        self.sep = sep
        self.indent = indent  # every line is led by one tab of indentation
        self.bordered = norm[header.content_start : header.content_start + 1] == sep and sep != "\t"
        self.columns: list[tuple[int, int]] = []  # display ranges of the header cells (spaces layout)

    def fields(self, line_start: int, text_end: int) -> tuple[list[tuple[int, int]], int]:
        """The trimmed fields of the row starting at ``line_start`` and the offset it ends at."""
        norm = self.norm
        start = line_start
        if self.indent and norm[start : start + 1] == "\t":
            start += 1
        if self.sep == " ":
            line_end = norm.find("\n", start)
            line_end = text_end if line_end < 0 else line_end
            return self._aligned(start, line_end), line_end
        fields: list[tuple[int, int]] = []
        pos = start
        i = start
        while True:
            while pos < text_end and norm[pos] in " ":
                pos += 1
            if pos < text_end and norm[pos] == '"':
                close = self._closing_quote(pos + 1, text_end)
                if close is not None:
                    fields.append((pos + 1, close))
                    i = close + 1
                    while i < text_end and norm[i] == " ":
                        i += 1
                    if i < text_end and norm[i] == self.sep:
                        pos = i + 1
                        continue
                    end = i
                    break
            i = pos
            while i < text_end and norm[i] not in "\n\r" and norm[i] != self.sep:
                i += 1
            fields.append((pos, i))
            if i < text_end and norm[i] == self.sep:
                pos = i + 1
                continue
            end = i
            break
        fields = [_trim(self.source.text, a, b) for a, b in fields]
        if self.bordered:
            if fields and fields[0][0] == fields[0][1]:
                fields = fields[1:]
            if fields and fields[-1][0] == fields[-1][1]:
                fields = fields[:-1]
        return fields, end

    def _closing_quote(self, pos: int, text_end: int) -> int | None:
        i = pos
        while i < text_end:
            j = self.norm.find('"', i, text_end)
            if j < 0:
                return None
            if self.norm[j + 1 : j + 2] == '"':
                i = j + 2
                continue
            return j
        return None

    def _aligned(self, start: int, end: int) -> list[tuple[int, int]]:
        """Fields split by runs of spaces, placed in the header's columns by display position."""
        raw = _split_spaces(self.norm, start, end)
        if not self.columns:
            return [_trim(self.source.text, a, b) for a, b in raw]
        out: list[tuple[int, int]] = [(start, start)] * len(self.columns)
        line_start = self.norm.rfind("\n", 0, start) + 1
        for a, b in raw:
            col_a = _display_width(self.norm[line_start:a])
            col_b = col_a + _display_width(self.norm[a:b])
            best, overlap = 0, -1
            for k, (ca, cb) in enumerate(self.columns):
                ov = min(cb, col_b) - max(ca, col_a)
                if ov > overlap:
                    best, overlap = k, ov
            if out[best][1] > out[best][0]:
                out[best] = (out[best][0], b)  # two fields in one column: one cell
            else:
                out[best] = (a, b)
        return [_trim(self.source.text, a, b) for a, b in out]


# -- ruled tables (box drawing) ----------------------------------------------------------

_RULE = re.compile(r"^\s*[┌┬┐├┼┤└┴┘─━═╔╦╗╠╬╣╚╩╝╟╢╤╧╪+\-|:]+\s*$")


def _is_rule(norm: str, line: Line) -> bool:
    text = norm[line.start : line.end]
    return bool(text.strip()) and bool(_RULE.match(text)) and any(ch in text for ch in "─━═-")


def _bar_fields(source: SourceText, norm: str, line: Line) -> list[tuple[int, int]]:
    """The trimmed fields between the bars of one line of a ruled table."""
    fields = [_trim(source.text, a, b) for a, b in _split_fields(norm, line.start, line.end, "|")]
    if fields and fields[0][0] == fields[0][1]:
        fields = fields[1:]
    if fields and fields[-1][0] == fields[-1][1]:
        fields = fields[:-1]
    return fields


def _ruled(source: SourceText, norm: str, lines: list[Line], at: int, words: RoleWords) -> TextTable | None:
    """A table drawn with rules (├──┼──┤) between rows and bars between cells.

    A row is the block of lines between two rules; a cell wrapped over
    several of them keeps its pieces (GridCell.fragments). A block whose
    lines hold one field spanning the table is a section row.
    """
    blocks: list[list[Line]] = []
    block: list[Line] = []
    last = at
    i = at
    while i < len(lines):
        line = lines[i]
        if _is_rule(norm, line):
            if block:
                blocks.append(block)
                block = []
            last = i
        elif norm[line.content_start : line.content_start + 1] == "|":
            block.append(line)
            last = i
        else:
            break
        i += 1
    if block:
        blocks.append(block)
    if len(blocks) < 2:
        return None

    def columns(block: list[Line]) -> list[list[tuple[int, int]]] | None:
        per_col: list[list[tuple[int, int]]] = []
        for line in block:
            fields = _bar_fields(source, norm, line)
            if not per_col:
                per_col = [[] for _ in fields]
            if len(fields) != len(per_col):
                return None
            for k, (a, b) in enumerate(fields):
                if b > a:
                    per_col[k].append((a, b))
        return per_col

    head = columns(blocks[0])
    if head is None:
        return None
    names = ["".join(source.text[a:b] for a, b in frags) for frags in head]
    if not is_header(names, words):
        return None
    ncols = len(head)
    cells: list[GridCell] = []

    def cell(row: int, col: int, frags: list[tuple[int, int]], colspan: int = 1) -> GridCell:
        return GridCell(row, col, frags[0][0], frags[-1][1], colspan=colspan,
                        fragments=tuple(frags) if len(frags) > 1 else ())

    for k, frags in enumerate(head):
        if frags:
            cells.append(cell(0, k, frags))
    problems: list[str] = []
    for r, block in enumerate(blocks[1:], start=1):
        cols = columns(block)
        if cols is not None and len(cols) == ncols:
            cells.extend(cell(r, k, frags) for k, frags in enumerate(cols) if frags)
        elif cols is not None and len(cols) == 1 and cols[0]:
            cells.append(cell(r, 0, cols[0], colspan=ncols))
        else:
            problems.append(f"row at offset {block[0].start}: its cells do not line up with the header; left out")
    start = lines[at - 1].start if at and _is_rule(norm, lines[at - 1]) else lines[at].start
    return TextTable(Grid(start, lines[last].end, tuple(cells)), at, last, problems)


def _rules_between_rows(norm: str, lines: list[Line], at: int) -> bool:
    """Rules separate the rows (a drawn table), not just the header (markdown's |---|)."""
    rules = 0
    for line in lines[at + 1 : at + 12]:
        if _is_rule(norm, line):
            rules += 1
        elif not norm[line.content_start : line.content_start + 1] == "|":
            break
    return rules >= 2


def _line_index(lines: list[Line], offset: int, from_index: int) -> int:
    i = from_index
    while i + 1 < len(lines) and lines[i].end < offset:
        i += 1
    return i


def _row_per_line(
    source: SourceText, norm: str, lines: list[Line], at: int, sep: str, words: RoleWords
) -> TextTable | None:
    header = lines[at]
    indent = header.text.startswith("\t") and sep == "\t"
    reader = _RowReader(source, norm, sep, header, indent)
    head_fields, _ = reader.fields(header.start, header.end)
    names = [source.text[a:b] for a, b in head_fields]
    if not is_header(names, words):
        return None
    if sep == " ":
        line_start = header.start
        reader.columns = []
        widths = [(_display_width(norm[line_start:a]), _display_width(norm[line_start:b])) for a, b in head_fields]
        # a column reaches to the start of the next one
        for k, (a, _b) in enumerate(widths):
            nxt = widths[k + 1][0] if k + 1 < len(widths) else 10_000
            reader.columns.append((a if k else 0, nxt))
    ncols = len(head_fields)
    cells = [GridCell(0, k, a, b) for k, (a, b) in enumerate(head_fields)]
    problems: list[str] = []
    row = 1
    i = at + 1
    last = at
    end_offset = header.end
    while i < len(lines):
        line = lines[i]
        if not line.stripped or (sep == "|" and _is_rule(norm, line)):
            i += 1  # padding, or markdown's |---| under the header
            continue
        if sep == " ":
            present = len(_split_spaces(norm, line.start, line.end)) >= 2
        else:
            present = sep in norm[line.start : line.end] or norm[line.content_start : line.content_start + 1] == '"'
        if not present:
            if _SECTION.match(norm[line.start : line.end]) and len(line.stripped) <= 60:
                a, b = _trim(source.text, line.start, line.end)
                cells.append(GridCell(row, 0, a, b, colspan=ncols))
                row += 1
                last, end_offset = i, line.end
                i += 1
                continue
            break
        fields, row_end = reader.fields(line.start, len(norm))
        if len(fields) > ncols:
            extra = fields[ncols:]
            if any(b > a for a, b in extra):
                problems.append(
                    f"row at offset {line.start} has {len(fields)} cells, the header {ncols}; the extra ones are left out"
                )
            fields = fields[:ncols]
        nonempty = [(k, f) for k, f in enumerate(fields) if f[1] > f[0]]
        if len(nonempty) == 1 and _SECTION.match(norm[nonempty[0][1][0] : nonempty[0][1][1]]):
            k, (a, b) = nonempty[0]
            cells.append(GridCell(row, 0, a, b, colspan=ncols))
        else:
            cells.extend(GridCell(row, k, a, b) for k, (a, b) in nonempty)
        row += 1
        j = _line_index(lines, row_end, i)
        last, end_offset = j, max(row_end, line.end)
        i = j + 1
    if row == 1:
        return None
    return TextTable(Grid(header.start, end_offset, tuple(cells), implicit_merges=True), at, last, problems)


# -- one cell per line (tab-led) ---------------------------------------------------------


def _cell_per_line(source: SourceText, lines: list[Line], at: int, words: RoleWords) -> TextTable | None:
    """The tab-led layout: header cells on consecutive lines, then body cells."""
    j = at
    heads: list[tuple[int, int]] = []
    while j < len(lines) and lines[j].text.startswith("\t") and lines[j].stripped:
        heads.append(_trim(source.text, lines[j].start + 1, lines[j].end))
        j += 1
    names = [source.text[a:b] for a, b in heads]
    if len(heads) < 3 or not is_header(names, words) or words.read_header(names[0]).kind != "number":
        return None
    ncols = len(heads)
    spans: list[list[int]] = []  # [start, end] per body cell
    last = j - 1
    for k in range(j, len(lines)):
        line = lines[k]
        if line.text.startswith("\t"):
            a, b = _trim(source.text, line.start + 1, line.end)
            spans.append([a, b])
            last = k
        elif line.stripped and spans:
            a, b = _trim(source.text, line.start, line.end)
            if spans[-1][1] > spans[-1][0]:
                spans[-1][1] = b
            else:
                spans[-1] = [a, b]
            last = k
        elif line.stripped:
            break
    problems: list[str] = []
    task_col = next(
        (c for c, n in enumerate(names) if (r := words.read_header(n)) is not None and r.kind == "task"), None
    )
    task_no = re.compile(r"^\s*\(\s*\d{1,3}\s*\)")
    cells = [GridCell(0, c, a, b) for c, (a, b) in enumerate(heads)]
    i = 0
    row = 1
    norm = normalize(source.text)
    while i < len(spans):
        if task_col is not None and i + task_col < len(spans):
            a, b = spans[i + task_col]
            # realign a row that lost a cell: its task cell carries "(n)"
            if not task_no.match(norm[a:b]):
                for shift in (1, -1, 2, -2):
                    k = i + shift
                    if 0 <= k and k + task_col < len(spans) and task_no.match(norm[slice(*spans[k + task_col])]):
                        problems.append(f"row near offset {spans[i][0]}: cells out of line, realigned by {shift}")
                        i = k
                        break
        chunk = spans[i : i + ncols]
        if len(chunk) < ncols:
            problems.append(f"last row (offset {spans[i][0]}) is truncated: {len(chunk)} of {ncols} cells")
        cells.extend(GridCell(row, c, a, b) for c, (a, b) in enumerate(chunk) if b > a)
        row += 1
        i += ncols
    end = lines[last].end
    return TextTable(Grid(lines[at].start, end, tuple(cells)), at, last, problems)


def find_text_tables(source: SourceText, lines: list[Line], words: RoleWords) -> list[TextTable]:
    """Every task table in a plain text, in order."""
    norm = normalize(source.text).translate(_BARS)
    tables: list[TextTable] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        found: TextTable | None = None
        if line.stripped:
            if line.text.startswith("\t") and "\t" not in line.text[1:].rstrip("\t"):
                found = _cell_per_line(source, lines, i, words)
            if found is None:
                text = norm[line.start : line.end]
                if text.lstrip().startswith("|") and _rules_between_rows(norm, lines, i):
                    found = _ruled(source, norm, lines, i, words)
                for sep in _SEPARATORS if found is None else ():
                    if sep in text.strip(" "):
                        found = _row_per_line(source, norm, lines, i, sep, words)
                        if found is not None:
                            break
                if found is None and _SPACES.search(text.strip()):
                    found = _row_per_line(source, norm, lines, i, " ", words)
        if found is not None:
            tables.append(found)
            i = found.last_line + 1
        else:
            i += 1
    return tables
