"""Quantitative targets: indicator concept, kind, comparator, figure(s), unit, due year.

    到2022年,全市高新技术企业总量达到500家左右
    → 高新技术企业数量 (kpi:hightech-enterprises), LEVEL, ABOUT, 500 家, 2022

A *figure* is a number or a range (3—5) with a unit of ontology/indicators.ttl
and an optional qualifier (以上, 左右 ...). Its *clause* is bounded by commas
and colons, and by a 、 or 和 right after a figure (瞪羚企业500家、小巨人35家).
The clause names the statistic before the figure (高新技术企业总量达到500家) or,
after a bare verb, behind it (新增100家省级以上双创载体); the phrase is matched
against the indicator concepts' patterns, the level it states (省级, 市级 ...)
and the figure's unit family. Further forms of the genre:

* ``A和B分别达到X和Y``: one target per item when each item names a statistic;
* ``A、B各10家``: the figure counts for each item;
* a clause without a statistic of its own (``总数达到150家``, ``年均增长12%``,
  ``前20位、30位``) continues the previous target of the sentence;
* a clause without a verb (``瞪羚企业500家``) takes the kind of the previous
  one (``培育独角兽企业50家``); ``每年`` makes figures ANNUAL until the next
  time phrase or stock verb; ``“十四五”期间`` makes the sentence's totals
  INCREMENT.

Not targets: support rules (给予30万元奖励, 按研发投入的10%给予补助, 最高不超过200万元),
thresholds (投资超5000万元的项目), selections (遴选100家…), counts closing a list
(…审计等10个系列), achievements (截至2020年…, a year before the plan's start),
and a table's goal cell restated by a repeated row.

The due year is the nearest ``到 YYYY 年`` (or ``十四五``) before the figure in the
same sentence, else the first one stated by the measure or its parents, else
the horizon of the plan (``(2020—2022年)`` in its title).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .model import Comparator, Measure, SourceText, Target, TargetKind
from .normalize import squash, strip_quotes
from .schemes import IndicatorConcept, Schemes, load_schemes

_NUM = r"\d+(?:\.\d+)?"
_YEAR = re.compile(r"(?:到|至|截至|截止|力争到|争取到|力争在|在)?\s*((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_PERIODS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
_PERIOD = re.compile(r"(?:到|至)?\s*[“\"']?(十三五|十四五|十五五)[”\"']?\s*(期末|末|期间|时期|以来)")
# table cells (tab, |, box drawing, a run of spaces) are never one sentence
_SENTENCE = re.compile(r"(?:(?! {2,})[^。;!?\n\t|│┃])+")

# what a figure's surroundings say about it
_SUPPORT_WORDS = re.compile(r"(给予|奖励|奖补|补助|资助|补贴|贴息|扣除|减免|返还|资金支持|扣[\d.]*分|得满分|计分|加[\d.]*分)")
_SUPPORT_LEAD = re.compile(r"(按|按照|最高|最多|每家|每个|每项|每人|一次性)[^,:]{0,6}$")
_SELECTION = re.compile(r"(遴选|评选|选拔|筛选|择优选择)(?!培育)[^,:]{0,20}$")
_THRESHOLD_ATTR = re.compile(r"(投资|营业收入|销售收入|产值|资产|注册资本|面积|规模|金额|单个|单项)[^,:]{0,3}$")
_GROWTH = re.compile(r"(增长|增速|增幅|递增|提高|提升)(率|速度)?(?!到|至)[^,:]{0,12}$")
_STOCK = re.compile(r"(总量|总数|拥有|保有)")
_INCREMENT = re.compile(
    r"(新增|新建|新培育|培育|引进|招引|集聚|实施|启动|建设|建成|创建|争创|组建|设立|打造|形成|攻克|推荐|布局|谋划|"
    r"入选|进入|纳入|入库|落地|参加|组织|开展|举办|召开|认定|签约|签订|选派|发放|总计|累计|五年|三年)"
)
_LEVEL_VERB = re.compile(r"(达到|达|保持|提高到|提升到|增加到|增至)")
_AT_LEAST_BEFORE = re.compile(r"((?<!不)超过|(?<!不)超|突破|不低于|不少于|(?<!不)高于|(?<!不)多于|(?<!不)大于|至少)\s*$")
_ABOUT_BEFORE = re.compile(r"(约|大约|接近|近)\s*$")
_AT_MOST_BEFORE = re.compile(r"(不超过|不高于|(?<!不)低于|(?<!不)少于|控制在)\s*$")
_ASPIRATION = re.compile(r"力争|争取")
_ANNUAL = re.compile(r"每年|每年度")
_ANNUAL_RESET = re.compile(r"(到|至)?\s*(19|20)\d{2}\s*年|总计|累计|总量|总数|达到")
_SENTENCE_PERIOD = re.compile(r"([“\"']?十[三四五]五[”\"']?|(19|20)\d{2}\s*-\s*(19|20)\d{2}\s*年)\s*期间")
_PAST = re.compile(r"截至|截止|以来|已经|已")

# the phrase naming the statistic, cleaned of what is not its name
_LEAD = re.compile(
    r"^([、,:()\s]|(到|至|力争到|争取到|力争在|在)?\s*(19|20)\d{2}\s*年(年底|底|末|前)?|(到|至)?[“\"']?十[三四五]五[”\"']?(期末|末|期间|时期)?|"
    r"[①-⑳]|全市|我市|本市|全省|全区|全州|全盟|力争|争取|每年度|每年|全年|年均|其中|要|并|使|积极|大力|努力|基本|"
    r"新培育建设|培育建设|谋划建设|布局建设|新引进培育|引进培育|新引进|新培育|新增|新建|新实施|引进|培育|实施|建设|建成|"
    r"创建|争创|组建|设立|打造|形成|突破|攻克|推荐|启动|集聚|招引|新认定|认定|组织|举办|开展|培养|选派|签约|总计|累计|通过|实现)+"
)
_TAIL = re.compile(
    r"(要达到|力争达到|力争突破|达到|达|突破|超过|超|为|保持|提高到|提升到|增加到|增至|实现|不低于|不少于|高于|"
    r"约|共|可|各|分别|数量|总量|总数|的)+$"
)
# a clause that names no statistic continues the previous target: 总数达到150家, 年均增长12%
_PRONOUN = re.compile(r"^(总数|总量|总计|合计|累计|数量|规模|其中|(年均|平均)?(增长|增速|增幅|递增|提高|提升)(率|速度)?)?$")
_LEVEL = re.compile(r"(国家和省级|国家、省级|国家级、省级|国家、省|省级及以上|省级以上|自治区级及以上|自治区级以上|国家级|省级|自治区级|市级及以上|市级以上|市级|州级|盟级|县级|国家(?=[\u4e00-\u9fff])|(?<![全本我外])省(?=[\u4e00-\u9fff]))")
_LEVEL_NAMES = {"国家和省级": "省级以上", "国家、省级": "省级以上", "国家级、省级": "省级以上", "国家、省": "省级以上",
                "省级及以上": "省级以上", "自治区级及以上": "省级以上", "自治区级以上": "省级以上", "自治区级": "省级",
                "市级及以上": "市级以上", "州级": "市级", "盟级": "市级", "国家": "国家级", "省": "省级"}
# a clause whose words before the figure name no statistic, only a verb or a pronoun of size
_NAMELESS = re.compile(r"^(评价入库|入库|备案|认定|签约|落地|安排|投入|发放|规模|首期规模|总规模|金额|总额)$")
# what a figure with 个 may count instead: a duration (5个工作日内, 3个月内); the document's own parts
_NOT_A_COUNT = re.compile(r"^(工作日|月|小时|季度|自然日|方面|部分|具体措施|重点任务|条措施)")
_ITEM_SEP = re.compile(r"、|和|及|与")
# what the name of a counted or measured thing ends in
_STAT_HEAD = re.compile(r"(企业|平台|机构|中心|实验室|人才|团队|项目|专项|基地|园区|载体|空间|额|率|量|数|面积|规模|投入|经费)")


@dataclass(frozen=True)
class FoundTarget:
    start: int  # the phrase naming the statistic and the figure
    end: int
    figure_start: int
    figure_end: int
    sentence_start: int
    sentence_end: int
    indicator: str
    concept: str | None
    kind: TargetKind
    comparator: Comparator
    value: float
    value_max: float | None
    unit: str
    year: int | None
    aspiration: bool


@dataclass
class _Reader:
    """The indicator scheme and units, compiled once."""

    concepts: list[IndicatorConcept]
    unit_family: dict[str, str]
    figure: re.Pattern[str]
    by_iri: dict[str, IndicatorConcept] = field(default_factory=dict)

    def ancestors(self, iri: str) -> list[str]:
        out = []
        b = self.by_iri[iri].broader
        while b is not None and b in self.by_iri:
            out.append(b)
            b = self.by_iri[b].broader
        return out


@functools.cache
def _default_reader() -> _Reader:
    return reader(load_schemes())


def reader(schemes: Schemes) -> _Reader:
    units = sorted((u.label for u in schemes.units), key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    figure = re.compile(
        rf"(?<![\d.])(?P<pre>前)?(?P<num>{_NUM})(?:[ ]?(?:-|~|至)[ ]?(?P<num2>{_NUM}))?[ ]?(?P<more>余|多)?[ ]?"
        rf"(?P<unit>{alt})(?P<qual>及以上|以上|左右|上下|以内|以下|之内)?"
    )
    r = _Reader(list(schemes.indicators), {u.label: u.family for u in schemes.units}, figure)
    r.by_iri = {c.iri: c for c in r.concepts}
    return r


_READERS: dict[int, tuple[Schemes, _Reader]] = {}


def _reader_of(schemes: Schemes | None) -> _Reader:
    if schemes is None:
        return _default_reader()
    hit = _READERS.get(id(schemes))
    if hit is None or hit[0] is not schemes:
        hit = _READERS[id(schemes)] = (schemes, reader(schemes))
    return hit[1]


def first_year(text: str) -> int | None:
    """The first due year a text states: 到2025年, or the end of 十四五."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text) if not _past_marker(text, m)]
    found += [(m.start(), _PERIODS[m.group(1)]) for m in _PERIOD.finditer(text) if m.group(2) != "以来"]
    return min(found)[1] if found else None


