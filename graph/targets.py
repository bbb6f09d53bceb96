"""Quantitative targets: indicator, value, unit, due year, qualifier.

``到2022年,全市高新技术企业总量达到500家左右`` → (高新技术企业数量, 500, 家, 2022,
about). The due year is the nearest ``到/至 YYYY 年`` (or ``十四五``) before the
value in the same sentence, else the first one stated by the measure or its
parents, else the horizon of the plan (``(2020—2022年)`` in its title).

The indicator is named before the value (``高新技术企业达到300家``) or, after a
bare verb, behind it (``每年启动5-8个市级重大科技创新专项``); ``A和B分别达到X和Y``
gives two targets. Rates that are rules rather than goals (``按100%加计扣除``)
are not targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Measure, SourceText, Target

_UNITS = r"万平方米|平方米|亿元|万元|个百分点|百分点|%|家|个|件|项|人次|万人|人|名|支|次|所|座"
_NUM = r"\d+(?:\.\d+)?"
_VALUE = re.compile(
    rf"(?P<verb>达到|达|突破|超过|超|不低于|不少于|提高到|提升到|增长|增加到|新增|新培育|培育|引进|建成|建设|实施|新建|保持|争取|力争)?"
    rf"\s*(?P<num>{_NUM})(?:\s*[-~—至]\s*(?P<num2>{_NUM}))?\s*(?P<unit>{_UNITS})"
    rf"(?P<qual>以上|左右|以内|以下)?"
)
_RESPECTIVELY = re.compile(
    rf"(?P<a>[^,:;。、]{{2,20}}?)(?:和|及|、)(?P<b>[^,:;。]{{2,20}}?)(?:数量|总量)?分别(?:达到|达|为|突破|超过)\s*"
    rf"(?P<x>{_NUM})\s*(?P<ux>{_UNITS})(?P<qx>以上|左右)?(?:和|、)(?P<y>{_NUM})\s*(?P<uy>{_UNITS})(?P<qy>以上|左右)?"
)
_YEAR = re.compile(r"(?:到|至|截至|力争到|争取到)\s*((?:19|20)\d{2})\s*年")
_PERIODS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
_PERIOD = re.compile(r"(?:到|至)?\s*[“\"']?(十三五|十四五|十五五)[”\"']?\s*(?:期末|末|期间|时期)")
_SENTENCE = re.compile(r"[^。;]+")
_RULE_RATE = re.compile(r"(按|比例|提高到|以内)$")
_LEAD_NOISE = re.compile(
    r"^[、,:“”\"'()\s]+|^(到|至)?\s*(19|20)\d{2}\s*年(底|末)?|^(全市|全社会|我市|每年|力争|争取|年均|其中|在全市|累计)+"
)
_BARE_VERB = re.compile(
    r"^(新增|新培育|培育|引进|建设|建成|实施|新建|遴选|启动|形成|谋划|布局|推荐|创建|组建|设立|认定|举办|开展|培育建设|谋划建设|布局建设|新引进培育|新引进|总计实施|总计)$"
)

# canonical indicators: (name, pattern on the phrase naming it)
INDICATORS: list[tuple[str, re.Pattern[str]]] = [
    ("研发投入强度", re.compile(r"(研发|R&D|研究与试验发展).{0,14}(强度|占.{0,8}(GDP|生产总值).{0,4}比重)")),
    ("全社会研发投入", re.compile(r"(研发|R&D|研究与试验发展).{0,10}(投入|经费)(?!.{0,6}(强度|比重))")),
    ("高新技术产业增加值占比", re.compile(r"高新技术产业(增加值|产值).{0,20}比重")),
    ("技术合同交易额", re.compile(r"技术合同.{0,3}(交易|成交)额")),
    ("万人发明专利拥有量", re.compile(r"(万人|每万人)发明专利拥有量")),
    ("科技进步贡献率", re.compile(r"科技进步贡献率")),
    ("科技型中小企业数量", re.compile(r"科技型中小企业")),
    ("高新技术企业数量", re.compile(r"高新技术企业")),
    ("新型研发机构数量", re.compile(r"新型研发机构")),
    ("创新创业孵化平台数量", re.compile(r"孵化平台|孵化器|众创空间|星创天地|双创载体(?!面积)")),
    ("双创载体面积", re.compile(r"双创载体.{0,4}面积")),
    ("研发平台数量", re.compile(r"(工程技术研究中心|工程技术中心|重点实验室|技术创新中心|研发平台|创新平台|工程(\(技术\))?研究中心)")),
    ("创新龙头企业数量", re.compile(r"(创新龙头企业|百强|科技领军企业|创新型领军企业)")),
    ("瞪羚企业数量", re.compile(r"(瞪羚|百快)")),
    ("独角兽企业数量", re.compile(r"独角兽")),
    ("人才数量", re.compile(r"(人才|团队|专家|技术职称人员)")),
    ("转型升级创新专项数量", re.compile(r"(十百千|转型升级创新)")),
    ("科技项目数量", re.compile(r"(项目|专项)")),
]


@dataclass(frozen=True)
class FoundTarget:
    start: int  # the phrase naming the indicator and the value
    end: int
    sentence_start: int
    sentence_end: int
    indicator: str
    value: float
    unit: str
    year: int | None
    qualifier: str


def _qualifier(before: str, verb: str | None, qual: str | None, ranged: bool) -> str:
    if qual == "以上" or ranged or verb in ("突破", "超过", "超", "不低于", "不少于"):
        base = "at-least"
    elif qual == "左右":
        base = "about"
    elif qual in ("以内", "以下"):
        base = "at-most"
    else:
        base = "exact"
    if base == "exact" and re.search(r"(力争|争取)", before):
        return "aspirational"
    return base


def first_year(text: str) -> int | None:
    """The first due year a text states: 到2025年, or the end of 十四五."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    found += [(m.start(), _PERIODS[m.group(1)]) for m in _PERIOD.finditer(text)]
    return min(found)[1] if found else None


