"""What the five seed documents must yield (issue 2's checklist)."""

from __future__ import annotations

from collections import Counter

from graph.model import Basis, Comparator, Form, Role, TargetKind
from graph.paths import RAW_DIR

ANNEX = "xuchang-2020-plan-annex-tasks.txt"
XUCHANG = "xuchang-2020-plan.txt"
CHENGDE = "chengde-2021-plan.txt"
CHANGZHOU = "changzhou-2021-opinions.txt"
LUOHE = "luohe-2021-2025-plan.txt"


def explicit(facts, role=None):
    return [
        r for r in facts.responsibilities
        if r.basis is Basis.EXPLICIT and (role is None or r.role is role)
    ]


def test_all_five_build_without_errors(corpus):
    assert corpus.errors == []
    assert sorted(f.source.name for f in corpus.facts) == sorted(
        [ANNEX, XUCHANG, CHENGDE, CHANGZHOU, LUOHE]
    )


def test_metadata_from_the_text(facts_by_file):
    x = facts_by_file[XUCHANG].meta
    assert x.doc_number == "许政〔2020〕18号" and x.issued == "2020-04-24"
    assert [i.org.name for i in x.issuers] == ["许昌市人民政府"]
    c = facts_by_file[CHANGZHOU].meta
    assert c.doc_number == "常发〔2021〕1号" and c.issued == "2021-02-10"
    assert c.title == "关于创新驱动高质量发展的实施意见"
    assert [i.surface for i in c.issuers] == ["中共常州市委", "常州市人民政府"]
    d = facts_by_file[CHENGDE].meta
    assert d.doc_number == "承办〔2021〕24号" and d.issued == "2021-11-04"
    assert d.title == "关于加快推进科技强市建设的实施方案"
    assert facts_by_file[ANNEX].meta.annex_of == XUCHANG


def test_xuchang_annex_tasks_and_assignments(facts_by_file):
    annex = facts_by_file[ANNEX]
    assert len(annex.measures) == 55
    assert [m.code for m in annex.measures] == [f"({i})" for i in range(1, 56)]
    assert len(explicit(annex, Role.LEAD)) == 108
    assert len(explicit(annex, Role.RESPONSIBLE)) == 94


def test_task_28_led_by_xuchang_miit(facts_by_file):
    annex = facts_by_file[ANNEX]
    task = next(m for m in annex.measures if m.code == "(28)")
    assert "北京邮电大学国家网络交换重点实验室许昌基地" in task.span.quote and "5G" in task.span.quote
    rs = [r for r in annex.responsibilities if r.measure == "(28)"]
    leads = {r.mention.org.name for r in rs if r.role is Role.LEAD}
    resp = {r.mention.org.name for r in rs if r.role is Role.RESPONSIBLE}
    assert leads == {"许昌市工业和信息化局"}
    assert any("示范区" in name and "管理委员会" in name for name in resp)
    for r in rs:
        assert r.mention.org.city_code == "411000"


def test_chengde_items_and_responsible_units(facts_by_file):
    d = facts_by_file[CHENGDE]
    items = [m for m in d.measures if m.label.isdigit()]
    assert len(items) == 24
    resp = explicit(d, Role.RESPONSIBLE)
    assert len(resp) == 109 and len(explicit(d)) == 109
    assert "河钢集团承钢公司" in {r.mention.surface for r in resp}


def test_changzhou_and_luohe_invent_no_explicit_assignment(facts_by_file):
    # 常州's only one is the prose "设立市创新委员会，负责统筹…" of 三.(八).28
    (prose,) = explicit(facts_by_file[CHANGZHOU])
    assert (prose.measure, prose.mention.surface, prose.role, prose.form) == (
        "三.(八).28", "市创新委员会", Role.RESPONSIBLE, Form.PROSE)
    assert explicit(facts_by_file[LUOHE]) == []
    for name in (CHANGZHOU, LUOHE):
        f = facts_by_file[name]
        inherited = {r.measure for r in f.responsibilities if r.basis is Basis.INHERITED}
        assert inherited and all(r.form is Form.ISSUER for r in f.responsibilities if r.basis is Basis.INHERITED)
        by_code = {m.code: m for m in f.measures}
        # background, principles and goals inherit nothing; every task does
        assert all(by_code[c].actionable for c in inherited)
        assert not any(m.actionable is False and m.code in inherited for m in f.measures)
        tasks = {m.code for m in f.measures if m.actionable} - {r.measure for r in explicit(f)}
        above = set()  # measures with an explicit one inside inherit nothing themselves
        for r in explicit(f):
            p = by_code[r.measure].parent
            while p is not None:
                above.add(p)
                p = by_code[p].parent
        assert inherited == tasks - above


