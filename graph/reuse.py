"""Text reuse between documents (policy transfer): measures that are near-copies.

Each measure's own text (from its start to its first child's, like the
concept hits), less its numbering, its responsibility clauses (（责任单位：…）:
whom a city charges is its own) and the closing formula of validity
(本方案自印发之日起施行…), is normalized: punctuation and whitespace dropped, and the
names of its own city and province replaced by one placeholder, so that
承德's "建设承德可持续发展研究院" and a copy saying "建设宜昌可持续发展研究院"
differ in nothing but the copy's edits. Its character 3-grams (shingles) are
what two texts are compared by: the score of a pair is the Jaccard index of
their shingle sets, 1.0 for identical texts.

Candidates come from MinHash signatures and locality-sensitive hashing
(``BANDS`` bands of ``ROWS`` rows: a pair of Jaccard J shares a band with
probability 1 - (1 - J^ROWS)^BANDS: 0.64 at J = 0.5, 0.93 at 0.6, 0.997 at 0.7
and 1 - 10^-6 at 0.8, so pairs near the stored floor of 0.5 may be missed, pairs
at the API's default 0.8 are not); candidates whose signatures agree on at
least 0.4 get the exact Jaccard. No pair of measures is compared otherwise,
so the work grows with the number of measures, not its square, with two
guards against boilerplate that hundreds of documents repeat word for word
(加强组织领导 …): identical texts are hashed once, and in a band bucket of
more than ``BUCKET_CAP`` texts each is compared with the ``BUCKET_CAP``
earliest (by issue date) only. Each measure keeps its ``KEEP`` best matches
(ties: the earlier first), so what is stored stays linear too.

The MinHash is a dozen numpy lines rather than ``datasketch``: signatures of
all measures at once (one vectorized pass per hash function) took a quarter
to a half of datasketch's ``MinHash.bulk`` time at 300 cities, bands sorted
in numpy an eighteenth to a twenty-sixth of its ``MinHashLSH`` insert and
query (two runs), and its LSH returns whole buckets, which made boilerplate
quadratic in a first try (bench/bench_toolkit.py).

The measures are held as columns (:class:`MeasureColumns`): per distinct text
its shingles and signature appended to flat arrays (the signature matrix is a
view of them, never a copy), per measure its document, code and span as
integers, a :class:`MeasureText` made only for a pair being written. At 3,000
documents that is ~12 KiB a document, two thirds of it the signatures, where
a tuple of MeasureText and a matrix per document were ~31 KiB.

Pairs inside one city's plan and its annex (``annex_of``, or the same city
on the same date) are not reuse. ``earlier`` is the measure of the document
issued first (an annex dates from its main document); None when the dates
are equal or unknown.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .model import DocumentFacts, Form, Span
from .structure import own_ranges

SHINGLE = 3  # characters per shingle
BANDS, ROWS = 32, 5  # 160 hash functions
MIN_SHINGLES = 8  # shorter texts (a bare heading) say too little to call a copy
MIN_SCORE = 0.5  # pairs below are not stored
BUCKET_CAP = 16
KEEP = 10  # as many as Measure.similarMeasures gives by default
ESTIMATE_MARGIN = 0.1  # 2.5 standard deviations of a 160-function estimate at J = 0.5
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
PLACEHOLDER = "〇"


@dataclass(frozen=True)
class MeasureText:
    """A measure's own text as compared, and where it is."""

    document: str
    code: str
    span: Span  # the own text in the source
    date: str | None  # the issue date of its document (an annex: its main document's)
    group: str  # documents of one group are never reuse of each other (a plan and its annexes)
    city: str  # city code


@dataclass(frozen=True)
class Similarity:
    """Two measures of different documents whose texts are near-copies."""

    measure: MeasureText  # the later one (or, with no earlier, the first in document order)
    other: MeasureText
    score: float  # exact Jaccard of the shingle sets, rounded to 4 places
    earlier: MeasureText | None


def measure_texts(facts: list[DocumentFacts], city_names: dict[str, tuple[str, ...]] | None = None):
    """Every measure's own text with the normalized string compared.

    ``city_names`` maps a city code to the names replaced by the placeholder
    (its name, short name, province); without it only the measure's text is used.
    """
    by_file = {f.source.name: f for f in facts}
    out: list[tuple[MeasureText, str]] = []
    for f in facts:
        main = by_file.get(f.meta.annex_of or "")
        date = f.meta.issued or (main.meta.issued if main else None)
        group = main.source.name if main else f.source.name
        out.extend(document_measure_texts(f, (city_names or {}).get(f.meta.city_code, ()), date, group))
    return out


