"""graph/table.py: a grid, as a structured format (HTML, Word, PDF) hands it over, read as measures.

The grids are built cell by cell here, with their merges stated (rowspan, colspan) the way the
decoders state them; tests/graph/test_table_text.py reads the layouts of plain-text copies.
"""

from __future__ import annotations

from graph.model import Grid, GridCell, Role, SourceText
from graph.roles import load_role_words
from graph.table import read_header, table_measures


def grid(rows: list[list[str | tuple[str, int, int] | None]]) -> tuple[SourceText, Grid]:
    """Rows of cells, each text, (text, rowspan, colspan) or None (covered by a merge above or left),
    rendered one cell per line as the decoders render a table."""
    text, cells = "", []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            value, rowspan, colspan = (cell, 1, 1) if isinstance(cell, str) else cell
            start = len(text)
            text += value + "\n"
            cells.append(GridCell(r, c, start, start + len(value), rowspan, colspan))
    return SourceText("t.html", text, "utf-8", format="html"), Grid(0, len(text), tuple(cells))


HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


def measures(rows):
    src, g = grid(rows)
    table = read_header(src, g, load_role_words())
    assert table is not None
    return src, table, table_measures(src, table)


def roles(m) -> list[tuple[Role, str]]:
    return [(c.role, c.span.quote) for c in m.table_cells]


def test_the_header_row_gives_each_column_its_kind_and_role():
    src, table, _ = measures([HEADER, ["1", "实施高企倍增计划。", "市科技局", "市财政局", "2023年"]])
    assert table.header_row == 0
    assert [(c.kind, c.role) for c in table.columns] == [
        ("number", None), ("task", None), ("role", Role.LEAD), ("role", Role.COOPERATING), ("deadline", None)]


def test_rows_before_the_header_are_not_read_as_one():
    src, table, ms = measures([[("重点任务分工表", 1, 5)], HEADER, ["1", "建设新型研发机构。", "市发改委", "市科技局", "2024年"]])
    assert table.header_row == 1
    assert [m.code for m in ms] == ["1"]


def test_each_task_row_is_a_measure_whose_span_is_its_task_cell():
    src, _, ms = measures([HEADER, ["1", "实施高企倍增计划。加大培育力度", "市科技局", "市财政局、市税务局", "2023年"],
                           ["2", "培育科技型中小企业。", "市科技局", "/", "长期"]])
    assert [m.code for m in ms] == ["1", "2"]
    first = ms[0]
    assert src.text[first.span.start:first.span.end] == first.span.quote == "实施高企倍增计划。加大培育力度"
    assert first.title == "实施高企倍增计划"
    assert first.table_row["deadline"].quote == "2023年" and first.table_row["number"].quote == "1"
    assert roles(first) == [(Role.LEAD, "市科技局"), (Role.COOPERATING, "市财政局、市税务局")]
    assert roles(ms[1]) == [(Role.LEAD, "市科技局")]  # "/": empty on purpose, no unit


def test_a_merged_role_cell_covers_the_rows_below_it():
    src, _, ms = measures([HEADER, ["1", "建设创新平台。", ("市科技局", 2, 1), "市发改委", "2023年"],
                           ["2", "引进研发机构。", None, "市商务局", "2024年"]])
    assert roles(ms[1]) == [(Role.LEAD, "市科技局"), (Role.COOPERATING, "市商务局")]
    assert not any(c.carried for m in ms for c in m.table_cells)  # stated by the grid, not guessed


def test_a_row_without_a_task_of_its_own_adds_units_to_the_task_above():
    src, _, ms = measures([HEADER, ["1", ("实施人才引进计划。", 2, 1), "市人社局", "市科技局", "长期"],
                           [None, None, "市教育局", "市财政局", "长期"]])
    assert [m.code for m in ms] == ["1"]
    assert roles(ms[0]) == [(Role.LEAD, "市人社局"), (Role.COOPERATING, "市科技局"),
                            (Role.LEAD, "市教育局"), (Role.COOPERATING, "市财政局")]


def test_a_row_spanning_the_table_starts_a_section_and_numbers_restart():
    src, _, ms = measures([HEADER, [("一、强化企业创新主体", 1, 5)], ["1", "实施高企倍增计划。", "市科技局", "", ""],
                           [("二、建设创新平台", 1, 5)], ["1", "建设新型研发机构。", "市发改委", "", ""]])
    assert [m.code for m in ms] == ["一", "一.1", "二", "二.1"]
    assert ms[1].parent == "一" and ms[1].level == 2
    assert ms[1].table_row["heading"].quote == "强化企业创新主体"


def test_a_grid_whose_header_names_no_columns_is_no_task_table():
    src, g = grid([["姓名", "职务"], ["张三", "局长"]])
    assert read_header(src, g, load_role_words()) is None


def test_an_assessment_table_scores_indicators_under_merged_categories():
    """No task column: each indicator (指标名称) is the row's measure, its category (类别) merged above."""
    header = ["类别", "序号", "指标名称", "分值", "考核单位"]
    src, table, ms = measures([header,
                               [("科技投入（25分）", 2, 1), "1", "全社会研发经费投入强度", "15", "市统计局、市科技局"],
                               [None, "2", "规上工业企业研发费用增长率", "10", "市统计局"],
                               ["创新主体", "3", "新认定高新技术企业数", "12", "市科技局"]])
    assert [m.span.quote for m in ms] == ["全社会研发经费投入强度", "规上工业企业研发费用增长率", "新认定高新技术企业数"]
    assert [m.code for m in ms] == ["1", "2", "3"]
    assert ms[1].table_row["heading"].quote == "科技投入（25分）"  # the merged category stays its heading
    assert roles(ms[1]) == [(Role.SUPERVISING, "市统计局")]
