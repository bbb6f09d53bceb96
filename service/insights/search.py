"""Full-text search over measures and policies: SQLite FTS5 with the trigram tokenizer.

Chinese has no spaces, and a word segmenter splits policy terms wrongly
(科技特派员, 揭榜挂帅, 十百千); the trigram tokenizer indexes every run of three
characters instead, so any substring of three or more characters is found
through the index, and ranked with bm25 (title weighted twice the body).

The index is an SQLite database built once per loaded graph
(``GraphState.derived``): one row per measure (title, full text) and one per
policy (title, 文号, issuers), cited stubs included. With a start-up cache
entry it is a file of the entry that workers share (``SearchIndex``), else it
is in memory.

Terms shorter than three characters cannot use a trigram index. Alone,
they are matched by a scan of the same rows (each row's text kept
lower-cased, ``instr`` in SQL), ranked like bm25 without idf (term frequency
damped by text length); next to a longer term, they filter what the index
found. ``LIKE`` over the FTS table is not used for them: with this SQLite
(3.40) a LIKE pattern of fewer than three characters on a trigram-tokenized
column silently matches nothing.

A section's text contains its subsections' (三、 holds (一) … (五)), so each
measure is indexed by its own words only: its title and the parts of its
text outside its subsections. A hit is then the most precise measure, and
the index is about the size of the documents instead of several times it.

Several terms separated by spaces must all occur (AND). Filters: city,
measure type (a family includes its members), organization (measures that
assign or name it), kind (MEASURE, POLICY, CITED_POLICY). Every hit carries a
snippet with the matches marked, and, for measures, each match as a span of
the source document (``text[start:end] == quote``).

    from service.insights import search
    r = search.search(g, "科技特派员", city="许昌")
    r.total, r.hits[0].snippet, r.hits[0].matches[0]
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..readmodel.index import MEASURE_TYPE_SCHEME
from ..readmodel.records import Span
from .common import derived, resolve_concept
from .databases import GraphDatabase

KINDS = ("MEASURE", "POLICY", "CITED_POLICY")
MAX_TEXT = 200
MIN_TRIGRAM = 3
MARK = ("<mark>", "</mark>")


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: str
    iri: str
    city_iri: str | None
    title: str
    body: str
    # measures: (offset in body, offset in the source document) of each piece of body
    segments: tuple[tuple[int, int], ...] = ()
    document: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # MEASURE | POLICY | CITED_POLICY
    iri: str
    score: float  # higher is better: −bm25, or for short terms a bm25-like score without idf
    city_iri: str | None
    title: str  # with the matches marked
    snippet: str  # a window of the text around the first match, matches marked
    matches: tuple[Span, ...]  # each match in the source document (measures only)


@dataclass(frozen=True, slots=True)
class SearchResult:
    text: str
    mode: str  # "fts5" (index + bm25) or "scan" (terms shorter than three characters)
    total: int
    hits: tuple[Hit, ...]


def trigram_available() -> bool:
    """Whether this Python's sqlite3 has FTS5 with the trigram tokenizer (SQLite ≥ 3.34)."""
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        con.close()
        return True
    except sqlite3.OperationalError:
        return False


SEARCH_FILE = "search.sqlite"  # in a start-up cache entry, beside its index file


