"""Resolve organization names as written to one node per real body.

City bodies are scoped by city: 许昌's 市科技局 and 承德's 市科技局 are two
organizations sharing the department type 科技局. Named institutions come
from the registry in ontology/institutions.ttl and are shared across cities
(中科院 = 中国科学院). Whatever matches neither is still kept, classified by
its suffix, so a new city's unfamiliar bureau is not lost.
"""

from __future__ import annotations

import hashlib
import re

from .clauses import is_jurisdiction_set
from .gazetteer import City, Gazetteer
from .model import OrgKind, OrgRef
from .normalize import normalize, squash
from .schemes import DepartmentType, Institution, Schemes, alias_index
from .vocab import ID, INST

_COLLECTIVE = re.compile(
    r"^(各|相关|有关|市直|全市|各级|其他)|(成员单位|有关部门|相关部门|各部门|金融机构|各高校|科研机构|高等院校|相关单位|有关单位)$"
)
_COLLECTIVE_EN = [
    (re.compile(r"^(相关)?各县\(市、?区\)(人民)?政府\(管委会\)$"), "Governments (administrative committees) of all counties, county-level cities and districts"),
    (re.compile(r"^(相关)?各县\(市、?区\)"), "All counties, county-level cities and districts"),
    (re.compile(r"^各县市区(人民)?政府$"), "Governments of all counties, county-level cities and districts"),
    (re.compile(r"^各区、?县级市"), "All districts and county-level cities"),
    (re.compile(r"^市直(有关|相关)?部门$"), "Relevant municipal departments"),
    (re.compile(r"^各高校$"), "All universities"),
    (re.compile(r"^科研机构$"), "Research institutions"),
    (re.compile(r"^银行业金融机构$"), "Banking financial institutions"),
    (re.compile(r"成员单位$"), "Member units of the leading group"),
]
_SUFFIX_KINDS: list[tuple[re.Pattern[str], OrgKind]] = [
    (re.compile(r"(银行|支行|分行|银保监分局|保险.*公司|担保.*公司)$"), OrgKind.FINANCIAL_INSTITUTION),
    (re.compile(r"(大学|学院|学校|职业技术大学)$"), OrgKind.UNIVERSITY),
    (re.compile(r"(研究院|研究所|科学院|农科院|实验室|研究中心|技术中心|研究院有限公司)$"), OrgKind.RESEARCH_INSTITUTE),
    (re.compile(r"(公司|集团|企业|厂|林场)$"), OrgKind.ENTERPRISE),
    (re.compile(r"(管委会|管理委员会|党工委)$"), OrgKind.ADMINISTRATIVE_COMMITTEE),
    (re.compile(r"(人民政府|政府)$"), OrgKind.LOCAL_GOVERNMENT),
    (re.compile(r"(局|委|办|厅|部|办公室|委员会|领导小组|中心|站)$"), OrgKind.GOVERNMENT_DEPARTMENT),
]
# what follows a division's own name when the name denotes its government
_GOVERNMENT_STEMS = ("", "政府", "人民政府", "管委会")
# a level word leading a body's name, and the jurisdictions it can name
# 自治区科技厅 in 广西's documents is the region's own (as 省科技厅 is a province's)
_LEVEL_WORD = re.compile(r"^(?:自治区|自治州|自治县|[省市区县州盟旗])")
_LEVEL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "市": ("市",), "区": ("区",), "县": ("县",), "州": ("州",), "盟": ("盟",), "旗": ("旗",),
    "自治州": ("州",), "自治县": ("县",),
}


def cn_style(name: str) -> str:
    """Display form: half-width brackets and colons back to full width."""
    return normalize(name).replace("(", "（").replace(")", "）").replace(":", "：").strip()


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


