"""The corpus built one document at a time, and rebuilt one document at a time.

``build_corpus`` (graph/build.py) holds every document's facts and every quad
at once: memory grows with the corpus. This build makes the same TriG, byte
for byte, in two passes over the manifest:

1. **extract**: each document is read and extracted alone; its facts and a
   :class:`DocumentSummary` (what the corpus-level links need: 文号 and title
   for citations, measure headings for annex links, citations for
   implementation, the report line, the measure texts text reuse compares) go
   to the cache on disk (graph/build_cache.py). What stays in memory is less:
   a :class:`_Document` (no headings: a main plan's are read back when an
   annex refines it; one City per city), and the measure texts appended to
   the corpus's columns (reuse.MeasureColumns: flat arrays of shingles and
   signatures, one per distinct text), in manifest order as each document's
   turn comes;
2. **link and write**: the corpus-level links are computed from the
   summaries, then each named graph, in IRI order, is made from its
   document's facts (loaded back, with its annexes'), written to the file
   and let go.

The TriG of a graph is cached too, keyed by the document's facts key and
every corpus-level input its graph reads (:func:`_own_key`, :func:`_graph_key`),
so after one document is added, changed or removed only its graph, the graphs
whose links it changes (its main plan, documents citing it, measures similar to
its) and the report are made again. Every other graph is copied by byte range
from the file the build replaces (:class:`_Output`; the cache keeps that file's
layout and identity), or from the cache when that file is gone or was written
over. A graph made again only because its similarities changed reuses its own
part's rendered subject blocks (cached apart) and renders just the similarities;
text reuse itself looks up the shingle overlaps of the pairs an earlier build
intersected (reuse.Overlaps, kept in the cache as raw arrays and read back a part
at a time). What stays in memory is the documents as above (~19 KiB each at
3,000 documents, most of it the signatures) and, once text reuse is done, its
pairs, not the facts or the quads (bench/results-scale.md).

With ``jobs`` > 1, the documents to extract and then the graphs to make are
handed to spawned worker processes and their results taken back in order, so
the bytes are those of one process.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .build import (TEXT_DIR, _best_main_measure, _inherit_from_annex, _no_cyclic_gc, _unknown_jurisdiction,
                    text_path)
from .build_cache import CACHE_FILE, BuildCache, code_version, digest, pack, pack_trig, unpack
from .extract import Extractor
from .gazetteer import City, default_gazetteer
from .levels import CitingPolicy, Implementation, citing_policy, implementations_of, policy_level
from .manifest import MANIFEST_NAME, load_manifest
from .model import CitationKind, DocumentFacts, ManifestEntry
from .orgs import OrgResolver
from .rdf import REPORT_GRAPH_NAME, CorpusLinks, Quad, document_quads, graph_iri, report_quads
from .report import DocumentReport, document_report, refused_report
from .research_rdf import city_names, similarity_quads, toolkit_quads
from .reuse import (DocumentTexts, KnownOverlaps, MeasureColumns, Overlaps, Similarity, SimilarityTable, columns_table,
                    document_measure_texts, document_texts)
from .schemes import load_schemes
from .textio import DocumentError, read_document
from .trig import blocks_text, graph_text, merge_blocks, subject_blocks, trig_prefixes
from .vocab import ID, SCHEMES_GRAPH

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class MeasureHeading:
    """What an annex row is matched against (graph.build._best_main_measure)."""

    code: str
    title: str | None
    label: str


@dataclass
class DocumentSummary:
    """What the corpus needs of one built document while the others are written."""

    file: str
    key: str  # its facts in the cache
    city: City
    title: str
    doc_number: str | None
    issued: str | None
    annex_of: str | None
    pages: tuple[int, ...]
    level: str  # graph.levels.policy_level
    text_digest: str  # of its extracted text (text/<file>.txt is current when it matches)
    headings: tuple[MeasureHeading, ...]  # its titled measures, for annexes that refine them
    annex_rows: tuple[tuple[str, str, str | None], ...]  # its task rows: (code, heading, number)
    citing: CitingPolicy
    report: DocumentReport
    measures: DocumentTexts  # text reuse's input, hashed (date and group set when linked)
    warnings: tuple[str, ...]


@dataclass(slots=True)
class _Document:
    """What pass 2 holds of one document: a :class:`DocumentSummary` less its headings (read back
    from the cache for a main plan an annex refines) and its measure texts (moved into the corpus's
    reuse.MeasureColumns as it is kept), its city shared with the other documents of that city.
    A summary unpickled whole is ~300 objects; this is a few dozen."""

    file: str
    key: str
    city: City
    title: str
    doc_number: str | None
    issued: str | None
    annex_of: str | None
    pages: tuple[int, ...]
    level: str
    text_digest: str
    annex_rows: tuple[tuple[str, str, str | None], ...]
    citing: CitingPolicy
    report: DocumentReport
    texts: DocumentTexts | None  # until added to the columns (in manifest order)
    warnings: tuple[str, ...]
    measures: int = -1  # its document number in the columns


@dataclass
class StreamResult:
    """What ``policykg build`` reports of a build; the facts and quads are not kept."""

    documents: int
    triple_count: int
    cities: dict[str, City]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    extracted: int = 0  # documents extracted in this build (the others came from the cache)
    graphs_made: int = 0  # named graphs made in this build (the others copied from the cache)
    graphs_copied: int = 0  # of those not made, copied by byte range from the previous output


def _summarize(facts: DocumentFacts, key: str, city: City, names: tuple[str, ...]) -> DocumentSummary:
    src, meta = facts.source, facts.meta
    rows = []
    for m in facts.measures:
        row = m.table_row or {}
        heading = row.get("heading")
        if heading is not None:
            number = row.get("number")
            rows.append((m.code, heading.quote, number.quote.strip() if number else None))
    return DocumentSummary(
        file=src.name, key=key, city=city, title=meta.title, doc_number=meta.doc_number, issued=meta.issued,
        annex_of=meta.annex_of, pages=tuple(src.pages), level=policy_level(facts, city),
        text_digest=hashlib.sha256(src.text.encode("utf-8")).hexdigest(),
        headings=tuple(MeasureHeading(m.code, m.title, m.label) for m in facts.measures if m.title),
        annex_rows=tuple(rows), citing=citing_policy(facts), report=document_report(facts),
        # dated and grouped as a document that is no annex: an annex's are set when linked
        measures=document_texts(document_measure_texts(facts, names, meta.issued, src.name)),
        warnings=tuple(f"{src.name}: {note}" for note in src.notes) + tuple(meta.conflicts),
    )


@dataclass(frozen=True, slots=True)
class _Pending:
    """A document not in the cache: what extracting it needs."""

    entry: ManifestEntry
    city: City
    key: str | None  # None: its bytes could not be read (read_document says why)


POOL_MIN = 32  # fewer documents to extract than this: in this process (a worker takes a second to start)
_worker: tuple[Extractor, object] | None = None


def _init_worker() -> None:
    global _worker
    gc.disable()  # as in the parent (graph.build._no_cyclic_gc): extraction makes many small objects
    schemes = load_schemes()
    gazetteer = default_gazetteer()
    _worker = (Extractor(schemes, OrgResolver(schemes, gazetteer)), gazetteer)


def _extract_packed(job: tuple[Path, ManifestEntry, City, str]) -> tuple[str | None, bytes | None, bytes | None]:
    """One document extracted in a worker: (why it is refused, or None; its summary; its facts), packed
    for the cache here, so that the parent only stores them."""
    raw_dir, entry, city, key = job
    extractor, gazetteer = _worker
    try:
        source = read_document(raw_dir / entry.file, entry.file)
        facts = extractor.extract(source, entry, city)
    except DocumentError as exc:
        return exc.problem, None, None
    return None, pack(_summarize(facts, key, city, city_names(city, gazetteer)), compress=False), pack(facts)


def _kept(cache: BuildCache, name: str, make: Callable[[], object]):
    """What ``make`` gives, as the cache kept it for this code version (unpickling the parsed ontology
    or the gazetteer is a few hundredths of making them, which was most of adding one document)."""
    kept = cache.state(name)
    if kept is not None and kept[0] == code_version():
        return kept[1]
    value = make()
    cache.put_state(name, (code_version(), value))
    return value


class _Extraction:
    """Pass 1: every manifest line extracted (or found in the cache), summaries kept."""

    def __init__(self, raw_dir: Path, cache: BuildCache, progress: Progress | None) -> None:
        self.raw_dir, self.cache, self.progress = raw_dir, cache, progress
        self.gazetteer = _kept(cache, _GAZETTEER, default_gazetteer)
        self._extractor: Extractor | None = None  # made on the first miss: a warm rebuild needs none
        self.documents: list[_Document] = []
        self.columns = MeasureColumns()  # every kept document's measure texts, in manifest order
        self._cities: dict[City, City] = {}
        self._upto = 0  # outcomes kept so far
        self.refused: dict[str, str] = {}
        self.warnings: list[str] = []
        self.extracted = 0

    def extractor(self) -> Extractor:
        if self._extractor is None:
            schemes = _kept(self.cache, _SCHEMES, load_schemes)
            self._extractor = Extractor(schemes, OrgResolver(schemes, self.gazetteer))
        return self._extractor

    def run(self, jobs: int = 1) -> None:
        manifest = load_manifest(self.raw_dir)
        self.warnings.extend(manifest.problems)
        listed = {e.file for e in manifest.entries}
        for path in sorted(self.raw_dir.iterdir()):
            if (path.is_file() and path.name != MANIFEST_NAME and path.name not in listed
                    and not path.name.startswith(".")):
                self.warnings.append(f"{path.name}: not listed in {MANIFEST_NAME}; skipped")
        entries = sorted(manifest.entries, key=lambda e: e.file)
        outcomes: list[_Document | str | _Pending] = []
        for entry in entries:
            if self.progress:
                self.progress(entry.file)
            outcomes.append(self._lookup(entry))
            self._keep(entries, outcomes)
        pending = [(i, o) for i, o in enumerate(outcomes) if isinstance(o, _Pending)]
        if jobs > 1 and len(pending) >= POOL_MIN:
            for i, got in self._extract_in_pool([o for _, o in pending], jobs):
                outcomes[pending[i][0]] = got
                self._keep(entries, outcomes)
        else:
            for i, o in pending:
                outcomes[i] = self._extract(o.entry, o.city, o.key)
                self._keep(entries, outcomes)
        assert self._upto == len(entries)

    def _keep(self, entries: list[ManifestEntry], outcomes: list) -> None:
        """The outcomes known from the last kept on, in manifest order whichever process extracted
        what (the same documents, refusals, warnings), each document's measure texts into the
        columns as soon as its turn comes: no corpus of them waits in memory."""
        at = self._upto
        while at < len(outcomes) and not isinstance(got := outcomes[at], _Pending):
            if isinstance(got, str):  # refused, and why
                self.refused[entries[at].file] = got
            else:
                got.measures = self.columns.add_document(got.file, got.texts)
                got.texts = None
                self.documents.append(got)
                self.warnings.extend(got.warnings)
                got.warnings = ()
            outcomes[at] = None
            at += 1
        self._upto = at

    def _held(self, summary: DocumentSummary) -> _Document:
        s = summary
        city = self._cities.setdefault(s.city, s.city)
        return _Document(s.file, s.key, city, s.title, s.doc_number, s.issued, s.annex_of, s.pages, s.level,
                         s.text_digest, s.annex_rows, s.citing, s.report, s.measures, s.warnings)

    def _lookup(self, entry: ManifestEntry) -> _Document | str | _Pending:
        """The document's summary from the cache, why it is refused, or what extracting it needs."""
        city = self.gazetteer.resolve(entry.city)
        if city is None:
            return f"{_unknown_jurisdiction(self.gazetteer, entry.city)} in {MANIFEST_NAME}"
        if "/" in entry.file or "\\" in entry.file or entry.file.startswith(".."):
            return f"file names must be plain names inside {self.raw_dir.name}/"
        try:
            data = (self.raw_dir / entry.file).read_bytes()
        except OSError:
            data = None  # read_document names the problem
        key = digest(code_version(), entry, city, data) if data is not None else None
        cached = self.cache.summary(key) if key else None
        if cached is None:
            return _Pending(entry, city, key)
        return cached if isinstance(cached, str) else self._held(cached)

    def _extract_in_pool(self, pending: list[_Pending], jobs: int):
        """(index in ``pending``, summary or refusal), extracted by ``jobs`` processes, in order."""
        todo = [k for k, o in enumerate(pending) if o.key]
        for k, o in enumerate(pending):
            if not o.key:  # not readable as bytes: refused or kept for this build only, here
                yield k, self._extract(o.entry, o.city, o.key)
        _kept(self.cache, _SCHEMES, load_schemes)  # for the next build's extraction in this process
        ctx = multiprocessing.get_context("spawn")  # no fork: a server calling this has threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker) as pool:
            done = pool.map(_extract_packed, [(self.raw_dir, pending[k].entry, pending[k].city, pending[k].key)
                                              for k in todo], chunksize=2)
            for k, (problem, summary, facts) in zip(todo, done):
                self.extracted += 1
                key = pending[k].key
                if problem is not None:
                    self.cache.put_packed(key, pack(problem), None)
                    yield k, problem
                else:
                    self.cache.put_packed(key, summary, facts)
                    if self.progress:
                        self.progress(pending[k].entry.file)
                    yield k, self._held(unpack(summary))

    def _extract(self, entry: ManifestEntry, city: City, key: str | None) -> _Document | str:
        self.extracted += 1
        try:
            source = read_document(self.raw_dir / entry.file, entry.file)
            facts = self.extractor().extract(source, entry, city)
        except DocumentError as exc:
            if key:
                self.cache.put_facts(key, exc.problem, None)
            return exc.problem
        summary = _summarize(facts, key or "", city, city_names(city, self.gazetteer))
        if key:
            self.cache.put_facts(key, summary, facts)
        else:  # not readable as bytes yet extracted: keep it for this build only
            summary.key = digest("uncached", entry.file, id(facts))
            self.cache.put_facts(summary.key, summary, facts)
        return self._held(summary)


