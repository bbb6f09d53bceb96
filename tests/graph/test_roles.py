"""The responsibility wording read from ontology/responsibility-words.ttl (graph/roles.py)."""

from __future__ import annotations

import pytest

from graph.model import Role
from graph.roles import load_role_words


@pytest.fixture(scope="module")
def words():
    return load_role_words()


@pytest.mark.parametrize(("label", "role"), [
    ("牵头单位", Role.LEAD), ("主要责任单位", Role.LEAD), ("牵头责任单位", Role.LEAD), ("牵头部门", Role.LEAD),
    ("责任单位", Role.RESPONSIBLE), ("责任主体", Role.RESPONSIBLE), ("主办单位", Role.RESPONSIBLE),
    ("承办单位", Role.RESPONSIBLE), ("责任处室", Role.RESPONSIBLE),
    ("配合单位", Role.COOPERATING), ("协同配合单位", Role.COOPERATING), ("协办单位", Role.COOPERATING),
    ("参与部门", Role.COOPERATING), ("配合责任单位", Role.COOPERATING),
    ("考核单位", Role.SUPERVISING), ("牵头考核单位", Role.SUPERVISING), ("督办单位", Role.SUPERVISING),
    ("督导部门", Role.SUPERVISING), ("监督单位", Role.SUPERVISING),
])
def test_labels_compose_heads_and_nouns(words, label, role):
    reading = words.read_label(label)
    assert reading is not None and reading.kind == "role" and reading.role is role


@pytest.mark.parametrize(("label", "kind"), [
    ("责任领导", "person"), ("分管领导", "person"), ("联系人", "person"),
    ("完成时限", "deadline"), ("时间节点", "deadline"), ("分值", "score"), ("备注", "other"),
])
def test_labels_that_name_no_unit(words, label, kind):
    assert words.read_label(label).kind == kind


def test_column_headers(words):
    kinds = {h: words.read_header(h).kind for h in
             ("序号", "重点任务", "具体措施", "工作重点", "工作目标", "完成时限", "市卫健委内牵头处室")}
    assert kinds == {"序号": "number", "重点任务": "task", "具体措施": "task", "工作重点": "heading",
                     "工作目标": "goal", "完成时限": "deadline", "市卫健委内牵头处室": "role"}
    assert words.read_header("市卫健委内牵头处室").owner == "市卫健委"
    assert words.read_header("主要内容").kind == "task"  # 主要 only leads when a unit noun follows


def test_a_documents_first_listed_leads_rule(words):
    at, rest = words.first_leads_rule("（以下各项任务中，排在第一位的责任单位为牵头单位，其他为配合单位。）")
    assert at > 0 and rest is Role.COOPERATING
    assert words.first_leads_rule("由市科技局牵头负责。") is None


def test_openings_of_items_that_are_no_tasks(words):
    assert words.opening_kind("“十三五”以来，全市科技创新取得显著成效。") == "background"
    assert words.opening_kind("考核工作坚持客观公正、注重实绩的原则。") == "principles"
    assert words.opening_kind("到2025年，全市高新技术企业达到500家。") == "goals"
    assert words.opening_kind("建设一批新型研发机构。") is None


def test_a_note_under_a_table_states_its_rule_for_the_tables_above(words):
    norm = "1\t全社会研发经费投入强度\t市科技局、市统计局\n注：责任单位有两个及以上的，排在第一位的为牵头单位。"
    assert words.first_leads_rule(norm) == (0, Role.RESPONSIBLE)
    said = "各责任单位要抓好落实。排在第一位的为牵头单位。\n1\t任务\t市科技局、市统计局"
    assert words.first_leads_rule(said)[0] > 0  # said in running text: from there on


def test_a_table_of_indicators_with_units_is_a_task_table(words):
    from graph.table_text import is_header

    assert is_header(["序号", "指标名称", "2022年基数", "2025年目标", "责任单位"], words)
    assert not is_header(["序号", "指标名称", "2022年基数", "2025年目标"], words)  # no one to assign
