"""The dataset as tables (graph/frames.py) and `policykg export --format parquet`, read back
with pyarrow and pandas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from graph.build import serialize_trig
from graph.frames import TABLES, load_frames, load_tables
from graph.paths import DATASET_PATH, PROJECT_ROOT, RAW_DIR


@pytest.fixture(scope="module")
def toolkit_trig(toolkit_corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("frames") / "toolkit.trig"
    path.write_text(serialize_trig(toolkit_corpus), "utf-8")
    return path


def test_every_table_with_stable_ids_and_spans_that_quote_the_text(toolkit_trig, toolkit_raw):
    frames = load_frames(toolkit_trig)
    assert set(frames) == set(TABLES)
    texts: dict[str, str] = {}

    def text(doc):
        if doc not in texts:
            from graph.textio import read_document
            texts[doc] = read_document(toolkit_raw / doc, doc).text
        return texts[doc]

    for kind, df in frames.items():
        assert len(df) > 0, kind
        assert df["id"].is_unique and list(df["id"]) == sorted(df["id"]), kind
        if "quote" in df.columns:
            for row in df.itertuples():
                assert text(row.document)[row.start : row.end] == row.quote, (kind, row.id)
    m = frames["measures"]
    assert {"measure/chengde-2021-plan/三.(三).9", "measure/zhangjiakou-2022-plan/二.1"} <= set(m["id"])
    assert m["start"].dtype == "int64"


def test_tables_join_on_their_ids(toolkit_trig):
    f = load_frames(toolkit_trig)
    pairs = f["reuse_pairs"].merge(f["measures"][["id", "code", "policy"]], left_on="other", right_on="id",
                                   suffixes=("", "_other"))
    copied = pairs[(pairs["document"] == "zhangjiakou-2022-plan.txt") & (pairs["score"] >= 0.8)]
    assert sorted(copied["code"]) == ["三.(三).9", "三.(四).11", "四.24"]
    assert set(copied["earlier"]) == set(copied["other"])
    pol = f["policies"].set_index("id")
    assert pol.loc["policy/zhangjiakou-2022-plan", "valid_until"] == "2025-12-31"
    assert pol.loc["policy/xinglong-2022-plan", "stated_status"] == "REPEALED"
    assert pol.loc["policy/hebei-2021-opinions", "level"] == "PROVINCE"
    assert list(pol.loc["policy/chengde-2021-plan", "implements"]) == ["policy/hebei-2021-opinions"]
    tools = f["policy_tools"].merge(f["measures"][["id", "city"]], left_on="measure", right_on="id")
    counts = tools.groupby(["city", "type_label"]).size()
    assert counts.loc[("承德市", "供给型")] > 0
    resp = f["responsibilities"].merge(f["organizations"][["id", "kind"]], left_on="organization", right_on="id")
    assert (resp["kind"] == "GOVERNMENT_DEPARTMENT").any()


def test_export_parquet_writes_one_file_per_table_that_reads_back(tmp_path):
    out = tmp_path / "tables"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    run = subprocess.run([sys.executable, "-m", "graph.cli", "export", "--format", "parquet", "-o", str(out),
                          "--data", str(DATASET_PATH)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.parquet" for k in TABLES)
    direct = load_tables(DATASET_PATH)
    for kind in TABLES:
        table = pq.read_table(out / f"{kind}.parquet")
        assert table.equals(direct[kind]), kind
        df = pd.read_parquet(out / f"{kind}.parquet")
        assert len(df) == direct[kind].num_rows
    measures = pd.read_parquet(out / "measures.parquet")
    assert measures["document"].nunique() == len([p for p in RAW_DIR.iterdir() if p.suffix == ".txt"])


def test_export_parquet_errors_name_what_is_wrong(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

    def export(*args):
        r = subprocess.run([sys.executable, "-m", "graph.cli", "export", "--format", "parquet", *args],
                           capture_output=True, text=True, env=env)
        r.stderr = " ".join(r.stderr.split())  # rich wraps long lines
        return r

    r = export()
    assert r.returncode == 2 and "-o DIR" in r.stderr
    afile = tmp_path / "x.parquet"
    afile.write_text("")
    r = export("-o", str(afile))
    assert r.returncode == 2 and "is a file" in r.stderr
    r = export("-o", str(tmp_path / "out"), "--data", str(tmp_path / "missing.trig"))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_load_frames_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.trig"):
        load_frames(tmp_path / "missing.trig")
