"""Target phrases in forms beyond the seeds: what counts, its kind, comparator and statistic."""

from __future__ import annotations

import dataclasses

import pytest

from graph import targets as targets_module
from graph.extract import Extractor
from graph.gazetteer import default_gazetteer
from graph.model import Comparator as C, ManifestEntry, SourceText, TargetKind as K
from graph.normalize import normalize
from graph.orgs import OrgResolver
from graph.schemes import Unit, load_schemes
from graph.targets import find_targets, first_year, horizon, plan_start


def targets(text: str, default_year=2025, since=2021):
    norm = normalize(text)
    found = find_targets(norm, 0, len(norm), default_year, since=since)
    for t in found:  # spans always cut the text itself, and the figure lies in the phrase
        assert text[t.start : t.end] and t.start <= t.figure_start < t.figure_end <= t.end
    return found


def brief(text: str, **kw):
    return [
        (t.concept.rsplit("/", 1)[-1] if t.concept else t.indicator, t.kind, t.comparator, t.value, t.value_max, t.unit)
        for t in targets(text, **kw)
    ]


# -- not targets ------------------------------------------------------------------------

SUPPORT_RULES = """对首次认定的高新技术企业,给予30万元奖励;对重新认定的,给予10万元奖励。
按企业上年度研发投入的10%给予补助,单个企业最高不超过200万元。
对新获批的国家级重点实验室,一次性奖励500万元。
单个项目总投资超5000万元的,按照实际投资额的5%给予补贴。
对年营业收入首次突破1亿元的科技型企业,给予50万元奖励。
每年遴选20家创新能力强的企业,认定为市级创新型企业。
落实制造业企业按100%加计扣除政策。"""


def test_a_support_policy_has_no_targets():
    """A typical 若干措施 text: rewards, rates, caps, thresholds and selections, no goal."""
    assert targets(SUPPORT_RULES) == []


def test_achievements_are_not_targets():
    assert targets("截至2020年底,全市高新技术企业达到320家。") == []
    assert targets("2019年,全市技术合同成交额达到15亿元。", since=2021) == []
    assert targets("“十三五”期间,新增省级重点实验室5家。", since=2021) == []


def test_a_list_closed_by_a_count_is_not_a_target():
    assert targets("重点推进档案、统计、审计等10个系列职称制度改革。") == []
    assert targets("全年科技创新重点工作共5个方面、23项具体措施。") == []


def test_durations_scores_and_selections_are_not_targets():
    assert targets("运营单位应当在5个工作日内予以公告;项目实施期满后3个月内提出验收申请。") == []
    assert targets("覆盖率达到60%以上得满分,每低1个百分点扣0.2分。") == []
    assert targets("每年遴选科技领军企业20家,实行“一企一策”支持。") == []


def test_table_cells_are_not_one_sentence():
    """A task-list row: the other cells (units, deadline) are not the statistic's name."""
    row = "1\t科技型中小企业培育\t开展科技型中小企业评价入库“百日攻坚”行动,全年入库100家以上\t市科技局\t长葛经济技术开发区管委会"
    assert brief(row) == [("sme-tech-enterprises", K.INCREMENT, C.AT_LEAST, 100.0, None, "家")]
    spaced = "1     雏鹰企业培育      建立雏鹰企业评价入库制度,每年评价入库2000家以上  市科技局      各区人民政府"
    assert brief(spaced)[0][:2] == ("seedling-enterprises", K.ANNUAL)


# -- kinds and comparators -------------------------------------------------------------------


def test_level_increment_and_total_of_one_statistic():
    """New and total are kinds of one statistic, not two statistics."""
    assert brief("新增各类省级以上创新研发平台25家,总数达到150家以上。") == [
        ("provincial-and-above-rd-platforms", K.INCREMENT, C.EXACT, 25.0, None, "家"),
        ("provincial-and-above-rd-platforms", K.LEVEL, C.AT_LEAST, 150.0, None, "家"),
    ]


def test_each_year_holds_until_a_new_time_phrase():
    assert brief("每年新培育科技型中小企业200家以上,到2022年,全市科技型中小企业达到800家左右。") == [
        ("sme-tech-enterprises", K.ANNUAL, C.AT_LEAST, 200.0, None, "家"),
        ("sme-tech-enterprises", K.LEVEL, C.ABOUT, 800.0, None, "家"),
    ]
    assert brief("每年实施创新项目60项以上,总计实施300项以上。") == [
        ("innovation-projects", K.ANNUAL, C.AT_LEAST, 60.0, None, "项"),
        ("innovation-projects", K.INCREMENT, C.AT_LEAST, 300.0, None, "项"),
    ]


