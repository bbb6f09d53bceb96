"""Task tables of annexes (重点任务一览表 and the like).

Two layouts are read, both as exported from word processors:

* one cell per line, each cell led by a tab; a line without a leading tab
  continues the cell above it (multi-line unit lists), blank lines are
  padding (the 许昌 annex);
* one row per line, cells separated by tabs or ``|``.

Columns are recognized by their header words, so other cities' tables with
主要责任单位 / 协同配合单位 / 完成期限 columns work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line
from .model import Measure, Role, SourceText, Span
from .normalize import normalize

# header word -> column role
_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("deadline", re.compile(r"(完成|时间|时限|期限|节点)")),
    ("score", re.compile(r"(分值|权重|考核分)")),
    ("cooperating", re.compile(r"(配合|协同|参与|协办|协助)")),
    ("lead", re.compile(r"(牵头|主要责任单位|主责单位)")),
    ("responsible", re.compile(r"(责任|负责|主体|落实单位)")),
    ("goal", re.compile(r"目标")),
    ("task", re.compile(r"(重点任务|主要任务|工作任务|具体任务|任务|措施|工作内容|具体内容)")),
    ("heading", re.compile(r"(工作重点|重点工作|重点|事项|类别|项目|领域|名称)")),
]

COLUMN_TO_ROLE = {
    "lead": Role.LEAD,
    "responsible": Role.RESPONSIBLE,
    "cooperating": Role.COOPERATING,
}

_TASK_NO = re.compile(r"^\s*\(\s*(\d{1,3})\s*\)")
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")


def column_role(header: str) -> str | None:
    h = re.sub(r"\s+", "", normalize(header))
    for role, rx in _COLUMN_ROLES:
        if rx.search(h):
            return role
    return None


@dataclass
class Cell:
    start: int
    end: int

    def span(self, source: SourceText) -> Span:
        return source.span(self.start, self.end)

    def text(self, source: SourceText) -> str:
        return source.text[self.start : self.end]

    def norm(self, source: SourceText) -> str:
        """The cell's text normalized (full-width （55）｜ read as (55)|); same length, same offsets."""
        return normalize(self.text(source))


@dataclass
class Table:
    header_line: int  # index of the first header line
    columns: list[str]  # role of each column (None -> "other")
    headers: list[Cell]
    rows: list[list[Cell | None]]
    problems: list[str]


def _is_header(cells: list[str]) -> bool:
    roles = [column_role(c) for c in cells]
    return len(cells) >= 3 and "number" in roles and sum(r is not None for r in roles) >= 3


def _trim(source: SourceText, start: int, end: int) -> Cell:
    text = source.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Cell(start, end)


def _cell_per_line(source: SourceText, lines: list[Line], first: int) -> list[Cell]:
    """Cells of the tab-led layout from line ``first`` on."""
    cells: list[Cell] = []
    for line in lines[first:]:
        if line.text.startswith("\t"):
            cells.append(_trim(source, line.start + 1, line.end))
        elif line.stripped and cells:
            cells[-1] = _trim(source, cells[-1].start if cells[-1].end > cells[-1].start else line.start, line.end)
        elif line.stripped:
            continue  # text before the first cell
    return cells


def find_table(source: SourceText, lines: list[Line]) -> Table | None:
    """Locate a task table by its header row and read its rows."""
    for i, line in enumerate(lines):
        # layout 1: header cells on consecutive tab-led lines
        if line.text.startswith("\t") and column_role(line.stripped) == "number":
            j = i
            heads: list[Cell] = []
            while j < len(lines) and lines[j].text.startswith("\t") and lines[j].stripped:
                heads.append(_trim(source, lines[j].start + 1, lines[j].end))
                j += 1
            names = [h.text(source) for h in heads]
            if _is_header(names):
                return _rows_cell_per_line(source, lines, i, heads, j)
        # layout 2: a whole row on one line
        parts = re.split(r"\t|\|", normalize(line.text))  # full-width ｜ separates cells too
        names = [p.strip() for p in parts if p.strip()]
        if len(names) >= 3 and _is_header(names):
            return _rows_row_per_line(source, lines, i, len(names))
    return None


def _columns(source: SourceText, heads: list[Cell]) -> list[str]:
    return [column_role(h.text(source)) or "other" for h in heads]