def first_year_last(text: str) -> int | None:
    """The last due year stated in ``text`` (the one closest to what follows)."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text) if not _past_marker(text, m)]
    found += [(m.start(), _PERIODS[m.group(1)]) for m in _PERIOD.finditer(text) if m.group(2) != "以来"]
    return max(found)[1] if found else None


def _past_marker(text: str, m: re.Match[str]) -> bool:
    return m.group(0).lstrip().startswith(("截至", "截止"))


def horizon(title: str) -> int | None:
    """The end year of a plan named in its title: (2020—2022年), “十四五”."""
    m = re.search(r"((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})\s*年", title)
    if m:
        return int(m.group(2))
    for period, year in _PERIODS.items():
        if period in title:
            return year
    return None


def plan_start(title: str, issued: str | None) -> int | None:
    """The first year a plan covers: (2020—2022年) or “十四五” in its title, else the year of issue."""
    m = re.search(r"((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})\s*年", title)
    if m:
        return int(m.group(1))
    for period, year in _PERIODS.items():
        if period in title:
            return year - 4
    return int(issued[:4]) if issued and issued[:4].isdigit() else None


def _level(text: str) -> str | None:
    m = _LEVEL.search(text)
    if m is None:
        return None
    return _LEVEL_NAMES.get(m.group(1), m.group(1))


def _clean(phrase: str) -> str:
    """The phrase without time, aspiration, verbs and punctuation around the statistic's name."""
    p = strip_quotes(phrase)[0].strip()
    prev = None
    while p != prev:
        prev = p
        p = _LEAD.sub("", p).strip()
        p = _TAIL.sub("", p).strip()
    return p.strip("、,:() ")


