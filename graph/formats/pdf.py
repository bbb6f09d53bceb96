"""PDF text layers: paragraphs re-joined across line wraps and pages, ruled tables read by cell.

A PDF holds positioned glyphs, not paragraphs. The text is rebuilt from the
characters' boxes:

* characters become lines (same baseline), lines become paragraphs: a line
  starts a paragraph when it is indented past the body's left edge, when
  the line above stopped short of the right edge, when the gap above it is
  wider than the line pitch, or when the font size changes. A paragraph
  that fills the last line of a page goes on at the top of the next one.
  Wrapped CJK joins with no space, wrapped Latin with one;
* lines that repeat at the top or bottom of the pages (running headers and
  footers, a printer's date and URL) and page numbers (3, - 3 -, 第3页,
  3/8) are dropped;
* ruled tables (pdfplumber's line-based finder) become Grids: each cell's
  box gives its row/column span against the table's distinct rulings, a
  table that goes on over the next page is one table (the repeated header
  row dropped), and an empty cell at the top of a continued table carries
  on the merged cell above it. Within a cell, a line stopping well short of
  the cell's edge is a line break (one space); otherwise a wrap;
* the text layer is checked first: no characters at all (a scan), or
  characters that come out as (cid:NN), U+FFFD or private-use code points
  (fonts without a ToUnicode map), is refused with a DocumentError that
  says so. There is no OCR. Kangxi radicals and CJK compatibility
  ideographs, which some fonts map instead of the unified ideographs, are
  read as the ideographs they stand for.

Library: pdfplumber (MIT, on pdfminer.six, MIT). Tried on the Chromium-printed
许昌 annex (8 pages, a ruled table with merged cells) and 承德 plan: pdfminer.six,
pdfplumber, pypdfium2 (Apache-2.0/BSD, PDFium) and pypdf (BSD) all give
correct CJK text; only pdfplumber finds the ruled tables and their merged
cells (pypdfium2 and pypdf give the cell texts as a stream of lines, with
no cells). pypdfium2 is about 20 times faster (0.03 s against 0.6 s for the
annex) and would need a table finder of our own over its path objects;
PyMuPDF, as fast with tables, is AGPL.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..model import SourceText
from .errors import DocumentError
from .render import PlacedCell, TextBuilder, join_wrapped
from .text import check_size

MAX_BYTES = 64 * 1024 * 1024
MAX_PAGES = 2000
_FURNITURE_ZONE = 0.1  # the top and bottom tenth of a page hold running headers and footers
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－·•]\s*)?(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?(?:\s*[-—–－·•])?\s*$"
)
_CID = re.compile(r"\(cid:\d+\)")


def _fix_char(ch: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs → the unified ideographs they render as;
    Latin ligatures → their letters."""
    o = ord(ch)
    if (0x2F00 <= o <= 0x2FDF or 0x2E80 <= o <= 0x2EFF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F
            or 0xFB00 <= o <= 0xFB06):  # and Latin ligatures (ﬁ → fi)
        return unicodedata.normalize("NFKC", ch)
    return ch


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text: str
    lead: float = 0.0  # width of the line's first unbreakable piece (see _lead_width)
    mcid0: int | None = None  # marked-content ids of its first and last characters (tagged PDFs)
    mcid1: int | None = None

    @property
    def key(self) -> str:
        """The line with its numbers blanked: a running header/footer repeats as the same key."""
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", self.text))


@dataclass
class _Table:
    page: int
    top: float
    bottom: float
    xs: list[float]  # the column rulings
    cells: list[PlacedCell]
    nrows: int
    page_rows: list[tuple[int, int]] = field(default_factory=list)  # (page, first row on it)


