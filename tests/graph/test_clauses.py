"""The responsibility-clause grammar, on forms the seed documents never show."""

from __future__ import annotations

import pytest

from graph.clauses import find_clauses, split_units
from graph.model import Role
from graph.normalize import normalize


def clauses(text: str):
    norm = normalize(text)
    return norm, find_clauses(norm, 0, len(norm))


def roles(text: str) -> list[tuple[str, list[str]]]:
    norm, found = clauses(text)
    return [(a.role.value, [u.name for u in a.units]) for c in found for a in c.assignments]


def test_lead_then_cooperating_labels():
    text = "加快建设科技大市场。（牵头单位：市科技局，配合单位：市发展改革委、市财政局）"
    assert roles(text) == [("LEAD", ["市科技局"]), ("COOPERATING", ["市发展改革委", "市财政局"])]


def test_half_width_and_semicolons_with_deadline_and_score():
    text = "实施创新券制度(牵头单位:市科技局;责任单位:各区、县级市人民政府;完成时限:2022年底前;分值:5分)"
    norm, found = clauses(text)
    assert [(a.role, [u.name for u in a.units]) for a in found[0].assignments] == [
        (Role.LEAD, ["市科技局"]),
        (Role.RESPONSIBLE, ["各区、县级市人民政府"]),
    ]
    assert found[0].deadline and "2022" in found[0].deadline
    assert found[0].score and "5分" in found[0].score


def test_verbal_clause_lead_and_cooperate():
    assert roles("推进成果转化（市科技局牵头，市财政局、市税务局配合）") == [
        ("LEAD", ["市科技局"]),
        ("COOPERATING", ["市财政局", "市税务局"]),
    ]


def test_verbal_responsible_with_you():
    assert roles("完善评价机制。（由市人社局负责）") == [("RESPONSIBLE", ["市人社局"])]


def test_paragraph_final_label():
    text = "强化知识产权保护，建设快速维权中心。\n责任单位：市市场监管局、市司法局。"
    assert roles(text) == [("RESPONSIBLE", ["市市场监管局", "市司法局"])]


def test_assessing_unit_supervises():
    assert roles("（责任单位：市科技局；考核单位：市委督查室）") == [
        ("RESPONSIBLE", ["市科技局"]), ("SUPERVISING", ["市委督查室"])]


def test_collectives_with_inner_separators_stay_whole():
    norm = normalize("市科技局、各县（市、区）政府（管委会）、各区、县级市政府和市直有关部门等")
    units = split_units(norm, 0, len(norm))
    assert [u.name for u in units] == [
        "市科技局",
        "各县(市、区)政府(管委会)",
        "各区、县级市政府",
        "市直有关部门",
    ]
    assert units[-1].open_ended and not units[0].open_ended


def test_he_splits_bodies_but_not_names():
    norm = normalize("市发展和改革委员会和市人力资源和社会保障局")
    assert [u.name for u in split_units(norm, 0, len(norm))] == [
        "市发展和改革委员会",
        "市人力资源和社会保障局",
    ]


def test_spaces_and_line_breaks_split():
    norm = normalize("市发改委 市科技局　市财政局\n\n市工信局")
    assert [u.name for u in split_units(norm, 0, len(norm))] == ["市发改委", "市科技局", "市财政局", "市工信局"]


@pytest.mark.parametrize(
    "text",
    [
        "支持企业（含科技型中小企业）开展研发。",
        "对接中国科学院（中科院）等单位。",
        "引进人才（团队）60个。",
    ],
)
def test_ordinary_brackets_are_not_clauses(text):
    assert clauses(text)[1] == []


def test_unit_offsets_cut_the_original_text():
    text = "（牵头单位：市科技局，配合单位：市发改委、市财政局等）"
    norm, found = clauses(text)
    for a in found[0].assignments:
        for u in a.units:
            assert text[u.start : u.end] == u.name or normalize(text[u.start : u.end]) == u.name


