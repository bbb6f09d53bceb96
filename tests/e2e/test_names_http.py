"""Names over HTTP: every root field that takes a name answers an unknown or ambiguous one with a
GraphQL error on that field, naming the argument and the closest known names, never a silent
null or []. Traditional characters and English labels are names too."""

from __future__ import annotations

import pytest
from service_fixtures import data_of, gql


def error_of(client, query: str, **variables) -> dict:
    body = gql(client, query, **variables)
    assert body.get("errors"), body
    (error,) = body["errors"]
    return error


# one query per root field that takes a name: (query, field, argument, what the message must offer)
UNKNOWN = [
    ('{ city(name: "许唱") { name } }', "city", "name", "许昌市"),
    ('{ policies(city: "常洲") { title } }', "policies", "city", "常州市"),
    ('{ organizations(city: "承得") { totalCount } }', "organizations", "city", "承德市"),
    ('{ organization(name: "市科技据", city: "许昌") { name } }', "organization", "name", "许昌市科学技术局"),
    ('{ organization(name: "市科技局", city: "Luohe") { name } }', "organization", "name", "承德市"),
    ('{ responsibilities(city: "常洲") { totalCount } }', "responsibilities", "city", "常州市"),
    ('{ responsibilities(organization: "市科技据") { totalCount } }', "responsibilities", "organization", "科学技术局"),
    ('{ responsibilities(measureType: "揭榜挂师") { totalCount } }', "responsibilities", "measureType", "揭榜挂帅"),
    ('{ measures(measureType: "揭榜挂师") { totalCount } }', "measures", "measureType", "揭榜挂帅"),
    ('{ measures(industry: "新一代信息技木产业") { totalCount } }', "measures", "industry", "新一代信息技术产业"),
    ('{ measures(institution: "中国科学阮") { totalCount } }', "measures", "institution", "中国科学院"),
    ('{ measures(organization: "市财政據", city: "许昌") { totalCount } }', "measures", "organization", "许昌市财政局"),
    ('{ sharedMeasures(cities: ["许昌", "承得"]) { cityCount } }', "sharedMeasures", "cities", "承德市"),
    ('{ institutions(city: "Xuchan") { name } }', "institutions", "city", "许昌市"),
    ('{ targets(city: "漯和") { indicator } }', "targets", "city", "漯河市"),
    ('{ targets(indicator: "高新技术企叶数量") { indicator } }', "targets", "indicator", "高新技术企业"),
    ('{ organizationAnalytics(name: "不存在的局", city: "许昌") { workload { lead } } }',
     "organizationAnalytics", "name", ""),
    ('{ centralOrganizations(city: "许唱") { workload { lead } } }', "centralOrganizations", "city", "许昌市"),
    ('{ similarCities(city: "许唱") { sharedCount } }', "similarCities", "city", "许昌市"),
    ('{ organizationCommunities(city: "许唱") { size } }', "organizationCommunities", "city", "许昌市"),
    ('{ diffusion(measureType: "揭榜挂师") { singleProvince } }', "diffusion", "measureType", "揭榜挂帅"),
    ('{ citationNetwork(city: "许唱") { nodes { title } } }', "citationNetwork", "city", "许昌市"),
    ('{ responsibilityMatrix(city: "许唱") { lead } }', "responsibilityMatrix", "city", "许昌市"),
    ('{ responsibilityLeaders(measureType: "揭榜挂师") { sameEverywhere } }', "responsibilityLeaders",
     "measureType", "揭榜挂帅"),
    ('{ departmentProfile(departmentType: "科技据") { departmentType { label } } }', "departmentProfile", "departmentType", "科技局"),
    ('{ cityMeasureTypeMatrix(cities: ["许唱"]) { name } }', "cityMeasureTypeMatrix", "cities", "许昌市"),
    ('{ cityIndustryMatrix(cities: ["许唱"]) { name } }', "cityIndustryMatrix", "cities", "许昌市"),
    ('{ targetComparison(city: "许唱") { indicator } }', "targetComparison", "city", "许昌市"),
    ('{ workloadRanking(departmentType: "科技据") { name } }', "workloadRanking", "departmentType", "科技局"),
    ('{ search(text: "科技特派员", city: "许唱") { totalCount } }', "search", "city", "许昌市"),
    ('{ search(text: "科技特派员", measureType: "揭榜挂师") { totalCount } }', "search", "measureType", "揭榜挂帅"),
    ('{ extractionReport(document: "xuchang-2020-plan.tx") { document } }', "extractionReport", "document",
     "xuchang-2020-plan.txt"),
    ('{ textReuse(cities: ["许昌", "漯和"]) { score } }', "textReuse", "cities", "漯河市"),
    ('{ departmentProfile(departmentType: "科技局", city: "许唱") { departmentType { label } } }',
     "departmentProfile", "city", "许昌市"),
    ('{ targetComparison(indicator: "高新技术企叶数量") { indicator } }', "targetComparison", "indicator",
     "高新技术企业"),
    ('{ workloadRanking(city: "常洲") { name } }', "workloadRanking", "city", "常州市"),
    ('{ search(text: "科技特派员", organization: "市科技据", city: "许昌") { totalCount } }', "search",
     "organization", "许昌市科学技术局"),
    ('{ policyToolMatrix(cities: ["常洲"]) { name } }', "policyToolMatrix", "cities", "常州市"),
]


