"""The synthetic corpus: real cities, the seeds' forms, and the pipeline recovering what was planted.

Five cities × three documents cover every responsibility form (FORMS); the
pipeline must find the planted responsibilities with precision and recall of
at least 0.99 per form. The 30- and 300-city runs belong to bench/run.py.
"""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from graph.build import build_corpus
from graph.cli import app
from graph.gazetteer import default_gazetteer
from graph.synth import ANNEX_FORMS, FORMS, evaluate, synthesize

CITIES, DOCS, SEED = 8, 3, 7


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    truth = synthesize(out, CITIES, DOCS, SEED)
    result = build_corpus(out / "raw")
    return out, truth, result


def test_the_corpus_is_laid_out_like_data(synthetic):
    out, truth, result = synthetic
    manifest = tomllib.loads((out / "raw" / "sources.toml").read_text("utf-8"))["document"]
    files = sorted(p.name for p in (out / "raw").glob("*.txt"))
    assert sorted(d["file"] for d in manifest) == files == sorted(d["file"] for d in truth["documents"])
    assert len(files) == CITIES * DOCS
    assert json.loads((out / "truth.json").read_text("utf-8")) == truth
    assert not result.errors and not result.warnings, (result.errors, result.warnings[:5])


def test_cities_are_real_and_documents_name_them(synthetic):
    out, truth, result = synthetic
    gaz = default_gazetteer()
    assert len({c["code"] for c in truth["cities"]}) == CITIES
    for c in truth["cities"]:
        assert gaz.get(c["code"]).name == c["name"]
    for d in truth["documents"]:
        city = gaz.get(d["city"])
        text = (out / "raw" / d["file"]).read_text("utf-8")
        assert city.name in text
        if not d["annex_of"]:
            assert d["doc_number"] in text and text.count("\n") > 10
    assert {f.meta.city_code for f in result.facts} == {c["code"] for c in truth["cities"]}


def test_every_form_of_the_seeds_is_planted(synthetic):
    _, truth, _ = synthetic
    forms = {d["form"] for d in truth["documents"]}
    assert set(FORMS) <= forms
    assert "annex-main" in forms  # the plan an annex refines
    for d in truth["documents"]:
        if d["form"] in ANNEX_FORMS:
            assert d["annex_of"] and d["refines"]
        planted = {r["role"] for r in d["responsibilities"]}
        if d["form"] in ("none", "annex-main"):
            assert not planted
        else:
            assert planted


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesize(a, 2, 2, seed=3)
    synthesize(b, 2, 2, seed=3)
    synthesize(c, 2, 2, seed=4)
    read = lambda d: {p.name: p.read_bytes() for p in sorted((d / "raw").iterdir())}  # noqa: E731
    assert read(a) == read(b)
    assert read(a) != read(c)


def test_the_pipeline_recovers_the_planted_responsibilities(synthetic):
    _, truth, result = synthetic
    score = evaluate(result.facts, truth)
    assert not score["missing_documents"]
    for form, s in score["responsibilities"].items():
        assert s["precision"] >= 0.99 and s["recall"] >= 0.99, (form, s, score["examples"].get(form))
    assert score["all"]["tp"] > 200
    # the annex rows refine the plan measures they were written for
    assert score["annex_links"]["accuracy"] >= 0.99, score["annex_links"]
    assert score["measure_types"]["recall"] >= 0.99, score["measure_types"]
    assert score["targets"]["recall"] >= 0.95, score["targets"]
    # plans without assignments fall back to their issuer
    assert score["issuer_fallback"]["recall"] >= 0.99, score["issuer_fallback"]


def test_evaluate_counts_a_wrong_answer(synthetic):
    _, truth, result = synthetic
    doctored = json.loads(json.dumps(truth))
    inline = next(d for d in doctored["documents"] if d["form"] == "inline")
    inline["responsibilities"].append({"measure": "三.(一).1", "role": "LEAD", "organization": "不存在的局",
                                       "surface": "不存在的局"})
    score = evaluate(result.facts, doctored)["responsibilities"]["inline"]
    assert score["fn"] == 1 and score["recall"] < 1


def test_synth_command(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["synth", "--cities", "2", "--docs-per-city", "2", "--seed", "1", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "raw" / "sources.toml").exists() and (tmp_path / "truth.json").exists()
    r = runner.invoke(app, ["synth", "--cities", "100000", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and "cities" in r.output


def test_counties_write_their_own_bureaus_and_build_at_their_level(tmp_path):
    truth = synthesize(tmp_path, 2, 3, 5, counties_per_city=2)
    gazetteer = default_gazetteer()
    levels = {gazetteer.get(c["code"]).level for c in truth["cities"]}
    assert levels >= {"COUNTY"} and len(truth["cities"]) > 2
    result = build_corpus(tmp_path / "raw")
    assert not result.errors and not result.warnings, (result.errors, result.warnings[:5])
    county_docs = [d for d in truth["documents"] if gazetteer.get(d["city"]).level == "COUNTY"]
    assert county_docs and sum(len(d["responsibilities"]) for d in county_docs) > 50
    # a county's bureaus are its own: 区科技局 in a district's document is <city><district>科学技术局
    county_units = {r["organization"] for d in county_docs for r in d["responsibilities"]}
    assert any(gazetteer.full_name(gazetteer.get(d["city"])) in u for d in county_docs for u in county_units)
    score = evaluate(result.facts, truth)
    assert score["all"]["precision"] == 1.0 and score["all"]["recall"] == 1.0, score["examples"]
    assert score["annex_links"]["accuracy"] == 1.0
    # cities-only corpora are the bytes they were before counties existed
    synthesize(tmp_path / "again", 2, 3, 5)
    assert (tmp_path / "again" / "raw" / "sources.toml").read_text("utf-8").count("[[document]]") == 6
