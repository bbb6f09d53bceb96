"""Task tables (重点任务一览表, 任务分工表, 考核细则): a grid read as measures.

The grammar, whatever the source format (graph/table_text.py cuts plain text
into a Grid; HTML, Word and PDF decoders hand over their own):

1. **Header → column roles.** The first row whose cells read as headers
   (graph/roles.py: a role label such as 牵头单位 / 配合部门 / 委内牵头处室, or
   序号 / 重点任务 / 工作重点 / 工作目标 / 完成时限 / 责任领导 / 备注).
2. **Rows with merged-cell carry-over.** A merged cell covers the rows below
   it: explicitly (a grid's rowspan) or, in text, by leaving their cells
   empty. An empty 序号 continues the previous group (its 工作重点 and
   工作目标); a row whose role cells are all empty takes the units of the row
   above; a row with role cells but no task of its own adds units to the
   task above it. ``/``, ``—``, ``无`` mark a cell empty on purpose.
3. **Sections.** A row of one cell spanning the table (``一、科技创新``) starts
   a section; task numbers restart in it, so codes are ``一.1``.

Each task row is a measure (its span is the task cell); each role cell lists
units for the measure; person columns (责任领导) and internal notes name no
unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Grid, GridCell, Measure, Role, SourceText, TableCell
from .normalize import normalize
from .roles import RoleWords
from .table_text import is_header

# used with match(text, pos): anchored at pos, so no ^
_TASK_NO = re.compile(r"\s*\(\s*(\d{1,3})\s*\)")
_LEADING_NO = re.compile(r"\s*(\d{1,3})\s*[.、]\s*(?!\d)")
_NUMBER = re.compile(r"^\s*\(?\s*(\d{1,3}|[一二三四五六七八九十]{1,3})\s*[).、]?\s*$")
_SECTION_LABEL = re.compile(
    r"\s*(?:(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.]|\(\s*(?P<paren>[一二三四五六七八九十]{1,3})\s*\)|"
    r"(?P<part>第[一二三四五六七八九十]{1,3}(?:部分|类|项|章)))\s*"
)
_EMPTY_MARK = re.compile(r"^[/／\-—–~无·\s]+$")
_MAX_TITLE = 80
_FIRST_CLAUSE = re.compile(r"[^,;:。]{4,%d}(?=[,;:])" % _MAX_TITLE)


@dataclass(frozen=True)
class Column:
    index: int
    kind: str  # number / task / heading / goal / deadline / score / person / note / role / other
    role: Role | None
    owner: str | None
    header: str


@dataclass
class TaskTable:
    grid: Grid
    header_row: int
    columns: list[Column]
    problems: list[str] = field(default_factory=list)


def read_header(source: SourceText, grid: Grid, words: RoleWords) -> TaskTable | None:
    """Find the header row of a grid and read its columns; None if no row reads as one.

    A header may take two rows: 责任单位 spanning 牵头单位 | 配合单位 under it
    (a Word table's merged header, or its text copy); the lower row's readings
    then name those columns.
    """
    rows: dict[int, list[GridCell]] = {}
    for c in grid.cells:
        rows.setdefault(c.row, []).append(c)
    order = sorted(rows)
    for i, r in enumerate(order[:4]):  # a title row may precede the header
        cells = sorted(rows[r], key=lambda c: c.col)
        names = [source.text[c.start : c.end] for c in cells]
        if not is_header(names, words):
            continue
        columns: dict[int, Column] = {}
        for c, name in zip(cells, names):
            reading = words.read_header(name)
            for k in range(c.colspan):
                columns[c.col + k] = _column(c.col + k, reading, name)
        header_row = r
        below = sorted(rows.get(order[i + 1], []), key=lambda c: c.col) if i + 1 < len(order) else []
        sub = [(c, source.text[c.start : c.end]) for c in below]
        if sub and all((rd := words.read_header(n)) is not None and rd.kind == "role" for _, n in sub):
            for c, name in sub:
                columns[c.col] = _column(c.col, words.read_header(name), name)
            header_row = order[i + 1]
        ordered = [columns[k] for k in sorted(columns)]
        # 工作任务 | 具体措施: of two task columns the first groups the rows (merged), the last is the task
        tasks = [c for c in ordered if c.kind == "task"]
        for c in tasks[:-1]:
            ordered[ordered.index(c)] = Column(c.index, "heading", None, None, c.header)
        return TaskTable(grid, header_row, ordered)
    return None


def _column(index: int, reading, header: str) -> Column:
    if reading is None:
        return Column(index, "other", None, None, header)
    return Column(index, reading.kind, reading.role, reading.owner, header)


def _matrix(grid: Grid, first_row: int) -> tuple[dict[tuple[int, int], tuple[GridCell, bool]], int, int]:
    """Position → (cell, covered) for rows after the header; covered marks a merge."""
    at: dict[tuple[int, int], tuple[GridCell, bool]] = {}
    last_row = first_row
    ncols = 0
    for c in grid.cells:
        ncols = max(ncols, c.col + c.colspan)
        for dr in range(c.rowspan):
            for dc in range(c.colspan):
                at[(c.row + dr, c.col + dc)] = (c, dr > 0 or dc > 0)
        last_row = max(last_row, c.row + c.rowspan - 1)
    return at, last_row, ncols


def _is_empty(source: SourceText, cell: GridCell | None) -> bool:
    return cell is None or cell.end <= cell.start


def _explicitly_empty(source: SourceText, cell: GridCell | None) -> bool:
    return cell is not None and bool(_EMPTY_MARK.match(source.text[cell.start : cell.end]))


def table_measures(source: SourceText, table: TaskTable, prefix: str = "") -> list[Measure]:
    """One measure per task row (and one per section row); codes carry ``prefix``."""
    grid = table.grid
    at, last_row, ncols = _matrix(grid, table.header_row)
    kind_col: dict[str, int] = {}
    for c in table.columns:
        kind_col.setdefault(c.kind, c.index)
    # the row's own thing: its task; in an assessment table without one, the indicator (指标名称)
    # the row scores, under a category (类别) that groups several rows
    task_kind = "task" if "task" in kind_col else "goal" if "goal" in kind_col else "heading"
    role_cols = [c for c in table.columns if c.kind == "role"]
    text = source.text
    norm = normalize(text)

    measures: list[Measure] = []
    seen: set[str] = set()
    carried_group: dict[str, GridCell] = {}
    previous_units: list[tuple[Column, GridCell]] = []
    section: Measure | None = None
    last_task: Measure | None = None

    def unique(code: str) -> str:
        k, out = 2, code
        while out in seen:
            out = f"{code}~{k}"
            k += 1
        seen.add(out)
        return out

    groups = _group_rows(source, at, kind_col.get("number"), table.header_row, last_row)
    for r in range(table.header_row + 1, last_row + 1):
        row = {c: at.get((r, c)) for c in range(ncols)}
        own = {c: v[0] for c, v in row.items() if v is not None and not v[1] and v[0].end > v[0].start}
        # a section row: one cell across (nearly) the whole table
        spanning = [v[0] for v in row.values() if v is not None and v[0].colspan >= max(2, ncols - 1)]
        if spanning and not row_has_task(row, kind_col, task_kind):
            cell = spanning[0]
            if cell.row == r:
                section = _section_measure(source, norm, cell, prefix, len(measures), unique)
                if section is not None:
                    measures.append(section)
                carried_group = {}
                previous_units = []
                last_task = None
            continue
        values = {c: (v[0] if v is not None and not _is_empty(source, v[0]) else None) for c, v in row.items()}
        number = own.get(kind_col.get("number", -1))
        if number is not None:
            carried_group = {}
        for kind in ("number", "heading", "goal"):
            c = kind_col.get(kind)
            if c is not None and values.get(c) is not None:
                carried_group[kind] = values[c]
        task_cell = values.get(kind_col.get(task_kind, -1))
        task_is_new = task_cell is not None and not row[kind_col[task_kind]][1]
        units = [(col, values[col.index]) for col in role_cols if values.get(col.index) is not None]
        stated_empty = any(_explicitly_empty(source, values.get(col.index)) for col in role_cols)
        units = [(col, cell) for col, cell in units if not _explicitly_empty(source, cell)]
        carried = False
        if r in groups:
            previous_units = []  # a group's own row (1 above 1.1, 1.2): it carries nothing down
        if task_is_new and not units and not stated_empty and previous_units and grid.implicit_merges:
            units, carried = previous_units, True  # a merged role cell the text lost
        elif task_is_new and grid.implicit_merges and number is None and previous_units:
            # a continuation row of its group whose lead cell is empty: the merged lead above
            # covers it (the responsible cell beside it being the row's own)
            filled = {col.index for col, _ in units}
            lost = [(col, cell) for col, cell in previous_units
                    if col.role is Role.LEAD and col.index not in filled
                    and not _explicitly_empty(source, values.get(col.index))]
            if lost and len(lost) < len(previous_units):
                units = lost + units
        if not task_is_new:
            if last_task is not None and units:
                last_task.table_cells += tuple(_cells(source, units, carried=False))
            continue
        previous_units = units
        label, body = _label(norm, task_cell, number, carried_group.get("number"))
        if label is None:
            label = f"row{r - table.header_row}"
        code = unique(f"{section.code}.{label}" if section else f"{prefix}{label}")
        stop = text.find("。", body, task_cell.end)
        if stop < 0:
            stop = task_cell.end
        if stop - body > _MAX_TITLE:
            # a task of one long sentence: its first clause names it
            clause = _FIRST_CLAUSE.match(norm, body, stop)
            stop = clause.end() if clause else stop
        title_end = stop if 0 < stop - body <= _MAX_TITLE else -1
        row_spans = {k: source.span(v.start, v.end) for k, v in carried_group.items()}
        row_spans["task"] = source.span(task_cell.start, task_cell.end)
        if "heading" not in row_spans and section is not None and section.title_span is not None:
            row_spans["heading"] = section.title_span
        for kind in ("deadline",):
            c = kind_col.get(kind)
            if c is not None and values.get(c) is not None:
                row_spans[kind] = source.span(values[c].start, values[c].end)
        m = Measure(
            code=code,
            label=label,
            level=2 if section else 1,
            title=text[body:title_end].strip() if title_end > 0 else None,
            span=source.span(task_cell.start, task_cell.end),
            title_span=source.span(body, title_end) if title_end > 0 else None,
            parent=section.code if section else None,
            order=len(measures),
            section_kind="tasks",
            table_row=row_spans,
            table_cells=tuple(_cells(source, units, carried)),
            text="".join(text[a:b] for a, b in task_cell.fragments) if task_cell.fragments else None,
        )
        measures.append(m)
        last_task = m
    return measures


def _group_rows(source: SourceText, at, number_col: int | None, header_row: int, last_row: int) -> set[int]:
    """Rows numbered n that rows numbered n.1, n.2 … follow: groups of the task rows below them."""
    if number_col is None:
        return set()
    numbers: dict[int, str] = {}
    for r in range(header_row + 1, last_row + 1):
        v = at.get((r, number_col))
        if v is not None and not v[1] and v[0].end > v[0].start:
            numbers[r] = normalize(source.text[v[0].start : v[0].end]).strip().rstrip(".")
    return {r for r, n in numbers.items()
            if n.isdigit() and any(m.startswith(n + ".") for m in numbers.values())}


def row_has_task(row, kind_col: dict[str, int], task_kind: str) -> bool:
    c = kind_col.get(task_kind)
    v = row.get(c) if c is not None else None
    return v is not None and v[0].colspan == 1


def _cells(source: SourceText, units: list[tuple[Column, GridCell]], carried: bool) -> list[TableCell]:
    return [
        TableCell(col.role, source.span(cell.start, cell.end), col.header, col.owner, carried, cell.fragments)
        for col, cell in units
        if col.role is not None
    ]


def _label(norm: str, task: GridCell, number: GridCell | None, group: GridCell | None = None) -> tuple[str | None, int]:
    """A task's label and where its text starts after the label.

    The task cell's own ``(n)`` wins (the 许昌 annex numbers groups in 序号 and
    tasks in the cell); else the row's number; else a leading ``n.`` of the
    task; else the number of the group a merged 序号 cell carries.
    """
    m = _TASK_NO.match(norm, task.start, task.end)
    if m:
        return f"({m.group(1)})", m.end()
    for cell in (number, None, group):
        if cell is None:
            m = _LEADING_NO.match(norm, task.start, task.end)
            if m and number is None:
                return m.group(1), m.end()
            continue
        nm = _NUMBER.match(norm[cell.start : cell.end])
        if nm:
            return nm.group(1), task.start
        return norm[cell.start : cell.end].strip(), task.start
    return None, task.start


def _section_measure(source, norm, cell: GridCell, prefix: str, order: int, unique) -> Measure | None:
    m = _SECTION_LABEL.match(norm, cell.start, cell.end)
    if m:
        raw = m.group("cn") or m.group("paren") or m.group("part")
        label = f"({raw})" if m.group("paren") else raw
        body = m.end()
    else:
        label = f"section{order + 1}"
        body = cell.start
    title = source.text[body : cell.end].strip()
    return Measure(
        code=unique(f"{prefix}{label}"),
        label=label,
        level=1,
        title=title or None,
        span=source.span(cell.start, cell.end),
        title_span=source.span(body, cell.end) if title else None,
        parent=None,
        order=order,
        section_kind="tasks",
        table_row={"heading": source.span(body, cell.end)},
    )