def document_measure_texts(f: DocumentFacts, names: tuple[str, ...], date: str | None,
                           group: str) -> list[tuple[MeasureText, str]]:
    """One document's measures as :func:`measure_texts` gives them; ``names`` are its city's."""
    out: list[tuple[MeasureText, str]] = []
    ranges = own_ranges([m for m in f.measures if m.table_row is None])
    ranges.update({m.code: (m.span.start, m.span.end) for m in f.measures if m.table_row is not None})
    names = sorted(names, key=len, reverse=True)
    cut = {(r.span.start, r.span.end) for r in f.responsibilities if r.form is Form.CLAUSE}
    cut |= {_sentence(f.source.text, d.span) for d in f.validity.dates if d.span and d.origin == "text"}
    cut = sorted(cut)
    for m in f.measures:
        s, e = ranges[m.code]
        text = _without(f.source.text, s, e, cut)
        for name in names:
            text = text.replace(name, PLACEHOLDER)
        norm = _DROP.sub("", text)
        label = _DROP.sub("", m.label)
        if label and norm.startswith(label):  # 24. and 4. number the same measure
            norm = norm[len(label):]
        mt = MeasureText(f.source.name, m.code, f.source.span(s, e), date, group, f.meta.city_code)
        out.append((mt, norm))
    return out


def _sentence(text: str, span: Span) -> tuple[int, int]:
    """The sentence holding a span (本方案自印发之日起施行，有效期至…。): the closing
    formula a document's last measure runs into."""
    a = max(text.rfind(c, 0, span.start) for c in "。\n") + 1
    ends = [i for i in (text.find(c, span.end) for c in "。\n") if i >= 0]
    return a, (min(ends) + 1 if ends else len(text))


def _without(text: str, s: int, e: int, cut: list[tuple[int, int]]) -> str:
    """text[s:e] less the responsibility clauses in it: which units carry a
    measure out is each city's own, not the policy text it copied."""
    pieces, at = [], s
    for a, b in cut:
        if b <= at or a >= e:
            continue
        pieces.append(text[at:a])
        at = max(at, b)
    pieces.append(text[at:e])
    return "".join(pieces)


def shingles(text: str) -> set[int]:
    """The text's character 3-grams, hashed to 32 bits (crc32: the same on every run)."""
    b = text.encode("utf-8")
    return {zlib.crc32(text[i : i + SHINGLE].encode("utf-8")) for i in range(len(text) - SHINGLE + 1)} if b else set()


def _hash_functions(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(20260101)  # fixed: the same signatures, the same pairs, on every build
    a = rng.randint(0, 1 << 62, size=(n, 2), dtype=np.int64).astype(np.uint64)
    b = rng.randint(0, 1 << 62, size=(n, 2), dtype=np.int64).astype(np.uint64)
    odd = (a[:, 0] << np.uint64(2)) ^ a[:, 1] | np.uint64(1)  # 64 random bits, odd
    return odd, (b[:, 0] << np.uint64(2)) ^ b[:, 1]


def signatures(sets: "list[set[int]] | list[np.ndarray]") -> np.ndarray:
    """MinHash signatures, one row per set: per hash function, the least of
    ((a·x + b) mod 2^64) >> 32 over the set's shingles (multiply-shift hashing:
    a linear hash modulo a prime of 2^61, with 32-bit keys, barely wraps and keeps
    the keys' order, which ruins the estimate)."""
    n = BANDS * ROWS
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    if sets and isinstance(sets[0], np.ndarray):  # shingle_array's: already sorted
        flat = np.concatenate(sets).astype(np.uint64) if len(sets) else np.zeros(0, dtype=np.uint64)
    else:
        flat = np.fromiter((x for s in sets for x in sorted(s)), dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    a, b = _hash_functions(n)
    out = np.empty((len(sets), n), dtype=np.uint32)
    shift = np.uint64(32)
    with np.errstate(over="ignore"):  # arithmetic modulo 2^64 is the point
        for k in range(n):
            h = (a[k] * flat + b[k]) >> shift
            out[:, k] = np.minimum.reduceat(h, starts).astype(np.uint32)
    return out


NO_DATE = "9999-99-99"  # an undated measure sorts after every dated one


def find_reuse(facts: list[DocumentFacts], city_names: dict[str, tuple[str, ...]] | None = None,
               min_score: float = MIN_SCORE) -> list[Similarity]:
    """Pairs of measures in different documents (not one plan and its annex) with score ≥ ``min_score``."""
    return reuse_pairs(measure_texts(facts, city_names), min_score)


def shingle_array(text: str) -> np.ndarray:
    """:func:`shingles` as a sorted array: a twentieth of a set's memory, for a corpus's worth."""
    return np.array(sorted(shingles(text)), dtype=np.uint32)


@dataclass(frozen=True)
class Compared:
    """Measures' texts as compared: shingles and signatures, made once (the streaming build
    keeps them with each document, so a rebuild hashes no text again). One flat array and
    one matrix per batch: a few bytes per shingle, not an object per measure."""

    measures: tuple[MeasureText, ...]
    text_keys: tuple[bytes, ...]  # a digest of each normalized text: identical texts are hashed once
    shingles: np.ndarray  # shingle_array of each, concatenated
    offsets: np.ndarray  # measure i's shingles are shingles[offsets[i]:offsets[i + 1]]
    signatures: np.ndarray  # one row of signatures() per measure

    def __len__(self) -> int:
        return len(self.measures)


def compared(measures: list[tuple[MeasureText, str]]) -> Compared:
    """The measures long enough to compare (``MIN_SHINGLES``), with their shingles and signatures."""
    kept = [(t, n) for t, n in measures if len(n) - SHINGLE + 1 >= MIN_SHINGLES]
    arrays = [shingle_array(n) for _, n in kept]
    sig = signatures(arrays) if arrays else np.zeros((0, BANDS * ROWS), dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum([len(a) for a in arrays], dtype=np.int64)))
    flat = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint32)
    return Compared(tuple(t for t, _ in kept), tuple(hashlib.sha1(n.encode("utf-8")).digest() for _, n in kept),
                    flat, offsets, sig)