class SearchIndex(GraphDatabase):
    """The FTS table (``doc``) and each row's record (``docs``: kind, IRI, city, texts, segments) in one
    SQLite database (databases.py): a file of the start-up cache entry that the workers share, or in
    memory. As a file it replaced a serialized copy that each searching worker unpickled (75 MiB at 3,000
    documents, ~10 × at national scale) beside every row's texts held twice more in Python.
    """

    FILE = SEARCH_FILE

    def fill(self, con: sqlite3.Connection, g: Any) -> None:
        """The rows, then the full-text index over their titles and bodies."""
        self.fts = trigram_available()
        con.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, iri TEXT NOT NULL, city TEXT, "
                    "title TEXT NOT NULL, body TEXT NOT NULL, segments TEXT NOT NULL, document TEXT, "
                    "low TEXT NOT NULL)")
        tally = [0, 0]  # rows, characters of ``low``

        def rows() -> Iterator[tuple]:
            for i, d in enumerate(_docs(g)):
                low = f"{d.title}\n{d.body}".lower()
                tally[0] += 1
                tally[1] += len(low)
                yield i, d.kind, d.iri, d.city_iri, d.title, d.body, json.dumps(d.segments), d.document, low

        with con:
            con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
            con.execute("CREATE INDEX docs_iri ON docs (iri)")
            if self.fts:  # the texts stay in docs only: the index reads them from there (external content)
                con.execute("CREATE VIRTUAL TABLE doc USING fts5(title, body, content='docs', content_rowid='id', "
                            "tokenize='trigram')")
                try:  # flush pending terms every 16 MB instead of 1 MB: builds 2-5x faster
                    con.execute("INSERT INTO doc(doc, rank) VALUES ('hashsize', ?)", (16 << 20,))
                except sqlite3.OperationalError:
                    pass
                con.execute("INSERT INTO doc(rowid, title, body) SELECT id, title, body FROM docs")
                con.execute("INSERT INTO doc(doc) VALUES ('optimize')")
        self.avg_len = max(1.0, tally[1] / max(1, tally[0]))

    def query(self, text: str, rows: set[int] | None = None, city_iri: str | None = None,
              kinds: tuple[str, ...] = KINDS, first: int = 20, mark: tuple[str, str] = MARK,
              width: int = 60) -> SearchResult:
        terms = list(dict.fromkeys(t for t in text.split() if t))
        if not terms:
            raise QueryError("`text` must contain something to search for.")
        long = [t for t in terms if len(t) >= MIN_TRIGRAM] if self.fts else []
        short_low = [t.lower() for t in terms if t not in long]
        # the filters in SQL: kind, city, and the short terms, which filter what the index found
        where = [f"d.kind IN ({', '.join('?' * len(kinds))})"]
        params: list[Any] = list(kinds)
        if city_iri is not None:
            where.append("d.city = ?")
            params.append(city_iri)
        for t in short_low:
            where.append("instr(d.low, ?) > 0")
            params.append(t)
        condition = " AND ".join(where)
        if long:
            mode = "fts5"
            match = " ".join('"' + t.replace('"', '""') + '"' for t in long)
            found = self.rows(f"SELECT d.id, -bm25(doc, 2.0, 1.0) FROM doc JOIN docs d ON d.id = doc.rowid "
                              f"WHERE doc MATCH ? AND {condition} ORDER BY bm25(doc, 2.0, 1.0), d.id",
                              [match, *params])
            keep = [(rid, score) for rid, score in found if rows is None or rid in rows]
        else:
            # No trigram to look up: scan the rows (a MATCH would be no better, and with a pattern under
            # 3 characters SQLite 3.40 returns nothing from a trigram table), ranked as bm25 does without
            # idf: term frequency (occurrences, as str.count counts them), damped by length
            mode = "scan"
            low_terms = [t.lower() for t in terms]
            counts = "".join(", (length(d.low) - length(replace(d.low, ?, ''))) / length(?)" for _ in low_terms)
            found = self.rows(f"SELECT d.id, length(d.low){counts} FROM docs d WHERE {condition} ORDER BY d.id",
                              [x for t in low_terms for x in (t, t)] + params)
            avg, k1, b = self.avg_len, 1.2, 0.75

            def score(size: int, tfs: tuple[int, ...]) -> float:
                norm = k1 * (1 - b + b * size / avg)
                return round(sum(tf * (k1 + 1) / (tf + norm) for tf in tfs), 6)

            keep = sorted(((r[0], score(r[1], r[2:])) for r in found if rows is None or r[0] in rows),
                          key=lambda x: (-x[1], x[0]))
        hits = tuple(self._hit(self._doc(rid), score, terms, mark, width) for rid, score in keep[:first])
        return SearchResult(text, mode, len(keep), hits)

    def _doc(self, rid: int) -> _Doc:
        (kind, iri, city, title, body, segments, document), = self.rows(
            "SELECT kind, iri, city, title, body, segments, document FROM docs WHERE id = ?", (rid,))
        return _Doc(kind, iri, city, title, body, tuple(tuple(s) for s in json.loads(segments)), document)

    def rows_of(self, iris: set[str]) -> set[int]:
        return {r for (r,) in self.rows_in("SELECT id FROM docs WHERE iri IN", (), list(iris))}

    @staticmethod
    def _hit(d: _Doc, score: float, terms: list[str], mark: tuple[str, str], width: int) -> Hit:
        body_hits = _find(d.body, terms)
        title_hits = _find(d.title, terms)
        matches: tuple[Span, ...] = ()
        if d.segments and d.document is not None:
            starts = [seg[0] for seg in d.segments]
            out = []
            for a, b in body_hits:
                body_at, doc_at = d.segments[bisect_right(starts, a) - 1]
                out.append(Span(d.document, doc_at + a - body_at, doc_at + b - body_at, d.body[a:b]))
            matches = tuple(out)
        if body_hits:
            snippet = _window(d.body, body_hits, mark, width)
        else:
            snippet = _window(d.body, [], mark, width) if d.body else ""
        return Hit(d.kind, d.iri, round(score, 6), d.city_iri, _marked(d.title, title_hits, mark), snippet, matches)


