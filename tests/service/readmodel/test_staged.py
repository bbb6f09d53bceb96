"""Record tables of a staging file (service/readmodel/staged.py): what an index read into a dict would hold."""

from __future__ import annotations

import pickle

import pytest

from service.readmodel.records import Span
from service.readmodel.staged import BATCH, StagingFile


@pytest.fixture
def staging(tmp_path):
    s = StagingFile(tmp_path / "staging.sqlite")
    yield s
    s.close()


def test_the_first_record_under_a_key_is_kept_and_read_back_in_key_order(staging):
    t = staging.table("pairs", ("measure", "score"))
    t.put("b", Span("d", 0, 1, "乙"), "m2", 0.5)
    t.put("a", Span("d", 1, 2, "甲"), "m1", 0.9)
    t.put("b", Span("d", 9, 9, "later"), "m9", 0.1)  # a second graph describing b: the first stays
    assert list(t) == ["a", "b"] and len(t) == 2
    assert t["b"] == Span("d", 0, 1, "乙") and "a" in t and "c" not in t and t.get("c") is None
    assert list(t.execute("SELECT k, measure, score FROM {t} ORDER BY k")) == [("a", "m1", 0.9), ("b", "m2", 0.5)]
    assert dict(t.pickled_items())["a"] == pickle.dumps(Span("d", 1, 2, "甲"), pickle.HIGHEST_PROTOCOL)
    with pytest.raises(KeyError):
        t["c"]


def test_keep_ordered_gives_the_order_and_drops_the_rest(staging):
    t = staging.table("pairs", ("score",))
    for i in range(BATCH + 5):  # past a batch: rows buffered and flushed both count
        t.put(f"k{i:05d}", i, float(i))
    assert len(t) == BATCH + 5
    kept = staging.ranks("kept", {"k00003": 0, "k00001": 1, "k02050": 2})
    t.keep_ordered(f"JOIN {kept} o ON o.k = t.k", "o.pos")
    assert list(t) == ["k00003", "k00001", "k02050"] and len(t) == 3
    assert [v for v in t.values()] == [3, 1, 2050] and list(t.items())[0] == ("k00003", 3)
    assert "k00002" not in t and t.get("k00002") is None
    assert t == {"k00003": 3, "k00001": 1, "k02050": 2050}


def test_closing_removes_the_file(tmp_path):
    s = StagingFile(tmp_path / "staging.sqlite")
    t = s.table("x", ())
    t.put("a", 1)
    t.flush()
    assert (tmp_path / "staging.sqlite").is_file()
    s.close()
    assert not (tmp_path / "staging.sqlite").exists()
    with pytest.raises(ValueError, match="closed"):
        len(t)


def test_keep_ordered_orders_in_sql_with_ties_by_key_and_keeps_only_the_joined(staging):
    t = staging.table("pairs", ("measure", "score"))
    for k, m, score in [("p3", "m1", 0.5), ("p1", "m2", 0.9), ("p2", "m1", 0.5), ("p4", "gone", 1.0)]:
        t.put(k, k.upper(), m, score)
    pos = staging.ranks("pos", {"m2": 0, "m1": 1})  # "gone" is no measure of the index: its pair drops
    t.keep_ordered(f"JOIN {pos} a ON a.k = t.measure", "t.score DESC, a.pos")
    assert list(t) == ["p1", "p2", "p3"] and list(t.values()) == ["P1", "P2", "P3"]
    t.index_on("measure")
    assert t.keys_where("WHERE t.measure = ? AND t.ord IS NOT NULL ORDER BY t.ord", ("m1",)) == ["p2", "p3"]


def test_staged_records_are_completed_as_read_and_written_and_the_staged_copy_stays_bare(staging):
    from service.readmodel.records import Measure
    from service.readmodel.staged import StagedRecords

    t = staging.table("measures", ())
    for k in ("m2", "m1"):
        t.put(k, Measure(iri=k, id=k, code="1", title=None, text="t", policy_iri="p", city_iri="c", parent_iri=None,
                         order=0, source=Span("d", 0, 1, "t"), refines_iri=None, section_kind=None))
    t.keep_ordered("", "t.k DESC")
    calls = []

    def complete(k, m, whole):
        calls.append((k, whole))
        m.child_iris = [f"{k}-part"]
        if whole:
            m.similarity_iris = [f"{k}-pair"]
        return m

    records = StagedRecords(t, complete)
    assert list(records) == ["m2", "m1"] and len(records) == 2 and "m1" in records and "m9" not in records
    assert records["m1"].similarity_iris == ["m1-pair"] and records["m1"].child_iris == ["m1-part"]
    bare = records.without_lists()
    assert bare["m1"].similarity_iris == [] and bare["m1"].child_iris == ["m1-part"]
    assert [m.iri for m in bare.values()] == ["m2", "m1"] and calls[-1] == ("m1", False)
    (k, raw), _ = records.pickled_items()
    assert k == "m2" and pickle.loads(raw).similarity_iris == ["m2-pair"]
    assert t["m2"].similarity_iris == [] and t["m2"].child_iris == []  # what the table holds: as read
    assert records.get("m9") is None


def test_groupings_and_positions_of_an_ordered_table_are_those_of_setdefault_over_its_records(staging):
    from service.readmodel.staged import StagedGroups, StagedPositions

    t = staging.table("resp", ("measure", "org"))
    rows = [("r1", "m2", "o1"), ("r2", "m1", "o2"), ("r3", "gone", "o1"), ("r4", "m1", "o1"), ("r5", "m2", "o2")]
    for k, m, o in rows:
        t.put(k, k.upper(), m, o)
    pos = staging.ranks("pos", {"m1": 0, "m2": 1})
    t.keep_ordered(f"LEFT JOIN {pos} a ON a.k = t.measure", f"coalesce(a.pos, {1 << 30})")  # "gone" last
    order = list(t)
    assert order == ["r2", "r4", "r1", "r5", "r3"]
    expect_measure: dict[str, list[str]] = {}
    expect_org: dict[str, list[str]] = {}
    expect_city: dict[str, list[str]] = {}
    city = {"m1": "c9", "m2": "c1"}
    for k in order:
        m, o = next((m, o) for kk, m, o in rows if kk == k)
        expect_measure.setdefault(m, []).append(k)
        expect_org.setdefault(o, []).append(k)
        if m in city:
            expect_city.setdefault(city[m], []).append(k)
    t.index_on("measure", "org")
    of = staging.values("city", city)
    groups = {"measure": StagedGroups(t, "t.measure"), "org": StagedGroups(t, "t.org"),
              "city": StagedGroups(t, "c.v", f"JOIN {of} c ON c.k = t.measure")}
    for name, expect in (("measure", expect_measure), ("org", expect_org), ("city", expect_city)):
        g = groups[name]
        assert list(g.items()) == list(expect.items()) and len(g) == len(expect), name
        for key, keys in expect.items():
            assert g[key] == keys and key in g, (name, key)
        assert "none" not in g and g.get("none") is None
    assert dict(groups["city"].pickled_items())["c1"] == pickle.dumps(["r1", "r5"], pickle.HIGHEST_PROTOCOL)
    positions = StagedPositions(t)
    assert dict(positions) == {k: i for i, k in enumerate(order)} and len(positions) == 5
    assert positions["r3"] == 4 and "r9" not in positions
    with pytest.raises(KeyError):
        groups["org"]["none"]