def reuse_pairs(measures: list[tuple[MeasureText, str]], min_score: float = MIN_SCORE) -> list[Similarity]:
    """:func:`find_reuse` over measure texts (:func:`measure_texts`)."""
    return compared_pairs([compared(measures[i : i + 4096]) for i in range(0, len(measures), 4096)], min_score)


def compared_pairs(batches: list[Compared], min_score: float = MIN_SCORE) -> list[Similarity]:
    """:func:`reuse_pairs` over :func:`compared` batches, in corpus order."""
    return compared_table(batches, min_score).all()


@dataclass(frozen=True)
class Overlaps:
    """How many shingles two texts share, by the pair of their keys (Compared.text_keys): a
    pair of texts always shares the same number, so a rebuild looks up the pairs an earlier
    build intersected and intersects only the pairs it has not seen (a new document's, mostly)."""

    pairs: np.ndarray  # the two keys of each pair, the lesser first, as one 40-byte string; sorted
    shared: np.ndarray  # int64: the shingles they share

    @staticmethod
    def none() -> "Overlaps":
        return Overlaps(np.zeros(0, dtype="S40"), np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.pairs)

    def parts(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(pairs, shared) in sorted runs: what a lookup reads (KnownOverlaps)."""
        yield self.pairs, self.shared


class KnownOverlaps(Protocol):
    """An earlier build's overlaps as a lookup reads them: sorted runs of (pairs, shared), each after
    the one before, so that they need not be held whole (the build cache's, read a part at a time)."""

    def __len__(self) -> int: ...

    def parts(self) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


def _pair_keys(keys: np.ndarray, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
    """Overlaps.pairs of the texts (us[i], vs[i]); ``keys`` an S20 array of text keys. Made a
    step of pairs at a time: the copies of the keys it sorts are a step's, not all the pairs'."""
    rows = np.empty((len(us), 40), dtype=np.uint8)
    step = 65_536
    for i in range(0, len(us), step):
        a, b = keys[us[i : i + step]], keys[vs[i : i + step]]
        swap = a > b
        rows[i : i + step, :20] = np.where(swap, b, a).view(np.uint8).reshape(-1, 20)
        rows[i : i + step, 20:] = np.where(swap, a, b).view(np.uint8).reshape(-1, 20)
    return rows.view("S40").reshape(-1)


@dataclass(frozen=True)
class DocumentTexts:
    """One document's :func:`compared` measures as the streaming build keeps them (graph/stream.py):
    columns, not an object per measure, so that the build's process holds a few arrays per
    document; their document, date and group are given when the corpus is linked."""

    city: str  # city code (MeasureText.city)
    codes: tuple[str, ...]
    starts: np.ndarray  # int64: each measure's own text in the source (MeasureText.span)
    ends: np.ndarray
    quotes: str  # the spans' quotes, one after the other
    quote_ends: np.ndarray  # int64: measure i's quote is quotes[quote_ends[i - 1]:quote_ends[i]]
    text_keys: bytes  # Compared.text_keys, 20 bytes each
    shingles: np.ndarray
    offsets: np.ndarray
    signatures: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)


def document_texts(measures: list[tuple[MeasureText, str]]) -> DocumentTexts:
    """:func:`compared` of one document's measure texts (:func:`document_measure_texts`), as columns."""
    c = compared(measures)
    ts = c.measures
    return DocumentTexts(
        ts[0].city if ts else "", tuple(t.code for t in ts),
        np.array([t.span.start for t in ts], dtype=np.int64), np.array([t.span.end for t in ts], dtype=np.int64),
        "".join(t.span.quote for t in ts), np.cumsum([len(t.span.quote) for t in ts], dtype=np.int64),
        b"".join(c.text_keys), c.shingles, c.offsets, c.signatures)


class MeasureColumns:
    """Every measure a corpus compares, as columns (text reuse's input and what its pairs are made
    from): per document its file, date, group, city and its measures' quotes as one string; per
    measure its document, code and span; per distinct text (identical normalized texts are hashed
    once) its shingles and signature, appended to flat arrays, so that the signature matrix is
    built in place, never copied. :meth:`measure` makes a :class:`MeasureText` when a pair is made."""

    def __init__(self) -> None:
        self.files: list[str] = []  # per document
        self.dates: list[str | None] = []
        self.groups: list[str] = []
        self.cities: list[str] = []
        self._quotes: list[str | list[str]] = []
        self._doc = array("i")  # per measure
        self._codes: list[str] = []
        self._starts, self._ends = array("q"), array("q")
        self._quote_starts, self._quote_ends = array("q"), array("q")
        self._text = array("q")
        self._interned: dict[str, str] = {}
        self._unique: dict[bytes, int] = {}  # per distinct text: its key, its shingles and signature
        self._shingles, self._offsets, self._signatures = array("I"), array("q", [0]), array("I")
        self._variants: dict[tuple, int] = {}  # add_measures's documents
        self._last: list[int] = []  # per document, add_measures's: its last measure so far

    def __len__(self) -> int:
        return len(self._doc)

    def add_document(self, file: str, texts: DocumentTexts, date: str | None = None,
                     group: str | None = None) -> int:
        """One document's measures (its date and group may be set later: :meth:`set_document`)."""
        d = len(self.files)
        self.files.append(file)
        self.dates.append(date)
        self.groups.append(group if group is not None else file)
        self.cities.append(texts.city)
        self._quotes.append(texts.quotes)
        self._last.append(-1)
        qa = 0
        for j, qb in enumerate(texts.quote_ends.tolist()):
            self._add(d, texts.codes[j], int(texts.starts[j]), int(texts.ends[j]), qa, qb,
                      texts.text_keys[20 * j : 20 * j + 20], texts, j)
            qa = qb
        return d

    def set_document(self, d: int, date: str | None, group: str) -> None:
        self.dates[d], self.groups[d] = date, group

    def add_measures(self, batch: Compared) -> None:
        """A :func:`compared` batch, its measures of any documents (a document with its date,
        group and city)."""
        for j, t in enumerate(batch.measures):
            variant = (t.document, t.date, t.group, t.city)
            d = self._variants.get(variant)
            if d is None:
                d = self._variants[variant] = len(self.files)
                self.files.append(t.document)
                self.dates.append(t.date)
                self.groups.append(t.group)
                self.cities.append(t.city)
                self._quotes.append([])
                self._last.append(-1)
            parts = self._quotes[d]
            qa = self._quote_ends[self._last[d]] if parts else 0
            self._last[d] = len(self._doc)
            parts.append(t.span.quote)
            self._add(d, t.code, t.span.start, t.span.end, qa, qa + len(t.span.quote), batch.text_keys[j], batch, j)

    def _add(self, d, code, start, end, qa, qb, key, batch, j) -> None:
        self._doc.append(d)
        self._codes.append(self._interned.setdefault(code, code))
        self._starts.append(start)
        self._ends.append(end)
        self._quote_starts.append(qa)
        self._quote_ends.append(qb)
        u = self._unique.get(key)
        if u is None:
            u = self._unique[key] = len(self._unique)
            self._shingles.frombytes(batch.shingles[batch.offsets[j] : batch.offsets[j + 1]].tobytes())
            self._offsets.append(len(self._shingles))
            self._signatures.frombytes(batch.signatures[j].tobytes())
        self._text.append(u)

    def measure(self, i: int) -> MeasureText:
        d = self._doc[i]
        file, quotes = self.files[d], self._quotes[d]
        if isinstance(quotes, list):  # add_measures's, joined when first read
            quotes = self._quotes[d] = "".join(quotes)
        span = Span(file, self._starts[i], self._ends[i], quotes[self._quote_starts[i] : self._quote_ends[i]])
        return MeasureText(file, self._codes[i], span, self.dates[d], self.groups[d], self.cities[d])

    def ranks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per measure: the rank of its date key, (date or NO_DATE, document, code), which orders
        copies and ties (equal keys, equal ranks); of its date (-1: none); and its document's
        number (files in order of first appearance)."""
        n = len(self)
        doc = np.frombuffer(self._doc, dtype=np.int32).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
        by_key = sorted(set(zip((d or NO_DATE for d in self.dates), self.files)))
        at = {k: r for r, k in enumerate(by_key)}
        doc_rank = np.array([at[(d or NO_DATE, f)] for d, f in zip(self.dates, self.files)], dtype=np.int64)
        codes = sorted(self._interned)
        code_at = {c: r for r, c in enumerate(codes)}
        code_rank = np.fromiter((code_at[c] for c in self._codes), dtype=np.int64, count=n)
        key = doc_rank[doc] * max(len(codes), 1) + code_rank
        _, key_rank = np.unique(key, return_inverse=True)
        dates = sorted({d for d in self.dates if d})
        date_at = {d: r for r, d in enumerate(dates)}
        date_rank = np.array([date_at[d] if d else -1 for d in self.dates], dtype=np.int64)  # "": no date either
        files: dict[str, int] = {}
        file_id = np.array([files.setdefault(f, len(files)) for f in self.files], dtype=np.int64)
        return key_rank.reshape(-1).astype(np.int64), date_rank[doc], file_id[doc]

    def _texts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(each measure's text, the signature matrix, the flat shingles, their offsets, the texts' keys
        as S20): views of the columns, not copies."""
        n_texts = len(self._unique)
        text = np.frombuffer(self._text, dtype=np.int64) if len(self._text) else np.zeros(0, dtype=np.int64)
        sig = (np.frombuffer(self._signatures, dtype=np.uint32).reshape(n_texts, BANDS * ROWS) if n_texts
               else np.zeros((0, BANDS * ROWS), dtype=np.uint32))
        flat = np.frombuffer(self._shingles, dtype=np.uint32) if len(self._shingles) else np.zeros(0, np.uint32)
        keys = np.frombuffer(b"".join(self._unique), dtype="S20") if n_texts else np.zeros(0, dtype="S20")
        return text, sig, flat, np.frombuffer(self._offsets, dtype=np.int64), keys

    def drop_texts(self) -> None:
        """Let the shingles and signatures go: the pairs are made (what :meth:`measure` reads stays)."""
        self._unique = {}
        self._text, self._shingles, self._offsets, self._signatures = array("q"), array("I"), array("q", [0]), array("I")
        self._variants, self._last = {}, []


def compared_table(batches: list[Compared], min_score: float = MIN_SCORE,
                   known: Overlaps | KnownOverlaps | None = None) -> "SimilarityTable":
    """The pairs of :func:`compared_pairs`, kept as arrays. ``known``: the overlaps of an
    earlier build (the table's ``overlaps`` are this one's, for the next)."""
    columns = MeasureColumns()
    for b in batches:
        columns.add_measures(b)
    return columns_table(columns, min_score, known)


def columns_table(columns: MeasureColumns, min_score: float = MIN_SCORE,
                  known: Overlaps | KnownOverlaps | None = None) -> "SimilarityTable":
    """:func:`compared_table` of measures as columns; their shingles and signatures are let go after."""
    n = len(columns)
    key_rank, date_rank, file_id = columns.ranks()
    if n < 2:
        columns.drop_texts()
        return SimilarityTable(columns, *(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64)),
                               ranks=(key_rank, date_rank, file_id))
    text_of, sig, flat, offsets, keys = columns._texts()
    n_texts = len(sig)
    # each text's measures, the earliest (by date key) first: copies in date order, the earliest source first
    order = np.lexsort((key_rank, text_of))
    bounds = np.searchsorted(text_of[order], np.arange(n_texts + 1))
    copies = np.diff(bounds)
    first = key_rank[order[bounds[:-1]]]  # the earliest member of each text orders the buckets
    rank = np.empty(n_texts, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(n_texts)
    us, vs = _candidates(sig, rank)
    # the signatures' estimate first (vectorized), the exact Jaccard for those near or above the bar
    step = 8_192  # pairs at a time: two int32 rows of 160 per pair (a 100,000 step peaked at 150 MiB)
    # compared a step at a time: no float estimate of every candidate is held
    near = np.concatenate([
        (sig[us[i : i + step]] == sig[vs[i : i + step]]).mean(axis=1) >= min_score - ESTIMATE_MARGIN
        for i in range(0, len(us), step)
    ]) if len(us) else np.zeros(0, dtype=bool)
    un, vn = us[near], vs[near]
    del us, vs, near
    overlaps = _overlaps((flat, offsets), keys, un, vn, known or Overlaps.none())
    sizes = np.diff(offsets)
    inter = overlaps.shared
    jac = inter / (sizes[un] + sizes[vn] - inter)
    good = jac >= min_score
    # each text's matches, (score, the match's earliest member) best first, ties in the order they
    # were found (its own copies, score 1.0, before any other)
    selves = np.flatnonzero(copies > 1)
    k = np.flatnonzero(good)
    src = np.concatenate((selves, un[k], vn[k]))
    dst = np.concatenate((selves, vn[k], un[k]))
    score = np.concatenate((np.ones(len(selves)), jac[k], jac[k]))
    seq = np.concatenate((np.full(len(selves), -1, dtype=np.int64), k, k))
    del k, good, jac, sizes, un, vn
    by = np.lexsort((seq, first[dst], -score, src))
    src, dst, score = src[by], dst[by], score[by]
    del by, seq
    groups = np.flatnonzero(np.r_[True, src[1:] != src[:-1]]) if len(src) else np.zeros(0, dtype=np.int64)
    # per measure: its KEEP best matches in other documents (not its plan's annexes),
    # walked in (score, date) order so that a text copied hundreds of times costs KEEP each
    # as arrays, not a dict of tuples: a boilerplate-heavy corpus keeps ~KEEP pairs per measure
    members, at = order.tolist(), bounds.tolist()
    del order, bounds
    doc = columns._doc
    files, plans, cities, dates = columns.files, columns.groups, columns.cities, columns.dates
    lo, hi, scores = array("q"), array("q"), array("d")
    for a, b in zip(groups.tolist(), np.r_[groups[1:], len(src)].tolist()):
        u = int(src[a])
        options = list(zip(dst[a:b].tolist(), score[a:b].tolist()))  # this text's only: a few, not the corpus's
        for x in members[at[u] : at[u + 1]]:
            dx = doc[x]
            fx, gx, cx, tx = files[dx], plans[dx], cities[dx], dates[dx]
            taken = 0
            for v, j in options:
                for y in members[at[v] : at[v + 1]]:
                    dy = doc[y]
                    if (y == x or files[dy] == fx or plans[dy] == gx
                            or (cities[dy] == cx and tx is not None and dates[dy] == tx)):
                        continue
                    lo.append(min(x, y))
                    hi.append(max(x, y))
                    scores.append(j)
                    taken += 1
                    if taken >= KEEP:
                        break
                if taken >= KEEP:
                    break
    del members, at, src, dst, score, groups, text_of, sig, flat, offsets, keys
    columns.drop_texts()
    codes, at = np.unique(np.frombuffer(lo, dtype=np.int64) * n + np.frombuffer(hi, dtype=np.int64),
                          return_index=True)  # a pair kept twice scores the same both times
    table = SimilarityTable(columns, codes // n, codes % n, np.frombuffer(scores, dtype=np.float64)[at].copy(),
                            ranks=(key_rank, date_rank, file_id))
    # sorted for the next build's lookups, one array at a time: each copy made once its original is let go
    pairs, shared = overlaps.pairs, overlaps.shared
    del overlaps
    order = np.argsort(pairs)
    pairs = pairs[order]
    shared = shared[order]
    table.overlaps = Overlaps(pairs, shared)
    return table


def _overlaps(texts: tuple[np.ndarray, np.ndarray], keys: np.ndarray, us: np.ndarray, vs: np.ndarray,
              known: Overlaps | KnownOverlaps) -> Overlaps:
    """The shared shingles of the texts (us[i], vs[i]), in that order: looked up in ``known``,
    intersected when not there. ``texts``: the flat shingles and each text's offsets."""
    pairs = _pair_keys(keys, us, vs)
    shared = np.full(len(us), -1, dtype=np.int64)
    if len(known):
        # this build's pairs visited in key order (a sorter, not a sorted copy), against each sorted run
        # of the known ones in turn: a run is read, looked up in and let go, and the lookups go in key
        # order (searching 7M pairs in their own order into 3M took 41 s, cache misses mostly)
        order = np.argsort(pairs)
        step = 1 << 20  # looked up a step at a time: the positions and hits are a step's, not every pair's
        for run, run_shared in known.parts():
            if not len(run):
                continue
            lo = int(np.searchsorted(pairs, run[0], side="left", sorter=order))
            hi = int(np.searchsorted(pairs, run[-1], side="right", sorter=order))
            for i in range(lo, hi, step):
                mine = order[i : min(i + step, hi)]
                wanted = pairs[mine]
                at = np.minimum(np.searchsorted(run, wanted), len(run) - 1)
                hit = run[at] == wanted
                shared[mine[hit]] = run_shared[at[hit]]
        del order
        todo = np.flatnonzero(shared < 0)  # sorted by u: what _intersections needs
        for a, b, inter in _intersections(texts, us[todo], vs[todo]):
            shared[todo[a:b]] = inter
    else:  # a build from scratch intersects every pair: no index of them, no copies
        for a, b, inter in _intersections(texts, us, vs):
            shared[a:b] = inter
    return Overlaps(pairs, shared)


class SimilarityTable:
    """The kept pairs as arrays (measure indices and score), made into :class:`Similarity`
    one document at a time: the streaming build writes them with the later measure's graph."""

    def __init__(self, columns: MeasureColumns, xs: np.ndarray, ys: np.ndarray, scores: np.ndarray,
                 ranks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
        self.columns = columns
        self.overlaps = Overlaps.none()  # compared_table's, for the next build
        key_rank, date_rank, doc_of = ranks if ranks is not None else columns.ranks()
        dx, dy = date_rank[xs], date_rank[ys]
        dated = (dx >= 0) & (dy >= 0) & (dx != dy)  # one of the two is earlier
        x_earlier = dated & (dx < dy)
        later = np.where(x_earlier, ys, xs)
        other = np.where(x_earlier, xs, ys)
        undated_swap = ~dated & (key_rank[ys] < key_rank[xs])  # no earlier: the first by date key is "other"
        later, other = np.where(undated_swap, ys, later), np.where(undated_swap, xs, other)
        earlier = np.where(dated, 1, 0).astype(np.int8)  # 0: none, 1: the other is earlier
        files: dict[str, int] = {}
        for f in columns.files:
            files.setdefault(f, len(files))
        self._docs = files
        self._doc_of = doc_of
        order = np.argsort(doc_of[later], kind="stable") if len(later) else np.zeros(0, dtype=np.int64)
        self._later, self._other, self._earlier = later[order], other[order], earlier[order]
        self._scores = scores[order]
        self._bounds = np.searchsorted(doc_of[self._later], np.arange(len(files) + 1))

    def __len__(self) -> int:
        return len(self._later)

    def _make(self, k: int) -> Similarity:
        later, other = self.columns.measure(int(self._later[k])), self.columns.measure(int(self._other[k]))
        e = self._earlier[k]
        return Similarity(later, other, round(float(self._scores[k]), 4), None if e == 0 else (later if e == 2 else other))

    def for_document(self, file: str) -> list[Similarity]:
        """The similarities of one document's measures (its graph holds them), in :func:`find_reuse` order."""
        d = self._docs.get(file)
        if d is None:
            return []
        out = [self._make(k) for k in range(self._bounds[d], self._bounds[d + 1])]
        out.sort(key=lambda s: (s.measure.span.start, -s.score, s.other.document, s.other.code))
        return out

    def digests(self, version: dict[str, str]) -> dict[str, str]:
        """Per document with similarities, a digest of them: of each pair its two measures (as their
        document's ``version``, a digest standing for its measures, and their place in it), its score
        and which is earlier. The streaming build keys a graph by it and makes the document's list
        (:meth:`for_document`) only for a graph it must write again."""
        if not len(self._later):
            return {}
        names = list(self._docs)
        doc_fp = np.array([int(version[f][:16], 16) for f in names], dtype=np.uint64)
        n = len(self._doc_of)
        pos = np.arange(n, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, self._doc_of[1:] != self._doc_of[:-1]])  # measures grouped by document
        pos -= np.repeat(starts, np.diff(np.r_[starts, n]))
        rows = np.empty(len(self._later), dtype=[("a", "<u8"), ("i", "<i8"), ("b", "<u8"), ("j", "<i8"),
                                                  ("score", "<f8"), ("earlier", "i1")])
        rows["a"], rows["i"] = doc_fp[self._doc_of[self._later]], pos[self._later]
        rows["b"], rows["j"] = doc_fp[self._doc_of[self._other]], pos[self._other]
        rows["score"], rows["earlier"] = self._scores, self._earlier
        out = {}
        for d, name in enumerate(names):
            a, b = self._bounds[d], self._bounds[d + 1]
            if b > a:
                out[name] = hashlib.sha256(rows[a:b].tobytes()).hexdigest()
        return out

    def all(self) -> list[Similarity]:
        out = [self._make(k) for k in range(len(self._later))]
        out.sort(key=lambda s: (s.measure.document, s.measure.span.start, -s.score, s.other.document, s.other.code))
        return out


def _intersections(texts: tuple[np.ndarray, np.ndarray], us: np.ndarray, vs: np.ndarray):
    """(a, b, |shingles us[i] ∩ shingles vs[i]| for i in a..b) for pairs sorted by u, a u at a time: one
    numpy pass per u, not per pair (np.intersect1d per pair was a third of a rebuild at 3,000 documents).
    ``texts``: the flat shingles and each text's offsets into them."""
    if not len(us):
        return
    flat, offsets = texts
    starts = np.flatnonzero(np.r_[True, us[1:] != us[:-1]])
    ends = np.r_[starts[1:], len(us)]
    for a, b in zip(starts.tolist(), ends.tolist()):
        u = int(us[a])
        group = vs[a:b]
        begin, lengths = offsets[group], offsets[group + 1] - offsets[group]
        within = np.r_[0, np.cumsum(lengths[:-1], dtype=np.int64)]
        gathered = flat[np.repeat(begin - within, lengths) + np.arange(int(lengths.sum()))]
        hits = np.isin(gathered, flat[offsets[u] : offsets[u + 1]])
        yield a, b, np.add.reduceat(hits, within)


def _candidates(sig: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (u < v) of texts that share a band, each text paired with the
    ``BUCKET_CAP`` earliest of its bucket: by sorting, so a band costs a few
    numpy passes whatever its buckets' sizes."""
    n = len(sig)
    mult = np.random.RandomState(7).randint(1, 1 << 62, size=ROWS, dtype=np.int64).astype(np.uint64) | np.uint64(1)
    pairs = np.zeros(0, dtype=np.int64)  # the bands' pairs so far, each once: a band's are mostly the last's
    for band in range(BANDS):
        with np.errstate(over="ignore"):  # a multiplicative hash: wrapping is the point
            key = (sig[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64) * mult).sum(axis=1, dtype=np.uint64)
        idx = np.lexsort((rank, key))  # by bucket, then earliest first
        k = key[idx]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        sizes = np.diff(np.r_[starts, n])
        big = sizes >= 2
        starts, sizes = starts[big], sizes[big]
        if not len(starts):
            continue
        heads = np.minimum(sizes, BUCKET_CAP)
        group = np.repeat(np.arange(len(starts)), sizes)  # the bucket of each member below
        members = idx[np.repeat(starts, sizes) + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)]
        reps = heads[group]
        left = np.repeat(members, reps)
        offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        right = idx[np.repeat(starts[group], reps) + offset]
        keep = left != right
        lo, hi = np.minimum(left[keep], right[keep]), np.maximum(left[keep], right[keep])
        pairs = _distinct(np.concatenate((pairs, lo.astype(np.int64) * n + hi)))
    vs = pairs % n
    pairs //= n  # in place: two arrays of the candidates at once, not three
    return pairs, vs


def _distinct(a: np.ndarray) -> np.ndarray:
    """np.unique(a) by sorting: numpy 2's np.unique hashes, ~70 times slower on millions of int64."""
    a.sort()
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


# -- reading the pairs back (notebooks, the service) ------------------------------


@dataclass(frozen=True)
class StoredSimilarity:
    """A pk:MeasureSimilarity of a built dataset: IRIs, the score, and the two cities."""

    measure: str
    other: str
    score: float
    earlier: str | None
    measure_city: str  # the cities' names (许昌市)
    other_city: str


def similarities_from_store(store) -> list[StoredSimilarity]:
    """Every stored pair of a built dataset loaded in a pyoxigraph Store, best first."""
    import pyoxigraph as ox

    from .vocab import SPARQL_PREFIXES

    q = SPARQL_PREFIXES + """
        SELECT ?m ?o ?score ?e ?mc ?oc WHERE {
          ?s a pk:MeasureSimilarity ; pk:measure ?m ; pk:other ?o ; pk:score ?score .
          OPTIONAL { ?s pk:earlier ?e }
          ?m pk:city/rdfs:label ?mc . FILTER (lang(?mc) = "zh")
          ?o pk:city/rdfs:label ?oc . FILTER (lang(?oc) = "zh")
        }"""
    rows = store.query(q, use_default_graph_as_union=True) if isinstance(store, ox.Store) else store.query(q)
    out = {(r["m"].value, r["o"].value): StoredSimilarity(
        r["m"].value, r["o"].value, float(r["score"].value), r["e"].value if r["e"] is not None else None,
        r["mc"].value, r["oc"].value) for r in rows}
    return sorted(out.values(), key=lambda x: (-x.score, x.measure, x.other))


def text_reuse(pairs: list[StoredSimilarity], cities: list[str] | None = None, min_score: float = 0.8,
               first: int = 100) -> list[StoredSimilarity]:
    """``Query.textReuse``: pairs scoring at least ``min_score`` whose two measures are both in
    ``cities`` (names as stored, 许昌市; all when None), best first, at most ``first``."""
    wanted = set(cities) if cities else None
    out = [p for p in pairs if p.score >= min_score
           and (wanted is None or (p.measure_city in wanted and p.other_city in wanted))]
    return out[:first]


def similar_measures(pairs: list[StoredSimilarity], measure: str, min_score: float = 0.8,
                     first: int = 10) -> list[StoredSimilarity]:
    """``Measure.similarMeasures``: the pairs a measure is in (either side), best first."""
    return [p for p in pairs if p.score >= min_score and measure in (p.measure, p.other)][:first]
