"""Split text into lines that remember their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*")


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first character
    end: int  # offset after the last character (newline excluded)
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def content_start(self) -> int:
        """Offset of the first non-blank character."""
        return self.start + (len(self.text) - len(self.text.lstrip()))

    @property
    def content_end(self) -> int:
        return self.start + len(self.text.rstrip())


def split_lines(text: str) -> list[Line]:
    lines = []
    pos = 0
    n = len(text)
    while pos <= n:
        m = _LINE.match(text, pos)
        assert m is not None
        lines.append(Line(m.start(), m.end(), m.group(0)))
        nxt = m.end()
        if nxt >= n:
            break
        # skip one line break: \r\n, \n or \r
        if text.startswith("\r\n", nxt):
            nxt += 2
        else:
            nxt += 1
        pos = nxt
    return lines