def test_ranges_keep_both_ends():
    assert brief("每年实施3—5项市级重大科技创新专项。") == [
        ("municipal-major-projects", K.ANNUAL, C.BETWEEN, 3.0, 5.0, "项"),
    ]
    assert brief("新增国家级孵化器3~5家。")[0][2:5] == (C.BETWEEN, 3.0, 5.0)


def test_growth_rates_and_their_statistic():
    assert brief("全社会研发投入力争突破25亿元,年均增长12%。") == [
        ("rd-expenditure", K.LEVEL, C.AT_LEAST, 25.0, None, "亿元"),
        ("rd-expenditure", K.GROWTH_RATE, C.EXACT, 12.0, None, "%"),
    ]
    assert brief("到2023年底,研发投入强度提高到2.3%,每年提高0.1个百分点。") == [
        ("rd-intensity", K.SHARE, C.EXACT, 2.3, None, "%"),
        ("rd-intensity", K.GROWTH_RATE, C.EXACT, 0.1, None, "个百分点"),
    ]


def test_ranks():
    assert brief("两个国家级高新区争取分别进入全国前20位、30位。") == [
        ("hightech-zone-rank", K.RANK, C.AT_MOST, 20.0, None, "位"),
        ("hightech-zone-rank", K.RANK, C.AT_MOST, 30.0, None, "位"),
    ]


@pytest.mark.parametrize(
    "text, comparator",
    [
        ("财政科技支出占一般公共预算支出比重不低于3%。", C.AT_LEAST),
        ("技术合同成交额突破100亿元。", C.AT_LEAST),
        ("全市高新技术企业超过1000家。", C.AT_LEAST),
        ("在孵企业100余家。", C.AT_LEAST),
        ("高新技术企业达到500家左右。", C.ABOUT),
        ("财政科技支出占比不超过5%。", C.AT_MOST),
        ("众创空间达到40家。", C.EXACT),
    ],
)
def test_comparators(text, comparator):
    assert [t.comparator for t in targets(text)] == [comparator]


def test_aspiration_is_a_flag_and_ends_with_a_new_goal():
    got = targets("争取每年新培育科技型中小企业200家以上,到2022年,全市科技型中小企业达到800家左右。")
    assert [t.aspiration for t in got] == [True, False]
    got = targets("力争到2025年,国家级科技企业孵化器达到5家,众创空间达到40家。")
    assert [t.aspiration for t in got] == [True, True]
    assert all(t.comparator is C.EXACT for t in got)  # 力争 is not a comparator


def test_the_period_makes_totals_increments():
    got = brief("“十四五”期间设立400亿元科创资金,带动全社会创新投入达到2000亿元规模。")
    assert [(c, k) for c, k, *_ in got] == [("sci-tech-innovation-funds", K.INCREMENT), ("innovation-investment", K.INCREMENT)]


# -- which statistic ------------------------------------------------------------------------------


def test_levels_are_different_statistics():
    got = brief("每年新培育省级工程技术中心5家、市级工程技术研究中心10家,全市省级工程技术研究中心要达到70家以上。")
    assert [c for c, *_ in got] == ["provincial-engineering-centers", "municipal-engineering-centers",
                                    "provincial-engineering-centers"]
    assert [k for _, k, *_ in got] == [K.ANNUAL, K.ANNUAL, K.LEVEL]


def test_a_list_of_platform_types_is_their_common_statistic():
    assert brief("省级工程技术研究中心、重点实验室、技术创新中心达到100家以上。")[0][0] == "provincial-rd-platforms"
    # a level stated once holds for the list; a part at another level (其中) is its own statistic
    assert [c for c, *_ in brief("新认定省级企业技术中心30家、工程研究中心10家。")] == [
        "provincial-rd-platforms", "provincial-engineering-centers"]
    assert [c for c, *_ in brief("市级以上创新平台总数达到500个,其中省级以上150个。")] == [
        "rd-platforms", "provincial-and-above-rd-platforms"]


def test_value_added_is_not_output_and_enterprise_rd_is_not_rd_intensity():
    assert [c for c, *_ in brief(
        "高新技术产业增加值占规模以上工业增加值比重达到50%,高新技术产业产值占规模以上工业总产值比重达60%。"
    )] == ["hightech-value-added-share", "hightech-output-share"]
    assert [c for c, *_ in brief(
        "大中型工业企业研发投入占主营业务收入比重达到2%,全社会研发投入占GDP比重达到2.5%。"
    )] == ["enterprise-rd-intensity", "rd-intensity"]
    assert brief("每万人口高价值发明专利拥有量达到8件。")[0][:2] == ("high-value-patents-per-10k", K.SHARE)


