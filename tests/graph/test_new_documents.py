"""Documents the seeds never show: a new city, new clause forms, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.build import build_corpus, serialize_trig
from graph.manifest import ManifestError
from graph.model import Basis, Role
from graph.paths import PROJECT_ROOT, RAW_DIR

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def yichang():
    result = build_corpus(FIXTURES / "yichang")
    assert result.errors == []
    (facts,) = result.facts
    return result, facts


def test_new_city_builds_from_its_manifest_line(yichang):
    result, f = yichang
    assert result.cities[f.meta.city_code].name == "宜昌市"
    assert f.meta.city_code == "420500"
    assert f.meta.doc_number == "宜府办发〔2023〕7号"
    assert f.meta.issued == "2023-03-15"
    assert f.meta.title == "宜昌市加快科技创新若干措施"


def roles_of(f, code):
    return sorted(
        (r.role.value, r.mention.org.name)
        for r in f.responsibilities
        if r.measure == code and r.basis is Basis.EXPLICIT
    )


def test_lead_and_cooperating_clause(yichang):
    _, f = yichang
    assert roles_of(f, "一.1") == [
        ("COOPERATING", "国家税务总局宜昌市税务局"),
        ("COOPERATING", "宜昌市财政局"),
        ("LEAD", "宜昌市科学技术局"),
    ]


def test_verbal_clause_with_deadline(yichang):
    _, f = yichang
    got = roles_of(f, "一.2")
    assert ("LEAD", "宜昌市科学技术局") in got
    assert sum(1 for role, _ in got if role == "COOPERATING") == 2


def test_paragraph_final_responsible_units(yichang):
    _, f = yichang
    got = roles_of(f, "一.3")
    assert ("RESPONSIBLE", "宜昌市科学技术局") in got and len(got) == 2


def test_assessing_unit_supervises_and_score_left_out(yichang):
    _, f = yichang
    got = roles_of(f, "二.(一)")
    assert [r for r, _ in got].count("LEAD") == 1
    assert [r for r, _ in got].count("RESPONSIBLE") == 2  # 市人社局和市教育局
    assert [name for r, name in got if r == "SUPERVISING"] and all(
        "督查" in name for r, name in got if r == "SUPERVISING")
    assert not any(c.isdigit() for _, name in got for c in name)  # the score is no unit


def test_table_with_main_and_cooperating_columns(yichang):
    _, f = yichang
    assert roles_of(f, "表.1") == [
        ("COOPERATING", "宜昌市发展和改革委员会"),
        ("COOPERATING", "宜昌市生态环境局"),
        ("LEAD", "宜昌市科学技术局"),
    ]


def test_children_inherit_from_a_parent_clause_and_others_from_the_issuer(yichang):
    _, f = yichang
    inherited = {r.measure for r in f.responsibilities if r.basis is Basis.INHERITED}
    assert "一" not in inherited  # its items carry their own clauses
    assert all(r.role is Role.RESPONSIBLE for r in f.responsibilities if r.measure == "三")


def test_measure_types_found_in_new_wording(yichang):
    _, f = yichang
    assert any("揭榜" in h.span.quote for h in f.measure_types)


def _corpus_with(tmp_path: Path, extra: dict[str, bytes], manifest_extra: str) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / "chengde-2021-plan.txt", raw)
    for name, data in extra.items():
        (raw / name).write_bytes(data)
    (raw / "sources.toml").write_text(
        '[[document]]\nfile = "chengde-2021-plan.txt"\ncity = "130800"\n' + manifest_extra, "utf-8"
    )
    return raw


def test_bad_inputs_are_named_and_the_rest_still_builds(tmp_path):
    gb = (RAW_DIR / "chengde-2021-plan.txt").read_text("utf-8").encode("gb18030")
    raw = _corpus_with(
        tmp_path,
        {
            "empty.txt": b"",
            "binary.txt": bytes(range(256)) * 8,
            "gbk.txt": gb,
            "prose.txt": "这是一段没有任何编号结构的文字。它只是说明情况。".encode("utf-8"),
        },
        "".join(
            f'[[document]]\nfile = "{n}"\ncity = "{c}"\n'
            for n, c in [
                ("empty.txt", "承德"),
                ("binary.txt", "承德"),
                ("gbk.txt", "Chengde"),
                ("prose.txt", "承德"),
                ("missing.txt", "承德"),
                ("chengde-2021-plan.txt", "承德"),
            ]
        )
        + '[[document]]\nfile = "gbk.txt"\ncity = "火星市"\n',
    )
    (raw / "unknown-city.txt").write_bytes(gb)
    with open(raw / "sources.toml", "a", encoding="utf-8") as fh:
        fh.write('[[document]]\nfile = "unknown-city.txt"\ncity = "火星市"\n')
    result = build_corpus(raw)
    errors = "\n".join(result.errors)
    assert "empty.txt: the file is empty" in errors
    assert "binary.txt: the file is binary" in errors
    assert "prose.txt: no recognizable structure" in errors
    assert "missing.txt: file not found" in errors
    assert "unknown-city.txt: unknown city '火星市'" in errors
    assert any("duplicate entry" in w for w in result.warnings)
    built = sorted(f.source.name for f in result.facts)
    assert built == ["chengde-2021-plan.txt", "gbk.txt"]
    gbk = next(f for f in result.facts if f.source.name == "gbk.txt")
    assert gbk.source.encoding == "gb18030"
    assert len([r for r in gbk.responsibilities if r.basis is Basis.EXPLICIT]) == 109


def test_manifest_that_is_not_toml_is_refused(tmp_path):
    (tmp_path / "sources.toml").write_text("[[document]\nfile=", "utf-8")
    with pytest.raises(ManifestError, match="not valid TOML"):
        build_corpus(tmp_path)


def test_manifest_overrides_and_reports_conflicts(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / "chengde-2021-plan.txt", raw)
    (raw / "sources.toml").write_text(
        '[[document]]\nfile = "chengde-2021-plan.txt"\ncity = "承德市"\ndoc_number = "承办〔2021〕25号"\n',
        "utf-8",
    )
    result = build_corpus(raw)
    (f,) = result.facts
    assert f.meta.doc_number == "承办〔2021〕25号"
    assert any("doc_number" in w and "承办〔2021〕24号" in w for w in result.warnings)


def test_build_is_byte_identical(tmp_path):
    raw = FIXTURES / "yichang"
    assert serialize_trig(build_corpus(raw)) == serialize_trig(build_corpus(raw))


def test_city_relative_aliases_stay_home(yichang):
    _, f = yichang
    named = {m.org.name for m in f.involvements}
    assert "漯河市中心医院" not in named
    # universities the registry does not know are still found, as national bodies
    assert {"华中科技大学", "武汉大学", "三峡大学"} <= named


def test_a_short_name_defined_in_the_text_stands_for_its_body(tmp_path):
    (tmp_path / "sources.toml").write_text('[[document]]\nfile = "zz.txt"\ncity = "漳州"\n', "utf-8")
    (tmp_path / "zz.txt").write_text(
        "漳州市科技创新券管理办法\n"
        "第一条　市科技局负责创新券的政策制定，委托漳州市科技创新服务中心（以下简称服务中心）承担平台的日常运行。\n"
        "第二条　服务中心负责创新券管理平台的建设维护和兑付材料的形式审查。\n", "utf-8")
    (f,) = build_corpus(tmp_path).facts
    by_surface = {r.mention.surface: r.mention.org.name for r in f.responsibilities
                  if r.measure == "第二条" and r.basis is Basis.EXPLICIT}
    assert by_surface == {"服务中心": "漳州市科技创新服务中心"}