def _fallback_label(phrase: str) -> str | None:
    words = re.sub(r"[“”\"'、,\s]", "", _clean(phrase))
    if not 2 <= len(words) <= 20 or re.search(r"\d", words):
        return None
    return words


class _Resolver:
    def __init__(self, r: _Reader):
        self.r = r

    def concept(self, phrase: str, family: str, kind: TargetKind) -> IndicatorConcept | None:
        """The most specific concept whose words, level and units fit the phrase.

        Several sibling statistics named together (省级工程技术研究中心、重点实验室、…)
        give their nearest common broader concept that fits as well.
        """
        text = strip_quotes(phrase)[0]
        # a short qualifier in brackets (科技领军（培育）企业) is read both with and without
        texts = (text, re.sub(r"\([^()]{1,6}\)", "", text))
        level = _level(text)
        hits: dict[str, int] = {}
        for c in self.r.concepts:
            if c.admin_level is not None and c.admin_level != level:
                continue
            if not self._fits(c, family, kind):
                continue
            best = 0
            for rx in c.patterns:
                for t in texts:
                    m = rx.search(t)
                    if m:
                        best = max(best, m.end() - m.start())
            if best:
                hits[c.iri] = best
        if not hits:
            return None
        ancestors = {a for iri in hits for a in self.r.ancestors(iri)}
        leaves = [iri for iri in hits if iri not in ancestors]
        if len(leaves) == 1:
            return self.r.by_iri[leaves[0]]
        chains = [[iri] + self.r.ancestors(iri) for iri in leaves]
        common = [a for a in chains[0] if all(a in ch for ch in chains[1:])]
        if common and common[0] in hits:
            return self.r.by_iri[common[0]]
        best = max(leaves, key=lambda iri: (hits[iri], self.r.by_iri[iri].depth))
        return self.r.by_iri[best]

    @staticmethod
    def _fits(c: IndicatorConcept, family: str, kind: TargetKind) -> bool:
        if kind is TargetKind.RANK:
            return c.measured_as == "RANK"
        if c.measured_as == "RANK":
            return False
        if kind is TargetKind.GROWTH_RATE:
            return c.measured_as in (None, "GROWTH_RATE", "SHARE") and family in ("percent", "percentage-points", "multiple")
        if c.measured_as == "GROWTH_RATE":
            return False
        if family == "percent" and c.measured_as != "SHARE":
            return False
        return family in c.unit_families