def test_levels_of_other_jurisdictions():
    assert brief("自治区级以上研发平台达到40家,新建州级农业科技园区5个。")[0][0] == "provincial-and-above-rd-platforms"
    assert brief("新建州级农业科技园区5个。")[0][0] == "municipal-agri-parks"


def test_each_and_respectively():
    assert [c for c, *_ in brief("培育省“百强”企业、省“百快”企业各10家左右。")] == [
        "provincial-leading-enterprises", "gazelle-enterprises"]
    assert [c for c, *_ in brief("争取新增国家级高新区、经开区各1家。")] == [
        "national-hightech-zones", "national-development-zones"]
    got = brief("雏鹰企业、瞪羚企业、科技领军（培育）企业分别达到6000家、500家、200家。")
    assert [(c, k) for c, k, *_ in got] == [("seedling-enterprises", K.LEVEL), ("gazelle-enterprises", K.LEVEL),
                                             ("provincial-leading-enterprises", K.LEVEL)]
    assert brief("全市科技型中小企业、高新技术企业分别达到5000家、1500家。") == [
        ("sme-tech-enterprises", K.LEVEL, C.EXACT, 5000.0, None, "家"),
        ("hightech-enterprises", K.LEVEL, C.EXACT, 1500.0, None, "家"),
    ]


def test_the_unit_picks_the_statistic():
    """推荐20名以上高新技术企业…人才: people, so not a count of enterprises."""
    got = brief("推荐20名以上高新技术企业、医疗卫生等机构专业技术人才参加国际联合培养。")
    assert got[0][0] == "international-training-trainees"
    assert brief("科技企业孵化器在孵企业超过2000家,毕业企业500家以上。")[0][0] == "incubated-enterprises"


def test_a_clause_without_a_name_takes_the_previous_clause_s_statistic():
    assert brief("设立市科技创新专项资金,每年安排不少于2亿元。") == [
        ("sci-tech-innovation-funds", K.ANNUAL, C.AT_LEAST, 2.0, None, "亿元")]


def test_an_unknown_statistic_keeps_its_name():
    got = targets("到2025年,全市规上企业新产品销售收入达到800亿元。")
    assert [(t.indicator, t.concept) for t in got] == [("规上企业新产品销售收入", None)]


def test_figures_in_names_and_numbers_are_not_targets():
    assert targets("深入实施“许昌英才计划”2.0版,推进5G应用和“3+3”主导产业,对接世界500强企业。") == []


# -- years -----------------------------------------------------------------------------------


def test_five_year_period_sets_the_year():
    assert first_year("到“十四五”期末,全社会研发投入强度达3.5%") == 2025
    assert [t.year for t in targets("到“十四五”期末,全社会研发投入占地区生产总值比重达3.5%。", default_year=None)] == [2025]


def test_plan_horizon_and_start_from_the_title():
    assert horizon("许昌市加快科技创新推进建设实施方案(2020—2022年)") == 2022
    assert horizon("漯河市“十四五”科技创新规划") == 2025
    assert plan_start("漯河市“十四五”科技创新规划", "2023-05-26") == 2021
    assert plan_start("关于创新驱动高质量发展的实施意见", "2021-02-10") == 2021


# -- the extractor's schemes ------------------------------------------------------------------------


def test_an_extractor_reads_targets_with_its_own_schemes(monkeypatch):
    """The units a target is read in are the extractor's schemes' (the ontology it was made with), not the
    ontology parsed again: a unit added to its schemes is read in a goal, and the default one never loads."""
    schemes = load_schemes()
    assert "台套" not in {u.label for u in schemes.units}
    mine = dataclasses.replace(schemes, units=[*schemes.units, Unit("urn:test:taitao", "台套", "pieces", 1.0)])
    gazetteer = default_gazetteer()
    text = "某市智能制造发展规划\n一、发展目标\n到2025年,全市累计推广智能装备500台套。\n"
    monkeypatch.setattr(targets_module, "_default_reader", lambda: pytest.fail("the ontology was parsed again"))
    facts = Extractor(mine, OrgResolver(mine, gazetteer)).extract(
        SourceText("plan.txt", text, "utf-8"), ManifestEntry("plan.txt", "许昌"), gazetteer.resolve("许昌"))
    assert [(t.value, t.unit) for t in facts.targets] == [(500.0, "台套")]
