"""Offset-preserving text normalization.

Documents mix full-width and half-width punctuation even inside one file.
The parsers match against a normalized copy in which every character is
replaced by at most one character, so an offset into the copy is an offset
into the original, and quotes are always cut from the original text.
"""

from __future__ import annotations

import re

_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x200B: " ",  # zero-width space: keep the length, lose the oddity
        0xFEFF: " ",
        0x3014: "[",  # 〔
        0x3015: "]",  # 〕
        0xFE5D: "[",  # ﹝
        0xFE5E: "]",  # ﹞
        0x3010: "[",  # 【
        0x3011: "]",  # 】
        0x2014: "-",  # — em dash: ranges such as 2020—2022
        0x2013: "-",
        0x2015: "-",
        0x2212: "-",
        0xFF5E: "~",
    }
)

QUOTES = "“”‘’\"'「」『』《》"  # removed before concept matching, never from the text
_QUOTE_TABLE = {ord(c): None for c in "“”‘’\"'「」『』"}


def normalize(text: str) -> str:
    """Full-width ASCII to half-width, odd spaces to space, 〔〕 to []; same length."""
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out


def strip_quotes(text: str) -> tuple[str, list[int]]:
    """Drop quotation marks; return the result and each kept char's offset."""
    kept: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ord(ch) in _QUOTE_TABLE:
            continue
        kept.append(ch)
        positions.append(i)
    return "".join(kept), positions


def search_stripped(
    pattern: re.Pattern[str], text: str, base: int = 0
) -> list[tuple[int, int, str]]:
    """All matches of ``pattern`` in ``text`` with quotes ignored.

    Returns (start, end, matched text) with offsets mapped back to ``text``
    (plus ``base``), so the span covers the original, quotes included.
    """
    stripped, positions = strip_quotes(text)
    hits = []
    for m in pattern.finditer(stripped):
        if m.end() == m.start():
            continue
        start = positions[m.start()]
        end = positions[m.end() - 1] + 1
        hits.append((base + start, base + end, m.group(0)))
    return hits


_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Normalized text without any whitespace: for comparing names and titles."""
    return _WS.sub("", normalize(text))
