"""Quantitative targets: indicator, value, unit, due year, qualifier.

``到2022年,全市高新技术企业总量达到500家左右`` → (高新技术企业数量, 500, 家, 2022,
about). The due year is the nearest ``到/至 YYYY 年`` before the value in the
same sentence, else the first one stated by the measure or its parent (goal
sections state the year once for all their items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = r"万平方米|平方米|亿元|万元|个百分点|百分点|%|家|个|件|项|人次|万人|人|名|支|次|所|座|亿"
_VALUE = re.compile(
    rf"(?P<verb>达到|达|突破|超过|超|不低于|不少于|提高到|提升到|增长|增加到|新增|新培育|培育|引进|建成|建设|实施|新建|保持|争取|力争)?"
    rf"\s*(?P<num>\d+(?:\.\d+)?)(?:\s*[-~—至]\s*(?P<num2>\d+(?:\.\d+)?))?\s*(?P<unit>{_UNITS})"
    rf"(?P<qual>以上|左右|以内|以下|以上规模)?"
)
_YEAR = re.compile(r"(?:到|至|截至|力争到|争取到)\s*((?:19|20)\d{2})\s*年")
_ANY_YEAR = re.compile(r"((?:20)\d{2})\s*年(?:底|末|前)?")
_SENTENCE = re.compile(r"[^。;]+")

# canonical indicators: (name, pattern on the phrase before the value)
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
    ("创新创业孵化平台数量", re.compile(r"孵化平台|孵化器|众创空间|双创载体")),
    ("研发平台数量", re.compile(r"(工程技术研究中心|重点实验室|技术创新中心|研发平台|创新平台|工程(技术)?研究中心)")),
    ("创新龙头企业数量", re.compile(r"(创新龙头企业|百强|领军企业)")),
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


def _qualifier(before: str, verb: str | None, qual: str | None) -> str:
    if qual in ("以上",) or verb in ("突破", "超过", "超", "不低于", "不少于"):
        base = "at-least"
    elif qual == "左右":
        base = "about"
    elif qual in ("以内", "以下"):
        base = "at-most"
    else:
        base = "exact"
    if re.search(r"(力争|争取)", before) and base == "exact":
        return "aspirational"
    return base


def first_year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def find_targets(norm: str, start: int, end: int, default_year: int | None) -> list[FoundTarget]:
    """Targets stated in norm[start:end]."""
    found: list[FoundTarget] = []
    for sm in _SENTENCE.finditer(norm, start, end):
        sentence_start = sm.start()
        sentence = sm.group(0)
        year = None
        clause_from = 0
        for vm in _VALUE.finditer(sentence):
            unit = vm.group("unit")
            num = float(vm.group("num"))
            if unit in ("年",):
                continue
            ym_before = [y for y in _YEAR.finditer(sentence, 0, vm.start())]
            if ym_before:
                year = int(ym_before[-1].group(1))
            before = sentence[clause_from : vm.start()]
            # the indicator is named in the phrase since the previous comma
            phrase_start = max(before.rfind(","), before.rfind(":")) + 1
            phrase = before[phrase_start:]
            if re.search(r"(19|20)\d{2}\s*$", phrase + vm.group(0)[:4]) and unit in ("个", "项"):
                continue
            indicator = None
            for name, rx in INDICATORS:
                if rx.search(phrase):
                    indicator = name
                    break
            if indicator is None:
                words = re.sub(r"^(到|至)?\s*(19|20)\d{2}\s*年(底|末)?|全市|全社会|我市|每年|力争|争取|年均", "", phrase)
                words = re.sub(r"(达到|达|突破|超过|总量|数量|总数|分别)$", "", words.strip())
                if not 2 <= len(words) <= 20 or re.search(r"\d", words):
                    continue
                indicator = words
            if unit == "%" and re.search(r"增长|增速", phrase + (vm.group("verb") or "")):
                indicator = indicator if "增" in indicator else indicator + "增速"
            lead = len(phrase) - len(phrase.lstrip())
            found.append(
                FoundTarget(
                    start=sentence_start + clause_from + phrase_start + lead,
                    end=sentence_start + vm.end(),
                    sentence_start=sentence_start + (len(sentence) - len(sentence.lstrip())),
                    sentence_end=sentence_start + len(sentence.rstrip()),
                    indicator=indicator,
                    value=num,
                    unit=unit,
                    year=year or first_year(sentence) or default_year,
                    qualifier=_qualifier(sentence[: vm.start()], vm.group("verb"), vm.group("qual")),
                )
            )
            clause_from = vm.end()
    return found
