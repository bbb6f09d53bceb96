"""Bad files of every format are refused by name, and the rest of the corpus still builds."""

from __future__ import annotations

import base64
import shutil

import pytest

from graph.build import build_corpus

from .make import chromium, print_pdf, tiny_png
from .seeds import CHENGDE

GOOD = ["chengde.html", "chengde.docx"]


def test_a_scan_a_damaged_word_file_and_a_page_without_article(made, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(made(CHENGDE, "html"), raw / "chengde.html")
    shutil.copy(made(CHENGDE, "docx"), raw / "chengde.docx")
    docx = made(CHENGDE, "docx").read_bytes()
    (raw / "damaged.docx").write_bytes(docx[: len(docx) * 2 // 3])
    (raw / "links.html").write_text('<html><body><div class="nav"><a href="/a">网站首页</a><a href="/b">政务公开'
                                    "</a><a href='/c'>关于加快推进科技强市建设的实施方案</a></div></body></html>", "utf-8")
    bad = {"damaged.docx": "not a readable Word document", "links.html": "no article text found"}
    if chromium():
        png = base64.b64encode(tiny_png()).decode()
        print_pdf(f'<html><body><img src="data:image/png;base64,{png}" width="600"></body></html>',
                  raw / "scan.pdf", header_footer=False)
        bad["scan.pdf"] = "no text layer"
    names = GOOD + list(bad)
    (raw / "sources.toml").write_text("".join(f'[[document]]\nfile = "{n}"\ncity = "承德"\n' for n in names), "utf-8")
    result = build_corpus(raw)
    assert sorted(f.source.name for f in result.facts) == sorted(GOOD)
    for name, problem in bad.items():
        assert any(e.startswith(f"{name}: ") and problem in e for e in result.errors), (name, result.errors)
    for f in result.facts:
        assert sum(1 for r in f.responsibilities if r.basis.value == "EXPLICIT") == 109
    # what the Word decoder could not read is reported, not dropped in silence
    assert any(w.startswith("chengde.docx: an image not read") for w in result.warnings), result.warnings
    if not chromium():
        pytest.skip("chromium is not installed: the scanned PDF was left out")
