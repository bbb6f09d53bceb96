"""Targets, indicators and like-with-like comparison over GraphQL, against the real server."""

from __future__ import annotations

from service_fixtures import data_of, gql

TARGET = "id indicator kind comparator value valueMax unit year aspiration text source { quote } " \
         "indicatorConcept { id label } city { name }"


def test_targets_by_indicator_concept_id_label_or_short_name(client):  # noqa: F811
    by_id = data_of(client, f'{{ targets(indicator: "hightech-enterprises") {{ {TARGET} }} }}')["targets"]
    by_label = data_of(client, f'{{ targets(indicator: "高新技术企业数量") {{ {TARGET} }} }}')["targets"]
    by_short = data_of(client, f'{{ targets(indicator: "高新技术企业") {{ {TARGET} }} }}')["targets"]
    assert by_id == by_label == by_short
    assert {t["city"]["name"] for t in by_id} == {"许昌市", "常州市", "承德市", "漯河市"}
    assert all(t["indicatorConcept"]["id"] == "hightech-enterprises" for t in by_id)
    changzhou = next(t for t in by_id if t["city"]["name"] == "常州市")
    assert (changzhou["kind"], changzhou["comparator"], changzhou["value"], changzhou["unit"], changzhou["year"]) == (
        "LEVEL", "AT_LEAST", 5000.0, "家", 2025)
    assert changzhou["source"]["quote"] == "5000家"  # the figure as written


def test_kind_filter_and_ranges(client):  # noqa: F811
    ranges = [t for t in data_of(client, f"{{ targets(city: \"漯河\", kind: ANNUAL) {{ {TARGET} }} }}")["targets"]
              if t["comparator"] == "BETWEEN"]
    assert ranges and all(t["kind"] == "ANNUAL" for t in ranges)
    assert {(t["value"], t["valueMax"]) for t in ranges} == {(5.0, 8.0)}
    body = gql(client, '{ targets(indicator: "no such statistic") { id } }')
    assert "no indicator 'no such statistic' (argument `indicator`)" in body["errors"][0]["message"]


def test_indicators_define_the_statistics(client):  # noqa: F811
    inds = data_of(client, """{ indicators { id label labelEn definition broader { id }
        narrower { id } targets { value city { name } } } }""")["indicators"]
    by_id = {i["id"]: i for i in inds}
    assert all(i["definition"] for i in inds)
    assert by_id["provincial-rd-platforms"]["broader"] == {"id": "provincial-and-above-rd-platforms"}
    assert {"provincial-engineering-centers", "provincial-key-labs"} <= {
        n["id"] for n in by_id["provincial-rd-platforms"]["narrower"]}
    # 许昌 (plan and annex) and 承德 (goal and task) state theirs twice
    assert len(by_id["hightech-enterprises"]["targets"]) == 6
    # a statistic's own targets only: the provincial platforms are not the provincial-and-above ones
    assert {t["city"]["name"] for t in by_id["provincial-and-above-rd-platforms"]["targets"]} == {"常州市", "承德市"}


def test_target_comparison_compares_like_with_like_and_says_what_it_leaves_out(client):  # noqa: F811
    rows = data_of(client, """{ targetComparison(indicator: "rd-expenditure") {
        indicator kind unit unitFamily cityCount indicatorConcept { id }
        cells { cityName value unit year comparator target { source { quote } } }
        leftOut { reason target { kind city { name } } } } }""")["targetComparison"]
    by_kind = {r["kind"]: r for r in rows}
    growth = by_kind["GROWTH_RATE"]
    assert {c["cityName"]: c["value"] for c in growth["cells"]} == {"承德市": 10.0, "漯河市": 12.0}
    assert growth["unit"] == "%" and growth["indicatorConcept"] == {"id": "rd-expenditure"}
    assert [(x["target"]["kind"], x["target"]["city"]["name"]) for x in growth["leftOut"]] == [("LEVEL", "漯河市")]
    assert "level" in growth["leftOut"][0]["reason"]
    level = by_kind["LEVEL"]
    assert level["unitFamily"] == "money" and [c["value"] for c in level["cells"]] == [25.0]
    # narrower statistics are named as left out of the broader one
    rows = data_of(client, """{ targetComparison(indicator: "省级以上研发平台数量", kind: LEVEL) {
        cells { cityName value } leftOut { reason } } }""")["targetComparison"]
    assert {c["cityName"]: c["value"] for c in rows[0]["cells"]} == {"承德市": 150.0, "常州市": 120.0}
    assert any("narrower" in x["reason"] for x in rows[0]["leftOut"])
