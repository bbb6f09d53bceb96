"""Old binary Word (.doc), WPS (.wps) and RTF files: converted to .docx by LibreOffice, then read as Word.

Their formats (OLE compound files, WPS's own records, RTF control words)
are not worth a reader of our own: LibreOffice converts them faithfully,
numbering and merged cells included, and the Word decoder reads the
result. LibreOffice is found as ``soffice`` (or ``libreoffice``) on PATH;
without it such a file is refused with the fix named. The conversion runs
in a private temporary folder with its own LibreOffice profile (so that it
neither waits on nor disturbs a desktop session) and a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model import SourceText
from . import docx
from .errors import DocumentError
from .text import check_size

MAX_BYTES = 64 * 1024 * 1024
TIMEOUT_S = 120
_FIX = ("install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) so that `soffice` is on PATH, "
        "or save the file as .docx in Word or WPS")
# Excel and PowerPoint files are OLE compound files too: named, not converted
_NOT_WORD = {b"Workbook": "an Excel workbook (.xls)", b"PowerPoint Document": "a PowerPoint file (.ppt)"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kind(data: bytes) -> str | None:
    """What an OLE file that is not a Word document is (its stream names are UTF-16 in the directory)."""
    if data.startswith(b"{\\rtf"):
        return None
    for stream, what in _NOT_WORD.items():
        if stream.decode("ascii").encode("utf-16-le") in data[:1 << 20] and \
                "WordDocument".encode("utf-16-le") not in data[:1 << 20]:
            return what
    return None


def _plausible(text: str) -> float:
    """The share of characters a Chinese or Latin document is made of."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 1.0
    ok = sum(1 for c in chars if 0x20 < ord(c) < 0x7F or 0x4E00 <= ord(c) <= 0x9FFF or 0x3000 <= ord(c) <= 0x303F
             or 0xFF00 <= ord(c) <= 0xFFEF or 0x2000 <= ord(c) <= 0x206F or 0x3400 <= ord(c) <= 0x4DBF)
    return ok / len(chars)


def convert(name: str, data: bytes) -> bytes:
    """The file converted to .docx bytes by LibreOffice."""
    exe = soffice()
    if exe is None:
        raise DocumentError(name, f"is an old binary Word/WPS/RTF file that needs LibreOffice to be read: {_FIX}")
    with tempfile.TemporaryDirectory(prefix="policykg-convert-") as tmp:
        work = Path(tmp)
        suffix = ".rtf" if data.startswith(b"{\\rtf") else ".doc"
        src = work / f"document{suffix}"
        src.write_bytes(data)
        profile = (work / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, env=dict(os.environ, HOME=tmp))
        except subprocess.TimeoutExpired:
            raise DocumentError(name, f"LibreOffice did not convert it within {TIMEOUT_S} s") from None
        out = work / "out" / "document.docx"
        if done.returncode != 0 or not out.exists():
            why = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise DocumentError(name, f"LibreOffice could not convert it (exit {done.returncode}"
                                      f"{': ' + why if why else ''}): the file is damaged or not a Word/WPS file")
        return out.read_bytes()


def decode(name: str, data: bytes) -> SourceText:
    check_size(name, data, MAX_BYTES)
    what = _kind(data)
    if what:
        raise DocumentError(name, f"the file is {what}, not a Word document")
    source = docx.decode(name, convert(name, data))
    if _plausible(source.text) < 0.7:
        # LibreOffice opens what it cannot parse as plain text: binary garbage, not a document
        raise DocumentError(name, "LibreOffice could not read it as a Word/WPS document (it comes out as "
                                  "binary garbage): the file is damaged")
    return SourceText(source.name, source.text, "doc", format="doc", grids=source.grids, pages=source.pages,
                      meta=source.meta, notes=(f"converted from {'RTF' if data.startswith(b'{') else 'binary Word/WPS'}"
                                               " by LibreOffice", *source.notes))
