"""Build the corpus: manifest → documents → facts → one RDF dataset.

A document that cannot be read, has no structure or names an unknown city is
reported by name and left out; every other document still builds.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .extract import Extractor
from .gazetteer import City, Gazetteer, default_gazetteer
from .manifest import MANIFEST_NAME, load_manifest
from .model import Basis, DocumentFacts, Form, Responsibility
from .normalize import squash
from .orgs import OrgResolver
from .rdf import CorpusLinks, Quad, document_quads, report_quads
from .report import corpus_report
from .research_rdf import corpus_toolkit_quads
from .schemes import load_schemes
from .textio import DocumentError, read_document
from .trig import deterministic_trig
from .vocab import SCHEMES_GRAPH


@dataclass
class BuildResult:
    quads: list[Quad]  # the whole dataset, in no particular order
    facts: list[DocumentFacts]
    cities: dict[str, City]
    errors: list[str] = field(default_factory=list)  # documents left out, and why
    warnings: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # file -> why it was left out

    @property
    def triple_count(self) -> int:
        return len(self.quads)


Progress = Callable[[str], None]


@dataclass
class Extracted:
    """The facts stage's output for a corpus: what built, and what was refused and why."""

    facts: list[DocumentFacts]
    cities: dict[str, City]
    errors: list[str]  # one line per refused document, file name first
    warnings: list[str]
    refused: dict[str, str] = field(default_factory=dict)  # file -> why


def extract_corpus(raw_dir: Path, progress: Progress | None = None) -> Extracted:
    manifest = load_manifest(raw_dir)
    gazetteer = default_gazetteer()
    schemes = load_schemes()
    extractor = Extractor(schemes, OrgResolver(schemes, gazetteer))
    warnings: list[str] = list(manifest.problems)
    facts: list[DocumentFacts] = []
    cities: dict[str, City] = {}
    refused: dict[str, str] = {}
    listed = {e.file for e in manifest.entries}
    for path in sorted(raw_dir.iterdir()):
        if path.is_file() and path.name != MANIFEST_NAME and path.name not in listed and not path.name.startswith("."):
            warnings.append(f"{path.name}: not listed in {MANIFEST_NAME}; skipped")
    for entry in sorted(manifest.entries, key=lambda e: e.file):
        if progress:
            progress(entry.file)
        city = gazetteer.resolve(entry.city)
        if city is None:
            refused[entry.file] = f"{_unknown_jurisdiction(gazetteer, entry.city)} in {MANIFEST_NAME}"
            continue
        if "/" in entry.file or "\\" in entry.file or entry.file.startswith(".."):
            refused[entry.file] = f"file names must be plain names inside {raw_dir.name}/"
            continue
        try:
            source = read_document(raw_dir / entry.file, entry.file)
            doc_facts = extractor.extract(source, entry, city)
        except DocumentError as exc:
            refused[entry.file] = exc.problem
            continue
        cities[city.code] = city
        facts.append(doc_facts)
        warnings.extend(f"{entry.file}: {note}" for note in source.notes)  # what its decoder could not read
        warnings.extend(doc_facts.meta.conflicts)
    link_annexes(facts, warnings)
    errors = [f"{file}: {why}" for file, why in refused.items()]
    return Extracted(facts, cities, errors, warnings, refused)


def _unknown_jurisdiction(gazetteer: Gazetteer, name: str) -> str:
    """Why a manifest's ``city`` names no jurisdiction, with what it could mean."""
    options = gazetteer.candidates(name)
    if options and all(name.strip() in (c.name, c.short) for c in options):
        listed = ", ".join(f"{gazetteer.describe(c)}" for c in options[:6])
        return f"city {name!r} names {len(options)} jurisdictions: give the code or the qualified name: {listed}"
    hint = f"; did you mean {', '.join(c.name for c in options[:3])}?" if options else ""
    return f"unknown city {name!r} (no GB/T 2260 division of that name){hint}"


def _best_main_measure(heading: str, number: str | None, measures) -> str | None:
    """The main-plan measure an annex row refines: the same heading, else the
    most similar one, with a matching number as a tie-breaker. ``measures``: the
    main plan's (anything with ``code``, ``title`` and ``label``)."""
    target = squash(heading)
    titled = [m for m in measures if m.title]
    for m in titled:
        if squash(m.title) == target:
            return m.code
    best, best_score = None, 0.0
    for m in titled:
        score = difflib.SequenceMatcher(None, target, squash(m.title)).ratio()
        if number and m.label == number:
            score += 0.3
        if score > best_score:
            best, best_score = m.code, score
    return best if best_score >= 0.5 else None