@dataclass
class _Page:
    number: int
    height: float
    items: list = field(default_factory=list)  # _Line and _Table, top to bottom


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Characters grouped into lines, left to right; gaps wider than a third of the font size
    become a space where the PDF has none."""
    chars = sorted((c for c in chars if c.get("upright", True) and c["text"]), key=lambda c: (c["top"], c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        mid = (c["top"] + c["bottom"]) / 2
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(mid - (ref["top"] + ref["bottom"]) / 2) <= max(1.0, 0.45 * ref["size"]):
                last.append(c)
                continue
        rows.append([c])
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text = ""
        prev = None
        for c in row:
            t = "".join(_fix_char(ch) for ch in c["text"])
            if prev is not None and c["x0"] - prev["x1"] > 0.33 * c["size"] and not text.endswith(" ") and t != " ":
                text += " "
            text += t
            prev = c
        stripped = text.strip()
        if not stripped:
            continue
        size = statistics.median(c["size"] for c in row if c["text"].strip()) if any(
            c["text"].strip() for c in row) else row[0]["size"]
        visible = [c for c in row if c["text"].strip()]
        out.append(_Line(page, visible[0]["x0"], visible[-1]["x1"], min(c["top"] for c in row),
                         max(c["bottom"] for c in row), size, re.sub(r" {2,}", " ", stripped),
                         _lead_width(visible), visible[0].get("mcid"), visible[-1].get("mcid")))
    return out


# what a line may not start with (closing punctuation) or end with (opening punctuation)
_NO_START = set("、，。．：；！？）》」』”’】〕〉…—％%,.;:!?)]}·")
_NO_END = set("（《「『“‘【〔〈([{")
_WORD = re.compile(r"[0-9A-Za-z.\-_/%]")


def _lead_width(chars: list[dict]) -> float:
    """How wide the line's first unbreakable piece is: a Latin word or number, or one CJK
    character with the punctuation that may not be parted from it. The line above wrapped
    only if this piece did not fit at its end."""
    if not chars:
        return 0.0
    k = 0
    while k + 1 < len(chars) and chars[k]["text"] in _NO_END:
        k += 1
    if _WORD.match(chars[k]["text"]):
        while k + 1 < len(chars) and _WORD.match(chars[k + 1]["text"]):
            k += 1
    while k + 1 < len(chars) and chars[k + 1]["text"] in _NO_START:
        k += 1
    return chars[k]["x1"] - chars[0]["x0"]


def _wrapped(prev: _Line, line: _Line, right: float) -> bool:
    """Did ``prev`` end only because ``line``'s first piece would not fit after it?"""
    return prev.x1 + line.lead + 0.25 * line.size > right


def _snap(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def _index(rulings: list[float], v: float) -> int:
    return min(range(len(rulings)), key=lambda i: abs(rulings[i] - v))


def runs_by_mcid(pairs: list[tuple[_Line, _Line]]) -> bool:
    """Whether this PDF's marked content follows the source's text runs (Chromium tags each
    text node, so a wrapped line keeps its id and a <br> changes it) rather than its lines
    (a new id per line). Then a change of id between two lines of a cell is a line break
    even where the geometry cannot tell, as when a unit name exactly fills its line."""
    tagged = [(a, b) for a, b in pairs if a.mcid1 is not None and b.mcid0 is not None]
    return len(tagged) >= 5 and sum(a.mcid1 == b.mcid0 for a, b in tagged) >= 0.3 * len(tagged)


def _cell_text(lines: list[_Line], x0: float, x1: float, runs: bool) -> str:
    """A cell's lines: where the next line's first piece would have fitted at the end of the
    line above, that line ended by itself (a line break: one space); else it wrapped (nothing
    between CJK characters)."""
    if not lines:
        return ""
    padding = max(0.0, min(ln.x0 for ln in lines) - x0)
    right = x1 - padding
    text = lines[0].text
    for prev, line in zip(lines, lines[1:]):
        wrapped = _wrapped(prev, line, right)
        if runs and prev.mcid1 is not None and line.mcid0 is not None:
            wrapped = prev.mcid1 == line.mcid0
        text = join_wrapped(text, line.text) if wrapped else f"{text} {line.text}"
    return text


def _tables(page, chars: list[dict], number: int) -> tuple[list[_Table], list[dict], list]:
    """The page's ruled tables (cell texts still to be written), the characters outside them, and
    each cell's (cell, lines, left, right)."""
    found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines",
                              "explicit_horizontal_lines": _closing_lines(page)})
    tables: list[_Table] = []
    cell_lines: list = []
    inside: set[int] = set()
    for t in found:
        boxes = [c for c in t.cells if c is not None]
        if len(boxes) < 2:
            continue
        xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a framed paragraph, read as text
        placed: list[PlacedCell] = []
        by_box: dict[int, list[dict]] = {i: [] for i in range(len(boxes))}
        for k, c in enumerate(chars):
            cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
            for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
                if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                    by_box[i].append(c)
                    inside.add(k)
                    break
        for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
            r0, r1 = _index(ys, btop), _index(ys, bbottom)
            c0, c1 = _index(xs, bx0), _index(xs, bx1)
            if r1 <= r0 or c1 <= c0:
                continue
            cell = PlacedCell(r0, c0, "", r1 - r0, c1 - c0)
            placed.append(cell)
            cell_lines.append((cell, _lines(by_box[i], number), bx0, bx1))
        tables.append(_Table(number, t.bbox[1], t.bbox[3], xs, placed, len(ys) - 1))
    outside = [c for k, c in enumerate(chars) if k not in inside]
    return tables, outside, cell_lines