def find_targets(
    norm: str, start: int, end: int, default_year: int | None, *, since: int | None = None,
    schemes: Schemes | None = None,
) -> list[FoundTarget]:
    """Targets stated in norm[start:end] (normalized text); ``since``: the plan's first year."""
    r = _reader_of(schemes)
    resolver = _Resolver(r)
    found: list[FoundTarget] = []
    for sm in _SENTENCE.finditer(norm, start, end):
        found += _sentence_targets(norm, sm.start(), sm.end(), default_year, since, r, resolver)
    return found


@dataclass
class _Prev:
    indicator: str
    concept: str | None
    kind: TargetKind
    phrase_start: int
    phrase: str = ""
    level: str | None = None


def _sentence_targets(norm, s0, s1, default_year, since, r: _Reader, resolver: _Resolver) -> list[FoundTarget]:
    sentence = norm[s0:s1]
    lead = len(sentence) - len(sentence.lstrip())
    sent_span = (s0 + lead, s0 + len(sentence.rstrip()))
    figs = list(r.figure.finditer(sentence))
    if not figs:
        return []
    # clause boundaries: commas and colons, and 、/和/及 right after a figure
    bounds = [m.start() for m in re.finditer(r"[,:]", sentence)]
    for f in figs:
        if f.end() < len(sentence) and sentence[f.end()] in "、和及":
            bounds.append(f.end())
    bounds.sort()

    def clause_start(pos: int) -> int:
        b = [x for x in bounds if x < pos]
        return b[-1] + 1 if b else 0

    def clause_end(pos: int) -> int:
        b = [x for x in bounds if x >= pos]
        return b[0] if b else len(sentence)

    out: list[FoundTarget] = []
    prev: _Prev | None = None
    respectively: dict[int, tuple[str, IndicatorConcept | None, int]] = {}
    for k, f in enumerate(figs):
        unit = f.group("unit")
        family = r.unit_family.get(unit, "")
        cs = clause_start(f.start())
        ce = min(clause_end(f.end()), figs[k + 1].start() if k + 1 < len(figs) else len(sentence))
        left = sentence[cs : f.start()]
        right = sentence[f.end() : ce]
        before = sentence[: f.start()]

        # -- not targets
        if _SUPPORT_WORDS.search(left + right) or _SUPPORT_LEAD.search(left):
            continue
        if _SELECTION.search(left.rstrip()) or left.rstrip().endswith("等"):
            continue
        if _NOT_A_COUNT.match(right.lstrip()):
            continue  # 5个工作日内, 共5个方面、23项具体措施
        if family in ("money", "area", "percent") and (
            right.startswith("的") or (re.match(r"[\u4e00-\u9fff]", right) and _THRESHOLD_ATTR.search(left))
        ):
            continue  # 投资超5000万元的项目, 年营业收入突破1亿元的企业: which ones count, not a goal
        if left.lstrip().startswith("对") and "的" in right:
            continue  # 对…的: the condition of a support rule
        if _is_past(before, since):
            continue

        # -- kind (the statistic may refine it below)
        rank = f.group("pre") == "前" or family == "rank"
        growth = not rank and family in ("percent", "percentage-points", "multiple") and bool(_GROWTH.search(left))
        annual_at = max((m.end() for m in _ANNUAL.finditer(before)), default=-1)
        reset_at = max((m.end() for m in _ANNUAL_RESET.finditer(before)), default=-1)
        own_verbs = re.sub(r"\([^()]{0,8}\)", "", left + right)
        if rank:
            kind = TargetKind.RANK
        elif growth:
            kind = TargetKind.GROWTH_RATE
        elif annual_at > reset_at and not _STOCK.search(left):
            kind = TargetKind.ANNUAL
        elif _STOCK.search(left):
            kind = TargetKind.LEVEL
        elif "分别" in left and _LEVEL_VERB.search(left):
            kind = TargetKind.LEVEL  # A、B分别达到X、Y
        elif _INCREMENT.search(own_verbs) or _SENTENCE_PERIOD.search(before):
            kind = TargetKind.INCREMENT
        elif _LEVEL_VERB.search(left) or _AT_LEAST_BEFORE.search(left):
            kind = TargetKind.LEVEL
        elif prev is not None and prev.kind in (TargetKind.INCREMENT, TargetKind.ANNUAL, TargetKind.LEVEL):
            kind = prev.kind
        else:
            kind = TargetKind.LEVEL

        # -- the statistic(s)
        items: list[tuple[str, IndicatorConcept | None, int]] = []
        lclean = _clean(left)
        rclean = _clean(right)
        if k in respectively:
            items = [respectively[k]]
        elif lclean.endswith("各") or left.rstrip().endswith("各"):
            items = _each(left, cs, family, kind, resolver)
        elif "分别" in left:
            items = _respectively(sentence, figs, k, left, cs, family, kind, resolver, respectively)
        if not items:
            nameless = (_PRONOUN.match(lclean) or _NAMELESS.match(lclean)) and _PRONOUN.match(rclean)
            if nameless and prev is None and cs > 0:
                # 设立市天使投资基金,规模不低于10亿元: the previous clause names the statistic
                concept = resolver.concept(sentence[clause_start(cs - 1) : cs - 1] + left, family, kind)
                if concept is None:
                    continue
                items = [(concept.label, concept, cs)]
            elif nameless:
                if prev is None:
                    continue
                items = [(prev.indicator, r.by_iri.get(prev.concept) if prev.concept else None, prev.phrase_start)]
            else:
                phrase = left + "|" + right
                if prev is not None and prev.level and not _level(phrase) and not _has_verb(left):
                    # 新认定省级企业技术中心30家、工程研究中心10家: the level holds for the list
                    phrase = prev.level + phrase
                concept = resolver.concept(phrase, family, kind)
                if concept is None and prev is not None and _level(lclean) and len(lclean) <= 6:
                    # 其中省级以上150个: a part of the previous statistic, at another level
                    concept = resolver.concept(lclean + prev.phrase, family, kind)
                label = concept.label if concept else (_fallback_label(left) or _fallback_label(right))
                if concept is None and (label is None or len(label) <= 2) and cs > 0:
                    # 设立科技创新专项资金,每年安排不少于2亿元: the statistic is the previous clause's
                    before_clause = sentence[clause_start(cs - 1) : cs - 1]
                    concept = resolver.concept(before_clause + left, family, kind)
                    label = concept.label if concept else None
                if label is None or len(label) <= 2:
                    continue  # a verb or a fragment is not the name of a statistic
                pstart = cs + (len(left) - len(left.lstrip())) if lclean else f.start()
                items = [(label, concept, pstart)]

        # -- comparator, aspiration, year
        if f.group("num2"):
            comparator = Comparator.BETWEEN
        elif rank:
            comparator = Comparator.AT_MOST
        elif f.group("qual") in ("以上", "及以上") or f.group("more"):
            comparator = Comparator.AT_LEAST
        elif f.group("qual") in ("左右", "上下"):
            comparator = Comparator.ABOUT
        elif f.group("qual") in ("以内", "以下", "之内"):
            comparator = Comparator.AT_MOST
        elif _AT_MOST_BEFORE.search(left):
            comparator = Comparator.AT_MOST
        elif _AT_LEAST_BEFORE.search(left):
            comparator = Comparator.AT_LEAST
        elif _ABOUT_BEFORE.search(left):
            comparator = Comparator.ABOUT
        else:
            comparator = Comparator.EXACT
        # 力争/争取 holds until a new time phrase starts another goal
        asp_at = max((m.end() for m in _ASPIRATION.finditer(before)), default=-1)
        aspiration = asp_at >= 0 and not any(m.start() >= asp_at for m in _YEAR.finditer(before))
        year = first_year_last(before) or default_year

        for label, concept, pstart in items:
            k_final = kind
            if concept is not None and concept.measured_as == "SHARE" and kind is not TargetKind.GROWTH_RATE:
                k_final = TargetKind.SHARE
            elif concept is None and family == "percent" and kind is not TargetKind.GROWTH_RATE:
                k_final = TargetKind.SHARE
            pend = f.end() if not rclean or lclean else ce
            out.append(
                FoundTarget(
                    start=s0 + min(pstart, f.start()),
                    end=s0 + max(pend, f.end()),
                    figure_start=s0 + f.start(),
                    figure_end=s0 + f.end(),
                    sentence_start=sent_span[0],
                    sentence_end=sent_span[1],
                    indicator=label,
                    concept=concept.iri if concept else None,
                    kind=k_final,
                    comparator=comparator,
                    value=float(f.group("num")),
                    value_max=float(f.group("num2")) if f.group("num2") else None,
                    unit=unit,
                    year=year,
                    aspiration=aspiration,
                )
            )
            prev = _Prev(label, concept.iri if concept else None, kind, pstart, re.sub(_LEVEL, "", left),
                         _level(strip_quotes(left)[0]) or (prev.level if prev is not None and not _has_verb(left) else None))
    return out