def test_place_names_with_he_are_not_conjunctions():
    norm = normalize("国家税务总局和田地区税务局和市财政局")
    assert [u.name for u in split_units(norm, 0, len(norm))] == ["国家税务总局和田地区税务局", "市财政局"]


@pytest.mark.parametrize(("text", "expected"), [
    ("（责任单位：市科技局、市财政局，各县市区政府，按职责分工负责）",
     [("RESPONSIBLE", ["市科技局", "市财政局", "各县市区政府"])]),
    ("（责任单位：市发展改革委、市科技局按职责分工负责）", [("RESPONSIBLE", ["市发展改革委", "市科技局"])]),
    ("【牵头单位：市科技局；责任单位：市财政局】", [("LEAD", ["市科技局"]), ("RESPONSIBLE", ["市财政局"])]),
    ("〔责任单位：市科技局〕", [("RESPONSIBLE", ["市科技局"])]),
    ("（由市科技局牵头，市发改委、市财政局等部门配合）",
     [("LEAD", ["市科技局"]), ("COOPERATING", ["市发改委", "市财政局"])]),
])
def test_more_clause_forms(text, expected):
    assert roles(text) == expected


def test_deng_bumen_closes_a_list_open_ended():
    norm, found = clauses("（责任单位：市科技局等有关部门）")
    (unit,) = found[0].assignments[0].units
    assert unit.name == "市科技局" and unit.open_ended


def cell(text: str, role: Role = Role.RESPONSIBLE) -> list[tuple[str, list[str]]]:
    from graph.clauses import read_cell

    norm = normalize(text)
    return [(a.role.value, [u.name for u in a.units]) for a in read_cell(norm, 0, len(norm), role)]


def test_a_table_cell_in_the_columns_role():
    assert cell("市科技局、市财政局") == [("RESPONSIBLE", ["市科技局", "市财政局"])]


def test_a_table_cell_that_writes_its_own_roles():
    # a Word cell of two paragraphs, or one line: the labels, not the column, give the roles
    assert cell("牵头：三江新区管委会\n配合：市科技局、市教育和体育局") == [
        ("LEAD", ["三江新区管委会"]), ("COOPERATING", ["市科技局", "市教育和体育局"])]
    assert cell("牵头单位：市财政局、市科技局 配合单位：市统计局") == [
        ("LEAD", ["市财政局", "市科技局"]), ("COOPERATING", ["市统计局"])]
    assert cell("市科技局（牵头）、市经济和信息化局、临港经开区管委会") == [
        ("LEAD", ["市科技局"]), ("RESPONSIBLE", ["市经济和信息化局", "临港经开区管委会"])]


def test_a_note_closing_the_list_names_its_lead():
    text = "推进科技成果转化。（责任单位：省科技厅、省财政厅、四川省税务局（省科技厅牵头））"
    assert roles(text) == [("LEAD", ["省科技厅"]), ("RESPONSIBLE", ["省财政厅", "四川省税务局"])]


def test_a_body_under_two_names_leads_a_verbal_clause():
    text = "加强知识产权保护。（省市场监管局（省知识产权局）牵头，省法院、省科技厅配合）"
    assert roles(text) == [("LEAD", ["省市场监管局(省知识产权局)"]), ("COOPERATING", ["省法院", "省科技厅"])]


def test_angle_brackets_hold_an_alias_and_按职责落实_closes_a_list():
    assert roles("加强人才工作。（区委组织部〈区委人才办〉牵头，区人社局配合）") == [
        ("LEAD", ["区委组织部(区委人才办)"]), ("COOPERATING", ["区人社局"])]
    assert roles("引进高层次人才。（责任单位：市委组织部、市人力资源社会保障局；各区人民政府按职责落实）") == [
        ("RESPONSIBLE", ["市委组织部", "市人力资源社会保障局"]), ("RESPONSIBLE", ["各区人民政府"])]