@dataclass
class _Links:
    """Pass 2's corpus-level inputs, computed from the summaries alone."""

    links: CorpusLinks
    refines: dict[str, dict[str, str]]  # annex file -> its code -> the main plan's code
    annexes: dict[str, list[str]]  # main file -> its annexes' files, in corpus order
    similarities: SimilarityTable  # made into each document's list as its graph is written
    implements: dict[str, list[Implementation]]
    warnings: list[str]


def _link(summaries: list[_Document], columns: MeasureColumns, cache: BuildCache, gazetteer, reuse: bool,
          known: KnownOverlaps | None = None) -> _Links:
    """The corpus-level links; the columns' shingles and signatures are let go once text reuse is done."""
    by_file = {s.file: s for s in summaries}
    warnings: list[str] = []
    refines: dict[str, dict[str, str]] = {}
    annexes: dict[str, list[str]] = {}
    headings: dict[str, tuple[MeasureHeading, ...]] = {}  # of the main plans annexes refine
    for annex in summaries:  # graph.build.link_annexes, on headings instead of facts
        if not annex.annex_of:
            continue
        main = by_file.get(annex.annex_of)
        if main is None:
            warnings.append(f"{annex.file}: annex_of {annex.annex_of!r} is not in the corpus")
            continue
        if main.file not in headings:
            headings[main.file] = cache.summary(main.key).headings
        mine = refines.setdefault(annex.file, {})
        for code, heading, number in annex.annex_rows:
            target = _best_main_measure(heading, number, headings[main.file])
            if target:
                mine[code] = target
            else:
                warnings.append(f"{annex.file} {code}: no main-plan measure matches {heading!r}")
        annexes.setdefault(main.file, []).append(annex.file)
    del headings
    if reuse:
        for s in summaries:  # graph.reuse.measure_texts: an annex dates from its main document
            main = by_file.get(s.annex_of or "")
            columns.set_document(s.measures, s.issued or (main.issued if main else None),
                                 main.file if main else s.file)
        sims = columns_table(columns, known=known)
    else:
        columns.drop_texts()
        sims = columns_table(MeasureColumns())
    impl: dict[str, list[Implementation]] = {}
    for i in implementations_of([s.citing for s in summaries], gazetteer):
        impl.setdefault(i.citing, []).append(i)
    links = CorpusLinks.from_documents((s.file, s.doc_number, s.title, s.pages) for s in summaries)
    return _Links(links, refines, annexes, sims, impl, warnings)


