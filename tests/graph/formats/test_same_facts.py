"""The issue's measure of done: a seed converted to HTML, Word or PDF gives the facts of its .txt.

承德's plan (109 RESPONSIBLE assignments in (责任单位：…) clauses) and 许昌's annex
as a real table with merged cells (108 LEAD + 94 RESPONSIBLE over 55 tasks):
311 assignments, with the same measures, codes, organizations, roles and
targets, in every format. Each format is built as a user would build it: a
raw folder with the converted files, 许昌's main plan (which the annex
refines) and the manifest.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from graph.build import build_corpus
from graph.model import Basis
from graph.normalize import normalize
from graph.paths import RAW_DIR

from .seeds import ANNEX, CHENGDE

MAIN = "xuchang-2020-plan.txt"
FORMATS = ["html", "docx", "pdf"]
EXPECTED = {CHENGDE: {"RESPONSIBLE": 109}, ANNEX: {"LEAD": 108, "RESPONSIBLE": 94}}


def converted(seed: str, fmt: str) -> str:
    return seed.replace(".txt", f".{fmt}")


@pytest.fixture(scope="module", params=FORMATS)
def built(request, made, tmp_path_factory):
    fmt = request.param
    raw = tmp_path_factory.mktemp(fmt) / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / MAIN, raw / MAIN)
    manifest = ""
    for entry in (RAW_DIR / "sources.toml").read_text("utf-8").split("[[document]]")[1:]:
        if any(f'"{name}"' in entry for name in (MAIN, CHENGDE, ANNEX)):
            manifest += "[[document]]" + entry
    for seed in (CHENGDE, ANNEX):
        shutil.copy(made(seed, fmt), raw / converted(seed, fmt))
        manifest = manifest.replace(f'"{seed}"', f'"{converted(seed, fmt)}"')
    (raw / "sources.toml").write_text(manifest, "utf-8")
    result = build_corpus(raw)
    assert not result.errors, result.errors
    return fmt, {f.source.name: f for f in result.facts}


def _facts(facts):
    return {
        "measures": [(m.code, normalize(m.title or "").strip()) for m in facts.measures],
        "responsibilities": sorted((r.measure, r.mention.org.key, r.role.value, r.basis.value)
                                   for r in facts.responsibilities),
        "targets": sorted((t.indicator, t.value, t.unit, t.year, t.kind.value, t.comparator.value, t.measure)
                          for t in facts.targets),
    }


def _explicit(facts) -> dict[str, int]:
    return dict(Counter(r.role.value for r in facts.responsibilities if r.basis is Basis.EXPLICIT))


def _same_as_txt(built, facts_by_file, seed):
    fmt, facts = built
    mine = facts[converted(seed, fmt)]
    assert mine.source.format == fmt
    assert _explicit(mine) == EXPECTED[seed]
    theirs = _facts(facts_by_file[seed])
    ours = _facts(mine)
    for key in ("measures", "responsibilities", "targets"):
        assert ours[key] == theirs[key], key


def test_the_chengde_plan_gives_the_facts_of_its_txt(built, facts_by_file):
    _same_as_txt(built, facts_by_file, CHENGDE)


def test_the_xuchang_annex_table_gives_the_facts_of_its_txt(built, facts_by_file):
    _same_as_txt(built, facts_by_file, ANNEX)
    assert len(built[1][converted(ANNEX, built[0])].measures) == 55


def test_the_main_plan_inherits_from_the_converted_annex_as_from_the_txt(built, facts_by_file):
    _, facts = built
    assert _facts(facts[MAIN])["responsibilities"] == _facts(facts_by_file[MAIN])["responsibilities"]


def test_the_seeds_txt_counts_are_the_issue_s(facts_by_file):
    assert _explicit(facts_by_file[CHENGDE]) == EXPECTED[CHENGDE]
    assert _explicit(facts_by_file[ANNEX]) == EXPECTED[ANNEX]
    assert sum(sum(EXPECTED[s].values()) for s in EXPECTED) == 311
