"""Research analytics over HTTP against the real server: GraphQL fields and CSV dashboards."""

from __future__ import annotations

import csv
import io

from service_fixtures import data_of, gql


def test_diffusion_over_graphql(client):  # noqa: F811
    d = data_of(client, """{ diffusion(measureType: "揭榜挂帅") {
        measureType { id label } cityCount singleProvince topProvince
        firstAdopter { cityName date lagDays }
        adoptions { rank city { name province } date lagDays policy { docNumber } measureCount } } }""")["diffusion"]
    assert [a["city"]["name"] for a in d["adoptions"]] == ["许昌市", "常州市", "承德市", "漯河市"]
    assert d["firstAdopter"] == {"cityName": "许昌市", "date": "2020-04-24", "lagDays": 0}
    assert d["adoptions"][0]["policy"]["docNumber"] == "许政〔2020〕18号"
    assert d["cityCount"] == 4 and d["singleProvince"] is False
    henan = data_of(client, """{ diffusion(measureType: "mt:henan-transformation-projects") {
        singleProvince topProvince topProvinceShare provinceLift adoptions { cityName } } }""")["diffusion"]
    assert henan == {"singleProvince": True, "topProvince": "河南省", "topProvinceShare": 1.0, "provinceLift": 2.0,
                     "adoptions": [{"cityName": "许昌市"}, {"cityName": "漯河市"}]}
    assert data_of(client, '{ diffusion(measureType: "nope") { cityCount } }')["diffusion"] is None


def test_policy_cites_and_cited_by(client):  # noqa: F811
    p = data_of(client, """{ policy(id: "policy/xuchang-2020-plan") {
        cites { cited { docNumber stub level province policy { id } } source { document quote } }
        citedBy { citing { id } } } }""")["policy"]
    cited = {c["cited"]["docNumber"]: c for c in p["cites"]}
    assert cited["豫政〔2019〕4号"]["cited"] == {"docNumber": "豫政〔2019〕4号", "stub": True, "level": "PROVINCIAL",
                                                "province": "河南省", "policy": None}
    assert "豫政〔2019〕4号" in cited["豫政〔2019〕4号"]["source"]["quote"]
    assert p["citedBy"] == []
    net = data_of(client, """{ citedPolicies(search: "豫政〔2019〕4号") {
        title citedBy { citing { policy { id city { name } } } } } }""")["citedPolicies"]
    assert net[0]["citedBy"][0]["citing"]["policy"] == {"id": "policy/xuchang-2020-plan", "city": {"name": "许昌市"}}


def test_responsibility_matrix_over_graphql(client):  # noqa: F811
    for city in ("许昌", "承德"):
        m = data_of(client, """query($c: String) { responsibilityMatrix(city: $c, families: true) {
            city { name } departmentTypes { id label } measureTypes { id } lead total
            leaders { measureType { id } departmentType { id label } lead total } } }""",
                    c=city)["responsibilityMatrix"]
        j = [c["id"] for c in m["measureTypes"]].index("family-enterprise")
        assert m["leaders"][j]["departmentType"]["label"] == "科技局"
        i = [d["id"] for d in m["departmentTypes"]].index("science-technology")
        assert m["total"][i][j] == m["leaders"][j]["total"] > 0
        assert len(m["total"]) == len(m["departmentTypes"]) and len(m["total"][0]) == len(m["measureTypes"])
    leaders = data_of(client, """{ responsibilityLeaders(measureType: "family-finance", basis: EXPLICIT) {
        sameEverywhere cities { cityName leader { departmentType { label } } } } }""")["responsibilityLeaders"]
    assert leaders["sameEverywhere"] is False
    assert {c["cityName"]: c["leader"]["departmentType"]["label"] for c in leaders["cities"]} == {
        "许昌市": "财政局", "承德市": "科技局"}


