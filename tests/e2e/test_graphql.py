"""GraphQL over HTTP against the real server: answers computed from the documents.

Expected facts come from the seed texts in data/raw/ (read here directly
to check quotes and offsets), not from the graph the server holds.
"""

from __future__ import annotations

import httpx
import pytest
from service_fixtures import data_of, gql

from graph.paths import RAW_DIR
from graph.textio import read_document

FOUR_CITIES = {"许昌市", "常州市", "承德市", "漯河市"}
ANNEX = "xuchang-2020-plan-annex-tasks.txt"

RESPONSIBILITY_FIELDS = """
  totalCount
  pageInfo { hasNextPage endCursor }
  edges { cursor node {
    role basis
    organization { name aliases }
    measure { code text policy { document } }
    source { document start end quote }
  } }
"""


def document_text(name: str) -> str:
    # the pipeline's own decoding: offsets are into the decoded text
    return read_document(RAW_DIR / name, name).text


# -- name resolution -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["Xuchang", "xuchang", "许昌", "许昌市", "411000"])
def test_city_by_every_written_form(client, name):  # noqa: F811
    city = data_of(client, "query($n: String!) { city(name: $n) { name nameEn adminCode province } }", n=name)["city"]
    assert city == {"name": "许昌市", "nameEn": "Xuchang", "adminCode": "411000", "province": "河南省"}


def test_cities_are_the_four_of_the_manifest(client):  # noqa: F811
    cities = data_of(client, "{ cities { name adminCode policies { document } } }")["cities"]
    assert {c["name"] for c in cities} == FOUR_CITIES
    xuchang = next(c for c in cities if c["name"] == "许昌市")
    assert {p["document"] for p in xuchang["policies"]} == {"xuchang-2020-plan.txt", ANNEX}


def test_zhongkeyuan_is_the_academy_named_by_all_four_cities(client):  # noqa: F811
    org = data_of(client, """{ organization(name: "中科院") {
        name nameEn kind city { name } aliases cities { name } } }""")["organization"]
    assert org["name"] == "中国科学院"
    assert org["kind"] == "RESEARCH_INSTITUTE"
    assert org["city"] is None  # a national body
    assert "中科院" in org["aliases"]
    assert {c["name"] for c in org["cities"]} == FOUR_CITIES
    for city in FOUR_CITIES:  # each city's documents really name it (or one of its institutes)
        docs = {"许昌市": ["xuchang-2020-plan.txt", ANNEX], "常州市": ["changzhou-2021-opinions.txt"],
                "承德市": ["chengde-2021-plan.txt"], "漯河市": ["luohe-2021-2025-plan.txt"]}[city]
        assert any("中科院" in document_text(d) or "中国科学院" in document_text(d) for d in docs)


def test_a_city_scoped_alias_means_that_citys_department(client):  # noqa: F811
    d = data_of(client, """{
        xc: organization(name: "市工信局", city: "许昌") { name city { name } }
        cd: organization(name: "市工信局", city: "承德") { name city { name } }
        full: organization(name: "许昌市工业和信息化局") { name }
    }""")
    assert d["xc"] == {"name": "许昌市工业和信息化局", "city": {"name": "许昌市"}}
    assert d["cd"]["city"]["name"] == "承德市"
    assert d["full"]["name"] == "许昌市工业和信息化局"


def test_an_ambiguous_alias_without_city_lists_every_match(client):  # noqa: F811
    d = data_of(client, """{ responsibilities(organization: "市工信局", first: 500) {
        edges { node { organization { name city { name } } } } } }""")
    cities = {e["node"]["organization"]["city"]["name"] for e in d["responsibilities"]["edges"]}
    assert {"许昌市", "承德市"} <= cities


# -- responsibilities ---------------------------------------------------------------


def test_xuchang_miit_leads_annex_task_28_with_its_quote(client):  # noqa: F811
    d = data_of(client, f"""{{ responsibilities(city: "许昌", organization: "市工信局", role: LEAD, first: 500) {{
        {RESPONSIBILITY_FIELDS} }} }}""")["responsibilities"]
    assert d["totalCount"] == len(d["edges"]) > 0
    assert all(e["node"]["role"] == "LEAD" for e in d["edges"])
    assert {e["node"]["organization"]["name"] for e in d["edges"]} == {"许昌市工业和信息化局"}
    task = [e["node"] for e in d["edges"]
            if e["node"]["measure"]["code"] == "(28)" and e["node"]["measure"]["policy"]["document"] == ANNEX]
    assert len(task) == 1, "annex task (28) is led by 市工信局"
    node = task[0]
    assert node["basis"] == "EXPLICIT"
    assert "北京邮电大学国家网络交换重点实验室许昌基地" in node["measure"]["text"]
    src = node["source"]
    assert src["document"] == ANNEX
    assert document_text(ANNEX)[src["start"]:src["end"]] == src["quote"]
    assert "工信局" in src["quote"]


