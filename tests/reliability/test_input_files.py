"""Files as they arrive: encodings, line ends, junk, size, truncation, manifest slips.

Each case is built next to a good document (承德) in a temporary raw
folder: the bad file is decoded or refused with its name and the problem,
and the good document still builds with exactly its own counts. Cases
already covered by tests/graph/test_new_documents.py (empty, random binary,
GB18030 of 承德, prose, missing file, unknown city, one duplicate) and
tests/graph/test_textio.py (decode of each encoding) are not repeated here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graph.build import build_corpus
from graph.manifest import ManifestError
from graph.model import Basis
from graph.paths import RAW_DIR
from graph.textio import MAX_BYTES, DocumentError, decode

from .spans import spans_in

GOOD = "chengde-2021-plan.txt"
ANNEX = "xuchang-2020-plan-annex-tasks.txt"
CHENGDE = (RAW_DIR / GOOD).read_text("utf-8")


def entry(file: str, city: str = "承德", extra: str = "") -> str:
    return f'[[document]]\nfile = "{file}"\ncity = "{city}"\n{extra}\n'


def corpus(tmp_path: Path, files: dict[str, bytes], manifest: str | None = None) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / GOOD).write_text(CHENGDE, "utf-8")
    for name, data in files.items():
        (raw / name).write_bytes(data)
    if manifest is None:
        manifest = entry(GOOD) + "".join(entry(n) for n in files)
    (raw / "sources.toml").write_text(manifest, "utf-8")
    return raw


def explicit(facts) -> int:
    return sum(1 for r in facts.responsibilities if r.basis is Basis.EXPLICIT)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """承德 alone: the counts every other build must keep for it."""
    result = build_corpus(corpus(tmp_path_factory.mktemp("base"), {}))
    (f,) = result.facts
    return {"measures": [m.code for m in f.measures], "explicit": explicit(f),
            "responsibilities": len(f.responsibilities)}


def good_is_intact(result, baseline) -> None:
    f = next(f for f in result.facts if f.source.name == GOOD)
    assert [m.code for m in f.measures] == baseline["measures"]
    assert explicit(f) == baseline["explicit"]
    assert len(f.responsibilities) == baseline["responsibilities"]


def same_facts_as_utf8(f, baseline) -> None:
    assert [m.code for m in f.measures] == baseline["measures"]
    assert explicit(f) == baseline["explicit"]
    for s in spans_in(f):
        assert f.source.text[s.start:s.end] == s.quote


# -- decoded -------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, encoding", [
    ("bom.txt", b"\xef\xbb\xbf" + CHENGDE.encode("utf-8"), "utf-8-sig"),
    ("gbk.txt", CHENGDE.encode("gbk"), "gb18030"),
    ("crlf.txt", CHENGDE.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ("cr.txt", CHENGDE.replace("\n", "\r").encode("utf-8"), "utf-8"),
    ("crlf-gbk-bom.txt", b"\xef\xbb\xbf" + CHENGDE.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
    ("utf16.txt", CHENGDE.encode("utf-16"), "utf-16"),
])
def test_encodings_and_line_ends_build_the_same_facts(tmp_path, baseline, name, data, encoding):
    result = build_corpus(corpus(tmp_path, {name: data}))
    assert result.errors == []
    f = next(f for f in result.facts if f.source.name == name)
    assert f.source.encoding == encoding
    same_facts_as_utf8(f, baseline)
    good_is_intact(result, baseline)


def test_gb18030_only_characters_decode():
    # 𠀀 and € need GB18030's four-byte sequences: GBK has neither
    text = "一、总体要求\n（一）支持𠀀研发与€结算。（责任单位：市科技局）\n" * 3
    src = decode("gb.txt", text.encode("gb18030"))
    assert src.encoding == "gb18030" and src.text == text


def test_a_gbk_task_table_builds_like_its_utf8_original(tmp_path):
    text = (RAW_DIR / ANNEX).read_text("utf-8")
    raw = corpus(tmp_path, {ANNEX: text.encode("gbk")}, entry(GOOD) + entry(ANNEX, "许昌"))
    result = build_corpus(raw)
    annex = next(f for f in result.facts if f.source.name == ANNEX)
    assert annex.source.encoding == "gb18030" and len(annex.measures) == 55


def test_a_truncated_table_row_is_noted_and_the_other_rows_kept(tmp_path):
    text = (RAW_DIR / ANNEX).read_text("utf-8")
    cut = text.index("\t(55)")
    cut = text.index("\n", cut) + 1  # the task cell of row 55 survives, its unit cells do not
    raw = corpus(tmp_path, {ANNEX: text[:cut].encode("utf-8")}, entry(GOOD) + entry(ANNEX, "许昌"))
    result = build_corpus(raw)
    assert result.errors == []
    annex = next(f for f in result.facts if f.source.name == ANNEX)
    assert len(annex.measures) == 55
    assert any("truncated" in n for n in annex.notes), annex.notes
    codes = {r.measure for r in annex.responsibilities if r.basis is Basis.EXPLICIT}
    assert "(54)" in codes and "(55)" not in codes  # no unit invented for the cut row


# -- refused, with the file and the problem named ------------------------------------------

# The format is read from the content (graph/formats/sniff.py): a Word file or a PDF saved as .txt
# is decoded as what it is, so these damaged ones are refused as damaged Word and PDF files.
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4  # a .docx cut short
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + bytes(range(256)) * 8


@pytest.mark.parametrize("name, data, problem", [
    ("docx.txt", ZIP, "not a readable Word document"),
    ("pdf.txt", PDF, "the PDF is truncated"),
    ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("bom-only.txt", b"\xef\xbb\xbf \r\n\t\r\n", "empty"),
    ("truncated-utf8.txt", CHENGDE.encode("utf-8")[:-2], "truncated"),
    ("mixed.txt", CHENGDE.encode("utf-8") + "附件".encode("gbk") + CHENGDE.encode("utf-8"),
     "mixes encodings"),
    ("latin1.txt", "Plan für Forschung und Entwicklung: Maßnahmen".encode("latin-1") * 3,
     "no recognizable structure"),  # legal GB18030 bytes: decoded, then refused as structureless
    ("utf16-odd.txt", b"\xff\xfe" + "一、总体".encode("utf-16-le") + b"\x00", "UTF-16"),
])
def test_junk_is_refused_by_name_and_the_rest_builds(tmp_path, baseline, name, data, problem):
    result = build_corpus(corpus(tmp_path, {name: data}))
    errors = "\n".join(result.errors)
    assert f"{name}: " in errors and problem in errors, errors
    assert [f.source.name for f in result.facts] == [GOOD]
    good_is_intact(result, baseline)


def test_a_10_mb_file_is_refused_fast_and_the_rest_builds(tmp_path, baseline):
    big = (CHENGDE * (10 * 1024 * 1024 // len(CHENGDE.encode("utf-8")) + 1)).encode("utf-8")
    assert len(big) > 10 * 1024 * 1024
    started = time.perf_counter()
    result = build_corpus(corpus(tmp_path, {"huge.txt": big}))
    assert time.perf_counter() - started < 10  # refused on its size, not after minutes of extraction
    errors = "\n".join(result.errors)
    assert "huge.txt: the file is" in errors and f"{MAX_BYTES}-byte limit" in errors
    good_is_intact(result, baseline)


def test_a_file_just_under_the_limit_is_not_refused_for_its_size():
    text = ("一、总体要求\n" + "加强科技创新。" * 200 + "\n") * 1
    data = text.encode("utf-8")
    data = data * (MAX_BYTES // len(data))
    assert len(data) <= MAX_BYTES
    assert decode("big.txt", data).encoding == "utf-8"


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(DocumentError, match="folder.txt: cannot be read"):
        from graph.textio import read_document

        (tmp_path / "folder.txt").mkdir()
        read_document(tmp_path / "folder.txt")


# -- the manifest ------------------------------------------------------------------------

def test_duplicate_and_missing_manifest_entries_are_reported_and_lose_nothing(tmp_path, baseline):
    bom = b"\xef\xbb\xbf" + CHENGDE.encode("utf-8")
    manifest = (
        entry(GOOD)
        + entry("bom.txt")
        + entry("bom.txt", "许昌")  # a duplicate naming another city: the first one wins
        + entry(GOOD, "常州")  # a duplicate of the good document
        + entry("not-there.txt")  # listed, missing on disk
        + '[[document]]\ncity = "承德"\n'  # no file
        + '[[document]]\nfile = "nocity.txt"\n'  # no city
        + entry("../outside.txt")  # not a plain name
    )
    raw = corpus(tmp_path, {"bom.txt": bom, "nocity.txt": bom, "unlisted.txt": bom}, manifest)
    result = build_corpus(raw)
    warnings, errors = "\n".join(result.warnings), "\n".join(result.errors)
    assert "entry for bom.txt: duplicate entry (first at #2)" in warnings
    assert f"entry for {GOOD}: duplicate entry (first at #1)" in warnings
    assert "#6: 'file' is required" in warnings
    assert "entry for nocity.txt: 'city' is required" in warnings
    assert "unlisted.txt: not listed in sources.toml; skipped" in warnings
    assert "not-there.txt: file not found" in errors
    assert "../outside.txt: file names must be plain names" in errors
    assert sorted(f.source.name for f in result.facts) == ["bom.txt", GOOD]
    bom_facts = next(f for f in result.facts if f.source.name == "bom.txt")
    assert result.cities[bom_facts.meta.city_code].name == "承德市"  # the first entry's city
    good_is_intact(result, baseline)


@pytest.mark.parametrize("manifest, problem", [
    ("[[document]]\nfile = 'a.txt'\ncity = '承德'\n".encode("gbk"), "must be UTF-8"),
    (b"document = 3\n", "array of tables"),
    (b"\x00\x01\x02", "not valid TOML"),
])
def test_an_unreadable_manifest_is_refused_whole(tmp_path, manifest, problem):
    raw = corpus(tmp_path, {})
    (raw / "sources.toml").write_bytes(manifest)
    with pytest.raises(ManifestError, match=problem):
        build_corpus(raw)


def test_no_manifest_is_refused(tmp_path):
    (tmp_path / GOOD).write_text(CHENGDE, "utf-8")
    with pytest.raises(ManifestError, match="no manifest"):
        build_corpus(tmp_path)
