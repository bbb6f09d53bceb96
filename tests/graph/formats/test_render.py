"""render.py: tables written one row per line with merged positions empty, exact cell offsets."""

from __future__ import annotations

from graph.formats.render import TextBuilder, clean_line, join_wrapped, place_rows

from .conftest import check_grid


def test_a_merged_cell_is_written_once_and_covers_empty_fields():
    out = TextBuilder()
    out.paragraph("附件")
    # 序号 spans two rows; 责任单位 spans two columns in the header
    rows = [
        [("序号", 2, 1), ("任务", 2, 1), ("责任单位", 1, 2)],
        [("牵头", 1, 1), ("配合", 1, 1)],
        [("1", 2, 1), ("(1)建设平台", 1, 1), ("市科技局", 1, 1), ("市财政局", 1, 1)],
        [("(2)培育企业", 1, 1), ("市工信局 \u00a0 市发改委", 1, 1), ("", 1, 1)],
    ]
    out.table(place_rows(rows))
    source = out.source("t.html", "utf-8", "html")
    (grid,) = source.grids
    fields = check_grid(source, grid)
    assert fields[0] == ["序号", "任务", "责任单位", ""]
    assert fields[1] == ["", "", "牵头", "配合"]
    assert fields[3] == ["", "(2)培育企业", "市工信局 市发改委", ""]  # blanks in a cell: one space
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans[(0, 0)] == (2, 1) and spans[(0, 2)] == (1, 2) and spans[(2, 0)] == (2, 1)
    assert (3, 3) not in spans  # an empty cell has no GridCell
    assert source.text.startswith("附件\n") and grid.start == len("附件\n")


def test_rowspans_past_the_last_row_are_cut_to_the_table():
    cells = place_rows([[("a", 5, 1), ("b", 1, 1)], [("c", 1, 1)]])
    assert cells[0].rowspan == 2


def test_blanks_are_collapsed_but_not_between_cjk_source_line_breaks():
    assert clean_line("\u3000\u3000为深入实施\n创新驱动 发展战略 \xa0") == "为深入实施创新驱动 发展战略"
    assert clean_line("附\u3000件") == "附\u3000件"  # an ideographic space inside is the author's
    assert clean_line("Science and\ntechnology") == "Science and technology"


def test_wrapped_lines_join_without_a_space_except_between_latin_words():
    assert join_wrapped("市科技", "局") == "市科技局"
    assert join_wrapped("实施3-", "5项") == "实施3-5项"
    assert join_wrapped("the", "plan") == "the plan"
    assert join_wrapped("到", "2022年") == "到2022年"
