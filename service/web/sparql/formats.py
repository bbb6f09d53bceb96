"""Serializations of SPARQL results, and the content negotiation between them.

Solutions are serialized here rather than by pyoxigraph because the
endpoint caps answers, in rows and in bytes: ``write_answer`` writes row by
row as the query yields them and stops at either cap, which pyoxigraph's
whole-iterator serializers cannot do. Graph results (CONSTRUCT/DESCRIBE) go
through ``pyoxigraph.serialize``, over at most as many triples as fit.

An answer is written where it is evaluated (a SPARQL worker process, under
its memory cap): small ones travel back whole, larger ones spill to a file
the server streams to the client, so the server never holds a whole large
answer in memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator, Sequence

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str


SPARQL_JSON = Format("json", "application/sparql-results+json")
SPARQL_CSV = Format("csv", "text/csv")
SPARQL_TSV = Format("tsv", "text/tab-separated-values")
TURTLE = Format("turtle", "text/turtle")
JSON_LD = Format("jsonld", "application/ld+json")
N_TRIPLES = Format("ntriples", "application/n-triples")
RDF_XML = Format("rdfxml", "application/rdf+xml")

# first = default when the client states no preference
SOLUTION_FORMATS = (SPARQL_JSON, SPARQL_CSV, SPARQL_TSV)
GRAPH_FORMATS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
_ALIASES = {"application/json": SPARQL_JSON, "text/plain": SPARQL_TSV}
_RDF_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, JSON_LD: ox.RdfFormat.JSON_LD,
                N_TRIPLES: ox.RdfFormat.N_TRIPLES, RDF_XML: ox.RdfFormat.RDF_XML}


def negotiate(accept: str | None, offered: Sequence[Format], explicit: str | None = None) -> Format:
    """Pick the best offered format for an Accept header (q-values honoured).

    ``explicit`` (the ``format`` query parameter, handy in a browser) wins
    when it names an offered format. Anything unrecognised falls back to the
    first offered format rather than failing: a result is more useful than a
    406 to someone typing a URL.
    """
    if explicit:
        for f in offered:
            if explicit.lower() in (f.name, f.media_type):
                return f
    if not accept:
        return offered[0]
    ranked: list[tuple[float, int, Format]] = []
    for pos, part in enumerate(accept.split(",")):
        fields = [p.strip() for p in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        matches = [f for f in offered if f.media_type == media]
        if not matches and media in _ALIASES and _ALIASES[media] in offered:
            matches = [_ALIASES[media]]
        if not matches and media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            matches = [f for f in offered if prefix == "*" or f.media_type.startswith(prefix + "/")][:1]
        for f in matches:
            ranked.append((-q, pos, f))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else offered[0]


# -- solutions ---------------------------------------------------------------------


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):  # SPARQL-star
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    return {"type": "literal", "value": str(term)}


def solutions_json(variables: list[str], rows: list[list[Any]]) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def solutions_csv(variables: list[str], rows: list[list[Any]]) -> bytes:
    # SPARQL 1.1 CSV: plain values, no datatypes or language tags
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for row in rows:
        w.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                                          t.value if hasattr(t, "value") else str(t)) for t in row])
    return buf.getvalue().encode("utf-8")


def solutions_tsv(variables: list[str], rows: list[list[Any]]) -> bytes:
    # SPARQL 1.1 TSV: terms in their Turtle/N-Triples form
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else str(t).replace("\t", "\\t").replace("\n", "\\n")
                               for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def boolean_result(value: bool, fmt: Format) -> bytes:
    if fmt is SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (b"true" if value else b"false") + b"\n"


def solutions(fmt: Format, variables: list[str], rows: list[list[Any]]) -> bytes:
    if fmt is SPARQL_CSV:
        return solutions_csv(variables, rows)
    if fmt is SPARQL_TSV:
        return solutions_tsv(variables, rows)
    return solutions_json(variables, rows)


# -- graphs -----------------------------------------------------------------------


def triples(fmt: Format, items: list[Any], prefixes: dict[str, str] | None = None) -> bytes:
    kwargs: dict[str, Any] = {}
    if prefixes and fmt in (TURTLE, RDF_XML, JSON_LD):
        kwargs["prefixes"] = prefixes
    return ox.serialize(items, format=_RDF_FORMATS[fmt], **kwargs) or b""


# -- whole answers, capped in rows and bytes ------------------------------------------

INLINE_MAX = 256 * 1024  # answers up to this size travel in memory; larger ones through a file


@dataclass(frozen=True)
class AnswerRequest:
    """How to write an answer: what the client accepts and the caps (sent to the worker)."""

    accept: str | None
    explicit: str | None
    max_rows: int
    max_bytes: int
    prefixes: dict[str, str]
    spill_dir: str | None = None  # where answers over INLINE_MAX are written (None: the system's temp dir)


@dataclass
class Answer:
    media_type: str
    truncated: str | None = None  # None, "rows" or "bytes": which cap cut the answer
    body: bytes | None = None  # the answer, when small
    path: str | None = None  # else the file holding it; whoever streams it removes it
    size: int = 0

    def stream(self, size: int = 1 << 16) -> Iterator[bytes]:
        """The answer's bytes. A file is opened and unlinked here, before streaming starts: it goes
        when the stream is closed, or dropped unread (a client gone before the first byte)."""
        if self.body is not None:
            return iter((self.body,))
        assert self.path is not None
        fh = open(self.path, "rb")
        os.unlink(self.path)

        def chunks() -> Iterator[bytes]:
            with fh:
                while chunk := fh.read(size):
                    yield chunk

        return chunks()

    def discard(self) -> None:
        if self.path is not None:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass


class _Spill:
    """A writer that keeps bytes in memory up to INLINE_MAX, then moves them to a file."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self.size = 0
        self._buf: io.BytesIO | None = io.BytesIO()
        self._file: BinaryIO | None = None
        self.path: str | None = None

    def write(self, data: bytes) -> int:
        if self._buf is not None and self.size + len(data) > INLINE_MAX:
            fd, self.path = tempfile.mkstemp(prefix="answer-", suffix=".bin", dir=self.directory)
            self._file = os.fdopen(fd, "wb")
            self._file.write(self._buf.getvalue())
            self._buf = None
        (self._buf if self._buf is not None else self._file).write(data)  # type: ignore[union-attr]
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self, media_type: str, truncated: str | None) -> Answer:
        if self._buf is not None:
            return Answer(media_type, truncated, body=self._buf.getvalue(), size=self.size)
        assert self._file is not None
        self._file.close()
        return Answer(media_type, truncated, path=self.path, size=self.size)

    def abandon(self) -> None:
        if self._file is not None:
            self._file.close()
            Answer("", path=self.path).discard()


