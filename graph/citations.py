"""Citations of other policies: ``《title》(文号)`` or a bare ``《title》``."""

from __future__ import annotations

import re

from .header import doc_number_text
from .model import Citation, SourceText
from .normalize import squash

_CITE = re.compile(
    r"《([^《》]{4,120})》(?:\s*\(\s*([\u4e00-\u9fff]{1,10})\s*\[\s*((?:19|20)\d{2})\s*\]\s*(\d{1,4})\s*号\s*\))?"
)
_NOT_POLICY = re.compile(r"^(人民日报|求是|光明日报)")


def find_citations(
    source: SourceText, norm: str, start: int, own_title: str | None
) -> list[Citation]:
    """Citations in the text from ``start`` on, except the document's own title."""
    own = squash(own_title) if own_title else None
    out: list[Citation] = []
    seen: set[tuple[str, str | None]] = set()
    for m in _CITE.finditer(norm, start):
        title = source.text[m.start(1) : m.end(1)].strip()
        if _NOT_POLICY.match(title) or (own and squash(title) == own):
            continue
        number = doc_number_text(m.group(2), m.group(3), m.group(4)) if m.group(2) else None
        key = (squash(title), number)
        if key in seen:
            continue
        seen.add(key)
        out.append(Citation(title, number, source.span(m.start(), m.end())))
    return out
