"""Target phrases in forms beyond the seeds."""

from __future__ import annotations

from graph.normalize import normalize
from graph.targets import find_targets, first_year, horizon


def targets(text: str, default_year=None):
    norm = normalize(text)
    found = find_targets(norm, 0, len(norm), default_year)
    for t in found:  # spans always cut the text itself
        assert text[t.start : t.end]
    return [(t.indicator, t.value, t.unit, t.year, t.qualifier) for t in found]


def test_respectively_gives_two_targets():
    assert targets("到2025年，高新技术企业和科技型中小企业数量分别达到300家和2500家。") == [
        ("高新技术企业数量", 300.0, "家", 2025, "exact"),
        ("科技型中小企业数量", 2500.0, "家", 2025, "exact"),
    ]


def test_five_year_period_sets_the_year():
    assert first_year("到“十四五”期末，全社会研发投入强度达3.5%") == 2025
    assert targets("到“十四五”期末，全社会研发投入占地区生产总值比重达3.5%。")[0][:4] == (
        "研发投入强度", 3.5, "%", 2025,
    )


def test_rules_are_not_targets():
    assert targets("落实制造业企业按100%加计扣除政策。") == []


def test_noun_after_the_value_and_ranges():
    assert targets("每年启动5-8个市级重大科技创新专项。", 2025) == [
        ("科技项目数量", 5.0, "个", 2025, "at-least"),
    ]


def test_qualifiers():
    got = targets("到2022年，力争高新技术企业达到500家左右，技术合同交易额突破30亿元，孵化器10家。")
    assert [q for *_, q in got] == ["about", "at-least", "aspirational"]


def test_plan_horizon_from_the_title():
    assert horizon("许昌市加快科技创新推进建设实施方案(2020—2022年)") == 2022
    assert horizon("漯河市“十四五”科技创新规划") == 2025
