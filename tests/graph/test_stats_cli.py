"""`policykg stats`: readable in an 80-column terminal, and as CSV or JSON for a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from graph.cli import app
from graph.paths import RAW_DIR
from graph.manifest import load_manifest


def run(*args: str):
    result = CliRunner().invoke(app, ["stats", *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_fits_80_columns_with_whole_names_and_a_legend():
    text = run()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut
    for doc in load_manifest(RAW_DIR).entries:
        assert doc.file in text
    assert "L  explicit LEAD assignments" in text and "许昌市" in text


def test_csv_and_json_hold_the_same_counts():
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    records = json.loads(run("--format", "json"))
    assert [r["document"] for r in rows] == [r["document"] for r in records]
    assert all(int(r["measures"]) == j["measures"] and int(r["explicit"]) == j["explicit"]
               for r, j in zip(rows, records))
    xuchang = next(r for r in records if r["document"] == "xuchang-2020-plan-annex-tasks.txt")
    assert xuchang["city"] == "许昌市" and xuchang["lead"] > 0


def test_an_unknown_format_is_refused():
    result = CliRunner().invoke(app, ["stats", "--format", "xlsx"])
    assert result.exit_code == 2 and "text, csv or json" in result.output
