"""A synthetic corpus in the genre, and the facts planted in it.

``policykg synth --cities N --docs-per-city K --seed S -o DIR`` writes N real
cities' policy documents (names and codes from the gazetteer) and a
``sources.toml`` manifest into ``DIR/raw/``, and ``DIR/truth.json``: what was
planted, so that the
pipeline's recall and precision can be measured at any scale
(:func:`evaluate`).

What varies, as in the seeds:

* document kinds: 实施方案 with a task annex, 若干措施, 规划, 意见; a cover notice
  with a 文号 (``许政〔2020〕18号`` → issued by the city government), a date line;
* numbering 一、(一)1., continuous or restarting per group, full-width
  indentation or none;
* responsibility forms, one per document (``FORMS``): the annex task table in
  both layouts (tab-led cell per line with 牵头单位/责任主体 like the 许昌 annex,
  and one row per line with 主要责任单位/协同配合单位/完成期限), inline
  ``（责任单位：A、B）`` like 承德, ``（牵头单位：X，配合单位：Y、Z）`` with an
  occasional deadline in the same brackets, verbal ``（X牵头，Y、Z配合）``,
  paragraph-final ``责任单位：A、B。``, and plans without any assignment;
* units: the city's departments written short (市科技局) or in full
  (许昌市科学技术局) from the department-type templates of ontology/, county
  governments from the gazetteer, collectives (各县（市、区）人民政府) and
  national institutions from the registry;
* measure types and industries: every item carries trigger phrases sampled
  from the ``pk:pattern`` expressions of ontology/ (so a new pattern is picked
  up without touching this file), grouped under task headings by family;
* targets in the goals section (到2025年，全市高新技术企业达到300家以上).

Everything is drawn from one ``random.Random(seed)``: the same arguments give
the same bytes.
"""

from __future__ import annotations

import json
import random
import re
import re._parser as sre_parse  # the stdlib's own regex parser, to sample trigger phrases
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gazetteer import City, County, default_gazetteer
from .schemes import Concept, Schemes, load_schemes

# forms of responsibility, one per document; "annex-main" is the plan an annex refines
FORMS = ("inline", "lead-coop", "annex-table", "verbal", "trailing", "none", "annex-rows",
         "segments", "prose", "annex-pipe")
ANNEX_FORMS = ("annex-table", "annex-rows", "annex-pipe")
CN_NUM = "一二三四五六七八九十"

# Province abbreviations (简称) for the 文号 of cited provincial policies, by code prefix.
_PROVINCE_ABBR = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内蒙古", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "黔",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}

# task headings (二级) by measure-type family: items under one use that family's types
_GROUPS: dict[str, list[str]] = {
    "family-enterprise": ["强化企业创新主体地位", "壮大创新型企业集群", "实施科技企业梯次培育"],
    "family-platform": ["建设高水平创新平台", "提升研发平台能级", "完善创新平台体系"],
    "family-talent": ["集聚高层次创新人才", "优化人才发展环境", "加强科技人才队伍建设"],
    "family-transfer": ["促进科技成果转移转化", "健全技术转移服务体系"],
    "family-finance": ["完善科技金融服务体系", "加大财政科技投入力度", "深化科技金融融合"],
    "family-governance": ["深化科技体制机制改革", "优化创新治理体系"],
    "family-cooperation": ["推进开放协同创新", "深化产学研合作"],
    "family-incubation": ["完善孵化育成体系", "打造双创孵化载体"],
    "family-ip-standards": ["加强知识产权创造保护运用", "推进标准化建设"],
    "family-project": ["实施重大科技项目攻关", "突破关键核心技术"],
    "family-zone": ["打造高能级创新园区", "推进创新载体建设"],
}
_VERBS = ["推进", "加强", "完善", "实施", "强化", "深化", "加快", "健全", "推动", "提升"]
_FRAMES = [
    "大力推进{t}工作，{aim}。",
    "支持有条件的企业和单位开展{t}，{aim}。",
    "完善{t}相关配套措施，{aim}。",
    "积极探索{t}新模式，{aim}。",
    "围绕{t}制定年度工作计划，{aim}。",
    "把{t}作为重点工作持续推进，{aim}。",
]
_AIMS = [
    "提升全市科技创新能力", "增强产业核心竞争力", "形成可复制可推广的经验", "推动经济高质量发展",
    "营造良好创新生态", "激发各类创新主体活力", "为创新型城市建设提供有力支撑", "确保各项任务落到实处",
]
_INDUSTRY_FRAMES = [
    "重点围绕{a}、{b}等领域，谋划实施一批示范项目。",
    "聚焦{a}和{b}等产业方向，集聚创新资源。",
]
_TARGETS = [  # (phrase naming the indicator, unit, value range, its concept in ontology/indicators.ttl)
    ("高新技术企业", "家", (50, 900), "hightech-enterprises"),
    ("科技型中小企业", "家", (200, 3000), "sme-tech-enterprises"),
    ("技术合同交易额", "亿元", (5, 120), "tech-contract-turnover"),
    ("新型研发机构", "家", (5, 60), "new-rd-institutions"),
]
_QUALIFIERS = {"以上": "AT_LEAST", "左右": "ABOUT", "": "EXACT"}
_SAFEGUARDS = [
    ("加强组织领导", "建立健全工作推进机制，明确责任分工，定期研究解决重大问题。"),
    ("强化资金保障", "统筹各类财政资金，加大对科技创新的支持力度，提高资金使用效益。"),
    ("营造创新氛围", "加强政策宣传解读，及时总结推广典型经验，营造全社会支持创新的良好氛围。"),
    ("加强督促检查", "建立任务台账，定期调度工作进展，确保各项任务按期完成。"),
]
_DEADLINES = ["{y}年底前", "{y}年6月底前", "长期坚持", "持续推进", "{y}年12月底前"]