class OrgResolver:
    def __init__(self, schemes: Schemes, gazetteer: Gazetteer):
        self._schemes = schemes
        self._gazetteer = gazetteer
        self._aliases = alias_index(schemes.institutions)
        # longest aliases first, for finding institutions inside running text
        self._alias_list = sorted(self._aliases, key=len, reverse=True)

    # -- institutions -------------------------------------------------------

    def institution_ref(self, inst: Institution) -> OrgRef:
        return OrgRef(
            key=inst.iri,
            name=inst.name,
            kind=inst.kind,
            name_en=inst.name_en,
            city_code=inst.home_city,
            parent_key=inst.parent,
        )

    def _usable(self, alias: str, inst: Institution, city: City) -> bool:
        """A local body's alias that omits its city (市中心医院) means it only at home."""
        if inst.home_city is None or inst.home_city == city.code:
            return True
        home = self._gazetteer.get(inst.home_city) if inst.home_city.isdigit() else None
        return home is not None and home.short in alias

    def institution_aliases(self, city: City) -> list[tuple[str, Institution]]:
        """(squashed alias, institution) usable in ``city``'s documents, longest first."""
        return [
            (a, self._aliases[a]) for a in self._alias_list if self._usable(a, self._aliases[a], city)
        ]

    def unregistered_university(self, name: str) -> OrgRef:
        """A university the registry lacks: a national body keyed by its name."""
        return OrgRef(
            key=f"{INST}u{_hash(name)}",
            name=name,
            kind=OrgKind.UNIVERSITY,
            name_en=None,
        )

    # -- any name -----------------------------------------------------------

    def resolve(self, surface: str, city: City) -> OrgRef:
        """The body a name written in ``city``'s document denotes.

        ``city`` is the issuing jurisdiction (province, prefecture or
        county). A level word leading the name (省 / 市 / 区 / 县 / 州 / 盟 /
        旗) names the issuer's own jurisdiction or the enclosing one (市科技局
        in a district's document is the prefecture's bureau); a division's own
        name (许昌市科技局, 禹州市, 魏都区政府) names that division.
        """
        name = squash(surface)
        inst = self._aliases.get(name)
        if inst is not None and self._usable(name, inst, city):
            return self.institution_ref(inst)
        if _COLLECTIVE.search(name):
            # 市直相关部门 and 市直有关部门 are one collective
            return self._city_org(city, cn_style(re.sub(r"相关(?=部门|单位)", "有关", name)), OrgKind.COLLECTIVE,
                                  self._collective_en(name))
        for scope, stem, written in self._scopes(name, city):
            if stem in _GOVERNMENT_STEMS and written == "name" and scope.level == "COUNTY":
                return self._local_government(scope, stem)
            dept = self._department(stem, scope, name)
            if dept is not None:
                return dept
        scope, stem, written = self._scopes(name, city)[0]
        kind = OrgKind.OTHER
        for rx, k in _SUFFIX_KINDS:
            if rx.search(name):
                kind = k
                break
        canonical = name
        if written == "level" and kind in (OrgKind.GOVERNMENT_DEPARTMENT, OrgKind.RESEARCH_INSTITUTE):
            canonical = scope.name + stem
        return self._city_org(scope, cn_style(canonical), kind, None)

    def names_a_body(self, surface: str, city: City, words) -> bool:
        """Whether a name in running prose stands for a body: a registry
        institution, a collective of bodies, a department type, or a name led
        by a jurisdiction (省 / 市 / 许昌市 …) and ending like a body. 企业, 高校,
        鼓励支持县区政府 and defined roles (运营单位) do not."""
        name = re.sub(r"\([^()]{2,12}\)$", "", squash(normalize(surface)))  # 区委组织部(区人才办): its alias aside
        if words.is_defined_role(name) or name in words.vague_collectives:
            return False
        inst = self._aliases.get(name)
        if inst is not None and self._usable(name, inst, city):
            return True
        if _COLLECTIVE.search(name) and (words.looks_like_body(name) or name.endswith(")")
                                         or is_jurisdiction_set(name)):
            return True
        if len(name) >= 5 and name.endswith(words.proper_endings) and not _COLLECTIVE.search(name):
            return True  # 中关村科学城管委会, 河钢集团承钢公司: a proper name
        for scope, stem, written in self._scopes(name, city):
            if written == "none":
                continue
            if stem in _GOVERNMENT_STEMS and written == "name":
                return True
            if words.looks_like_body(stem) and len(stem) >= 2:
                return True
        return self._department(name, city, name) is not None

    def is_known_body(self, surface: str, city: City) -> bool:
        """A name the registry or a department type knows (市委组织部, 中国科学院), or a collective."""
        name = squash(surface)
        inst = self._aliases.get(name)
        if inst is not None and self._usable(name, inst, city):
            return True
        if _COLLECTIVE.search(name) and name.endswith(("政府", "部门", "单位", "管委会", ")")):
            return True
        return any(self._department(stem, scope, name) is not None
                   for scope, stem, _ in self._scopes(name, city) if stem)

    def resolve_part(self, owner: str, part: str, city: City) -> OrgRef:
        """A division of a body (科教科 of 市卫健委, from a 委内牵头处室 column)."""
        body = self.resolve(owner, city)
        name = f"{body.name}{cn_style(squash(part))}"
        return OrgRef(
            key=f"{body.city_code or 'national'}/{squash(name)}",
            name=name,
            kind=OrgKind.GOVERNMENT_DEPARTMENT if body.kind is OrgKind.GOVERNMENT_DEPARTMENT else OrgKind.OTHER,
            city_code=body.city_code,
            parent_key=org_iri_text(body),
            parent=body,
        )

    def _scopes(self, name: str, city: City) -> list[tuple[City, str, str]]:
        """Readings of a name as (jurisdiction, name without it, how it was written).

        ``written`` is "name" (the division's own name leads), "level" (a level
        word such as 市 leads) or "none"; the first reading is the most
        specific. 市场监管局 keeps its 市: 市场 is a word, not a level.
        """
        readings: list[tuple[City, str, str]] = []
        body = name[2:] if name.startswith("中共") else name
        hit = self._gazetteer.name_prefix(body, within=city)
        if hit is not None:
            scope, length = hit
            readings.append((scope, body[length:], "name"))
        else:
            # the issuer's own short name (承德高新区管委会) or an enclosing one's
            for j in [city] + self._gazetteer.ancestors(city):
                if len(j.short) >= 2 and body.startswith(j.short) and not body.startswith(j.name):
                    readings.append((j, body[len(j.short):], "name"))
                    break
        level = _LEVEL_WORD.match(body)
        if level and not body.startswith("市场") or body.startswith("市市场"):
            word = level.group(0) if level else "市"
            scope = self._level_scope(word, city)
            readings.append((scope, body[len(word):], "level"))
        readings.append((city, body, "none"))
        return readings

    def _level_scope(self, word: str, city: City) -> City:
        """The jurisdiction a level word names in ``city``'s documents."""
        chain = [city] + self._gazetteer.ancestors(city)
        if word in ("省", "自治区"):
            return chain[-1]
        suffixes = _LEVEL_SUFFIXES[word]
        for j in chain:
            if j.name.endswith(suffixes) and (word != "市" or j.level != "PROVINCE" or j.is_municipality):
                return j
        return city

    def _collective_en(self, name: str) -> str | None:
        for rx, en in _COLLECTIVE_EN:
            if rx.search(name):
                if name.startswith(("相关", "有关")) and en.startswith(("All ", "Governments")):
                    # 相关各县…: the relevant ones, not all of them
                    rest = en.replace("All ", "").replace(" of all ", " of the ")
                    return "Relevant " + rest[0].lower() + rest[1:]
                return en
        return None

    def _city_org(
        self,
        city: City,
        canonical: str,
        kind: OrgKind,
        name_en: str | None,
        dept: DepartmentType | None = None,
    ) -> OrgRef:
        key = f"{city.code}/{squash(canonical)}"
        return OrgRef(
            key=key,
            name=canonical,
            kind=kind,
            name_en=name_en,
            city_code=city.code,
            department_type=dept.iri if dept else None,
        )

    def _department(self, stem: str, scope: City, written: str) -> OrgRef | None:
        """A department type matched on the name without its jurisdiction."""
        candidates = [stem]
        # bodies that carry the jurisdiction's name inside (人行许昌市中心支行, 中共许昌市委)
        inner = written.replace(scope.name, "{city}").replace(scope.short, "{city}")
        if inner != written:
            candidates.append(inner)
        for cand in candidates:
            if not cand:
                continue
            for dt in self._schemes.department_types:
                if any(p.search(cand) for p in dt.patterns):
                    return self._department_ref(dt, scope, written, stem)
        return None

    def _department_ref(self, dt: DepartmentType, scope: City, name: str, stem: str) -> OrgRef:
        template = dt.full_template
        if scope.level == "PROVINCE" and not scope.is_municipality and dt.province_template:
            template = dt.province_template
        known = {dt.label, *dt.alt_labels}
        if (_is_full_form(stem) and stem.removeprefix("市") not in known and template
                and template.startswith("{city}")):
            # written out in full (北京市经济和信息化局): that is the body's own name
            canonical = self._gazetteer.full_name(scope) + stem
        elif template:
            canonical = template.replace("{city}", self._gazetteer.full_name(scope)).replace("{short}", scope.short)
        elif _LEVEL_WORD.match(name) and not name.startswith("市场"):
            canonical = scope.name + name[1:]
        else:
            # a type without a name pattern (a zone's committee): keep the name
            canonical = name
        return self._city_org(scope, canonical, dt.kind, self._name_en(dt, scope), dt)

    def _name_en(self, dt: DepartmentType, scope: City) -> str | None:
        """English in the order bodies write it: Xuchang Science and Technology Bureau, General
        Office of the CPC Chengde Municipal Committee, People's Bank of China Xuchang Central
        Sub-branch (a type's pk:nameEnTemplate, with {en} and {level})."""
        level = self._gazetteer.level_word_en(scope)
        if dt.name_en_template:
            return dt.name_en_template.replace("{en}", scope.name_en).replace("{level}", level)
        if not dt.label_en:
            return None
        if scope.level == "PROVINCE" and not scope.is_municipality:
            department = dt.label_en.replace(' Bureau', ' Department')
            if scope.name.endswith("自治区"):  # Department of Science and Technology of Guangxi Zhuang Autonomous Region
                return f"{department} of {scope.name_en} Autonomous Region"
            return f"{scope.name_en} Provincial {department}"
        if scope.level == "COUNTY" and level != "Municipal":
            return f"{scope.name_en} {level} {dt.label_en}"
        return f"{scope.name_en} {dt.label_en}"

    def _local_government(self, county: City, suffix: str) -> OrgRef:
        """The government of a county-level division named by itself (禹州市, 魏都区政府).

        A GB/T 2260 division is governed by a people's government, so 建安区管委会,
        written in a list of zones' committees, is 建安区人民政府; zones that are no
        division (东城区 of 许昌) keep their committees, read elsewhere.
        """
        level = self._gazetteer.level_word_en(county)
        return self._city_org(
            county, f"{self._gazetteer.full_name(county)}人民政府", OrgKind.LOCAL_GOVERNMENT,
            f"{county.name_en} {level} People's Government",
        )


def _is_full_form(stem: str) -> bool:
    """A department's name written out, not abbreviated: 经济和信息化局, 科学技术委员会."""
    stem = stem.removeprefix("市")
    return "和" in stem or len(stem) >= 7


def org_iri_text(ref: OrgRef) -> str:
    """The IRI of an organization node, as text."""
    slug = org_slug(ref)
    return slug if slug.startswith("http") else f"{ID}{slug}"


def org_slug(ref: OrgRef) -> str:
    """Stable IRI path for an organization."""
    if ref.key.startswith("http"):
        return ref.key
    city, _, name = ref.key.partition("/")
    return f"org/{city}/o{_hash(name)}"

