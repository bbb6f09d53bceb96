"""Decode raw document bytes into text, or refuse them with a clear reason.

The decoded text is never altered afterwards (no newline or punctuation
rewriting): every span offset in the graph refers to exactly this string.
"""

from __future__ import annotations

from pathlib import Path

from .model import SourceText

MAX_BYTES = 20 * 1024 * 1024


class DocumentError(Exception):
    """A document that cannot be read or understood; names the file."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C))
    return controls > len(sample) * 0.05


def decode(name: str, data: bytes) -> SourceText:
    """Decode UTF-8 (with or without BOM) or GB18030 (which covers GBK/GB2312)."""
    if not data.strip():
        raise DocumentError(name, "the file is empty")
    if len(data) > MAX_BYTES:
        raise DocumentError(name, f"the file is {len(data)} bytes, over the {MAX_BYTES}-byte limit")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return SourceText(name, data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"invalid UTF-16 text ({exc.reason})") from None
    if _looks_binary(data):
        raise DocumentError(name, "the file is binary, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return SourceText(name, data.decode(encoding), encoding)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            name, f"not decodable as UTF-8 or GB18030 (byte {exc.start}: {exc.reason})"
        ) from None
    return SourceText(name, text, "gb18030")


def read_document(path: Path, name: str | None = None) -> SourceText:
    name = name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(name, f"file not found at {path}") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from None
    return decode(name, data)
