"""Read a dataset file one named graph at a time: its index, network corpus and version, never the
whole dataset in one store.

Making a start-up cache entry (startup_cache.py) used to read the dataset into an in-memory store:
about 330 bytes a quad (763 MiB at 300 cities, ~31 GiB at 30,000 documents), its queries slower over
the whole graph than over one document's. A dataset policykg builds is written one named graph after
another (graph/trig.py), and a document's graph holds every node its facts point to, its spans
included. So each graph's block is read alone into a small store, the readers (``IndexReader``,
``CorpusReader``) run their queries on it and the store is dropped; the version's multiset hash is
summed graph by graph (``QuadsDigest``). The result equals a reading of the whole (a test checks it).

A file this reading cannot take (a graph in two places, triples outside any graph, a block that does
not parse alone, a fact pointing to a span another graph describes) raises ``NotByGraph``, and the
caller reads the whole file instead, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.network import Corpus
from graph.network.source import CorpusReader
from graph.vocab import DATASET_STAMP_GRAPH

from ..readmodel.index import GraphIndex, IndexReader
from ..readmodel.staged import StagingFile
from ..store.embedded import OxigraphStore
from ..store.protocol import QuadsDigest


class NotByGraph(ValueError):
    """The file cannot be read one named graph at a time; the message says why."""


@dataclass(frozen=True)
class ByGraph:
    index: GraphIndex
    version: str  # what graph_version gives for a store holding the whole file
    corpus: Corpus
    graphs: int


def _directive(line: bytes) -> bool:
    return line.lstrip().lower().startswith((b"@prefix", b"prefix", b"@base", b"base"))


def graph_blocks(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line, TriG text that parses alone) of each top-level block of the file: its prefix lines, then
    the lines of one block, up to a ``}`` alone on a line (graph/trig.py's layout: literals on one
    line, triples indented)."""
    if path.suffix.lower() != ".trig":
        raise NotByGraph(f"{path.name} is not TriG")
    with open(path, "rb") as f:
        header: list[bytes] = []
        n = 0
        for line in f:
            n += 1
            if line.strip() == b"":
                if header:
                    break
                continue
            if not _directive(line):
                raise NotByGraph(f"line {n} is neither a prefix nor the end of the prefixes")
            header.append(line)
        prefixes = b"".join(header) + b"\n"
        block: list[bytes] = []
        first = n + 1
        for line in f:
            n += 1
            if not block and line.strip() == b"":
                first = n + 1
                continue
            if not block and _directive(line):  # it would hold for the blocks after it, not for this one alone
                raise NotByGraph(f"line {n}: a prefix or base after the first graph")
            block.append(line)
            if line == b"}\n":
                yield first, prefixes + b"".join(block)
                block, first = [], n + 1
        if any(line.strip() for line in block):
            raise NotByGraph(f"line {first}: a block with no closing brace")


def read_by_graph(path: Path, sink: Callable[[bytes], None] | None = None,
                  staging: StagingFile | None = None) -> ByGraph:
    """The index, version and network corpus of the dataset file at ``path``, read graph by graph
    (``NotByGraph``: it cannot be); each block's text is also handed to ``sink`` (the start-up cache
    fills its on-disk store from them: the file is read once). ``staging``: where the index's leaf
    record tables are written as they are read (readmodel/staged.py)."""
    index, corpus, digest = IndexReader(staging), CorpusReader(), QuadsDigest()
    seen: set[str] = set()
    stamp = ox.NamedNode(DATASET_STAMP_GRAPH)
    for line, text in graph_blocks(path):
        block = ox.Store()
        try:
            block.load(text, format=ox.RdfFormat.TRIG)
        except (SyntaxError, ValueError) as exc:
            raise NotByGraph(f"the block at line {line} does not parse alone ({exc})") from None
        graphs = list(block.named_graphs())
        if len(graphs) != 1 or any(True for _ in block.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            raise NotByGraph(f"the block at line {line} is not one named graph")
        name = graphs[0].value
        if name in seen:
            raise NotByGraph(f"graph <{name}> comes back at line {line}")
        seen.add(name)
        if sink is not None:
            sink(text)
        store = OxigraphStore(block)
        index.read(store)
        corpus.read(store)
        if graphs[0] != stamp:
            nquads = block.dump(format=ox.RdfFormat.N_QUADS)
            if b"_:" in nquads:  # a blank node: hashed by its stand-in, term by term
                digest.add(block)
            else:
                digest.add_nquads(nquads)
    if index.missing_spans or corpus.missing_spans:
        raise NotByGraph(f"{index.missing_spans + corpus.missing_spans} facts point to spans another graph describes")
    return ByGraph(index.finish(), digest.version(), corpus.finish(), len(seen))