def _own_key(s: _Document, ln: _Links, by_file: dict[str, _Document]) -> str:
    """Everything the document's graph is made from but its similarities: its facts, and the
    corpus-level inputs (annex links, citation targets, implementations) it reads."""
    targets = tuple(
        ln.links.policy_by_number.get(c.doc_number or "") or ln.links.policy_by_title.get(c.title)
        for c, _ in s.citing.citations if c.kind not in (CitationKind.PLANNED, CitationKind.PROGRAMME)
    )
    annexes = tuple((by_file[a].key, sorted(ln.refines.get(a, {}).items())) for a in ln.annexes.get(s.file, ()))
    impl = tuple((i.cited, i.citation.span.start, i.citation.span.end) for i in ln.implements.get(s.file, []))
    return digest("own", s.key, sorted(ln.refines.get(s.file, {}).items()), annexes, targets, impl)


def _graph_key(own: str, similar: str | None) -> str:
    """The whole graph's: its own part's key and its similarities' digest (SimilarityTable.digests:
    each pair's two measures by their documents' facts keys, which stand for their texts and pages)."""
    return digest("document", own, similar)


def _quads_of(facts: DocumentFacts, annexes: list[tuple[DocumentFacts, dict[str, str]]], refines: dict[str, str],
              city: City, ancestors: tuple[City, ...], level: str, links: CorpusLinks,
              implements: list[Implementation]) -> set[Quad]:
    """A document's graph but its similarities, from its facts and its annexes' (with their links)."""
    facts.refines = dict(refines)
    for annex, annex_refines in annexes:
        annex.refines = dict(annex_refines)
        _inherit_from_annex(facts, annex)
    quads = document_quads(facts, city, links, ancestors)
    quads |= toolkit_quads(facts, level, [], implements, links.pages)
    return quads