def test_luohe_background_and_principles_are_not_tasks(facts_by_file):
    f = facts_by_file[LUOHE]
    kinds = {m.code: m.section_kind for m in f.measures if not m.actionable}
    assert "一" in kinds and kinds["一"] == "background"  # 一、发展基础与形势
    assert any(k == "principles" for k in kinds.values())
    issuer = [r for r in f.responsibilities if r.form is Form.ISSUER][0]
    # the issuer comes from the manifest: its source quotes sources.toml
    assert issuer.span.document == "sources.toml" and issuer.span.quote == "漯河市人民政府"


def test_xuchang_issuer_quotes_the_issuing_organs_code(facts_by_file):
    issuer = [r for r in facts_by_file[XUCHANG].responsibilities if r.form is Form.ISSUER][0]
    assert issuer.mention.org.name == "许昌市人民政府" and issuer.span.quote == "许政"


def test_departments_are_city_scoped_with_a_shared_type(facts_by_file):
    def tech_bureau(f):
        return {r.mention.org for r in f.responsibilities if r.mention.surface.strip() == "市科技局"}

    (xc,) = tech_bureau(facts_by_file[ANNEX])
    (cd,) = tech_bureau(facts_by_file[CHENGDE])
    assert xc.key != cd.key and xc.city_code == "411000" and cd.city_code == "130800"
    assert xc.department_type == cd.department_type is not None
    assert xc.name == "许昌市科学技术局" and cd.name == "承德市科学技术局"


def test_collectives_are_one_actor(facts_by_file):
    names = Counter(r.mention.surface for r in facts_by_file[ANNEX].responsibilities)
    assert names["各县（市、区）政府（管委会）"] > 30
    assert not any(n in ("市、区）政府（管委会）", "各县（市") for n in names)


def test_open_ended_lists_are_noted(facts_by_file):
    rs = [r for r in facts_by_file[ANNEX].responsibilities if r.measure == "(7)" and r.role is Role.RESPONSIBLE]
    assert [r.mention.open_ended for r in rs][-1] is True
    assert rs[-1].mention.surface == "禹州市政府"


def involved(f):
    out = {m.org.key for m in f.involvements} | {
        m.org.parent_key for m in f.involvements if m.org.parent_key
    }
    return out


def test_cas_named_by_all_four_cities_jiangnan_only_by_luohe(corpus):
    by_city: dict[str, set[str]] = {}
    for f in corpus.facts:
        by_city.setdefault(f.meta.city_code, set()).update(involved(f))
    cas = "https://w3id.org/policykg/id/institution/cas"
    jn = "https://w3id.org/policykg/id/institution/jiangnan"
    assert {c for c, keys in by_city.items() if cas in keys} == {"411000", "320400", "130800", "411100"}
    assert {c for c, keys in by_city.items() if jn in keys} == {"411100"}


def test_targets(facts_by_file):
    x = facts_by_file[XUCHANG].targets
    assert any(
        t.indicator == "研发投入强度" and t.value == 2.1 and t.unit == "%" and t.year == 2022
        and t.comparator is Comparator.AT_LEAST and t.kind is TargetKind.SHARE
        for t in x
    )
    d = facts_by_file[CHENGDE].targets
    assert any(t.indicator == "高新技术企业数量" and t.value == 300 and t.unit == "家" and t.year == 2025 for t in d)


def test_open_challenge_family_in_all_four_cities(corpus):
    cities = {
        f.meta.city_code
        for f in corpus.facts
        for h in f.measure_types
        if "揭榜" in h.span.quote
    }
    assert cities == {"411000", "320400", "130800", "411100"}


def test_citations(facts_by_file):
    cites = {(c.title, c.doc_number) for c in facts_by_file[XUCHANG].citations}
    assert ("河南省人民政府关于实施创新驱动提速增效工程的意见", "豫政〔2019〕4号") in cites


def test_annex_tasks_refine_main_plan_measures(facts_by_file):
    annex = facts_by_file[ANNEX]
    assert annex.refines["(1)"] == "三.(一).1"
    assert annex.refines["(28)"] == "三.(六).9"
    assert annex.refines["(42)"] == "五.(一)"
    assert len(annex.refines) == 55
    main = facts_by_file[XUCHANG]
    leads = {r.mention.org.name for r in main.responsibilities if r.measure == "三.(一).1" and r.role is Role.LEAD}
    assert "许昌市科学技术局" in leads


def test_every_span_quotes_its_document(corpus):
    texts = {p.name: p.read_text("utf-8") for p in RAW_DIR.glob("*.txt")}
    texts["sources.toml"] = (RAW_DIR / "sources.toml").read_text("utf-8")
    spans = []
    for f in corpus.facts:
        spans += [m.span for m in f.measures]
        spans += [r.span for r in f.responsibilities] + [r.mention.span for r in f.responsibilities]
        spans += [h.span for h in f.measure_types + f.industries]
        spans += [t.span for t in f.targets] + [t.figure for t in f.targets] + [c.span for c in f.citations]
        spans += [m.span for m in f.involvements]
    assert len(spans) > 1000
    for s in spans:
        assert texts[s.document][s.start : s.end] == s.quote
