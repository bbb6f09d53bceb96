"""Assignments in a measure's own sentences (graph/prose.py), on sentences of our own."""

from __future__ import annotations

import pytest

from graph.gazetteer import default_gazetteer
from graph.normalize import normalize
from graph.orgs import OrgResolver
from graph.prose import BodyNames, find_prose
from graph.roles import load_role_words
from graph.schemes import load_schemes


@pytest.fixture(scope="module")
def read():
    resolver = OrgResolver(load_schemes(), default_gazetteer())
    words = load_role_words()

    def read(text: str, city: str = "南阳") -> list[tuple[str, str]]:
        j = default_gazetteer().resolve(city)
        bodies = BodyNames(lambda n: resolver.names_a_body(n, j, words), lambda n: resolver.is_known_body(n, j))
        norm = normalize(text)
        return [(a.role.value, u.name) for p in find_prose(norm, 0, len(norm), words, bodies, [])
                for a in p.assignments for u in a.units]
    return read


def test_units_then_a_role_verb(read):
    assert read("市科技局负责全市科技创新工作的统筹协调。") == [("RESPONSIBLE", "市科技局")]
    assert read("市科技局牵头，市财政局、市税务局配合，建立研发费用补助机制。") == [
        ("LEAD", "市科技局"), ("COOPERATING", "市财政局"), ("COOPERATING", "市税务局")]


def test_companion_partners_cooperate(read):
    assert read("市财政局会同市科技局、市工信局设立科技成果转化引导基金。") == [
        ("RESPONSIBLE", "市财政局"), ("COOPERATING", "市科技局"), ("COOPERATING", "市工信局")]
    # the partner list ends where the predicate starts, though its object ends like a body (机构)
    assert read("市科技局会同市财政局建立科技成果转化项目与投资机构对接机制。") == [
        ("RESPONSIBLE", "市科技局"), ("COOPERATING", "市财政局")]


def test_agents_introduced_by_you(read):
    assert read("本办法由市科技局负责解释。") == [("RESPONSIBLE", "市科技局")]
    assert read("对考核靠后的地区，由市科技创新委员会办公室约谈其负责同志。") == [
        ("RESPONSIBLE", "市科技创新委员会办公室")]
    assert read("领导小组由市科技局、市财政局等部门组成。") == []  # composition, not agency


def test_supervision_in_prose(read):
    assert read("市委组织部、市委督查室对考核工作全过程进行监督。") == [
        ("SUPERVISING", "市委组织部"), ("SUPERVISING", "市委督查室")]


def test_a_subject_with_only_an_adverbial_carries_over_the_comma(read):
    assert read("市统计局按照本办法和考评细则，负责相关指标数据的采集和审核。") == [("RESPONSIBLE", "市统计局")]
    # a subject with a predicate of its own does not carry to the next clause
    assert read("市科技领导小组要统筹建立评估机制，落实清单台账制度。") == []


def test_a_body_set_up_and_made_responsible(read):
    assert read("成立市科技成果转化工作专班，负责统筹研究重大政策。") == [
        ("RESPONSIBLE", "市科技成果转化工作专班")]


@pytest.mark.parametrize("text", [
    "支持企业负责人参加培训。",            # 负责人 is a noun
    "鼓励高校参与重大科技项目。",          # 高校 is no body's name
    "运营单位负责平台的日常管理。",        # a defined role
    "明确各项任务的牵头单位和责任单位。",  # role words as nouns
    "市政府督查室的督导结果纳入年度考核。",  # 督查室 is no verb
])
def test_not_assignments(read, text):
    assert read(text) == []


def test_a_role_named_after_zuowei(read):
    assert read("市科技局作为牵头单位，负责统筹推进。") == [("LEAD", "市科技局")]
    assert read("明确市财政局为责任单位。") == [("RESPONSIBLE", "市财政局")]
    assert read("市科技局要会同有关部门制定实施细则。") == [("RESPONSIBLE", "市科技局"), ("COOPERATING", "有关部门")]


def test_oversight_in_prose(read):
    assert read("情节严重的，由市纪委监委依规依纪依法追究相关人员责任。") == [("SUPERVISING", "市纪委监委")]
    assert read("由省委、省政府督查室适时开展专项督查。") == [("SUPERVISING", "省委、省政府督查室")]
    assert read("区财政局对资金绩效进行评价。") == [("SUPERVISING", "区财政局")]


def test_an_assessment_organized_by_an_agent_is_supervised(read):
    assert read("考核工作在市委、市政府领导下进行，由市科技局会同市委督查室、市政府办公室组织实施。") == [
        ("SUPERVISING", "市科技局"), ("COOPERATING", "市委督查室"), ("COOPERATING", "市政府办公室")]


def test_a_subject_goes_on_over_a_clause_naming_no_one(read):
    assert read("市科技局负责编制年度项目指南，组织项目申报和评审，会同市财政局提出经费安排建议。") == [
        ("RESPONSIBLE", "市科技局"), ("COOPERATING", "市财政局")]


def test_leading_the_assessment_is_overseeing(read):
    assert read("各项任务纳入年度目标绩效考核，由市委目标办牵头组织考核。") == [("SUPERVISING", "市委目标办")]


def test_responsible_for_overseeing_is_overseeing(read):
    assert read("县委县政府督查室负责对各项任务的落实情况进行督查。") == [("SUPERVISING", "县委县政府督查室")]
    assert read("州政府督查室会同州科技局对重点任务开展跟踪督办。") == [
        ("SUPERVISING", "州政府督查室"), ("COOPERATING", "州科技局")]


def test_a_subject_that_oversees_with_a_partner_after_its_duty(read):
    assert read("州财政局负责项目资金的预算安排和拨付，会同州科技局对资金使用情况进行监督检查。") == [
        ("RESPONSIBLE", "州财政局"), ("SUPERVISING", "州财政局"), ("COOPERATING", "州科技局")]
    # a performance evaluation with a partner adds no oversight
    assert read("市财政局负责项目经费的预算安排，会同市科技局开展项目资金绩效评价。") == [
        ("RESPONSIBLE", "市财政局"), ("COOPERATING", "市科技局")]


def test_more_forms_of_the_fourth_corpus(read):
    assert read("县科技局负责科技特派员的选认和管理，各乡镇人民政府配合做好服务保障。") == [
        ("RESPONSIBLE", "县科技局"), ("COOPERATING", "各乡镇人民政府")]  # 负责科技…: a verb, not 负责科
    assert read("领导小组办公室设在县科技局，具体负责创建工作的日常协调和调度。") == [("RESPONSIBLE", "领导小组办公室")]
    assert read("县效能办将创建工作纳入县直单位和乡镇绩效考评。") == [("SUPERVISING", "县效能办")]
    assert read("区审计局依法开展审计监督。") == [("SUPERVISING", "区审计局")]