def _own_quads(s: _Document, ln: _Links, cache: BuildCache, by_file, gazetteer) -> set[Quad]:
    annexes = [(cache.facts(by_file[a].key), ln.refines.get(a, {})) for a in ln.annexes.get(s.file, ())]
    return _quads_of(cache.facts(s.key), annexes, ln.refines.get(s.file, {}), s.city,
                     tuple(gazetteer.ancestors(s.city)), s.level, ln.links, ln.implements.get(s.file, []))


def _render(file: str, own: Callable[[], set[Quad]], blocks: list | None, similar: list[Similarity],
            pages) -> tuple[int, bytes, list | None]:
    """A document's graph (triples, TriG, and its own part's subject blocks when they had to be made):
    the own part's blocks (cached when only its similarities changed, what another document's
    arrival changes most) merged with its similarities'."""
    made = None
    if blocks is None:
        made = own()
        blocks = subject_blocks((a, b, c) for a, b, c, _ in made)
    sims = similarity_quads(file, similar, pages)
    merged = merge_blocks(blocks, subject_blocks((a, b, c) for a, b, c, _ in sims)) if sims else blocks
    new = blocks if made is not None else None
    if merged is None:  # a subject of both with other triples in each: written from the union
        quads = (made if made is not None else own()) | sims
        return len(quads), graph_text(quads).encode("utf-8"), new
    return sum(n for _, _, n in merged), blocks_text(graph_iri(file), merged).encode("utf-8"), new