# -- trigger phrases from the patterns ------------------------------------------------


def _sample(pattern: re.Pattern[str], rng: random.Random) -> str | None:
    """A short string that ``pattern`` finds, built from the pattern itself (None if unsure)."""

    def gen(items) -> str:
        out = []
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "NOT_LITERAL" or name == "ANY":
                out.append("的")
            elif name == "IN":
                lits = [chr(v) for o, v in av if str(o) == "LITERAL"]
                ranges = [chr(v[0]) for o, v in av if str(o) == "RANGE"]
                if any(str(o) == "NEGATE" for o, _ in av):
                    out.append("的")
                elif lits or ranges:
                    out.append(rng.choice(lits + ranges))
                else:
                    out.append("1")
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, _hi, sub = av
                out.append("".join(gen(sub) for _ in range(lo)))
            elif name == "SUBPATTERN":
                out.append(gen(av[-1]))
            elif name == "BRANCH":
                out.append(gen(rng.choice(av[1])))
            elif name in ("ASSERT", "ASSERT_NOT", "AT"):
                continue
            elif name == "CATEGORY":
                out.append("1")
            else:
                raise ValueError(name)
        return "".join(out)

    for _ in range(6):
        try:
            s = gen(sre_parse.parse(pattern.pattern))
        except (ValueError, TypeError):
            return None
        if len(s) >= 2 and pattern.search(s) and not re.search(r"[()（）:：、,，;；。\[\]{}]", s):
            return s
    return None


@dataclass
class _Trigger:
    concept: str  # IRI
    phrase: str
    family: str | None


def _triggers(concepts: list[Concept], rng: random.Random) -> dict[str, list[_Trigger]]:
    """concept IRI -> trigger phrases that its own patterns match and no sibling's clause grammar minds."""
    out: dict[str, list[_Trigger]] = {}
    for c in concepts:
        phrases = []
        for rx in c.patterns:
            s = _sample(rx, rng)
            if s and s not in phrases:
                phrases.append(s)
        if phrases:
            fam = c.broader.rsplit("/", 1)[-1] if c.broader else None
            out[c.iri] = [_Trigger(c.iri, p, fam) for p in phrases]
    return out


# -- organizations -------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    surface: str  # as written in the document
    canonical: str  # the name the graph should give the body
    kind: str  # "department" | "county" | "collective" | "institution"


_DEPT_SKIP = {"administrative-committee", "yudaokou-committee", "sci-tech-leading-group", "municipal-government",
              "party-committee", "government-office", "party-committee-office", "demonstration-zone-committee",
              "development-zone-committee", "hightech-zone-committee"}
# the departments most S&T measures name, drawn more often
_DEPT_COMMON = ["science-technology", "development-reform", "industry-information", "finance", "education",
                "human-resources", "market-regulation", "taxation", "commerce", "agriculture-rural"]


def _fill(template: str, city: City) -> str:
    return template.replace("{city}", city.name).replace("{short}", city.short)