def _closing_lines(page) -> list[dict]:
    """Horizontal rulings where a table is cut by the page: a merged cell that goes on over the
    page break has no border there, so without them it would be no cell at all."""
    verticals = sorted((e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 2),
                       key=lambda e: e["top"])
    groups: list[list[dict]] = []
    for e in verticals:  # tables: runs of vertical rulings that overlap top to bottom
        if groups and e["top"] <= max(g["bottom"] for g in groups[-1]) + 2:
            groups[-1].append(e)
        else:
            groups.append([e])
    lines = []
    for group in groups:
        for y, at_end in ((min(e["top"] for e in group), "top"), (max(e["bottom"] for e in group), "bottom")):
            ends = [e for e in group if abs(e[at_end] - y) <= 1]
            if len(ends) >= 2:
                x0, x1 = min(e["x0"] for e in ends), max(e["x1"] for e in ends)
                lines.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                              "object_type": "line", "orientation": "h"})
    return lines


def _same_columns(a: _Table, b: _Table) -> bool:
    return len(a.xs) == len(b.xs) and all(abs(x - y) <= 3 for x, y in zip(a.xs, b.xs))


def _row_texts(t: _Table, row: int) -> list[str]:
    return [c.text for c in sorted((c for c in t.cells if c.row == row), key=lambda c: c.col)]


def _continue(a: _Table, b: _Table) -> None:
    """Append table ``b`` (the top of the next page) to ``a``: its repeated header row dropped,
    its empty top cells carrying on the merged cells above them."""
    offset = a.nrows
    start = 0
    if b.nrows > 1 and _row_texts(b, 0) == _row_texts(a, 0):
        start = 1  # the header row, repeated on every page
    last_row = a.nrows - 1
    for c in sorted(b.cells, key=lambda c: (c.row, c.col)):
        if c.row < start:
            continue
        if c.row == start:
            above = next((x for x in a.cells if x.col == c.col and x.colspan == c.colspan
                          and x.row <= last_row < x.row + x.rowspan), None)
            # a merged cell cut by the page break: an empty box on one side of the break (its
            # text, set in the middle of the whole cell, is on the other)
            if above is not None and (not c.text.strip()) != (not above.text.strip()):
                above.rowspan = offset + c.rowspan - above.row
                above.text = above.text or c.text
                continue
        a.cells.append(PlacedCell(c.row - start + offset, c.col, c.text, c.rowspan, c.colspan))
    a.nrows = offset + b.nrows - start


def _check_text_layer(name: str, pages: list, all_chars: list[list[dict]]) -> list[str]:
    total = sum(len(cs) for cs in all_chars)
    if total == 0:
        raise DocumentError(
            name,
            f"the PDF has no text layer ({len(pages)} page(s) of images: a scanned document?); policykg does "
            "not OCR: run OCR first (for example ocrmypdf -l chi_sim) or use the document's Word or web version",
        )
    bad = 0
    for cs in all_chars:
        for c in cs:
            t = c["text"]
            if _CID.search(t) or "\ufffd" in t or any(0xE000 <= ord(ch) <= 0xF8FF for ch in t):
                bad += 1
    notes: list[str] = []
    if bad and (bad >= 20 or bad > 0.01 * total):
        raise DocumentError(
            name,
            f"the PDF's text layer is unusable: {bad} of {total} characters have no Unicode mapping (they come "
            "out as (cid:NN) or U+FFFD: its fonts lack a ToUnicode map); policykg does not OCR: run OCR first "
            "or use the document's Word or web version",
        )
    if bad:
        notes.append(f"{bad} character(s) without a Unicode mapping ((cid:NN) or U+FFFD) left as they are")
    for i, (page, cs) in enumerate(zip(pages, all_chars), start=1):
        if not cs and (page.images or page.rects or page.curves):
            notes.append(f"page {i} has no text (an image?): not read (no OCR)")
        elif cs and page.images:
            notes.append(f"page {i}: {len(page.images)} image(s) not read (no OCR)")
    return notes


def _drop_furniture(pages: list[_Page]) -> None:
    """Drop running headers/footers (repeated in the top or bottom zone of several pages)
    and page numbers."""
    zone: dict[str, set[int]] = {}
    for p in pages:
        for item in p.items:
            if isinstance(item, _Line) and _in_zone(item, p):
                zone.setdefault(item.key, set()).add(p.number)
    repeated = {k for k, seen in zone.items() if len(seen) >= 2 and len(seen) >= 0.5 * len(pages)}
    for p in pages:
        p.items = [
            item for item in p.items
            if not (isinstance(item, _Line) and _in_zone(item, p)
                    and (item.key in repeated or _PAGE_NUMBER.match(item.text)))
        ]


def _in_zone(line: _Line, page: _Page) -> bool:
    return line.bottom < page.height * _FURNITURE_ZONE or line.top > page.height * (1 - _FURNITURE_ZONE)


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The body's left and right edges: where most lines start, where the full ones end."""
    if not lines:
        return 0.0, 0.0
    left = Counter(round(ln.x0) for ln in lines).most_common(1)[0][0]
    right = max(ln.x1 for ln in lines)
    full = [ln.x1 for ln in lines if ln.x1 > right - 3 * ln.size]
    return float(left), (statistics.median(full) if full else right)