def _document_graph(s: _Document, ln: _Links, cache: BuildCache, by_file, gazetteer, own_key: str,
                    similar: list[Similarity]) -> tuple[int, bytes]:
    count, block, made = _render(s.file, lambda: _own_quads(s, ln, cache, by_file, gazetteer),
                                 cache.part(own_key), similar, ln.links.pages)
    if made is not None:
        cache.put_part(own_key, made)
    return count, block


# -- making document graphs in worker processes (a cold build: as long as extracting)
_links: CorpusLinks | None = None


def _init_renderer(links: CorpusLinks) -> None:
    global _links
    gc.disable()
    _links = links


def _render_job(s: _Document, ln: _Links, cache: BuildCache, by_file, gazetteer, own_key: str) -> tuple:
    """What a worker needs to make one document's graph: its facts and its annexes' as stored, and
    its corpus-level inputs."""
    part = cache.part_blob(own_key)
    return (s.file, cache.facts_blob(s.key),
            [(cache.facts_blob(by_file[a].key), ln.refines.get(a, {})) for a in ln.annexes.get(s.file, ())],
            ln.refines.get(s.file, {}), s.city, tuple(gazetteer.ancestors(s.city)), s.level,
            ln.implements.get(s.file, []), ln.similarities.for_document(s.file), part)