def _docs(g: Any) -> Iterator[_Doc]:
    """The rows: one per measure (title, its own text) and policy (title, 文号, issuers), cited stubs included."""
    ix = g.index
    for m in ix.measures.values():
        body, segments = _own_text(ix, m)
        yield _Doc("MEASURE", m.iri, m.city_iri, m.title or "", body, segments, m.source.document if segments else None)
    for p in ix.policies.values():
        issuers = " ".join(ix.organizations[o].name for o in p.issuer_iris if o in ix.organizations)
        yield _Doc("POLICY", p.iri, p.city_iri, p.title, " ".join(x for x in (p.doc_number, issuers) if x))
    from .citations import citation_network

    for n in citation_network(g).nodes.values():
        if n.stub:
            yield _Doc("CITED_POLICY", n.iri, None, n.title, n.doc_number or "")


def _own_text(ix: Any, m: Any) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A measure's text without its subsections' (pieces joined by a line break, which
    no search term contains), and where each piece sits in body and document.
    No segments when the text is not the source quote (spans could not be given)."""
    src = m.source
    if not (src.end - src.start == len(m.text) and src.quote == m.text):
        return m.text, ()
    kids = sorted((ix.measures[c].source for c in m.child_iris if c in ix.measures), key=lambda k: k.start)
    kids = [k for k in kids if k.document == src.document and src.start <= k.start and k.end <= src.end]
    pieces: list[tuple[int, int]] = []  # (start, end) in the document
    pos = src.start
    for k in kids:
        if k.start > pos:
            pieces.append((pos, k.start))
        pos = max(pos, k.end)
    if src.end > pos:
        pieces.append((pos, src.end))
    body_parts, segments, at = [], [], 0
    for a, b in pieces:
        piece = m.text[a - src.start:b - src.start].strip("\n")
        if not piece.strip():
            continue
        lead = m.text[a - src.start:b - src.start].index(piece)
        segments.append((at, a + lead))
        body_parts.append(piece)
        at += len(piece) + 1
    return "\n".join(body_parts), tuple(segments)


def _find(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of every term (ASCII case folded), overlapping ones merged."""
    low = text.lower()
    hay = low if len(low) == len(text) else text
    spans = []
    for t in terms:
        needle = t.lower() if hay is low else t
        i = hay.find(needle)
        while i >= 0 and needle:
            spans.append((i, i + len(needle)))
            i = hay.find(needle, i + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], mark: tuple[str, str]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], mark[0], text[a:b], mark[1]]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _window(text: str, spans: list[tuple[int, int]], mark: tuple[str, str], width: int) -> str:
    """About ``width`` characters around the first match, matches inside marked."""
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    a0, b0 = spans[0]
    start = max(0, min(a0 - width // 3, len(text) - width))
    end = min(len(text), max(start + width, b0))
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if b > start and a < end]
    return ("…" if start > 0 else "") + _marked(text[start:end], inside, mark) + ("…" if end < len(text) else "")


def search_index(g: Any) -> SearchIndex:
    return derived(g, "search", SearchIndex)


def search(g: Any, text: str, city: str | None = None, measure_type: str | None = None,
           organization: str | None = None, kind: str | None = None, first: int = 20,
           mark: tuple[str, str] = MARK) -> SearchResult:
    """Ranked hits for ``text`` (space-separated terms, all required), with filters.

    An unknown city, measure type or organization gives no hits (not an error).
    ``measure_type`` and ``organization`` restrict the hits to measures.
    """
    text = (text or "").strip()
    if not text:
        raise QueryError("`text` must contain something to search for.")
    if len(text) > MAX_TEXT:
        raise QueryError(f"`text` is limited to {MAX_TEXT} characters, got {len(text)}.")
    if first < 0:
        raise QueryError(f"`first` must be positive, got {first}.")
    if kind is not None and kind not in KINDS:
        raise QueryError(f"`kind` must be one of {', '.join(KINDS)}, got {kind!r}.")
    idx = search_index(g)
    q = g.queries
    empty = SearchResult(text, "fts5" if idx.fts else "scan", 0, ())
    city_iri = None
    c = None
    if city is not None:
        c = q.names.city(city)
        if c is None:
            return empty
        city_iri = c.iri
    kinds = (kind,) if kind else KINDS
    allowed: set[str] | None = None
    if measure_type is not None:
        concept = resolve_concept(g, measure_type, MEASURE_TYPE_SCHEME)
        if concept is None:
            return empty
        allowed = set(g.index.measures_by_concept.get(concept.iri, ()))
        kinds = tuple(k for k in kinds if k == "MEASURE")
    if organization is not None:
        orgs = q.names.organizations(organization, c)
        ms = {m for o in orgs for m in g.index.measures_by_org.get(o.iri, ())}
        allowed = ms if allowed is None else allowed & ms
        kinds = tuple(k for k in kinds if k == "MEASURE")
    if not kinds or (allowed is not None and not allowed):
        return empty
    rows = idx.rows_of(allowed) if allowed is not None else None
    return idx.query(text, rows, city_iri, kinds, first, mark)