def horizon(title: str) -> int | None:
    """The end year of a plan named in its title: (2020—2022年), “十四五”."""
    m = re.search(r"((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})\s*年", title)
    if m:
        return int(m.group(2))
    for period, year in _PERIODS.items():
        if period in title:
            return year
    return None


_COUNT_UNITS = {"家", "个", "所", "座"}
_PEOPLE_UNITS = {"名", "人", "人次", "万人", "支", "个"}
# canonical indicators whose values only come in some units
_UNITS_OF = {
    "科技型中小企业数量": _COUNT_UNITS,
    "高新技术企业数量": _COUNT_UNITS,
    "新型研发机构数量": _COUNT_UNITS,
    "创新创业孵化平台数量": _COUNT_UNITS,
    "研发平台数量": _COUNT_UNITS,
    "创新龙头企业数量": _COUNT_UNITS,
    "瞪羚企业数量": _COUNT_UNITS,
    "独角兽企业数量": _COUNT_UNITS,
    "人才数量": _PEOPLE_UNITS,
}


def _indicator(phrase: str, unit: str | None = None) -> str | None:
    for name, rx in INDICATORS:
        if rx.search(phrase) and (unit is None or unit in _UNITS_OF.get(name, {unit})):
            return name
    words = _LEAD_NOISE.sub("", phrase.strip())
    words = _LEAD_NOISE.sub("", words)
    words = re.sub(r"(达到|达|突破|超过|超|总量|数量|总数|分别|共|可)$", "", words)
    words = re.sub(r"[“”\"'、,\s]", "", words)
    if not 2 <= len(words) <= 20 or re.search(r"\d", words) or _BARE_VERB.match(words):
        return None
    return words