def _render_packed(job: tuple) -> tuple[int, bytes, bytes, bytes | None]:
    """(triples, TriG, the TriG packed for the cache, the own part packed if made): the packing done
    here, not in the parent, which writes every worker's output."""
    file, facts, annexes, refines, city, ancestors, level, implements, similar, part = job
    count, block, made = _render(
        file, lambda: _quads_of(unpack(facts), [(unpack(a), r) for a, r in annexes], refines, city, ancestors,
                                level, _links, implements),
        unpack(part) if part is not None else None, similar, _links.pages)
    return count, block, pack_trig(block), pack(made) if made is not None else None


def _in_order(pool: ProcessPoolExecutor, fn, jobs, ahead: int):
    """``pool.map`` with at most ``ahead`` jobs in flight: a job holds a document's facts."""
    window: deque = deque()
    for job in jobs:
        window.append(pool.submit(fn, job))
        if len(window) >= ahead:
            yield window.popleft().result()
    while window:
        yield window.popleft().result()


def _write_text(s: _Document, cache: BuildCache, texts: Path) -> None:
    """text/<file>.txt, rewritten only when it is not the document's text already."""
    target = text_path(texts.parent, s.file)
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == s.text_digest:
        return
    data = cache.facts(s.key).source.text.encode("utf-8")
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def stream_corpus(raw_dir: Path, out: BinaryIO, cache_path: Path | None = None, texts_dir: Path | None = None,
                  progress: Progress | None = None, reuse: bool = True, previous: Path | None = None,
                  jobs: int = 1) -> StreamResult:
    """Write the corpus's TriG to ``out`` graph by graph; the bytes ``serialize_trig(build_corpus(...))`` gives.

    ``cache_path``: the SQLite file of graph/build_cache.py (None: a cache for this build only).
    ``texts_dir``: where each built document's extracted text is kept (``<dataset dir>/text``).
    ``previous``: the file ``out`` will replace (``out`` a file too): the graphs it holds unchanged
    are copied from it, and ``out``'s layout is kept in the cache for the next build.
    ``jobs``: processes extracting documents (graph/extract_pool.py); the bytes do not depend on it.
    """
    with _no_cyclic_gc():
        cache = BuildCache(cache_path)
        try:
            result = _stream(raw_dir, out, cache, texts_dir, progress, reuse, previous, jobs)
        except BaseException:
            cache.close(prune=False)
            raise
        cache.close()
        return result