def link_annexes(facts: list[DocumentFacts], warnings: list[str]) -> None:
    """Link annex tasks to the main-plan measures they refine.

    A main measure refined by annex tasks takes its responsibilities from
    them (INHERITED, quoting the annex cell) instead of from the issuer.
    """
    by_file = {f.source.name: f for f in facts}
    for annex in facts:
        main_file = annex.meta.annex_of
        if not main_file:
            continue
        main = by_file.get(main_file)
        if main is None:
            warnings.append(f"{annex.source.name}: annex_of {main_file!r} is not in the corpus")
            continue
        for m in annex.measures:
            row = m.table_row or {}
            heading = row.get("heading")
            if heading is None:
                continue
            number = row.get("number")
            code = _best_main_measure(heading.quote, number.quote.strip() if number else None, main.measures)
            if code:
                annex.refines[m.code] = code
            else:
                warnings.append(f"{annex.source.name} {m.code}: no main-plan measure matches {heading.quote!r}")
        _inherit_from_annex(main, annex)


def _inherit_from_annex(main: DocumentFacts, annex: DocumentFacts) -> None:
    parent = {m.code: m.parent for m in main.measures}
    derived: list[Responsibility] = []
    affected: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    for r in annex.responsibilities:
        target = annex.refines.get(r.measure)
        if target is None or r.basis is not Basis.EXPLICIT:
            continue
        key = (target, r.mention.org.key, r.role.value)
        if key not in seen:
            seen.add(key)
            derived.append(Responsibility(target, r.mention, r.role, Basis.INHERITED, r.span, Form.ANNEX))
        p: str | None = target
        while p is not None:
            affected.add(p)
            p = parent.get(p)
    issuer_keys = {i.org.key for i in main.meta.issuers}
    main.responsibilities = [
        r
        for r in main.responsibilities
        if not (r.measure in affected and r.form is Form.ISSUER and r.mention.org.key in issuer_keys)
    ] + derived


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of tuples are made.

    A build allocates a few container objects per quad and keeps them all; the
    collector's full passes over that growing heap made a 300-city build
    spend a third of its time collecting nothing. Reference counting still
    frees everything as usual; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_corpus(raw_dir: Path, progress: Progress | None = None, reuse: bool = True) -> BuildResult:
    """``reuse=False`` skips the text-reuse pairs (graph.reuse): the bench's baseline."""
    with _no_cyclic_gc():
        corpus = extract_corpus(raw_dir, progress)
        quads: set[Quad] = {(s, p, o, SCHEMES_GRAPH) for s, p, o in load_schemes().graph}
        links = CorpusLinks(corpus.facts)
        gazetteer = default_gazetteer()
        for f in corpus.facts:
            city = corpus.cities[f.meta.city_code]
            quads |= document_quads(f, city, links, tuple(gazetteer.ancestors(city)))
        # policy tools, validity, levels, text reuse and implementation (graph.research_rdf)
        quads |= corpus_toolkit_quads(corpus.facts, corpus.cities, gazetteer, links.pages, reuse=reuse)
        quads |= report_quads(corpus_report(corpus.facts, corpus.refused))
        return BuildResult(list(quads), corpus.facts, corpus.cities, corpus.errors, corpus.warnings, corpus.refused)


TEXT_DIR = "text"  # beside the dataset: the extracted text of every document built into it


def text_path(dataset_dir: Path, file: str) -> Path:
    """Where the build keeps a document's extracted text: ``<dataset dir>/text/<file>.txt``."""
    return dataset_dir / TEXT_DIR / f"{file}.txt"


def write_texts(result: BuildResult, dataset_dir: Path) -> Path:
    """Write each built document's text (what its spans index) as UTF-8, byte for byte the
    string the spans were cut from; drop the texts of documents no longer built."""
    folder = dataset_dir / TEXT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    keep = set()
    for f in result.facts:
        target = text_path(dataset_dir, f.source.name)
        keep.add(target.name)
        data = f.source.text.encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            continue
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    for old in folder.glob("*.txt"):
        if old.name not in keep:
            old.unlink()
    return folder


def serialize_trig(result: BuildResult) -> str:
    """Deterministic TriG: graphs in IRI order, subjects and objects sorted."""
    with _no_cyclic_gc():
        return deterministic_trig(result.quads)
