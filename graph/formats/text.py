"""Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (covers GBK/GB2312).

The decoded text is never altered afterwards (no newline or punctuation
rewriting): every span offset in the graph refers to exactly this string.
The byte-level guesswork lives here so that the HTML decoder can use the
same rules for a page that declares no encoding.
"""

from __future__ import annotations

from ..model import SourceText
from .errors import DocumentError

# ~1.4 million characters: ten times the longest five-year plan. Extraction
# runs at about 4 s per MB, so a bigger file (a merged dump, a log saved as
# .txt) would hold a build or a reload for minutes; it is refused instead.
MAX_BYTES = 4 * 1024 * 1024
# A file whose first bad byte follows this many valid multi-byte UTF-8
# characters is UTF-8 damaged in place, not GB18030: decoding it as GB18030
# would turn the whole text into plausible-looking garbage.
_UTF8_EVIDENCE = 8


def looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C))
    return controls > len(sample) * 0.05


def check_size(name: str, data: bytes, limit: int = MAX_BYTES) -> None:
    if len(data) > limit:
        raise DocumentError(name, f"the file is {len(data)} bytes, over the {limit}-byte limit")


def decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding) of text bytes whose encoding nobody declared, or a DocumentError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"invalid UTF-16 text ({exc.reason})") from None
    if looks_binary(data):
        raise DocumentError(name, "the file is binary, not text")
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _utf8_until(data, utf8_error.start):
        raise DocumentError(name, _utf8_problem(data, utf8_error))
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DocumentError(
            name,
            f"not decodable as UTF-8 (byte {utf8_error.start}: {utf8_error.reason}) "
            f"or GB18030 (byte {exc.start}: {exc.reason})",
        ) from None


def decode(name: str, data: bytes) -> SourceText:
    """A .txt file as it is: decoded, never rewritten."""
    # a byte-order mark alone (an editor's "new UTF-8 file") is still an empty file
    if not (data[3:] if data.startswith(b"\xef\xbb\xbf") else data).strip():
        raise DocumentError(name, "the file is empty")
    check_size(name, data)
    text, encoding = decode_bytes(name, data)
    return SourceText(name, text, encoding)


def _utf8_until(data: bytes, bad: int) -> bool:
    """True when the text before byte ``bad`` is UTF-8 with real multi-byte characters."""
    prefix = data[:bad].decode("utf-8", errors="replace")
    return sum(1 for ch in prefix if ord(ch) > 0x7F) >= _UTF8_EVIDENCE


def _utf8_problem(data: bytes, exc: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    if exc.end >= len(data) and "end of data" in exc.reason:
        return (f"ends in the middle of a UTF-8 character (byte {exc.start} of {len(data)}): "
                "the file looks truncated; save it again whole")
    return (f"invalid UTF-8 at byte {exc.start} (line {line}: {exc.reason}) in an otherwise UTF-8 file: "
            "it is damaged or mixes encodings; save it again as UTF-8")