def _stream(raw_dir, out, cache, texts_dir, progress, reuse, previous, jobs) -> StreamResult:
    ex = _Extraction(raw_dir, cache, progress)
    ex.run(jobs)
    summaries, gazetteer = ex.documents, ex.gazetteer
    by_file = {s.file: s for s in summaries}
    code = code_version()
    ln = _link(summaries, ex.columns, cache, gazetteer, reuse, _KeptOverlaps.of(cache, code))
    cache.put_arrays(_OVERLAPS, code, {"pairs": ln.similarities.overlaps.pairs,
                                       "shared": ln.similarities.overlaps.shared})
    ln.similarities.overlaps = Overlaps.none()  # stored for the next build: not needed here
    reports = sorted([s.report for s in summaries] + [refused_report(f, why) for f, why in ex.refused.items()],
                     key=lambda r: r.document)

    # every named graph, in IRI order, and how it is made (two documents may share a graph's IRI):
    # a maker gives the graph's cache key, what makes its quads and (a document's) what makes its
    # triple count and TriG from cached parts, here or (its job) in a worker, when its turn comes
    makers: dict[str, list[Callable[[], tuple[str, Callable[[], set[Quad]],
                                              Callable[[], tuple[int, bytes]] | None,
                                              Callable[[], tuple[str, tuple]] | None]]]] = {}

    similar_digests = ln.similarities.digests({s.file: s.key for s in summaries})

    def document(s: _Document):
        own = _own_key(s, ln, by_file)
        cache.keep_part(own)  # kept while the document is, though its graph was copied whole
        return (_graph_key(own, similar_digests.get(s.file)),
                lambda: _own_quads(s, ln, cache, by_file, gazetteer) | similarity_quads(
                    s.file, ln.similarities.for_document(s.file), ln.links.pages),
                lambda: _document_graph(s, ln, cache, by_file, gazetteer, own, ln.similarities.for_document(s.file)),
                lambda: (own, _render_job(s, ln, cache, by_file, gazetteer, own)))

    makers.setdefault(str(SCHEMES_GRAPH), []).append(lambda: (
        digest("schemes", code), lambda: {(s_, p, o, SCHEMES_GRAPH) for s_, p, o in load_schemes().graph},
        None, None))
    for s in summaries:
        makers.setdefault(str(graph_iri(s.file)), []).append(lambda s=s: document(s))
    if reports:
        makers.setdefault(str(ID[REPORT_GRAPH_NAME]), []).append(lambda: (
            digest("report", code, reports), lambda: report_quads(reports), None, None))

    plan = []  # (key, parts) of each graph in IRI order
    for iri in sorted(makers):
        parts = [maker() for maker in makers[iri]]
        plan.append((digest("graph", code, iri, [k for k, *_ in parts]), parts))
    writer = _Output(out, previous, cache.state(_LAYOUT) if previous is not None else None)
    known = [cache.graph_triples(key) for key, _ in plan]  # None: to be made
    pooled = [k for k, (_, parts) in enumerate(plan) if known[k] is None and len(parts) == 1 and parts[0][3]]
    pool = None
    if jobs > 1 and len(pooled) >= POOL_MIN:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_renderer, initargs=(ln.links,))
        jobs_of = [plan[k][1][0][3] for k in pooled]
        owns: deque[str] = deque()

        def queued():
            for job in jobs_of:
                own, args = job()
                owns.append(own)
                yield args

        rendered = _in_order(pool, _render_packed, queued(), 4 * jobs)
    pooled_set = set(pooled) if pool is not None else set()
    writer.write(trig_prefixes().encode("utf-8"))
    triples = made = copied = 0
    try:
        for k, (key, parts) in enumerate(plan):
            if known[k] is not None and writer.can_copy(key):
                writer.copy(key)
                triples += known[k]
                copied += 1
                continue
            hit = cache.graph(key) if known[k] is not None else None
            if hit is None:
                if k in pooled_set:
                    count, block, packed, part = next(rendered)
                    own = owns.popleft()
                    if part is not None:
                        cache.put_packed_part(own, part)
                    cache.put_graph(key, count, block, packed)
                    made += 1
                    triples += count
                    writer.write(block, key)
                    continue
                if len(parts) == 1 and parts[0][2] is not None:
                    hit = parts[0][2]()
                else:
                    quads: set[Quad] = set()
                    for _, make, *_ in parts:
                        quads |= make()
                    hit = (len(quads), graph_text(quads).encode("utf-8") if quads else b"")
                cache.put_graph(key, *hit)
                made += 1
            triples += hit[0]
            writer.write(hit[1], key)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    layout = writer.finish()
    if layout is not None:
        cache.put_state(_LAYOUT, layout)
    if texts_dir is not None:
        texts_dir.mkdir(parents=True, exist_ok=True)
        keep = set()
        for s in summaries:
            keep.add(text_path(texts_dir.parent, s.file).name)
            _write_text(s, cache, texts_dir)
        for old in texts_dir.glob("*.txt"):
            if old.name not in keep:
                old.unlink()
    warnings = ex.warnings + ln.warnings
    errors = [f"{file}: {why}" for file, why in ex.refused.items()]
    cities = {s.city.code: s.city for s in summaries}
    return StreamResult(len(summaries), triples, cities, errors, warnings, ex.refused, ex.extracted, made,
                        copied)