def _row_json(variables: list[str], row: Sequence[Any]) -> bytes:
    return json.dumps({v: _json_term(t) for v, t in zip(variables, row) if t is not None},
                      ensure_ascii=False).encode("utf-8")


def _row_csv(row: Sequence[Any]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(
        ["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                               t.value if hasattr(t, "value") else str(t)) for t in row])
    return buf.getvalue().encode("utf-8")


def _row_tsv(row: Sequence[Any]) -> bytes:
    return ("\t".join("" if t is None else str(t).replace("\t", "\\t").replace("\n", "\\n")
                       for t in row) + "\n").encode("utf-8")


def _write_solutions(out: _Spill, f: Format, variables: list[str], rows: Any, req: AnswerRequest,
                     cancelled: Any) -> str | None:
    """Write rows until they end or a cap is reached; which cap, if one was."""
    if f is SPARQL_CSV:
        head, sep, tail = _row_csv(variables), b"", b""  # names: plain strings
        row_bytes = _row_csv
    elif f is SPARQL_TSV:
        head, sep, tail = ("\t".join(f"?{v}" for v in variables) + "\n").encode("utf-8"), b"", b""
        row_bytes = _row_tsv
    else:
        head = (json.dumps({"head": {"vars": variables}}, ensure_ascii=False)[:-1]
                + ', "results": {"bindings": [').encode("utf-8")
        sep, tail = b", ", b"]}}"
        row_bytes = lambda row: _row_json(variables, row)  # noqa: E731
    out.write(head)
    truncated = None
    n = 0
    for solution in rows:
        if cancelled is not None and cancelled():
            break
        if n == req.max_rows:
            truncated = "rows"
            break
        piece = (sep if n else b"") + row_bytes([solution[v] for v in variables])
        if out.size + len(piece) + len(tail) > req.max_bytes:
            truncated = "bytes"
            break
        out.write(piece)
        n += 1
    out.write(tail)
    return truncated


def _write_triples(out: _Spill, f: Format, results: Any, req: AnswerRequest, cancelled: Any) -> str | None:
    items: list[Any] = []
    estimate = 0  # the N-Triples size of what is kept: Turtle is smaller, RDF/XML and JSON-LD larger
    truncated = None
    for triple in results:
        if cancelled is not None and cancelled():
            break
        if len(items) == req.max_rows:
            truncated = "rows"
            break
        estimate += len(str(triple)) + 3
        if estimate > req.max_bytes:
            truncated = "bytes"
            break
        items.append(triple)
    body = triples(f, items, req.prefixes)
    while len(body) > req.max_bytes and items:  # a verbose format over the cap: keep fewer triples
        items = items[: int(len(items) * req.max_bytes / len(body) * 0.9)]
        body = triples(f, items, req.prefixes)
        truncated = "bytes"
    out.write(body)
    return truncated


def write_answer(result: Any, req: AnswerRequest, cancelled: Any = None) -> Answer:
    """Write a query's result (pyoxigraph's, or a remote store's) in the format the client asked for.

    ``cancelled``: a callable polled per row; true once nobody waits for the answer.
    """
    out = _Spill(req.spill_dir)
    try:
        if isinstance(result, (bool, ox.QueryBoolean)):
            f = negotiate(req.accept, SOLUTION_FORMATS, req.explicit)
            out.write(boolean_result(bool(result), f))
            truncated = None
        elif isinstance(result, ox.QuerySolutions):
            f = negotiate(req.accept, SOLUTION_FORMATS, req.explicit)
            truncated = _write_solutions(out, f, [v.value for v in result.variables], result, req, cancelled)
        else:
            f = negotiate(req.accept, GRAPH_FORMATS, req.explicit)
            truncated = _write_triples(out, f, result, req, cancelled)
    except BaseException:
        out.abandon()
        raise
    return out.finish(f"{f.media_type}; charset=utf-8", truncated)
