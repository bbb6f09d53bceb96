"""The streaming build (graph/stream.py): the in-memory build's bytes, one document at a time,
and after one document is added, changed or removed, the bytes of a build from scratch."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from graph.build import build_corpus, serialize_trig
from graph.paths import DATASET_PATH, RAW_DIR
from graph.stream import build_cache_path, stream_corpus, trig_matches, write_trig
from graph.synth import synthesize

GENRE = Path(__file__).resolve().parents[1] / "fixtures" / "genre"


def _streamed(raw: Path) -> bytes:
    out = io.BytesIO()
    stream_corpus(raw, out)
    return out.getvalue()


def test_the_seeds_stream_to_the_committed_dataset(corpus):
    assert _streamed(RAW_DIR) == serialize_trig(corpus).encode("utf-8") == DATASET_PATH.read_bytes()


def test_the_toolkit_corpus_streams_to_the_in_memory_bytes(toolkit_raw, toolkit_corpus):
    assert _streamed(toolkit_raw) == serialize_trig(toolkit_corpus).encode("utf-8")


def test_the_genre_corpus_streams_to_the_in_memory_bytes():
    assert _streamed(GENRE) == serialize_trig(build_corpus(GENRE)).encode("utf-8")


def test_a_synthetic_corpus_streams_to_the_in_memory_bytes(tmp_path):
    synthesize(tmp_path, 6, 3, 11)
    raw = tmp_path / "raw"
    out = io.BytesIO()
    result = stream_corpus(raw, out)
    reference = build_corpus(raw)
    assert out.getvalue() == serialize_trig(reference).encode("utf-8")
    assert result.triple_count == reference.triple_count and result.documents == len(reference.facts)
    assert (result.errors, result.warnings) == (reference.errors, reference.warnings)


@pytest.fixture()
def genre_copy(tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(GENRE, raw, ignore=shutil.ignore_patterns("README.md"))
    return raw


def _manifest_without(raw: Path, file: str) -> str:
    """sources.toml less the [[document]] table of ``file``; returns that table."""
    text = (raw / "sources.toml").read_text("utf-8")
    head, *tables = text.split("[[document]]")
    kept, dropped = [], ""
    for t in tables:
        if f'"{file}"' in t.split("\n", 2)[1] or f"file = \"{file}\"" in t:
            dropped = t
        else:
            kept.append(t)
    assert dropped, f"{file} is not in the manifest"
    (raw / "sources.toml").write_text(head + "".join("[[document]]" + t for t in kept), "utf-8")
    return dropped


def test_one_document_added_changed_or_removed_rebuilds_it_and_its_dependents_only(genre_copy):
    raw = genre_copy
    target = raw.parent / "policykg.trig"
    first = write_trig(raw, target)
    assert first.extracted == first.documents and build_cache_path(target).exists()
    assert target.read_bytes() == _streamed(raw)

    again = write_trig(raw, target)  # nothing changed: nothing extracted, nothing made, all copied by range
    assert (again.extracted, again.graphs_made) == (0, 0)
    assert again.graphs_copied == first.documents + 2  # the schemes and the report too
    assert target.read_bytes() == _streamed(raw)
    assert trig_matches(raw, target)

    # removed: the main plan of an annex (the annex's links go) — nothing is extracted again
    table = _manifest_without(raw, "beijing-2023-plan.txt")
    removed = write_trig(raw, target)
    assert removed.extracted == 0 and removed.documents == first.documents - 1
    assert target.read_bytes() == _streamed(raw)
    assert not (raw.parent / "text" / "beijing-2023-plan.txt.txt").exists()

    # added back: only it is extracted; its graph, its annex's, the report and any linked to it are made
    with (raw / "sources.toml").open("a", encoding="utf-8") as f:
        f.write("[[document]]" + table)
    added = write_trig(raw, target)
    assert added.extracted == 1 and added.documents == first.documents
    assert 3 <= added.graphs_made < first.documents
    assert added.graphs_copied == first.documents + 2 - added.graphs_made  # the rest by byte range
    assert target.read_bytes() == _streamed(raw)
    assert (raw.parent / "text" / "beijing-2023-plan.txt.txt").exists()

    # changed: one more sentence in one document
    doc = raw / "nanyang-2023-plan.txt"
    doc.write_text(doc.read_text("utf-8") + "\n本方案由市科技局负责解释。\n", "utf-8")
    changed = write_trig(raw, target)
    assert changed.extracted == 1 and changed.graphs_made < first.documents
    assert target.read_bytes() == _streamed(raw)
    assert not trig_matches(raw, target.with_name("other.trig"))


def test_an_output_written_over_since_is_not_copied_from(genre_copy):
    raw = genre_copy
    target = raw.parent / "policykg.trig"
    write_trig(raw, target)
    good = target.read_bytes()
    target.write_bytes(good.replace(b"@prefix", b"@PREFIX", 1))  # same size, another file now
    again = write_trig(raw, target)
    assert (again.graphs_made, again.graphs_copied) == (0, 0)  # every graph from the cache's own copy
    assert target.read_bytes() == good


def test_text_reuse_across_incremental_builds_gives_the_bytes_of_a_build_from_scratch(toolkit_raw, tmp_path):
    """The copier of three 承德 measures added, changed and removed: the rebuilt pairs (looked up in
    the overlaps the last build kept) are those of a build from scratch."""
    raw = tmp_path / "raw"
    shutil.copytree(toolkit_raw, raw)
    target = tmp_path / "policykg.trig"
    table = _manifest_without(raw, "zhangjiakou-2022-plan.txt")
    write_trig(raw, target)
    with (raw / "sources.toml").open("a", encoding="utf-8") as f:
        f.write("[[document]]" + table)
    added = write_trig(raw, target)
    assert added.extracted == 1 and target.read_bytes() == _streamed(raw)
    assert target.read_bytes().count(b"a pk:MeasureSimilarity") >= 3
    doc = raw / "zhangjiakou-2022-plan.txt"
    doc.write_text(doc.read_text("utf-8").replace("。", "，并加强统筹。", 3), "utf-8")
    changed = write_trig(raw, target)
    assert changed.extracted == 1 and target.read_bytes() == _streamed(raw)
    _manifest_without(raw, "zhangjiakou-2022-plan.txt")
    removed = write_trig(raw, target)
    assert removed.extracted == 0 and target.read_bytes() == _streamed(raw)


def test_a_rebuild_is_given_the_overlaps_the_last_build_kept(toolkit_raw, tmp_path, monkeypatch):
    """The overlaps go to the cache as arrays (BuildCache.put_arrays) and come back to text reuse on the
    next build: the pairs it intersected before are looked up, not intersected again."""
    from graph import stream

    raw = tmp_path / "raw"
    shutil.copytree(toolkit_raw, raw)
    target = tmp_path / "policykg.trig"
    given = []
    real = stream.columns_table
    monkeypatch.setattr(stream, "columns_table", lambda columns, known=None: given.append(known) or real(columns, known=known))
    write_trig(raw, target)
    write_trig(raw, target)
    first, second = given
    assert first is None and second is not None and len(second) > 0
    again = stream.BuildCache(build_cache_path(target))
    kept = again.arrays(stream._OVERLAPS, stream.code_version())
    again.close(prune=False)
    assert kept is not None and len(second) == len(kept["pairs"])


def test_a_rebuild_whose_kept_overlaps_lost_a_part_gives_the_same_bytes(toolkit_raw, tmp_path):
    import sqlite3

    raw = tmp_path / "raw"
    shutil.copytree(toolkit_raw, raw)
    target = tmp_path / "policykg.trig"
    write_trig(raw, target)
    with sqlite3.connect(build_cache_path(target)) as db:
        assert db.execute("DELETE FROM arrays WHERE field = 'pairs' AND part = 0").rowcount == 1
    again = write_trig(raw, target)  # the pairs of the lost part intersected again: the same scores, keys, bytes
    assert again.graphs_made == 0 and target.read_bytes() == _streamed(raw)


def test_extraction_in_worker_processes_gives_the_bytes_of_one_process(genre_copy, monkeypatch):
    """``--jobs 2``: documents extracted and graphs made by two spawned workers, gathered in
    manifest and IRI order; the cache they fill serves a one-process rebuild."""
    from graph import stream

    raw = genre_copy
    (raw / "broken.txt").write_bytes(b"\xff\xfe\x00garbage\x00" * 10)  # refused inside a worker
    with (raw / "sources.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[document]]\nfile = "broken.txt"\ncity = "110000"\n')
    one = io.BytesIO()
    alone = stream_corpus(raw, one)
    monkeypatch.setattr(stream, "POOL_MIN", 2)
    here = []  # documents extracted and graphs made in this process: none, the workers did
    real = stream._render
    monkeypatch.setattr(stream, "_render", lambda *a: here.append(a) or real(*a))
    monkeypatch.setattr(stream._Extraction, "extractor", lambda self: here.append(self) or None)
    target = raw.parent / "policykg.trig"
    pooled = write_trig(raw, target, jobs=2)
    assert here == [] and pooled.graphs_made == alone.graphs_made
    monkeypatch.undo()
    assert target.read_bytes() == one.getvalue()
    assert pooled.extracted == alone.extracted == alone.documents + len(alone.refused)
    assert (pooled.errors, pooled.warnings, pooled.refused) == (alone.errors, alone.warnings, alone.refused)
    assert "broken.txt" in pooled.refused
    again = write_trig(raw, target, jobs=1)
    assert (again.extracted, again.graphs_made) == (0, 0) and target.read_bytes() == one.getvalue()


def test_pass_one_holds_compact_documents_and_the_measure_columns(tmp_path):
    """What the build's process holds of each document after extraction: no headings, no measure
    objects (their texts are in the corpus's columns, in manifest order), one City per city;
    an annex's main plan's headings are read back from the cache when linked."""
    from graph import stream
    from graph.build_cache import BuildCache

    cache = BuildCache(tmp_path / "build.sqlite")
    ex = stream._Extraction(RAW_DIR, cache, None)
    ex.run()
    docs = ex.documents
    assert docs and not hasattr(docs[0], "__dict__") and not hasattr(docs[0], "headings")
    assert all(d.texts is None and d.warnings == () for d in docs)
    assert [d.file for d in docs] == sorted(d.file for d in docs) == ex.columns.files
    assert len({id(d.city) for d in docs}) == len({d.city.code for d in docs})
    assert len(ex.columns) == sum(len(cache.summary(d.key).measures) for d in docs)
    assert any(d.annex_of for d in docs)  # the seeds' annexes: linked from headings read back
    ln = stream._link(docs, ex.columns, cache, ex.gazetteer, True)
    assert ln.refines and len(ex.columns._texts()[1]) == 0  # linked; signatures let go after text reuse
    cache.close(prune=False)