def _flow(pages: list[_Page]) -> list:
    """The document's lines and tables in reading order, a table that goes on at the top of the
    next page joined to the one that ended the page before."""
    flow: list = []
    for p in pages:
        for k, item in enumerate(p.items):
            last = flow[-1] if flow else None
            if (isinstance(item, _Table) and k == 0 and isinstance(last, _Table)
                    and last.page_rows[-1][0] == p.number - 1 and _same_columns(last, item)):
                before = last.nrows
                _continue(last, item)
                last.page_rows.append((p.number, before))
                continue
            if isinstance(item, _Table):
                item.page_rows = [(p.number, 0)]
            flow.append(item)
    return flow


def _write(out: TextBuilder, pages: list[_Page]) -> None:
    lines = [item for p in pages for item in p.items if isinstance(item, _Line)]
    left, right = _margins(lines)
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and 0 < b.top - a.top < 3 * a.size]
    pitch = statistics.median(pitches) if pitches else 0.0
    page_starts: dict[int, int] = {}
    paragraph: list[_Line] = []

    def flush() -> None:
        text = ""
        for line in paragraph:
            joined = join_wrapped(text, line.text)
            page_starts.setdefault(line.page, out.pos + len(joined) - len(line.text))
            text = joined
        out.paragraph(text, clean=False)
        paragraph.clear()

    def starts_paragraph(line: _Line, prev: _Line) -> bool:
        if abs(line.size - prev.size) > 0.15 * prev.size:
            return True
        if line.x0 > left + 0.8 * line.size:
            return True  # indented: a first line (or a centred heading)
        if not _wrapped(prev, line, right):
            return True  # the line's first piece would have fitted above: the line above ended there
        return line.page == prev.page and bool(pitch) and line.top - prev.top > 1.45 * pitch

    for item in _flow(pages):
        if isinstance(item, _Table):
            flush()
            out.table(item.cells)
            grid = out.grids[-1]
            row_offsets = [grid.start]
            for _ in range(item.nrows - 1):
                row_offsets.append(out.text.index("\n", row_offsets[-1]) + 1)
            for page, row in item.page_rows:
                page_starts.setdefault(page, row_offsets[min(row, len(row_offsets) - 1)])
            continue
        if paragraph and starts_paragraph(item, paragraph[-1]):
            flush()
        paragraph.append(item)
    flush()
    # each page: where its text starts (a page with none: where the next text starts)
    following = out.pos
    starts: list[int] = []
    for p in reversed(pages):
        following = min(page_starts.get(p.number, following), following)
        starts.append(following)
    out.pages.extend(reversed(starts))


def decode(name: str, data: bytes) -> SourceText:
    check_size(name, data, MAX_BYTES)
    if b"%%EOF" not in data[-2048:]:
        # a cut-off download: pdfminer would rebuild what it can from the objects it finds and
        # read the pages that survive, which is exactly the half-reading to avoid
        raise DocumentError(name, "the PDF is truncated (no %%EOF at its end): download it again")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its font warnings are not the user's business
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError(name, f"the PDF is encrypted ({type(exc).__name__}): save an unprotected copy") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentError(name, f"not a readable PDF ({type(exc).__name__}: {exc}): the file is damaged or "
                                  "truncated; download it again") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise DocumentError(name, "the PDF is encrypted: save an unprotected copy") from None
        raise DocumentError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    with pdf:
        try:
            pages = list(pdf.pages)
            if not pages:
                raise DocumentError(name, "the PDF has no pages")
            if len(pages) > MAX_PAGES:
                raise DocumentError(name, f"the PDF has {len(pages)} pages, over the {MAX_PAGES}-page limit")
            all_chars = [p.chars for p in pages]
            notes = _check_text_layer(name, pages, all_chars)
            read: list[_Page] = []
            cells: list = []
            for i, (page, chars) in enumerate(zip(pages, all_chars), start=1):
                tables, outside, cell_lines = _tables(page, chars, i)
                cells += cell_lines
                items: list = [*_lines(outside, i), *tables]
                items.sort(key=lambda it: it.top)
                read.append(_Page(i, float(page.height), items))
            pairs = [pair for _, lines, _, _ in cells for pair in zip(lines, lines[1:])]
            runs = runs_by_mcid(pairs)
            for cell, lines, x0, x1 in cells:
                cell.text = _cell_text(lines, x0, x1, runs)
        except DocumentError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged content stream surfaces while reading pages
            raise DocumentError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    _drop_furniture(read)
    out = TextBuilder(notes=notes)
    _write(out, read)
    if not out.text.strip():
        raise DocumentError(name, "the PDF has no text besides page headers, footers and numbers")
    return out.source(name, "pdf", "pdf")
