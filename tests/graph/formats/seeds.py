"""The two seeds the format tests convert, read into their parts.

承德's plan is numbered paragraphs (一、 / (一) / 1.) under a cover notice;
许昌's annex is a task table whose 序号 / 工作重点 / 工作目标 cells span the
task rows of their group. The converters in tests/graph/formats/make.py write
these parts as a portal web page, a Word file and a printed PDF, so that
every format is checked against the facts of the same .txt seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.paths import RAW_DIR

CHENGDE = "chengde-2021-plan.txt"
ANNEX = "xuchang-2020-plan-annex-tasks.txt"

_LABELS = [
    (0, re.compile(r"^([一二三四五六七八九十]+)、")),
    (1, re.compile(r"^\(([一二三四五六七八九十]+)\)")),
    (2, re.compile(r"^(\d+)\.")),
]


@dataclass
class Paragraph:
    text: str  # without its numbering label when level is not None
    level: int | None = None  # 0: 一、  1: (一)  2: 1.
    label: str = ""  # the label as typed in the seed


def plan_paragraphs(name: str = CHENGDE) -> list[Paragraph]:
    """The plan's lines; numbered ones split into label and text."""
    out: list[Paragraph] = []
    for line in (RAW_DIR / name).read_text("utf-8").splitlines():
        if not line.strip():
            continue
        for level, rx in _LABELS:
            m = rx.match(line)
            if m:
                out.append(Paragraph(line[m.end():], level, m.group(0)))
                break
        else:
            out.append(Paragraph(line))
    return out


@dataclass
class TaskGroup:
    number: str
    heading: str
    goal: str
    tasks: list[tuple[str, list[str], list[str]]]  # (task text, lead units, responsible units)


@dataclass
class TaskTable:
    before: list[str]  # the lines above the table (附件, title)
    header: list[str]
    groups: list[TaskGroup]


def annex_table(name: str = ANNEX) -> TaskTable:
    """The annex's cells (tab-led lines; untabbed lines continue a cell as a new paragraph)."""
    before: list[str] = []
    cells: list[list[str]] = []
    for line in (RAW_DIR / name).read_text("utf-8").splitlines():
        if line.startswith("\t"):
            cells.append([line[1:].strip()] if line[1:].strip() else [])
        elif line.strip():
            if cells:
                cells[-1].append(line.strip())
            else:
                before.append(line.strip())
    header = [c[0] for c in cells[:6]]
    rows = [cells[i:i + 6] for i in range(6, len(cells), 6)]
    groups: list[TaskGroup] = []
    for row in rows:
        number, heading, goal, task, lead, resp = row
        if number:
            groups.append(TaskGroup(number[0], heading[0], goal[0], []))
        # one unit a line, as a Word author presses Enter between them: the seed's few lines of
        # space-separated units would lose their spaces where a printed PDF wraps them
        lead = [u for line in lead for u in line.split()]
        groups[-1].tasks.append((" ".join(task), lead, resp))
    return TaskTable(before, header, groups)