@dataclass(frozen=True)
class _KeptOverlaps:
    """The last build's text-reuse overlaps as the cache keeps them, read a part at a time by the
    lookup (reuse.KnownOverlaps): at 30,000 documents ~340 MiB that a rebuild need not hold."""

    cache: BuildCache
    code: str
    length: int

    @staticmethod
    def of(cache: BuildCache, code: str) -> _KeptOverlaps | None:
        """None: none kept, or kept by other code (whose pairs may not score the same)."""
        length = cache.array_length(_OVERLAPS, code)
        return None if not length else _KeptOverlaps(cache, code, length)

    def __len__(self) -> int:
        return self.length

    def parts(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        try:
            for part in self.cache.array_parts(_OVERLAPS, self.code):
                yield part["pairs"], part["shared"]
        except ValueError:  # a part missing: the pairs not found yet are intersected, the same scores
            return


_LAYOUT = "output-layout"
_OVERLAPS = "reuse-overlaps"
_SCHEMES = "schemes"
_GAZETTEER = "gazetteer"


@dataclass(frozen=True)
class _Layout:
    """Where each graph's bytes are in the file a build wrote, and which file that is
    (its size, modification time and inode: a file written over since is not trusted)."""

    identity: tuple[int, int, int, int]
    ranges: dict[str, tuple[int, int]]  # graph key -> (offset, length)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


class _Output:
    """The TriG being written, with each graph's range recorded; a graph the previous output
    holds under the same key is copied from it by byte range (runs of unchanged graphs as one
    copy, in the kernel when the file system allows), not decompressed and written again."""

    def __init__(self, out: BinaryIO, previous: Path | None, layout: _Layout | None) -> None:
        self.out, self.at = out, 0
        self.ranges: dict[str, tuple[int, int]] = {}
        self._src = None
        self._pending: tuple[int, int] | None = None  # (offset, end) in the previous file, not copied yet
        try:
            self._fd = out.fileno()
            out.flush()  # from here on, bytes go to the descriptor
        except (AttributeError, OSError, ValueError):  # io.BytesIO: through its write
            self._fd = None
        self.recording = previous is not None and self._fd is not None
        if self.recording and layout is not None:
            try:
                src = open(previous, "rb")
            except OSError:
                return
            if _identity(os.fstat(src.fileno())) == layout.identity:
                self._src, self._old = src, layout.ranges
            else:
                src.close()

    def can_copy(self, key: str) -> bool:
        return self._src is not None and key in self._old

    def copy(self, key: str) -> None:
        offset, length = self._old[key]
        if self._pending is not None and self._pending[1] == offset:
            self._pending = (self._pending[0], offset + length)
        else:
            self._flush_copy()
            self._pending = (offset, offset + length)
        self.ranges[key] = (self.at, length)
        self.at += length

    def write(self, data: bytes, key: str | None = None) -> None:
        self._flush_copy()
        self._put(data)
        if key is not None:
            self.ranges[key] = (self.at, len(data))
        self.at += len(data)

    def _put(self, data: bytes) -> None:
        if self._fd is None:
            self.out.write(data)
            return
        view = memoryview(data)  # the descriptor itself: a copy below moves its position, not the buffer's
        while view:
            view = view[os.write(self._fd, view):]

    def _flush_copy(self) -> None:
        if self._pending is None:
            return
        offset, end = self._pending
        self._pending = None
        while offset < end:
            try:
                n = os.copy_file_range(self._src.fileno(), self._fd, end - offset, offset)
            except OSError:  # another file system, an old kernel: through a buffer
                n = 0
            if n <= 0:
                n = len(chunk := os.pread(self._src.fileno(), min(end - offset, 8 << 20), offset))
                if not n:
                    raise OSError(f"{self._src.name}: shorter than the build cache recorded")
                self._put(chunk)
            offset += n

    def finish(self) -> _Layout | None:
        """The new file's layout (None when it is not a file a next build can copy from)."""
        self._flush_copy()
        if self._src is not None:
            self._src.close()
        if not self.recording:
            return None
        return _Layout(_identity(os.fstat(self._fd)), self.ranges)


def build_cache_path(dataset: Path) -> Path:
    """Where a dataset's build cache lives: ``<dataset dir>/cache/build/build.sqlite`` (git-ignored in data/)."""
    return dataset.parent / "cache" / "build" / CACHE_FILE


def write_trig(raw_dir: Path, target: Path, cache: bool = True, progress: Progress | None = None,
               texts: bool = True, jobs: int = 1) -> StreamResult:
    """Build into ``target`` atomically (a reader never sees half a file), texts beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as out:
        result = stream_corpus(raw_dir, out, build_cache_path(target) if cache else None,
                               target.parent / TEXT_DIR if texts else None, progress,
                               previous=target if cache else None, jobs=jobs)
    os.replace(tmp, target)
    return result


def trig_matches(raw_dir: Path, target: Path, cache: bool = True, jobs: int = 1) -> bool:
    """``build --check``: does a fresh build give the bytes on disk?"""
    with tempfile.NamedTemporaryFile(dir=target.parent if target.parent.exists() else None,
                                     prefix=".check-", suffix=".trig") as out:
        stream_corpus(raw_dir, out, build_cache_path(target) if cache and target.parent.exists() else None,
                      jobs=jobs)
        out.flush()
        if not target.exists() or os.path.getsize(out.name) != target.stat().st_size:
            return False
        with open(out.name, "rb") as a, open(target, "rb") as b:
            while True:
                x, y = a.read(1 << 20), b.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    return True
