"""Decoders of the document formats policykg reads, one module per format.

    sniff.py   which format a file is, from its bytes (magic numbers, markup), not its name
    text.py    .txt: UTF-8 / UTF-16 / GB18030, decoded and never rewritten
    html.py    portal web pages: the article, its info table and <meta> fields, <table>s
    docx.py    Word: paragraphs with their automatic numbering, merged table cells, text boxes
    pdf.py     PDF text layers: paragraphs re-joined across lines and pages, ruled tables
    legacy.py  .doc / .wps / .rtf: converted to .docx by LibreOffice, when it is installed
    render.py  what they share: paragraphs and tables written as one text, with Grids
    meta.py    what a page declares about itself (SourceText.meta), read as header fields
    errors.py  DocumentError: a document that cannot be read, with its file named

Every decoder returns a SourceText whose ``text`` is the extracted text;
every span the pipeline makes indexes it. To add a format, write a module
with ``decode(name, data) -> SourceText`` that renders through
render.TextBuilder, teach sniff.py its magic bytes and add it to DECODERS.
"""

from __future__ import annotations

from ..model import SourceText
from . import sniff as _sniff
from .errors import DocumentError

# the size a raw file may have, per format (the extracted text has its own limit: MAX_TEXT)
from .text import MAX_BYTES

MAX_TEXT = MAX_BYTES // 3  # characters: about what a 4 MiB UTF-8 Chinese .txt holds


def _decoder(kind: str):
    if kind == _sniff.TEXT:
        from .text import decode
    elif kind == _sniff.HTML:
        from .html import decode
    elif kind == _sniff.DOCX:
        from .docx import decode
    elif kind == _sniff.PDF:
        from .pdf import decode
    elif kind == _sniff.OLE:
        from .legacy import decode
    else:  # pragma: no cover - sniff returns only the kinds above
        raise ValueError(kind)
    return decode


def decode_document(name: str, data: bytes) -> SourceText:
    """Decode a document's bytes in the format they are in (chosen by content)."""
    try:
        kind = _sniff.sniff(data, name)
    except _sniff.Unsupported as exc:
        raise DocumentError(name, str(exc)) from None
    source = _decoder(kind)(name, data)
    if kind != _sniff.TEXT and len(source.text) > MAX_TEXT:
        raise DocumentError(name, f"the extracted text is {len(source.text)} characters, over the "
                                  f"{MAX_TEXT}-character limit")
    return source


__all__ = ["DocumentError", "decode_document"]