@pytest.mark.parametrize("query,field,argument,offered", UNKNOWN, ids=[f"{u[1]}-{u[2]}" for u in UNKNOWN])
def test_an_unknown_name_is_an_error_on_its_field(client, query, field, argument, offered):  # noqa: F811
    error = error_of(client, query)
    assert error["path"][0] == field
    assert f"`{argument}`" in error["message"]
    assert offered in error["message"]


def test_the_contract_wording_of_a_typo(client):  # noqa: F811
    error = error_of(client, '{ city(name: "许唱") { name } }')
    assert error["message"] == "no city '许唱' (argument `name`); did you mean 许昌市?"


def test_an_organization_several_cities_have_lists_the_cities(client):  # noqa: F811
    error = error_of(client, '{ organization(name: "市科技局") { name } }')
    assert error["path"] == ["organization"]
    message = error["message"]
    assert message.startswith("市科技局 names ") and "give city:" in message
    assert "许昌市" in message and "承德市" in message
    # with the city it is the one body
    org = data_of(client, '{ organization(name: "市科技局", city: "许昌") { name } }')["organization"]
    assert org == {"name": "许昌市科学技术局"}


def test_every_unknown_element_of_a_list_is_reported(client):  # noqa: F811
    message = error_of(client, '{ sharedMeasures(cities: ["许昌", "承得", "常洲", "Lilliput"]) { cityCount } }')["message"]
    assert "'承得' (did you mean 承德市?)" in message
    assert "'常洲' (did you mean 常州市?)" in message
    assert "'Lilliput'" in message and "'许昌'" not in message


def test_the_other_fields_of_the_query_still_answer(client):  # noqa: F811
    body = gql(client, '{ city(name: "许唱") { name } cities { name } }')
    assert body["data"]["city"] is None and len(body["data"]["cities"]) == 4
    assert [e["path"] for e in body["errors"]] == [["city"]]


@pytest.mark.parametrize("written,name", [("許昌", "许昌市"), ("漯河市", "漯河市"), ("承德", "承德市")])
def test_traditional_characters_are_a_name(client, written, name):  # noqa: F811
    assert data_of(client, "query($n: String!) { city(name: $n) { name } }", n=written)["city"]["name"] == name


def test_an_english_label_and_traditional_characters_name_a_concept(client):  # noqa: F811
    q = "query($t: String!) { measures(measureType: $t) { totalCount } }"
    counts = {t: data_of(client, q, t=t)["measures"]["totalCount"]
              for t in ("揭榜挂帅", "揭榜掛帥", "Open challenge calls", "Open challenge calls (jiebang guashuai)")}
    assert len(set(counts.values())) == 1 and counts["揭榜挂帅"] > 0, counts


def test_a_known_name_with_nothing_there_is_an_empty_answer(client):  # noqa: F811
    # 许昌's 市科技局 leads nothing in 常州: that is "no such responsibility", not an error
    body = gql(client, '{ responsibilities(city: "常州", measureType: "揭榜挂帅", role: SUPERVISING) { totalCount } }')
    assert "errors" not in body and body["data"]["responsibilities"]["totalCount"] == 0