def _county_units(county: City, schemes: Schemes) -> tuple[list[Unit], list[Unit]]:
    """(departments, others) of a county-level jurisdiction's documents: its own bureaus, written
    with its level word (县科技局, 区科技局) or in full (许昌市魏都区科学技术局), and institutions."""
    gazetteer = default_gazetteer()
    full, word = gazetteer.full_name(county), county.name[-1]
    depts: list[Unit] = []
    for dt in schemes.department_types:
        slug = dt.iri.rstrip("/").rsplit("/", 1)[-1]
        if (slug in _DEPT_SKIP or not dt.full_template or not dt.short_template
                or not dt.short_template.startswith("市")):
            continue
        canonical = dt.full_template.replace("{city}", full)
        weight = 4 if slug in _DEPT_COMMON else 1
        for surface in sorted({word + dt.short_template[1:], canonical}):
            depts.extend([Unit(surface, canonical, "department")] * weight)
    _, others = _city_units(county, [], schemes)
    return depts, [u for u in others if u.kind == "institution"]


def _city_units(city: City, counties: list[County], schemes: Schemes) -> tuple[list[Unit], list[Unit]]:
    """(departments, others) a city's documents may assign work to."""
    depts: list[Unit] = []
    for dt in schemes.department_types:
        slug = dt.iri.rstrip("/").rsplit("/", 1)[-1]
        if slug in _DEPT_SKIP or not dt.full_template or not dt.short_template:
            continue
        canonical = _fill(dt.full_template, city)
        surfaces = {_fill(dt.short_template, city), canonical}
        # altLabels the type's own patterns accept with the 市 prefix (市科学技术局)
        for alt in dt.alt_labels:
            if "{" not in alt and any(p.search("市" + alt) for p in dt.patterns):
                surfaces.add("市" + alt)
        weight = 4 if slug in _DEPT_COMMON else 1
        for s in sorted(surfaces):
            depts.extend([Unit(s, canonical, "department")] * weight)
    others: list[Unit] = []
    gazetteer = default_gazetteer()
    for c in counties[:6]:
        if c.name.endswith(("区", "县", "市", "旗")):
            full = gazetteer.full_name(gazetteer.get(c.code))  # 许昌市魏都区 for a district
            others.append(Unit(f"{c.name}人民政府", f"{full}人民政府", "county"))
            others.append(Unit(f"{c.name}政府", f"{full}人民政府", "county"))
    others.append(Unit("各县（市、区）人民政府", "各县（市、区）人民政府", "collective"))
    others.append(Unit("市直有关部门", "市直有关部门", "collective"))
    for inst in schemes.institutions:
        if inst.home_city is None and inst.kind.value in ("UNIVERSITY", "RESEARCH_INSTITUTE"):
            for alias in inst.aliases:
                if alias == inst.name or len(alias) >= 4:
                    others.append(Unit(alias, inst.name, "institution"))
    return depts, others


# a collective that a bare segment names after a role's list: it continues that role
_COLLECTIVE_UNIT = Unit("各县（市、区）人民政府", "各县（市、区）人民政府", "collective")
# names under 责任领导: people, never units
_PERSONS = ("张建国", "李卫东", "王志强", "刘海燕", "陈晓明", "赵国华")

# -- documents ---------------------------------------------------------------------


@dataclass
class _Item:
    code: str
    title: str
    body: str
    types: list[str]
    industries: list[str]
    units: dict[str, list[Unit]]  # role -> units, for the clause or annex row


@dataclass
class _Doc:
    file: str
    city: City
    form: str
    title: str
    year: int
    doc_number: str
    issuer: str
    text: str = ""
    annex_of: str | None = None
    manifest_title: str | None = None
    measures: list[dict[str, Any]] = field(default_factory=list)
    responsibilities: list[dict[str, str]] = field(default_factory=list)
    refines: dict[str, str] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)


