"""Measure-type evidence is what the measure does (forms beyond the seeds)."""

from __future__ import annotations

import pytest

from graph.concepts import concept_hits
from graph.model import Measure, SourceText
from graph.normalize import StrippedText, normalize
from graph.schemes import load_schemes


def types(text: str, kind: str = "tasks") -> dict[str, str]:
    """Concept local name -> evidence quote, for a one-measure document."""
    schemes = load_schemes()
    src = SourceText("t.txt", text, "utf-8")
    m = Measure("1", "1", 1, None, src.span(0, len(text)), section_kind=kind)
    hits = concept_hits(
        src, StrippedText(normalize(text)), [m], {"1": (0, len(text))}, schemes.measure_types, [],
        schemes.measure_type_not_evidence, frozenset({"principles"}),
    )
    for h in hits:
        assert text[h.span.start : h.span.end] == h.span.quote
    return {h.concept.rsplit("/", 1)[-1]: h.span.quote for h in hits}


def test_what_an_instrument_applies_to_is_not_evidence():
    got = types("落实高新技术企业所得税减免、科技企业孵化器和大学科技园税收优惠等政策。")
    assert {"hightech-tax-incentive", "sci-tech-tax-incentive", "policy-implementation"} <= set(got)
    assert "tech-business-incubator" not in got and "university-science-park" not in got
    got = types("设立科技成果转化引导基金。")
    assert "venture-guidance-fund" in got and "achievement-transformation" not in got
    # an instrument standing alone in the list is evidence of its own
    got = types("通过提供孵化服务、后补助、发放创新券等措施支持企业。")
    assert {"incubation-carrier", "rd-expense-subsidy", "innovation-voucher"} <= set(got)


def test_a_reward_for_recognition_is_evidence():
    assert "tech-business-incubator" in types("对认定为国家级科技企业孵化器的,给予100万元奖励。")


@pytest.mark.parametrize(
    "text, absent",
    [
        ("支持大学科技园建设,为企业技术创新、成果转化、人才培养提供全方位服务。", "achievement-transformation"),
        ("构建以企业为主体、市场为导向、产学研深度融合的技术创新体系。", "industry-university-research"),
        ("鼓励高校、科研院所、新型研发机构建设专业化众创空间。", "new-rd-institution"),
        ("将高新技术企业培育纳入各县区目标考核。", "hightech-enterprise"),
        ("优先保障科技企业孵化器、众创空间用地需求。", "maker-space"),
        ("举办青年教师讲课大赛和创业培训讲师大赛。", "innovation-competition"),
        ("建设国际科技合作基地。", "characteristic-industry-base"),
        ("建立企业技术需求数据库。", "tech-market"),
        ("贯彻《关于支持建设国家自主创新示范区的若干意见》精神。", "independent-innovation-zone"),
        ("加强与银行、担保、创投、保险等各类金融机构合作。", "risk-compensation"),
        ("大力营造尊重知识、鼓励创新、宽容失败的社会氛围。", "fault-tolerance"),
        ("每年发布全省科技成果转化年度报告。", "achievement-matchmaking"),
        ("对绩效评价优秀的概念验证中心给予最高300万元支持。", "performance-assessment"),
    ],
)
def test_not_what_the_measure_does(text, absent):
    assert absent not in types(text)


def test_what_the_measure_does():
    got = types("支持江苏大学在我市设立技术转移中心分中心,依托北京邮电大学重点实验室许昌基地推动成果转化。")
    assert {"attract-external-institutions", "industry-university-research", "tech-transfer-institution",
            "key-laboratory", "achievement-transformation"} <= set(got)
    got = types("实行科研项目经费“包干制”和“揭榜挂帅”制度,开展“赛马”。")
    assert {"lump-sum-funding", "open-challenge", "horse-race"} <= set(got)
    got = types("举办“创客中国”中小企业创新创业大赛。")
    assert got["innovation-competition"] == "创新创业大赛"
    got = types("到2025年,全市高新技术企业超1000家。", kind="goals")
    assert "hightech-enterprise" in got  # a target on the instrument itself


def test_partners_of_the_actor_are_what_the_measure_does():
    got = types("支持龙头企业联合高校院所组建创新联合体,承担国家重点研发计划项目。")
    assert {"industry-university-research", "industry-tech-alliance", "major-sci-tech-project"} <= set(got)
    got = types("设立市科技创新专项资金,每年安排不少于2亿元;实施“科技副总”计划,选派专家到企业兼职。")
    assert {"fiscal-sci-tech-investment", "flexible-talent"} <= set(got)


def test_newer_instruments_of_the_genre():
    got = types("布局建设概念验证中心和中试基地;全年新增高新技术企业300家以上;对研发投入增幅超过20%的企业按增量给予补助。")
    assert {"achievement-transformation", "hightech-enterprise", "rd-expense-subsidy"} <= set(got)


def test_principles_are_not_measures():
    text = "以落实“十百千”转型升级创新专项为抓手,深化科技体制改革。"
    assert "henan-transformation-projects" in types(text)
    assert types(text, kind="principles") == {}


def test_an_institution_s_name_is_not_the_measure_s_industry(corpus):
    """智能制造 in 华为(许昌)人工智能与智能制造创新中心, 机器人 in a protection centre's name."""
    for f in corpus.facts:
        names = [(m.span.start, m.span.end) for m in f.involvements]
        assert not [h for h in f.industries if any(a <= h.span.start < b for a, b in names)], f.source.name
