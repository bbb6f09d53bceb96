"""sharedMeasures lists direct concepts (families on request) with the evidence on each measure."""

from __future__ import annotations

from service_fixtures import data_of

FOUR = '["许昌", "常州", "承德", "漯河"]'


def test_direct_concepts_by_default_families_on_request(client):  # noqa: F811
    d = data_of(client, f"""{{
        direct: sharedMeasures(cities: {FOUR}, minCities: 4) {{ measureType {{ id broader {{ id }} }} }}
        all: sharedMeasures(cities: {FOUR}, minCities: 4, families: true) {{ measureType {{ id broader {{ id }} }} }}
    }}""")
    assert d["direct"] and all(s["measureType"]["broader"] is not None for s in d["direct"])
    families = [s for s in d["all"] if s["measureType"]["broader"] is None]
    assert families and len(d["all"]) == len(d["direct"]) + len(families)


def test_each_measure_comes_with_its_evidence(client):  # noqa: F811
    shared = data_of(client, f"""{{ sharedMeasures(cities: {FOUR}, minCities: 4) {{
        measureType {{ id }} measures {{ id }}
        evidence {{ measure {{ id code city {{ name }} }} source {{ document start end quote }} }} }} }}""")[
        "sharedMeasures"]
    jiebang = next(s for s in shared if s["measureType"]["id"] == "open-challenge")
    assert [e["measure"]["id"] for e in jiebang["evidence"]] == [m["id"] for m in jiebang["measures"]]
    assert {e["source"]["quote"] for e in jiebang["evidence"]} <= {"揭榜挂帅", "揭榜攻关"}
    assert {e["measure"]["city"]["name"] for e in jiebang["evidence"]} == {"许昌市", "常州市", "承德市", "漯河市"}