class _Writer:
    def __init__(self, seed: int, schemes: Schemes | None = None) -> None:
        self.rng = random.Random(seed)
        self.schemes = schemes or load_schemes()
        self.mt = _triggers(self.schemes.measure_types, self.rng)
        self.ind = _triggers(self.schemes.industries, self.rng)
        self.by_family: dict[str, list[str]] = defaultdict(list)
        for iri, trig in sorted(self.mt.items()):
            if trig[0].family:
                self.by_family[trig[0].family].append(iri)
        self.families = sorted(f for f in _GROUPS if self.by_family.get(f))
        self.labels = {c.iri: c.label for c in self.schemes.measure_types}
        self.indicators = {c.iri.rsplit("/", 1)[-1]: c for c in self.schemes.indicators}

    # -- pieces ----------------------------------------------------------------
    def _units(self, depts: list[Unit], others: list[Unit], n: int, taken: set[str],
               allow_others: bool = True) -> list[Unit]:
        out: list[Unit] = []
        tries = 0
        while len(out) < n and tries < 50:
            tries += 1
            pool = others if allow_others and others and self.rng.random() < 0.2 else depts
            u = self.rng.choice(pool)
            if u.canonical in taken:
                continue
            taken.add(u.canonical)
            out.append(u)
        return out

    def _sentence(self, concept: str) -> str:
        t = self.rng.choice(self.mt[concept]).phrase
        return self.rng.choice(_FRAMES).format(t=t, aim=self.rng.choice(_AIMS))

    def _item(self, family: str, used_titles: set[str], used_types: set[str]) -> tuple[str, str, list[str], list[str]]:
        pool = [c for c in self.by_family[family] if c not in used_types] or self.by_family[family]
        types = self.rng.sample(pool, k=min(len(pool), self.rng.choice((1, 1, 2))))
        for _ in range(20):
            title = self.rng.choice(_VERBS) + self.labels[types[0]]
            if title not in used_titles:
                break
            title = f"{title}（{len(used_titles)}）"  # pragma: no cover - exhausted pools only
        used_titles.add(title)
        used_types.update(types)
        body = "".join(self._sentence(c) for c in types)
        inds: list[str] = []
        if self.rng.random() < 0.4:
            inds = self.rng.sample(sorted(self.ind), 2)
            a, b = (self.rng.choice(self.ind[i]).phrase for i in inds)
            body += self.rng.choice(_INDUSTRY_FRAMES).format(a=a, b=b)
        return title, body, types, inds

    def _targets(self, year: int) -> tuple[str, list[dict[str, Any]]]:
        chosen = self.rng.sample(_TARGETS, 2)
        parts, facts = [], []
        for phrase, unit, (lo, hi), concept in chosen:
            value = self.rng.randint(lo, hi)
            qual = self.rng.choice(("以上", "左右", ""))
            parts.append(f"全市{phrase}达到{value}{unit}{qual}")
            c = self.indicators[concept]
            facts.append({"indicator": c.label, "concept": c.iri, "kind": "LEVEL", "comparator": _QUALIFIERS[qual],
                          "value": value, "unit": unit, "year": year})
        return f"到{year}年，" + "，".join(parts) + "。", facts

    # -- one city ---------------------------------------------------------------
    def city_docs(self, city: City, counties: list[County], forms: list[str], first_year: int) -> list[_Doc]:
        if city.level == "COUNTY":
            depts, others = _county_units(city, self.schemes)
        else:
            depts, others = _city_units(city, counties, self.schemes)
        docs: list[_Doc] = []
        slug = city.name_en.lower().replace("'", "")
        k = 0
        for form in forms:
            year = first_year + k
            k += 1
            if form in ANNEX_FORMS:
                main = self._plan(city, f"{city.code}-{slug}-{year}-plan-{k}.txt", "annex-main", year, depts, others)
                annex = self._annex(city, f"{city.code}-{slug}-{year}-plan-{k}-annex-tasks.txt", form, main,
                                    depts, others)
                docs += [main, annex]
                k += 1
            else:
                kind = ("plan", "measures", "opinions")[k % 3]
                docs.append(self._plan(city, f"{city.code}-{slug}-{year}-{kind}-{k}.txt", form, year, depts, others))
        return docs

    def _header(self, city: City, title: str, year: int) -> tuple[str, str, str]:
        rng = self.rng
        office = rng.random() < 0.4
        number = f"{city.short}政{'办' if office else ''}〔{year}〕{rng.randint(1, 60)}号"
        issuer = f"{city.name}人民政府{'办公室' if office else ''}"
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        abbr = _PROVINCE_ABBR.get(city.code[:2], "省")
        head = (
            f"{number}\n"
            f"各县（市、区）人民政府，市人民政府各部门：\n"
            f"现将《{title}》印发给你们，请认真贯彻执行。\n"
            f"{year}年{month}月{day}日\n"
            f"{title}\n"
            f"为深入实施创新驱动发展战略，贯彻落实《{city.province}人民政府关于加快推进科技创新的意见》"
            f"（{abbr}政〔{year - 1}〕{rng.randint(1, 40)}号）精神，结合我市实际，制定本{title[-2:]}。\n"
        )
        return head, number, issuer

    def _plan(self, city: City, file: str, form: str, year: int, depts: list[Unit], others: list[Unit]) -> _Doc:
        rng = self.rng
        kind = file.rsplit("-", 2)[-2] if form != "annex-main" else "plan"
        horizon = year + 2
        title = {
            "plan": f"{city.name}加快科技创新推进高质量发展实施方案（{year}—{horizon}年）",
            "measures": f"{city.name}关于支持科技创新的若干措施",
            "opinions": f"{city.name}关于加快建设创新型城市的实施意见",
        }[kind]
        head, number, issuer = self._header(city, title, year)
        doc = _Doc(file, city, form, title, year, number, issuer)
        indent = "　　" if rng.random() < 0.5 else ""
        continuous = rng.random() < 0.5
        lines = [head.rstrip("\n")]
        sec = 0

        def section(name: str) -> str:
            nonlocal sec
            sec += 1
            lines.append(f"{indent}{CN_NUM[sec - 1]}、{name}")
            return CN_NUM[sec - 1]

        s = section("总体要求")
        lines.append(f"{indent}坚持创新在现代化建设全局中的核心地位，以提升自主创新能力为主线，深化科技体制改革，"
                     f"为{city.name}高质量发展提供有力科技支撑。")
        doc.measures.append({"code": s, "title": "总体要求"})
        s = section("主要目标")
        sentence, doc.targets = self._targets(horizon)
        lines.append(f"{indent}{sentence}")
        doc.measures.append({"code": s, "title": "主要目标"})
        s = section("重点任务")
        doc.measures.append({"code": s, "title": "重点任务"})
        families = rng.sample(self.families, k=min(len(self.families), rng.randint(4, 6)))
        used_titles: set[str] = set()
        used_types: set[str] = set()
        n = 0
        doc_items: list[tuple[str, str, list[_Item]]] = []
        for g, fam in enumerate(families):
            heading = rng.choice(_GROUPS[fam])
            while heading in used_titles:
                heading = rng.choice([h for f in _GROUPS.values() for h in f])
            used_titles.add(heading)
            gcode = f"{s}.({CN_NUM[g]})"
            lines.append(f"{indent}（{CN_NUM[g]}）{heading}")
            doc.measures.append({"code": gcode, "title": heading})
            items: list[_Item] = []
            if not continuous:
                n = 0
            for _ in range(rng.randint(2, 4)):
                n += 1
                title_, body, types, inds = self._item(fam, used_titles, used_types)
                code = f"{gcode}.{n}"
                units: dict[str, list[Unit]] = {}
                taken: set[str] = set()
                if form in ("inline", "trailing"):
                    units["RESPONSIBLE"] = self._units(depts, others, rng.randint(1, 4), taken)
                elif form == "lead-coop":
                    units["LEAD"] = self._units(depts, others, rng.choice((1, 1, 2)), taken, allow_others=False)
                    units["COOPERATING"] = self._units(depts, others, rng.randint(0, 3), taken)
                elif form == "verbal":
                    lead = self._units(depts, others, 1, taken, allow_others=False)
                    coop = self._units(depts, [], rng.randint(0, 2), taken, allow_others=False)
                    units["LEAD"], units["COOPERATING"] = lead, coop
                elif form == "segments":
                    # 牵头 + 配合 with a bare collective continuing 配合, or a 责任单位 list led by
                    # a （牵头）mark, a person's name and a 督办 unit beside them
                    units["LEAD"] = self._units(depts, others, 1, taken, allow_others=False)
                    units["COOPERATING"] = self._units(depts, [], rng.randint(0, 2), taken, allow_others=False)
                    if rng.random() < 0.5:
                        units["COOPERATING"] = units["COOPERATING"] + [_COLLECTIVE_UNIT]
                    if rng.random() < 0.5:
                        units["SUPERVISING"] = self._units(depts, [], 1, taken, allow_others=False)
                elif form == "prose":
                    units["RESPONSIBLE"] = self._units(depts, [], 1, taken, allow_others=False)
                    units["COOPERATING"] = self._units(depts, [], rng.randint(0, 2), taken, allow_others=False)
                elif form in ("annex-main", "none"):
                    pass
                item = _Item(code, title_, body, types, inds, {r: u for r, u in units.items() if u})
                items.append(item)
                clause = self._clause(form, item.units, year)
                if "（牵头）" in clause and "COOPERATING" in item.units:
                    # 责任单位：A（牵头）、B、C: B and C are responsible; a bare collective after them too
                    item.units["RESPONSIBLE"] = item.units.pop("COOPERATING")
                lines.append(f"{indent}{n}.{title_}。{body}{clause}")
                doc.measures.append({"code": code, "title": title_, "measure_types": types, "industries": inds})
                for role, us in item.units.items():
                    for u in us:
                        doc.responsibilities.append({"measure": code, "role": role, "organization": u.canonical,
                                                     "surface": u.surface})
            doc_items.append((gcode, heading, items))
        s = section("保障措施")
        doc.measures.append({"code": s, "title": "保障措施"})
        for g, (name, text) in enumerate(rng.sample(_SAFEGUARDS, 3)):
            lines.append(f"{indent}（{CN_NUM[g]}）{name}。{text}")
            doc.measures.append({"code": f"{s}.({CN_NUM[g]})", "title": name})
        lines.append(f"{indent}本{title[-2:]}自印发之日起施行。")
        doc.text = "\n".join(lines) + "\n"
        doc._items = doc_items  # type: ignore[attr-defined]  (the annex reads them)
        return doc

    def _clause(self, form: str, units: dict[str, list[Unit]], year: int) -> str:
        rng = self.rng
        names = {r: "、".join(u.surface for u in us) for r, us in units.items()}
        if form == "inline":
            return f"（责任单位：{names['RESPONSIBLE']}）"
        if form == "trailing":
            return f"\n{'　　' if rng.random() < 0.5 else ''}责任单位：{names['RESPONSIBLE']}。"
        if form == "lead-coop":
            parts = [f"牵头单位：{names['LEAD']}"]
            if "COOPERATING" in names:
                parts.append(f"配合单位：{names['COOPERATING']}")
            sep = "；" if rng.random() < 0.5 else "，"
            if rng.random() < 0.3:
                parts.append("完成时限：" + rng.choice(_DEADLINES).format(y=year + 1))
                sep = "；"
            return "（" + sep.join(parts) + "）"
        if form == "verbal":
            if "COOPERATING" in names:
                return f"（{names['LEAD']}牵头，{names['COOPERATING']}配合）"
            return f"（{names['LEAD']}牵头）"
        if form == "segments":
            person = rng.choice(_PERSONS)
            supervise = f"；督办单位：{names['SUPERVISING']}" if "SUPERVISING" in names else ""
            coop = [u for u in units.get("COOPERATING", []) if u is not _COLLECTIVE_UNIT]
            tail = "，" + _COLLECTIVE_UNIT.surface if _COLLECTIVE_UNIT in units.get("COOPERATING", []) else ""
            if coop and rng.random() < 0.5:
                # the lead marked inside one list: 责任单位：A（牵头）、B、C (B, C then stay responsible)
                listed = "、".join([units["LEAD"][0].surface + "（牵头）"] + [u.surface for u in coop])
                return f"（责任领导：{person}；责任单位：{listed}{tail}{supervise}）"
            coop_part = f"，配合单位：{'、'.join(u.surface for u in coop)}" if coop else ""
            if tail and not coop_part:
                coop_part = f"，配合单位：{_COLLECTIVE_UNIT.surface}"
                tail = ""
            return f"（牵头单位：{names['LEAD']}{coop_part}{tail}；责任领导：{person}{supervise}）"
        if form == "prose":
            lead = names["RESPONSIBLE"]
            if "COOPERATING" in names:
                return rng.choice((f"由{lead}会同{names['COOPERATING']}负责推进。",
                                   f"{lead}负责统筹协调，{names['COOPERATING']}按职责分工配合。"))
            return rng.choice((f"由{lead}负责组织实施。", f"{lead}负责统筹协调。"))
        return ""

    def _annex(self, city: City, file: str, form: str, main: _Doc, depts: list[Unit], others: list[Unit]) -> _Doc:
        rng = self.rng
        title = main.title.split("（")[0] + "重点任务一览表"
        doc = _Doc(file, city, form, title, main.year, "", main.issuer, annex_of=main.file, manifest_title=title)
        out = ["附　件", "", title]
        if form == "annex-table":
            lead_col, second_col, second_role = "牵头单位", rng.choice(("责任主体", "责任单位")), "RESPONSIBLE"
            out += ["\t序号", "\t工作重点", "\t工作目标", "\t重点任务", f"\t{lead_col}", f"\t{second_col}", ""]
        elif form == "annex-pipe":
            # a table copied from a web page: | cells, one section row per group, numbers
            # restarting in each, a person column, / for no cooperating unit
            return self._annex_pipe(doc, main, depts, others)
        else:
            lead_col, second_col, second_role = "主要责任单位", "协同配合单位", "COOPERATING"
            out.append("\t".join(["序号", "工作重点", "重点任务", lead_col, second_col, "完成期限"]))
        k = 0
        for g, (gcode, heading, items) in enumerate(main._items):  # type: ignore[attr-defined]
            goal_sentence, _ = self._targets(main.year + 2)
            for j, item in enumerate(items):
                k += 1
                code = f"({k})"
                taken: set[str] = set()
                lead = self._units(depts, others, rng.choice((1, 1, 2, 3)), taken, allow_others=False)
                second = self._units(depts, others, rng.randint(1, 2), taken)
                task = f"({k}){item.title}。{item.body}"
                if form == "annex-table":
                    sep = rng.choice(("\n", "\n\n", "、"))
                    first = j == 0
                    out += [
                        f"\t{g + 1}" if first else "\t",
                        f"\t{heading}" if first else "\t",
                        f"\t{goal_sentence}" if first else "\t",
                        f"\t{task}",
                        "\t" + sep.join(u.surface for u in lead),
                        "\t" + "、".join(u.surface for u in second),
                        "",
                    ]
                else:
                    deadline = rng.choice(_DEADLINES).format(y=main.year + 1)
                    out.append("\t".join([str(g + 1), heading, task, "、".join(u.surface for u in lead),
                                          "、".join(u.surface for u in second), deadline]))
                doc.measures.append({"code": code, "title": item.title, "measure_types": item.types,
                                     "industries": item.industries})
                doc.refines[code] = gcode
                for role, us in (("LEAD", lead), (second_role, second)):
                    for u in us:
                        doc.responsibilities.append({"measure": code, "role": role, "organization": u.canonical,
                                                     "surface": u.surface})
        doc.text = "\n".join(out) + "\n"
        return doc


    def _annex_pipe(self, doc: _Doc, main: _Doc, depts: list[Unit], others: list[Unit]) -> _Doc:
        rng = self.rng
        out = ["附件", "", doc.title, "| 序号 | 重点任务 | 牵头单位 | 配合单位 | 责任领导 | 完成时限 |",
               "|---|---|---|---|---|---|"]
        for g, (gcode, heading, items) in enumerate(main._items):  # type: ignore[attr-defined]
            section = CN_NUM[g]
            out.append(f"| {section}、{heading} | | | | | |")
            doc.measures.append({"code": section, "title": heading})
            for j, item in enumerate(items, start=1):
                code = f"{section}.{j}"
                taken: set[str] = set()
                lead = self._units(depts, others, 1, taken, allow_others=False)
                coop = self._units(depts, others, rng.randint(0, 2), taken)
                deadline = rng.choice(_DEADLINES).format(y=main.year + 1)
                cells = [str(j), f"{item.title}。{item.body}", lead[0].surface,
                         "、".join(u.surface for u in coop) or "/", rng.choice(_PERSONS), deadline]
                out.append("| " + " | ".join(cells) + " |")
                doc.measures.append({"code": code, "title": item.title, "measure_types": item.types,
                                     "industries": item.industries})
                doc.refines[code] = gcode
                for role, us in (("LEAD", lead), ("COOPERATING", coop)):
                    for u in us:
                        doc.responsibilities.append({"measure": code, "role": role, "organization": u.canonical,
                                                     "surface": u.surface})
        doc.text = "\n".join(out) + "\n"
        return doc


