"""Task tables in the layouts text copies bring (graph/table_text.py → graph/table.py)."""

from __future__ import annotations

import pytest

from graph.document import parse_document
from graph.model import SourceText
from graph.normalize import normalize
from graph.responsibilities import ResponsibilityReader


def read(text: str):
    src = SourceText("t.txt", text, "utf-8")
    doc = parse_document(src)
    return src, doc


def units_by_code(src, doc) -> dict[str, list[tuple[str, str]]]:
    """(role, unit) of each row, from its role cells, as the responsibility reader splits them."""
    from graph.clauses import split_units

    norm = normalize(src.text)
    out: dict[str, list[tuple[str, str]]] = {}
    for m in doc.measures:
        for cell in m.table_cells:
            for a, b in cell.pieces or ((cell.span.start, cell.span.end),):
                out.setdefault(m.code, []).extend((cell.role.value, u.name) for u in split_units(norm, a, b))
    return out


TAB = (
    "重点任务分工表\n"
    "序号\t重点任务\t牵头单位\t配合单位\t责任领导\t完成时限\n"
    "一、强化企业创新主体\n"
    "1\t实施高企倍增计划。\t市科技局\t市财政局、市税务局\t张某某\t2023年底前\n"
    "2\t培育科技型中小企业。\t市科技局\t/\t张某某\t长期\n"
    "二、建设创新平台\n"
    "1\t建设新型研发机构。\t市发改委\t市科技局\t李某某\t2024年底前\n"
)


def test_tab_rows_with_sections_and_restarting_numbers():
    src, doc = read(TAB)
    codes = [m.code for m in doc.measures]
    assert codes == ["一", "一.1", "一.2", "二", "二.1"]
    got = units_by_code(src, doc)
    assert got["一.1"] == [("LEAD", "市科技局"), ("COOPERATING", "市财政局"), ("COOPERATING", "市税务局")]
    assert got["一.2"] == [("LEAD", "市科技局")]  # "/" is empty on purpose
    assert all("张某某" not in name for rows in got.values() for _, name in rows)  # a person column
    assert doc.measures[1].parent == "一"


@pytest.mark.parametrize("sep", ["|", "│", "｜"])
def test_bar_rows_with_borders(sep):
    rows = [line.split("\t") for line in TAB.splitlines()]
    text = "\n".join(
        f"{sep} " + f" {sep} ".join(cells) + f" {sep}" if len(cells) > 1 else cells[0] for cells in rows
    ) + "\n"
    src, doc = read(text)
    assert [m.code for m in doc.measures] == ["一", "一.1", "一.2", "二", "二.1"]
    assert units_by_code(src, doc)["二.1"] == [("LEAD", "市发改委"), ("COOPERATING", "市科技局")]


def test_merged_cells_leave_empty_leading_cells_and_carry_the_group():
    text = (
        "序号\t工作任务\t具体措施\t责任单位\t配合单位\n"
        "1\t高企培育\t建立后备库。\t市科技局\t市财政局\n"
        "\t\t组织申报培训。\t市科技局\t各乡镇人民政府、街道办事处\n"
        "2\t平台建设\t建设研发中心。\t市工信局\t无\n"
    )
    src, doc = read(text)
    assert [m.code for m in doc.measures] == ["1", "1~2", "2"]
    assert doc.measures[1].table_row["heading"].quote == "高企培育"  # carried from the merged cell
    got = units_by_code(src, doc)
    assert got["1~2"] == [("RESPONSIBLE", "市科技局"), ("COOPERATING", "各乡镇人民政府、街道办事处")]
    assert got["2"] == [("RESPONSIBLE", "市工信局")]


def test_a_merged_unit_cell_the_copy_lost_is_taken_from_the_row_above():
    text = (
        "序号\t重点任务\t牵头单位\n"
        "1\t建设概念验证中心。\t市科技局\n"
        "2\t建设中试基地。\t\n"
    )
    src, doc = read(text)
    assert units_by_code(src, doc)["2"] == [("LEAD", "市科技局")]
    assert doc.measures[1].table_cells[0].carried