def find_targets(norm: str, start: int, end: int, default_year: int | None) -> list[FoundTarget]:
    """Targets stated in norm[start:end] (normalized text)."""
    found: list[FoundTarget] = []
    for sm in _SENTENCE.finditer(norm, start, end):
        s0 = sm.start()
        sentence = sm.group(0)
        lead = len(sentence) - len(sentence.lstrip())
        sent_span = (s0 + lead, s0 + len(sentence.rstrip()))
        taken: list[tuple[int, int]] = []

        def year_before(pos: int) -> int | None:
            return first_year_last(sentence[:pos]) or first_year(sentence) or default_year

        for rm in _RESPECTIVELY.finditer(sentence):
            for name_group, num, unit, qual in (("a", "x", "ux", "qx"), ("b", "y", "uy", "qy")):
                indicator = _indicator(rm.group(name_group))
                if indicator is None:
                    continue
                found.append(
                    FoundTarget(
                        s0 + rm.start(name_group), s0 + rm.end(num if num == "y" else "ux"),
                        *sent_span, indicator, float(rm.group(num)), rm.group(unit),
                        year_before(rm.start()), _qualifier(sentence[: rm.start()], None, rm.group(qual), False),
                    )
                )
            taken.append((rm.start(), rm.end()))

        clause_from = 0
        for vm in _VALUE.finditer(sentence):
            if any(a <= vm.start() < b for a, b in taken):
                continue
            base = clause_from
            before = sentence[base : vm.start()]
            phrase_start = max(before.rfind(","), before.rfind(":"), before.rfind("、") if before.endswith("、") else -1) + 1
            phrase = before[phrase_start:]
            clause_from = vm.end()
            verb = vm.group("verb") or ""
            if _RULE_RATE.search(phrase + verb):
                continue
            indicator = _indicator(phrase, vm.group("unit"))
            if indicator is None:
                # "每年启动5-8个市级重大科技创新专项": the noun follows the value
                after = re.match(r"[^,:;。]{2,24}", sentence[vm.end() :])
                if after is None:
                    continue
                noun = re.sub(r"^.*的", "", after.group(0))
                indicator = _indicator(noun, vm.group("unit")) if not _BARE_VERB.match(noun) else None
                if indicator is None:
                    continue
                clause_from = vm.end() + after.end()
            lead_ws = len(phrase) - len(phrase.lstrip())
            found.append(
                FoundTarget(
                    start=s0 + base + phrase_start + lead_ws,
                    end=s0 + max(vm.end(), clause_from),
                    sentence_start=sent_span[0],
                    sentence_end=sent_span[1],
                    indicator=indicator,
                    value=float(vm.group("num")),
                    unit=vm.group("unit"),
                    year=year_before(vm.start()),
                    qualifier=_qualifier(sentence[: vm.start()], verb, vm.group("qual"), bool(vm.group("num2"))),
                )
            )
    return found


def first_year_last(text: str) -> int | None:
    """The last due year stated in ``text`` (the one closest to what follows)."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    found += [(m.start(), _PERIODS[m.group(1)]) for m in _PERIOD.finditer(text)]
    return max(found)[1] if found else None


def measure_targets(
    source: SourceText,
    norm: str,
    measures: list[Measure],
    ranges: dict[str, tuple[int, int]],
    plan_horizon: int | None,
) -> list[Target]:
    """Targets of each measure; achievements told in background sections are not targets.

    A table row's goal cell is read once even when a merged cell repeats it
    over several rows.
    """
    out: list[Target] = []
    by_code = {m.code: m for m in measures}
    seen_goal_cells: set[tuple[int, int]] = set()
    for m in measures:
        if m.section_kind == "background":
            continue
        regions = [ranges[m.code]]
        if m.table_row and "goal" in m.table_row:
            goal = m.table_row["goal"]
            if (goal.start, goal.end) not in seen_goal_cells:
                seen_goal_cells.add((goal.start, goal.end))
                regions.append((goal.start, goal.end))
        s, e = ranges[m.code]
        default_year = first_year(norm[s:e])
        p = m.parent
        while default_year is None and p is not None:
            ps, pe = ranges[p]
            default_year = first_year(norm[ps:pe])
            p = by_code[p].parent
        default_year = default_year or plan_horizon
        for rs, re_ in regions:
            for t in find_targets(norm, rs, re_, default_year):
                out.append(
                    Target(
                        indicator=t.indicator,
                        value=t.value,
                        unit=t.unit,
                        year=t.year,
                        qualifier=t.qualifier,
                        measure=m.code,
                        span=source.span(t.start, t.end),
                        sentence=source.span(t.sentence_start, t.sentence_end),
                    )
                )
    return out