def test_every_quote_is_the_text_at_its_offsets(client):  # noqa: F811
    d = data_of(client, f"""{{ responsibilities(city: "许昌", first: 500) {{ {RESPONSIBILITY_FIELDS} }} }}""")
    texts: dict[str, str] = {}
    for e in d["responsibilities"]["edges"]:
        src = e["node"]["source"]
        text = texts.setdefault(src["document"], document_text(src["document"]))
        assert text[src["start"]:src["end"]] == src["quote"]


def test_main_plan_measures_inherit_from_the_annex_tasks_that_refine_them(client):  # noqa: F811
    d = data_of(client, """{ measure(id: "measure/xuchang-2020-plan-annex-tasks/(28)") {
        code refines { code policy { document } responsibilities { role basis organization { name } source { document } } }
    } }""")["measure"]
    main = d["refines"]
    assert main["policy"]["document"] == "xuchang-2020-plan.txt"
    inherited = [r for r in main["responsibilities"] if r["basis"] == "INHERITED"
                 and r["organization"]["name"] == "许昌市工业和信息化局" and r["role"] == "LEAD"]
    assert inherited and all(r["source"]["document"] == ANNEX for r in inherited)


def test_organization_responsibilities_page_through_with_cursors(client):  # noqa: F811
    query = """query($after: String) { organization(name: "市科技局", city: "许昌") {
        all: responsibilities(first: 500) { totalCount edges { cursor } }
        page: responsibilities(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } }
    } }"""
    first = data_of(client, query, after=None)["organization"]
    want = [e["cursor"] for e in first["all"]["edges"]]
    assert first["all"]["totalCount"] == len(want) > 7
    seen, after = [], None
    while True:
        page = data_of(client, query, after=after)["organization"]["page"]
        assert page["totalCount"] == len(want)
        seen += [e["cursor"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == want


# -- shared measures -----------------------------------------------------------------


def test_open_challenge_calls_are_shared_by_all_four_cities(client):  # noqa: F811
    shared = data_of(client, """{ sharedMeasures(cities: ["许昌", "常州", "承德", "漯河"]) {
        measureType { id label labelEn }
        cities { name }
        measures { code text city { name } measureTypes { label broader { label } } }
    } }""")["sharedMeasures"]
    jiebang = [s for s in shared if "揭榜" in s["measureType"]["label"]]
    assert jiebang, [s["measureType"]["label"] for s in shared]
    s = jiebang[0]
    assert {c["name"] for c in s["cities"]} == FOUR_CITIES
    assert {m["city"]["name"] for m in s["measures"]} == FOUR_CITIES  # evidence from each city
    label = s["measureType"]["label"]
    for m in s["measures"]:
        types = {t["label"] for t in m["measureTypes"]} | {t["broader"]["label"] for t in m["measureTypes"]
                                                           if t["broader"]}
        assert label in types
        assert "揭榜" in m["text"]  # the words are in the measure itself


def test_shared_measures_respects_min_cities(client):  # noqa: F811
    d = data_of(client, """{
        two: sharedMeasures(cities: ["许昌", "常州", "承德", "漯河"], minCities: 2) { cities { name } }
        four: sharedMeasures(cities: ["许昌", "常州", "承德", "漯河"], minCities: 4) { cities { name } }
        all: sharedMeasures(minCities: 4) { measureType { id } }
        five: sharedMeasures(cities: ["许昌", "常州", "承德", "漯河"], minCities: 5) { cities { name } }
    }""")
    assert all(len(s["cities"]) >= 2 for s in d["two"])
    assert all(len(s["cities"]) == 4 for s in d["four"])
    assert 0 < len(d["four"]) <= len(d["two"])
    assert len(d["all"]) == len(d["four"])  # omitted cities = all four
    assert d["five"] == []


# -- other lists ---------------------------------------------------------------------


def test_high_tech_enterprise_targets_by_city(client):  # noqa: F811
    targets = data_of(client, """{ targets(indicator: "高新技术企业") {
        indicator value unit year text city { name } } }""")["targets"]
    xuchang = [t for t in targets if t["city"]["name"] == "许昌市"]
    assert any(t["value"] == 500 and t["unit"] == "家" and t["year"] == 2022 for t in xuchang)
    chengde = [t for t in targets if t["city"]["name"] == "承德市"]
    assert any(t["value"] == 300 and t["year"] == 2025 for t in chengde)
    assert all("高新技术企业" in t["indicator"] for t in targets)


def test_measures_filters_combine(client):  # noqa: F811
    d = data_of(client, """{
        all: measures(city: "许昌") { totalCount }
        led: measures(city: "许昌", organization: "市工信局") { totalCount edges { node { responsibilities { organization { name } } institutions { name } } } }
        text: measures(city: "许昌", text: "5G") { totalCount edges { node { text } } }
        inst: measures(institution: "北京邮电大学") { totalCount edges { node { city { name } } } }
        typed: measures(measureType: "open-challenge") { totalCount }
        typedZh: measures(measureType: "揭榜挂帅") { totalCount }
    }""")
    assert 0 < d["led"]["totalCount"] < d["all"]["totalCount"]
    assert all(any(r["organization"]["name"] == "许昌市工业和信息化局" for r in e["node"]["responsibilities"])
               for e in d["led"]["edges"])
    assert d["text"]["totalCount"] > 0 and all("5G" in e["node"]["text"] for e in d["text"]["edges"])
    assert d["inst"]["totalCount"] > 0 and {e["node"]["city"]["name"] for e in d["inst"]["edges"]} == {"许昌市"}
    assert d["typed"]["totalCount"] == d["typedZh"]["totalCount"] > 0


def test_institutions_are_not_government(client):  # noqa: F811
    d = data_of(client, '{ institutions(city: "许昌") { name kind } }')["institutions"]
    names = {o["name"] for o in d}
    assert {"中国科学院", "北京邮电大学", "许昌学院"} <= names
    assert not {o["kind"] for o in d} & {"GOVERNMENT_DEPARTMENT", "LOCAL_GOVERNMENT",
                                          "ADMINISTRATIVE_COMMITTEE", "COLLECTIVE"}


def test_unknown_names_are_errors_and_unknown_ids_null(client):  # noqa: F811
    # every name argument: an error on its field (tests/e2e/test_names_http.py has one per root field)
    body = gql(client, """{
        city(name: "Atlantis") { name }
        organization(name: "不存在的局") { name }
        scoped: organization(name: "市工信局", city: "Atlantis") { name }
        policy(id: "policy/nothing") { title }
        measure(id: "nothing") { code }
    }""")
    failed = {e["path"][0]: e["message"] for e in body["errors"]}
    assert failed == {
        "city": "no city 'Atlantis' (argument `name`)",
        "organization": "no organization '不存在的局' (argument `name`)",
        "scoped": "no city 'Atlantis' (argument `city`)",
    }
    # an id is no name: an unknown one is a null node, as GraphQL's node lookups are
    assert body["data"]["policy"] is None and body["data"]["measure"] is None
    # a non-null list field with an unknown name nulls the answer (GraphQL's rule), with the error
    body = gql(client, '{ institutions(city: "Atlantis") { name } }')
    assert body["data"] is None and body["errors"][0]["path"] == ["institutions"]


# -- bad arguments and limits ------------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    ("first: -1", ["first", "-1"]),
    ("first: 501", ["first", "500"]),
    ('after: "not a cursor!"', ["cursor"]),
    ('after: "cGsxOm9yZ2FuaXphdGlvbjo0"', ["cursor", "organization"]),  # a cursor of another list
])
def test_bad_pagination_arguments_are_explained(client, args, words):  # noqa: F811
    body = gql(client, f"{{ measures({args}) {{ totalCount }} }}")
    assert body.get("errors"), body
    message = body["errors"][0]["message"]
    assert all(w in message for w in words), message


