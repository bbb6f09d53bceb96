"""Which format a file is, from its first bytes rather than its name.

Files arrive misnamed: a web page saved as .txt, a .doc renamed .docx, a
PDF downloaded without an extension. The bytes decide; the extension only
breaks a tie between plain text and markup, and names the fix when a file
is of a kind policykg does not read.
"""

from __future__ import annotations

import io
import re
import zipfile

PDF = "pdf"
DOCX = "docx"
OLE = "ole"  # .doc / .wps / .xls ...: converted by LibreOffice (graph/formats/legacy.py)
HTML = "html"
TEXT = "txt"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKUP = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_TAGS = re.compile(rb"<(?:p|div|table|br|span|body|html)[\s>/]", re.IGNORECASE)

# Zip-based office formats that are not Word documents, by a part they hold.
_OTHER_ZIPS = [
    ("xl/workbook.xml", "an Excel workbook (.xlsx): export the sheet as a .docx or .txt"),
    ("ppt/presentation.xml", "a PowerPoint file (.pptx), not a policy document"),
    ("content.xml", "an OpenDocument file (.odt/.ods): save it as .docx"),
]


class Unsupported(Exception):
    """A file of a kind no decoder reads; the message says what it is and what to do."""


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return DOCX  # a zip that does not open: the Word decoder names the damage
    if "word/document.xml" in names:
        return DOCX
    for part, what in _OTHER_ZIPS:
        if part in names:
            raise Unsupported(f"the file is {what}")
    if "[Content_Types].xml" in names:
        return DOCX  # an Office package whose main part is elsewhere: the Word decoder says so
    raise Unsupported("the file is a zip archive, not a document: unpack it and add its files")


def sniff(data: bytes, name: str = "") -> str:
    """The decoder for these bytes: "pdf", "docx", "ole", "html" or "txt"."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return OLE
    if data.startswith(b"{\\rtf"):
        return OLE  # Rich Text: LibreOffice converts it like a .doc
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if _MARKUP.match(body[:4096]):
        return HTML
    if name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")) and _TAGS.search(body[:65536]):
        return HTML
    return TEXT