def test_columns_aligned_by_spaces_are_read_by_display_position():
    text = (
        "序号  重点任务                  牵头单位      配合单位\n"
        "1     建设科技企业孵化器。      市科技局      市财政局\n"
        "2     推进技术转移。            市科技局\n"
    )
    src, doc = read(text)
    got = units_by_code(src, doc)
    assert got["1"] == [("LEAD", "市科技局"), ("COOPERATING", "市财政局")]
    assert got["2"] == [("LEAD", "市科技局")]


def test_quoted_multi_line_cells_of_a_spreadsheet_copy():
    text = (
        "序号\t重点任务\t牵头单位\t配合单位\n"
        '1\t"建设创新联合体，\n推动产学研合作。"\t市科技局\t"市发改委\n市工信局"\n'
        "2\t落实研发费用加计扣除。\t市税务局\t市科技局\n"
    )
    src, doc = read(text)
    assert [m.code for m in doc.measures] == ["1", "2"]
    assert units_by_code(src, doc)["1"] == [("LEAD", "市科技局"), ("COOPERATING", "市发改委"),
                                           ("COOPERATING", "市工信局")]
    assert "推动产学研合作" in doc.measures[0].span.quote


def test_a_ruled_table_with_wrapped_cells_keeps_each_cells_pieces():
    text = (
        "┌────┬────────────┬──────────┬──────────┐\n"
        "│序号│重点任务    │牵头单位  │配合单位  │\n"
        "├────┼────────────┼──────────┼──────────┤\n"
        "│1   │建设医学研究│市卫健委  │市科技局、│\n"
        "│    │中心        │          │市财政局  │\n"
        "└────┴────────────┴──────────┴──────────┘\n"
    )
    src, doc = read(text)
    (m,) = doc.measures
    assert m.own_text == "建设医学研究中心"
    assert units_by_code(src, doc)["1"] == [("LEAD", "市卫健委"), ("COOPERATING", "市科技局"),
                                           ("COOPERATING", "市财政局")]
    for cell in m.table_cells:
        for a, b in cell.pieces or ((cell.span.start, cell.span.end),):
            assert "│" not in src.text[a:b]


def test_an_internal_division_column_names_parts_of_its_body():
    from graph.gazetteer import default_gazetteer
    from graph.orgs import OrgResolver
    from graph.roles import load_role_words
    from graph.schemes import load_schemes
    from graph.structure import own_ranges

    text = "序号\t重点任务\t牵头单位\t市卫健委内牵头处室\n1\t建设临床研究中心。\t市卫健委\t科技教育处\n"
    src, doc = read(text)
    city = default_gazetteer().resolve("成都")
    reader = ResponsibilityReader(OrgResolver(load_schemes(), default_gazetteer()), load_role_words())
    ranges = own_ranges([])
    ranges.update({m.code: (m.span.start, m.span.end) for m in doc.measures})
    found = reader.explicit(src, normalize(src.text), doc.measures, ranges, city).responsibilities
    division = next(r for r in found if r.mention.surface == "科技教育处")
    assert division.role.value == "LEAD"
    assert division.mention.org.name == "成都市卫生健康委员会科技教育处"
    assert division.mention.org.parent is not None and division.mention.org.parent.name == "成都市卫生健康委员会"


def test_a_two_row_header_names_the_columns_under_a_merged_one():
    text = (
        "序号\t重点任务\t责任单位\t\t完成时限\n"
        "\t\t牵头单位\t配合单位\t\n"
        "1\t建设科技企业孵化器。\t市科技局\t市财政局\t2023年底前\n"
    )
    src, doc = read(text)
    assert units_by_code(src, doc)["1"] == [("LEAD", "市科技局"), ("COOPERATING", "市财政局")]


def test_a_bracket_in_a_header_qualifies_it():
    src, doc = read("序号\t重点任务\t牵头单位（部门）\t配合单位\n1\t建设孵化器。\t市科技局\t市财政局\n")
    assert units_by_code(src, doc)["1"] == [("LEAD", "市科技局"), ("COOPERATING", "市财政局")]
