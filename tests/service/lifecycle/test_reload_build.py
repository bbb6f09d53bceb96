"""A reload's build (serve --watch, POST /admin/reload) is incremental: graph/stream.py's cache."""

from __future__ import annotations

import shutil

from graph.paths import RAW_DIR
from service.lifecycle.reload import _build_rdf


def test_a_reload_rebuilds_only_the_document_that_changed(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    first = _build_rdf(raw)
    assert first["format"] == "trig" and first["extracted"] == first["graphs_made"] - 2 > 0
    doc = sorted(p for p in raw.iterdir() if p.suffix == ".txt")[0]
    doc.write_text(doc.read_text("utf-8") + "\n", "utf-8")
    second = _build_rdf(raw)
    assert second["extracted"] == 1 and second["graphs_made"] < first["graphs_made"]
    assert not second["errors"]