def _has_verb(text: str) -> bool:
    return bool(_INCREMENT.search(text) or _LEVEL_VERB.search(text) or _STOCK.search(text) or _AT_LEAST_BEFORE.search(text))


def _is_past(before: str, since: int | None) -> bool:
    """The figure tells what was achieved: 截至2020年…, a year before the plan's start, “十三五”以来."""
    if re.search(r"(截至|截止)\s*(19|20)\d{2}", before):
        return True
    if since is None:
        return False
    if since >= 2021 and re.search(r"十三五[”\"']?\s*(以来|期间|时期|末)", before):
        return True
    for m in re.finditer(r"(到|至|力争到|争取到|力争在)?\s*((?:19|20)\d{2})\s*年", before):
        if not m.group(1) and int(m.group(2)) < since:
            return True
    return False


def _split_items(text: str) -> list[tuple[str, int]]:
    """Items of a list (A、B和C) with their offsets, brackets kept whole."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(“":
            depth += 1
        elif ch in ")”":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "、和及与":
            items.append((text[start:i], start))
            start = i + 1
    items.append((text[start:], start))
    return [(t, o) for t, o in items if t.strip()]


def _each(left: str, cs: int, family: str, kind: TargetKind, resolver: _Resolver):
    """``A、B各10家``: the figure for each item; a level stated once holds for all."""
    body = left.rstrip()
    body = body[: body.rfind("各")]
    parts = _split_items(body)
    level = None
    out = []
    for text, off in parts:
        lv = _level(text)
        level = level or lv
        phrase = text if lv or not level else level + text
        concept = resolver.concept(phrase, family, kind)
        label = concept.label if concept else _fallback_label(text)
        if label is None:
            return []
        out.append((label, concept, cs + off + (len(text) - len(text.lstrip()))))
    return out if len(out) > 1 else []


def _respectively(sentence, figs, k, left, cs, family, kind, resolver, stash):
    """``A和B分别达到X和Y``: zip the items with the figures when each item names a statistic."""
    subject = left[: left.find("分别")]
    run = [k]
    for j in range(k + 1, len(figs)):
        between = sentence[figs[j - 1].end() : figs[j].start()]
        if re.fullmatch(r"\s*[、和及,]?\s*", between):
            run.append(j)
        else:
            break
    parts = _split_items(subject)
    if len(parts) == len(run) > 1:
        # 高新技术企业和科技型中小企业数量: each item names its statistic (or keeps its name)
        resolved = []
        for text, off in parts:
            concept = resolver.concept(text, family, kind)
            label = concept.label if concept else _fallback_label(text)
            if label is None or (concept is None and not _STAT_HEAD.search(label)):
                resolved = []  # 常州、武进两个高新区分别…: the items are not statistics
                break
            resolved.append((label, concept, cs + off + (len(text) - len(text.lstrip()))))
        if resolved and any(c is not None for _, c, _ in resolved):
            for j, item in zip(run[1:], resolved[1:]):
                stash[j] = item
            return [resolved[0]]
    concept = resolver.concept(subject, family, kind)
    label = concept.label if concept else _fallback_label(subject)
    if label is None:
        return []
    item = (label, concept, cs + (len(subject) - len(subject.lstrip())))
    for j in run[1:]:
        stash[j] = item
    return [item]


def measure_targets(
    source: SourceText,
    norm: str,
    measures: list[Measure],
    ranges: dict[str, tuple[int, int]],
    plan_horizon: int | None,
    since: int | None = None,
    schemes: Schemes | None = None,
) -> list[Target]:
    """Targets of each measure; achievements told in background sections are not targets.

    A table row's goal cell is read once, even when a merged cell or a repeated
    row (the same 序号 restated) repeats it.
    """
    out: list[Target] = []
    by_code = {m.code: m for m in measures}
    seen_goal_cells: set[str] = set()
    for m in measures:
        if m.section_kind == "background":
            continue
        regions = [ranges[m.code]]
        if m.table_row and "goal" in m.table_row:
            goal = m.table_row["goal"]
            key = squash(goal.quote)
            if key not in seen_goal_cells:
                seen_goal_cells.add(key)
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
            for t in find_targets(norm, rs, re_, default_year, since=since, schemes=schemes):
                out.append(
                    Target(
                        indicator=t.indicator,
                        value=t.value,
                        unit=t.unit,
                        year=t.year,
                        kind=t.kind,
                        comparator=t.comparator,
                        measure=m.code,
                        span=source.span(t.start, t.end),
                        sentence=source.span(t.sentence_start, t.sentence_end),
                        figure=source.span(t.figure_start, t.figure_end),
                        value_max=t.value_max,
                        indicator_concept=t.concept,
                        aspiration=t.aspiration,
                    )
                )
    return out
