"""Offset-preserving text normalization.

Documents mix full-width and half-width punctuation even inside one file.
The parsers match against a normalized copy in which every character is
replaced by at most one character, so an offset into the copy is an offset
into the original, and quotes are always cut from the original text.
"""

from __future__ import annotations

import bisect
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
        0x3008: "(",  # 〈: an alias inside a bracket, 区委组织部〈区委人才办〉
        0x3009: ")",  # 〉
        0x3010: "[",  # 【
        0x3011: "]",  # 】
        0x2014: "-",  # — em dash: ranges such as 2020—2022
        0x2013: "-",
        0x2015: "-",
        0x2212: "-",
        0xFF5E: "~",
    }
)

# removed before concept matching, never from the text
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


class StrippedText:
    """A text without quotation marks, mapping offsets back to the original.

    Built once per document: concept patterns are written without quotes
    (揭榜挂帅 must match “揭榜挂帅”), and stripping per pattern would be
    quadratic in practice.
    """

    def __init__(self, text: str):
        self.text, self.positions = strip_quotes(text)

    def search(self, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int, str]]:
        """Matches of ``pattern`` within original offsets [start, end), as original offsets."""
        a = bisect.bisect_left(self.positions, start)
        b = bisect.bisect_left(self.positions, end)
        hits = []
        for m in pattern.finditer(self.text, a, b):
            if m.end() == m.start():
                continue
            hits.append((self.positions[m.start()], self.positions[m.end() - 1] + 1, m.group(0)))
        return hits


_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Normalized text without any whitespace: for comparing names and titles."""
    return _WS.sub("", normalize(text))
