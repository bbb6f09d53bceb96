"""Property tests: the decoder, parser and extractor on any text.

For any text (policy-shaped or not, with any numbering and any mix of
full- and half-width punctuation and line ends):

- decoding and extraction never fail with anything but a DocumentError that
  names the file;
- every span of every fact quotes the text exactly: text[start:end] == quote;
- full-width and half-width spellings of the same text give the same facts
  at the same offsets (the parsers read a normalized copy of equal length);
- extracting or building twice gives the same facts and the same graph.

Example counts are kept small for CI; POLICYKG_FUZZ=20 multiplies them
for a longer hunt (the strategies live in strategies.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from graph.build import build_corpus, serialize_trig
from graph.extract import Extractor
from graph.gazetteer import default_gazetteer
from graph.model import DocumentFacts, ManifestEntry, SourceText
from graph.normalize import normalize
from graph.orgs import OrgResolver
from graph.rdf import CorpusLinks, document_quads
from graph.schemes import load_schemes
from graph.textio import DocumentError, decode

from .spans import spans_in
from .strategies import document_text, structured_text

SCALE = int(os.environ.get("POLICYKG_FUZZ", "1"))


def examples(n: int):
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


_SCHEMES = load_schemes()
_GAZETTEER = default_gazetteer()
EXTRACTOR = Extractor(_SCHEMES, OrgResolver(_SCHEMES, _GAZETTEER))
CITY = _GAZETTEER.resolve("许昌")
NAME = "doc.txt"


def extract(text: str) -> DocumentFacts | DocumentError:
    try:
        return EXTRACTOR.extract(SourceText(NAME, text, "utf-8"), ManifestEntry(NAME, "许昌"), CITY)
    except DocumentError as exc:
        assert exc.file == NAME and str(exc).startswith(f"{NAME}: ")
        return exc


def check_spans(text: str, facts: DocumentFacts) -> int:
    n = 0
    for s in spans_in(facts):
        assert s.document == NAME
        assert 0 <= s.start <= s.end <= len(text), s
        assert text[s.start:s.end] == s.quote, s
        n += 1
    return n


# -- decoding ------------------------------------------------------------------------

@examples(300)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_are_refused_by_name(data):
    try:
        src = decode(NAME, data)
    except DocumentError as exc:
        assert str(exc).startswith(f"{NAME}: ")
        return
    assert isinstance(src.text, str) and src.encoding in ("utf-8", "utf-8-sig", "utf-16", "gb18030")


@examples(100)
@given(document_text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_text_decodes_back_to_itself(text, encoding):
    # U+FEFF first is indistinguishable from a byte-order mark in plain UTF-8
    assume(not (encoding == "utf-8" and text.startswith("\ufeff")))
    try:
        src = decode(NAME, text.encode(encoding))
    except DocumentError as exc:
        assert exc.problem.startswith(("the file is empty", "the file is binary")), exc
        return
    assert src.text == text


# -- extraction ------------------------------------------------------------------------

@examples(150)
@given(document_text)
def test_extraction_never_crashes_and_every_span_quotes_the_text(text):
    facts = extract(text)
    if isinstance(facts, DocumentFacts):
        check_spans(text, facts)


@examples(60)
@given(document_text.map(lambda t: t.encode("utf-8")), st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_spans_hold_on_decoded_files_with_any_line_end(data, newline):
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", newline)
    try:
        src = decode(NAME, b"\xef\xbb\xbf" + data)
        facts = EXTRACTOR.extract(src, ManifestEntry(NAME, "许昌"), CITY)
    except DocumentError:
        return
    check_spans(src.text, facts)


def _widen(text: str, mask: list[bool]) -> str:
    """Full-width spellings for some ASCII characters and spaces (chosen by ``mask``)."""
    out = []
    for i, ch in enumerate(text):
        if mask[i % len(mask)] and 0x21 <= ord(ch) <= 0x7E:
            out.append(chr(ord(ch) + 0xFEE0))
        elif mask[i % len(mask)] and ch == " ":
            out.append("\u3000")
        else:
            out.append(ch)
    return "".join(out)


def _summary(facts: DocumentFacts | DocumentError):
    if isinstance(facts, DocumentError):
        return ("refused", facts.problem)
    return (
        [(m.code, m.parent, m.span.start, m.span.end, m.section_kind) for m in facts.measures],
        sorted((r.measure, r.role.value, r.basis.value, r.mention.org.key, r.span.start, r.span.end)
               for r in facts.responsibilities),
        sorted((h.measure, h.concept, h.span.start, h.span.end) for h in facts.measure_types + facts.industries),
        sorted((t.measure or "", t.indicator, t.value or 0.0, t.unit or "", t.year or 0, t.span.start)
               for t in facts.targets),
    )


@examples(150)
@given(document_text, st.lists(st.booleans(), min_size=1, max_size=7))
def test_full_and_half_width_punctuation_give_the_same_facts(text, mask):
    half = normalize(text)
    full = _widen(half, mask)
    assert normalize(full) == half
    note(f"half={half!r}\nfull={full!r}")
    assert _summary(extract(half)) == _summary(extract(full))


# -- determinism ---------------------------------------------------------------------------

@examples(80)
@given(structured_text)
def test_extracting_twice_gives_the_same_facts_and_quads(text):
    first, second = extract(text), extract(text)
    if isinstance(first, DocumentError):
        assert isinstance(second, DocumentError) and first.problem == second.problem
        return
    assert first == second
    quads = [document_quads(f, CITY, CorpusLinks([f])) for f in (first, second)]
    assert quads[0] == quads[1]


@examples(8)
@given(st.lists(structured_text, min_size=1, max_size=3))
def test_building_a_folder_twice_gives_byte_identical_trig(tmp_path_factory, texts):
    raw: Path = tmp_path_factory.mktemp("raw")
    manifest = []
    for i, text in enumerate(texts):
        (raw / f"d{i}.txt").write_text(text, "utf-8")
        manifest.append(f'[[document]]\nfile = "d{i}.txt"\ncity = "{["许昌", "常州", "承德"][i]}"\n')
    (raw / "sources.toml").write_text("\n".join(manifest), "utf-8")
    first, second = build_corpus(raw), build_corpus(raw)
    assert first.errors == second.errors
    assert serialize_trig(first) == serialize_trig(second)


@pytest.mark.parametrize("text", [
    "",
    "\n\n\r\n",
    "一、",
    "（一）",
    "一是",
    "①②③",
    "\t序号\n\t重点任务\n\t牵头单位\n\t责任单位\n",
    "序号｜重点任务｜牵头单位｜责任单位\n１｜（１）加强领导｜市科技局｜市财政局\n",
    "一、总体要求\r（一）加强领导。（责任单位：市科技局、）\r",
    "一、" + "（责任单位：" * 200,
    "一、" + "、" * 5000 + "大学",
    "1." * 3000,
    "一、\u200b\ufeff\u3000\xa0（一）\t\t\t1.（1）①一是二是三是",
], ids=lambda t: f"len{len(t)}")
def test_corner_cases_found_by_hand(text):
    facts = extract(text)
    if isinstance(facts, DocumentFacts):
        check_spans(text, facts)