def test_dashboard_matrices_in_one_request(client):  # noqa: F811
    d = data_of(client, """{
        cityMeasureTypeMatrix(families: true) { rows { label } columns { id } cells rowTotals columnTotals }
        cityIndustryMatrix { rows { id } columns { label } cells }
        targetComparison(indicator: "高新技术企业数量") { indicator unit cells { cityName value year } }
        workloadRanking(first: 2, kind: GOVERNMENT_DEPARTMENT) { rank name lead departmentType { label } } }""")
    m = d["cityMeasureTypeMatrix"]
    assert len(m["cells"]) == 4 == len(m["rows"]) and all(len(r) == len(m["columns"]) for r in m["cells"])
    assert d["cityIndustryMatrix"]["cells"]
    assert {c["cityName"]: c["value"] for c in d["targetComparison"][0]["cells"]}["常州市"] == 5000.0
    assert d["workloadRanking"][0] == {"rank": 1, "name": "许昌市科学技术局", "lead": 43,
                                       "departmentType": {"label": "科技局"}}
    # counting what issuers pass down, 漯河's 人民政府 (named for no measure) tops the ranking
    every = data_of(client, "{ workloadRanking(first: 1, includeInherited: true) { name } "
                            "explicit: workloadRanking(first: 50) { name } }")
    assert every["workloadRanking"][0]["name"] == "漯河市人民政府"
    assert "漯河市人民政府" not in {r["name"] for r in every["explicit"]}


def test_search_over_graphql(client):  # noqa: F811
    r = data_of(client, """{ search(text: "科技特派员", first: 10) {
        mode totalCount hits { kind score snippet city { name } measure { code } matches { document start end quote } }
    } }""")["search"]
    assert r["mode"] == "fts5" and r["totalCount"] >= 3
    measures = [h for h in r["hits"] if h["kind"] == "MEASURE"]
    assert {h["city"]["name"] for h in measures} == {"许昌市", "漯河市"}
    assert all("<mark>科技特派员</mark>" in h["snippet"] and h["matches"] for h in measures)
    body = gql(client, '{ search(text: "") { totalCount } }')
    assert body["errors"] and "text" in body["errors"][0]["message"]
    body = gql(client, '{ search(text: "科技", first: 100000) { totalCount } }')
    assert body["errors"] and "first" in body["errors"][0]["message"]


def _csv(client, path: str) -> list[list[str]]:  # noqa: F811
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(r.text)))


def test_every_dashboard_as_csv(client):  # noqa: F811
    index = client.get("/dashboards").json()["dashboards"]
    names = {d["name"] for d in index}
    assert names == {"city-measure-types", "city-industries", "targets", "workload", "responsibility-matrix",
                     "diffusion", "citations", "city-policy-tools", "policy-tool-families"}
    for name in names:
        rows = _csv(client, f"/dashboards/{name}.csv")
        assert len(rows) > 1, name
    cm = _csv(client, "/dashboards/city-measure-types.csv?families=1")
    gq = data_of(client, "{ cityMeasureTypeMatrix(families: true) { cells } }")["cityMeasureTypeMatrix"]
    assert [[int(x) for x in row[2:-1]] for row in cm[1:]] == gq["cells"]
    diff = _csv(client, "/dashboards/diffusion.csv?measureType=揭榜挂帅")
    assert [r[3] for r in diff[1:]] == ["许昌市", "常州市", "承德市", "漯河市"]
    targets = _csv(client, "/dashboards/targets.csv?indicator=高新技术企业数量")
    assert {r[2]: r[3] for r in targets[1:]}["许昌市"] == "500"
    bom = client.get("/dashboards/workload.csv?bom=1&first=1")
    assert bom.content.startswith(b"\xef\xbb\xbf")


def test_dashboard_errors_are_explained(client):  # noqa: F811
    r = client.get("/dashboards/nope.csv")
    assert r.status_code == 404 and "workload" in r.json()["dashboards"]
    r = client.get("/dashboards/workload.csv?basis=SOMETIMES")
    assert r.status_code == 400 and "basis" in r.json()["error"]
    r = client.get("/dashboards/city-measure-types.csv?families=maybe")
    assert r.status_code == 400