def test_bad_first_on_a_nested_connection_is_explained(client):  # noqa: F811
    body = gql(client, '{ organization(name: "中科院") { responsibilities(first: 100000) { totalCount } } }')
    assert "500" in body["errors"][0]["message"]


def test_depth_alias_and_token_bombs_are_refused_and_the_server_stays_up(client):  # noqa: F811
    depth = "{ measures { edges { node { " + "parent { " * 20 + "code" + " }" * 20 + " } } } }"
    body = gql(client, depth)
    assert body.get("data") is None and "depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: cities {{ name }}" for i in range(200)) + " }"
    body = gql(client, aliases)
    assert body.get("data") is None and "alias" in body["errors"][0]["message"].lower()
    tokens = "{ cities { " + "name " * 20000 + "} }"
    body = gql(client, tokens)
    assert body.get("data") is None and "token" in body["errors"][0]["message"].lower()
    assert client.get("/health").json()["status"] == "ready"


def test_graphql_get_and_graphiql(client):  # noqa: F811
    r = client.get("/graphql", params={"query": '{ city(name: "411000") { name } }'})
    assert r.status_code == 200 and r.json()["data"]["city"]["name"] == "许昌市"
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


# -- no N+1 --------------------------------------------------------------------------------

NESTED = """query($n: Int) { measures(first: $n) { edges { node {
    responsibilities { organization { cities { name } } }
    industries { label }
} } } }"""


def round_trips(client: httpx.Client, n: int) -> dict:  # noqa: F811
    body = gql(client, NESTED, n=n)
    assert not body.get("errors") and len(body["data"]["measures"]["edges"]) == n
    return body["extensions"]["roundTrips"]


def test_nested_fields_cost_a_constant_number_of_round_trips(client):  # noqa: F811
    small, large = round_trips(client, 5), round_trips(client, 50)
    # the in-memory index answers every hop (service/readmodel/lookups.py): no store round trip at all
    assert small["store"] == large["store"] == 0