def _rows_cell_per_line(
    source: SourceText, lines: list[Line], at: int, heads: list[Cell], after: int
) -> Table:
    columns = _columns(source, heads)
    n = len(columns)
    cells = _cell_per_line(source, lines, after)
    problems: list[str] = []
    rows: list[list[Cell | None]] = []
    task_col = columns.index("task") if "task" in columns else None
    i = 0
    while i < len(cells):
        row: list[Cell | None] = list(cells[i : i + n])
        if task_col is not None and len(row) > task_col and row[task_col] is not None:
            # realign when a row lost a cell: the task cell carries "(n)"
            if not _TASK_NO.match(row[task_col].norm(source)):
                for shift in (1, -1, 2, -2):
                    k = i + shift
                    if 0 <= k and k + task_col < len(cells) and _TASK_NO.match(
                        cells[k + task_col].norm(source)
                    ):
                        problems.append(
                            f"row near offset {cells[i].start}: cells out of line, realigned by {shift}"
                        )
                        i = k
                        row = list(cells[i : i + n])
                        break
        if len(row) < n:
            problems.append(
                f"last row (offset {cells[i].start}) is truncated: {len(row)} of {n} cells"
            )
            row += [None] * (n - len(row))
        rows.append(row)
        i += n
    return Table(at, columns, heads, rows, problems)


def _rows_row_per_line(source: SourceText, lines: list[Line], at: int, n: int) -> Table:
    head_line = lines[at]
    heads = _split_line(source, head_line)
    columns = _columns(source, heads)
    rows: list[list[Cell | None]] = []
    problems: list[str] = []
    for line in lines[at + 1 :]:
        if not line.stripped:
            continue
        cells: list[Cell | None] = list(_split_line(source, line, keep_empty=True))
        if len(cells) < 2:
            continue
        if len(cells) < n:
            problems.append(f"row at offset {line.start} has {len(cells)} of {n} cells")
            cells += [None] * (n - len(cells))
        rows.append(cells[:n])
    return Table(at, columns, heads, rows, problems)


def _split_line(source: SourceText, line: Line, keep_empty: bool = False) -> list[Cell]:
    cells = []
    pos = line.start
    norm = normalize(line.text)  # same length as line.text: offsets carry over
    for part in re.split(r"(\t|\|)", norm):
        if part in ("\t", "|"):
            pos += 1
            continue
        cell = _trim(source, pos, pos + len(part))
        if keep_empty or cell.end > cell.start:
            cells.append(cell)
        pos += len(part)
    if keep_empty and cells and cells[0].end == cells[0].start and norm.startswith(("\t", "|")):
        cells = cells[1:]
    return cells


def table_measures(source: SourceText, table: Table) -> list[Measure]:
    """One measure per task row; group columns carry over to continuation rows."""
    cols = table.columns
    carried: dict[str, Cell] = {}
    measures: list[Measure] = []
    seen: set[str] = set()
    for row in table.rows:
        cells = {cols[k]: c for k, c in enumerate(row) if c is not None and c.end > c.start}
        number = cells.get("number")
        if number is not None:
            # a new (or restated) group: heading and goal start afresh
            carried = {k: v for k, v in cells.items() if k in ("number", "heading", "goal")}
        else:
            for k, v in carried.items():
                cells.setdefault(k, v)
        task = cells.get("task")
        if task is None:
            continue
        m = _TASK_NO.match(task.norm(source))
        if m:
            label = f"({m.group(1)})"
        elif number is not None:
            label = number.norm(source).strip()
        else:
            label = f"row{len(measures) + 1}"
        code = label
        k = 2
        while code in seen:
            code = f"{label}~{k}"
            k += 1
        seen.add(code)
        body = task.start + (m.end() if m else 0)
        text = source.text
        stop = text.find("。", body, task.end)
        if stop < 0:
            stop = task.end  # a short cell is all title
        title_end = stop if 0 < stop - body <= 80 else -1
        measures.append(
            Measure(
                code=code,
                label=label,
                level=1,
                title=text[body:title_end].strip() if title_end > 0 else None,
                span=task.span(source),
                title_span=source.span(body, title_end) if title_end > 0 else None,
                parent=None,
                order=len(measures),
                section_kind="tasks",
                table_row={name: c.span(source) for name, c in cells.items()},
            )
        )
    return measures
