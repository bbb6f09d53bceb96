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

from .gazetteer import City, Gazetteer
from .model import OrgKind, OrgRef
from .normalize import normalize, squash
from .schemes import DepartmentType, Institution, Schemes, alias_index
from .vocab import INST

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
_COUNTY_GOV = re.compile(r"^(?P<county>.+?(?:区|县|市|旗))(?P<suffix>人民政府|政府|管委会)?$")


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
        name = squash(surface)
        inst = self._aliases.get(name)
        if inst is not None and self._usable(name, inst, city):
            return self.institution_ref(inst)
        if _COLLECTIVE.search(name):
            return self._city_org(city, cn_style(name), OrgKind.COLLECTIVE, self._collective_en(name))
        county = self._county(name, city)
        if county is not None:
            return county
        dept = self._department(name, city)
        if dept is not None:
            return dept
        kind = OrgKind.OTHER
        for rx, k in _SUFFIX_KINDS:
            if rx.search(name):
                kind = k
                break
        canonical = name
        if name.startswith("市") and kind in (OrgKind.GOVERNMENT_DEPARTMENT, OrgKind.RESEARCH_INSTITUTE):
            canonical = city.name + name[1:]
        return self._city_org(city, cn_style(canonical), kind, None)

    def _collective_en(self, name: str) -> str | None:
        for rx, en in _COLLECTIVE_EN:
            if rx.search(name):
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

    def _department(self, name: str, city: City) -> OrgRef | None:
        candidates = [name]
        for prefix in (city.name, city.short, "市"):
            if name.startswith(prefix) and len(name) > len(prefix):
                candidates.insert(0, name[len(prefix) :])
                break
        # bodies that carry the city name inside (人行许昌市中心支行)
        candidates.append(name.replace(city.name, "{city}").replace(city.short, "{city}"))
        for cand in candidates:
            for dt in self._schemes.department_types:
                if any(p.search(cand) for p in dt.patterns):
                    return self._department_ref(dt, city, name)
        return None

    def _department_ref(self, dt: DepartmentType, city: City, name: str) -> OrgRef:
        if dt.full_template:
            canonical = dt.full_template.replace("{city}", city.name).replace("{short}", city.short)
        elif name.startswith("市"):
            canonical = city.name + name[1:]
        else:
            # a type without a name pattern (a zone's committee): keep the name
            canonical = name
        en = f"{city.name_en} {dt.label_en}" if dt.label_en else None
        return self._city_org(city, canonical, dt.kind, en, dt)

    def _county(self, name: str, city: City) -> OrgRef | None:
        m = _COUNTY_GOV.match(name)
        if not m:
            return None
        for county in self._gazetteer.counties(city.code):
            if m.group("county") == county.name:
                suffix = m.group("suffix") or "政府"
                if suffix == "管委会":
                    return self._city_org(
                        city, f"{county.name}管理委员会", OrgKind.ADMINISTRATIVE_COMMITTEE,
                        f"{county.name_en} Administrative Committee",
                    )
                return self._city_org(
                    city, f"{county.name}人民政府", OrgKind.LOCAL_GOVERNMENT,
                    f"{county.name_en} People's Government",
                )
        return None


def org_slug(ref: OrgRef) -> str:
    """Stable IRI path for an organization."""
    if ref.key.startswith("http"):
        return ref.key
    city, _, name = ref.key.partition("/")
    return f"org/{city}/o{_hash(name)}"

