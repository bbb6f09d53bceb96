"""Read a document file into its text, or refuse it with a clear reason.

The single entry point the build calls. The format is chosen by the file's
content (graph/formats/sniff.py), and each format's decoder lives in
graph/formats/. For a .txt file the text is the file decoded and never
rewritten; for HTML, Word and PDF it is the text extracted from them, which
the build keeps beside the graph (data/text/<file>.txt) because every span
offset refers to exactly that string.
"""

from __future__ import annotations

from pathlib import Path

from .formats import decode_document
from .formats.errors import DocumentError
from .formats.text import MAX_BYTES, decode
from .model import SourceText

__all__ = ["MAX_BYTES", "DocumentError", "decode", "read_document"]


def read_document(path: Path, name: str | None = None) -> SourceText:
    name = name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(name, f"file not found at {path}") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from None
    return decode_document(name, data)
