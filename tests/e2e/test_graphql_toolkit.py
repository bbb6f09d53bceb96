"""The researchers' toolkit over HTTP: policy tools, text reuse, validity and levels.

The server serves the seeds plus tests/fixtures/toolkit (a province's opinions, a city's
plan that copies three 承德 measures and states its validity, a county's repealed portal
page). Every answer is checked against the build's own facts, computed here by the
pipeline (graph/), not against numbers written into the test.
"""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest

from graph.policy_tools import city_tool_matrix, rows_from_facts, tool_family_matrix
from graph.rdf import measure_iri
from graph.schemes import load_schemes
from service_fixtures import start_server, stop_server


@pytest.fixture(scope="module")
def toolkit_server(toolkit_raw):
    srv = start_server("--data", str(toolkit_raw))
    yield srv
    stop_server(srv)


def ask(srv, query: str, **variables) -> dict:
    r = httpx.post(srv.url + "/graphql", json={"query": query, "variables": variables}, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def errors_of(srv, query: str) -> list[str]:
    body = httpx.post(srv.url + "/graphql", json={"query": query}, timeout=60).json()
    return [e["message"] for e in body.get("errors", [])]


# -- policy tools ------------------------------------------------------------------------------


def test_policy_tools_are_the_scheme_in_its_order(toolkit_server):
    tools = ask(toolkit_server, "{ policyTools { id label labelEn notation broader { label } narrower { id } } }"
                )["policyTools"]
    types = [t for t in tools if t["broader"] is None]
    assert [t["label"] for t in types] == ["供给型", "环境型", "需求型"]
    assert tools[0]["label"] == "供给型" and tools[0]["narrower"]  # a type comes before its sub-tools
    subs = [t for t in tools if t["broader"]]
    assert {t["broader"]["label"] for t in subs} == {"供给型", "环境型", "需求型"}
    assert all(t["labelEn"] and t["notation"] for t in tools)
    assert {"税收优惠", "政府采购", "人才培养与引进"} <= {t["label"] for t in subs}


def test_every_coded_measure_is_served_with_its_tools_and_evidence(toolkit_server, toolkit_corpus):
    rows = rows_from_facts(toolkit_corpus.facts, toolkit_corpus.cities)
    expected: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        expected[r.tool].add(r.measure)
    tools = ask(toolkit_server, "{ policyTools { iri broader { iri } measures { iri } } }")["policyTools"]
    served = {t["iri"]: {m["iri"] for m in t["measures"]} for t in tools if t["broader"]}
    assert {k: v for k, v in served.items() if v} == dict(expected)
    # a type holds the measures of its sub-tools
    for t in tools:
        if t["broader"] is None:
            subs = [s for s in tools if s["broader"] and s["broader"]["iri"] == t["iri"]]
            assert {m["iri"] for m in t["measures"]} == set().union(*(served[s["iri"]] for s in subs))

    f = next(f for f in toolkit_corpus.facts if f.source.name == "xuchang-2020-plan.txt")
    coding = f.policy_tools[0]
    m = ask(toolkit_server, """query ($id: ID!) { measure(id: $id) {
        policyTools { iri } policyToolCodings { policyTool { iri } source { document start end quote } } } }""",
            id=str(measure_iri(f.source.name, coding.measure)))["measure"]
    assert coding.tool in {t["iri"] for t in m["policyTools"]}
    text = f.source.text
    for c in m["policyToolCodings"]:
        s = c["source"]
        assert s["document"] == f.source.name and text[s["start"]:s["end"]] == s["quote"]


@pytest.mark.parametrize("level", ["TOOL", "TYPE"])
def test_policy_tool_matrices_count_what_the_pipeline_counts(toolkit_server, toolkit_corpus, level):
    rows = rows_from_facts(toolkit_corpus.facts, toolkit_corpus.cities)
    schemes = load_schemes()
    q = """query ($by: PolicyToolMatrixAxis, $level: PolicyToolLevel) {
        policyToolMatrix(by: $by, level: $level) { rowKind rows { iri label } columns { iri label } cells } }"""
    by_city = ask(toolkit_server, q, by="CITY", level=level)["policyToolMatrix"]
    want = city_tool_matrix(rows, schemes, level.lower())
    assert by_city["rowKind"] == "city"
    for r, cells in zip(by_city["rows"], by_city["cells"]):
        for c, n in zip(by_city["columns"], cells):
            assert n == want.get(r["label"], c["iri"]), (r["label"], c["label"])
    assert sum(map(sum, by_city["cells"])) == sum(want.cells.values()) > 0

    by_family = ask(toolkit_server, q, by="MEASURE_TYPE_FAMILY", level=level)["policyToolMatrix"]
    want = tool_family_matrix(rows, schemes, level.lower())
    assert by_family["rowKind"] == "policy_tool"
    got = {(r["iri"], c["iri"]): n for r, cells in zip(by_family["rows"], by_family["cells"])
           for c, n in zip(by_family["columns"], cells) if n}
    assert got == {k: v for k, v in want.cells.items() if v}


def test_policy_tool_matrices_as_csv(toolkit_server):
    r = httpx.get(toolkit_server.url + "/dashboards/city-policy-tools.csv", params={"level": "type"}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    head, *lines = r.text.strip().splitlines()
    assert head.split(",") == ["city", "city_id", "供给型", "环境型", "需求型", "measures"]
    assert any(line.startswith("许昌市,") for line in lines)
    r = httpx.get(toolkit_server.url + "/dashboards/policy-tool-families.csv", timeout=60)
    assert r.status_code == 200 and r.text.startswith("policy_tool,policy_tool_id,")
    bad = httpx.get(toolkit_server.url + "/dashboards/city-policy-tools.csv", params={"level": "sub"}, timeout=60)
    assert bad.status_code == 400 and "level" in bad.text


# -- text reuse --------------------------------------------------------------------------------


REUSE = """query ($cities: [String!], $min: Float) { textReuse(cities: $cities, minScore: $min) {
    score measure { iri city { name } policy { document issued } }
    other { iri city { name } policy { document issued } } earlier { iri }
    source { document start end quote } otherSource { document start end quote } } }"""


def test_text_reuse_finds_the_copied_measures_and_who_was_first(toolkit_server, toolkit_raw):
    pairs = ask(toolkit_server, REUSE)["textReuse"]
    copied = [p for p in pairs if {p["measure"]["city"]["name"], p["other"]["city"]["name"]} == {"张家口市", "承德市"}]
    assert len(copied) >= 3  # the fixture copies three 承德 measures with small edits
    for p in pairs:
        assert 0.8 <= p["score"] <= 1.0
        assert p["measure"]["policy"]["document"] != p["other"]["policy"]["document"]
        for side, span in (("measure", p["source"]), ("other", p["otherSource"])):
            text = (toolkit_raw / span["document"]).read_text("utf-8")
            assert text[span["start"]:span["end"]] == span["quote"]
            assert span["document"] == p[side]["policy"]["document"]
    for p in copied:  # 承德's plan (2021-11-04) came before 张家口's (2022-03-15)
        chengde = p["measure"] if p["measure"]["city"]["name"] == "承德市" else p["other"]
        assert p["earlier"]["iri"] == chengde["iri"]
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)

    only = ask(toolkit_server, REUSE, cities=["张家口", "Chengde"])["textReuse"]
    assert {(p["measure"]["iri"], p["other"]["iri"]) for p in only} == {
        (p["measure"]["iri"], p["other"]["iri"]) for p in copied}
    assert ask(toolkit_server, REUSE, cities=["许昌", "张家口"])["textReuse"] == []
    assert ask(toolkit_server, REUSE, min=1.0)["textReuse"] == [p for p in pairs if p["score"] == 1.0]


def test_similar_measures_read_from_the_measure_asked(toolkit_server):
    pairs = ask(toolkit_server, REUSE)["textReuse"]
    p = next(p for p in pairs if p["earlier"])
    q = """query ($id: ID!) { measure(id: $id) { iri similarMeasures(minScore: 0.5) { score measure { iri }
           other { iri } } } }"""
    for side, far in (("measure", "other"), ("other", "measure")):
        m = ask(toolkit_server, q, id=p[side]["iri"])["measure"]
        assert all(s["measure"]["iri"] == m["iri"] for s in m["similarMeasures"])
        assert p[far]["iri"] in {s["other"]["iri"] for s in m["similarMeasures"]}
    assert "minScore" in " ".join(errors_of(toolkit_server, '{ textReuse(minScore: 1.5) { score } }'))


# -- validity and levels -------------------------------------------------------------------------


def test_validity_status_and_levels(toolkit_server):
    ps = ask(toolkit_server, """{ policies { document level validFrom validUntil repealed
        status past: status(on: "2024-01-01") later: status(on: "2025-01-01") } }""")["policies"]
    by = {p["document"]: p for p in ps}
    z = by["zhangjiakou-2022-plan.txt"]
    assert (z["validFrom"], z["validUntil"]) == ("2022-03-15", "2025-12-31")
    assert (z["past"], z["later"]) == ("IN_FORCE", "IN_FORCE")
    x = by["xinglong-2022-plan.html"]
    assert (x["past"], x["later"], x["repealed"]) == ("IN_FORCE", "REPEALED", "2024-06-30")
    assert by["xuchang-2020-plan.txt"]["status"] == "UNKNOWN"  # nothing stated
    assert by["hebei-2021-opinions.txt"]["level"] == "PROVINCE"
    assert x["level"] == "COUNTY" and by["xuchang-2020-plan.txt"]["level"] == "PREFECTURE"

    on = ask(toolkit_server, '{ policies(inForceOn: "2025-01-01") { document } }')["policies"]
    assert {p["document"] for p in on} == {d for d, p in by.items() if p["later"] == "IN_FORCE"}
    assert "xinglong-2022-plan.html" not in {p["document"] for p in on}
    message = " ".join(errors_of(toolkit_server, '{ policies(inForceOn: "2025-13-01") { document } }'))
    assert "inForceOn" in message and "ISO date" in message