def _forms_for(city_index: int, k: int) -> list[str]:
    """K document slots filled from the cycle of forms; an annex form takes two (plan + annex)."""
    out: list[str] = []
    i = city_index * 3
    slots = k
    while slots > 0:
        form = FORMS[i % len(FORMS)]
        i += 1
        if form in ANNEX_FORMS:
            if slots < 2:
                continue
            slots -= 2
        else:
            slots -= 1
        out.append(form)
    return out


def synthesize(out_dir: Path, cities: int, docs_per_city: int = 3, seed: int = 0,
               counties_per_city: int = 0) -> dict[str, Any]:
    """Write ``out_dir/raw/`` (texts + sources.toml) and ``out_dir/truth.json``; return the truth.

    ``counties_per_city``: also up to that many county-level jurisdictions (区, 县, 县级市, 旗: GB/T
    2260 level COUNTY) under each city, ``docs_per_city`` documents each, naming their own bureaus.
    Laid out like data/: ``policykg build --raw out_dir/raw`` writes
    ``out_dir/policykg.trig``.
    """
    if cities < 1 or docs_per_city < 1 or counties_per_city < 0:
        raise ValueError("--cities and --docs-per-city must be at least 1, --counties at least 0")
    gaz = default_gazetteer()
    every = sorted(gaz.cities(), key=lambda c: c.code)
    if cities > len(every):
        raise ValueError(f"the gazetteer knows {len(every)} cities; asked for {cities}")
    rng = random.Random(seed)
    chosen = sorted(rng.sample(every, cities), key=lambda c: c.code)
    writer = _Writer(seed)
    raw = out_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    docs: list[_Doc] = []
    jurisdictions = list(chosen)
    for i, city in enumerate(chosen):
        docs += writer.city_docs(city, gaz.counties(city.code), _forms_for(i, docs_per_city),
                                 2019 + writer.rng.randint(0, 3))
        under = [c for c in gaz.children(city.code) if c.level == "COUNTY"] if counties_per_city else []
        for j, county in enumerate(writer.rng.sample(under, min(counties_per_city, len(under))) if under else ()):
            jurisdictions.append(county)
            docs += writer.city_docs(county, [], _forms_for(i + j + 1, docs_per_city), 2019 + writer.rng.randint(0, 3))
    manifest = ["# Synthetic corpus written by `policykg synth`; truth.json lists the planted facts.", ""]
    for d in docs:
        (raw / d.file).write_text(d.text, "utf-8")
        manifest += ["[[document]]", f'file = "{d.file}"', f'city = "{d.city.code}"']
        if d.manifest_title:
            manifest.append(f'title = "{d.manifest_title}"')
        if d.annex_of:
            manifest.append(f'annex_of = "{d.annex_of}"')
        manifest.append("")
    (raw / "sources.toml").write_text("\n".join(manifest), "utf-8")
    truth = {
        "seed": seed,
        "cities": [{"code": c.code, "name": c.name} for c in jurisdictions],
        "documents": [
            {
                "file": d.file, "city": d.city.code, "form": d.form, "title": d.title, "issued_year": d.year,
                "doc_number": d.doc_number or None, "issuer": d.issuer, "annex_of": d.annex_of,
                "measures": d.measures, "responsibilities": d.responsibilities, "refines": d.refines,
                "targets": d.targets,
            }
            for d in docs
        ],
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth


# -- scoring ------------------------------------------------------------------------


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def evaluate(facts: list[Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Score what the pipeline extracted (``BuildResult.facts``) against the planted truth.

    Responsibilities are compared as (measure code, role, organization's
    canonical name), explicit ones only, per form. Also: annex rows linked to
    the right plan measure, planted measure types found on their measure,
    planted targets found in their document (concept, label, kind, comparator, value, unit
    and year all right), and plans without assignments
    falling back to their issuer.
    """
    by_file = {f.source.name: f for f in facts}
    per_form: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    examples: dict[str, list[str]] = defaultdict(list)
    links = [0, 0]
    types = [0, 0]
    targets = [0, 0]
    issuer_fallback = [0, 0]
    missing_docs = []
    for d in truth["documents"]:
        f = by_file.get(d["file"])
        if f is None:
            missing_docs.append(d["file"])
            continue
        want = {(r["measure"], r["role"], r["organization"]) for r in d["responsibilities"]}
        got = {(r.measure, r.role.value, r.mention.org.name) for r in f.responsibilities
               if r.basis.value == "EXPLICIT"}
        c = per_form[d["form"]]
        c[0] += len(want & got)
        c[1] += len(got - want)
        c[2] += len(want - got)
        for x in sorted(got - want)[:2]:
            examples[d["form"]].append(f"extra {d['file']} {x}")
        for x in sorted(want - got)[:2]:
            examples[d["form"]].append(f"missed {d['file']} {x}")
        for code, main in d["refines"].items():
            links[1] += 1
            links[0] += f.refines.get(code) == main
            if f.refines.get(code) != main and len(examples["annex-links"]) < 6:
                examples["annex-links"].append(f"{d['file']} {code} refines {f.refines.get(code)}, planted {main}")
        found = {(h.measure, h.concept) for h in f.measure_types}
        for m in d["measures"]:
            for t in m.get("measure_types", ()):
                types[1] += 1
                types[0] += (m["code"], t) in found
        got_targets = {(t.indicator_concept, t.indicator, t.kind.value, t.comparator.value, t.value, t.unit, t.year)
                       for t in f.targets}
        for t in d["targets"] if not d["annex_of"] else ():
            targets[1] += 1
            targets[0] += (t["concept"], t["indicator"], t["kind"], t["comparator"], float(t["value"]), t["unit"],
                           t["year"]) in got_targets
        if d["form"] == "none":
            leaves = [m["code"] for m in d["measures"] if "measure_types" in m]
            inherited = {r.measure for r in f.responsibilities
                         if r.basis.value == "INHERITED" and r.mention.org.name == d["issuer"]}
            issuer_fallback[1] += len(leaves)
            issuer_fallback[0] += sum(code in inherited for code in leaves)
    forms = {form: _prf(*c) for form, c in sorted(per_form.items())}
    total = _prf(*(sum(c[i] for c in per_form.values()) for i in range(3)))
    ratio = lambda a: a[0] / a[1] if a[1] else 1.0  # noqa: E731
    return {
        "responsibilities": forms,
        "all": total,
        "annex_links": {"right": links[0], "of": links[1], "accuracy": ratio(links)},
        "measure_types": {"found": types[0], "of": types[1], "recall": ratio(types)},
        "targets": {"found": targets[0], "of": targets[1], "recall": ratio(targets)},
        "issuer_fallback": {"found": issuer_fallback[0], "of": issuer_fallback[1], "recall": ratio(issuer_fallback)},
        "missing_documents": missing_docs,
        "examples": {k: v[:6] for k, v in examples.items()},
    }
