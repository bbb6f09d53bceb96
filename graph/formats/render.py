"""Write what a structured format delimits as the one extracted text every span indexes.

Every decoder (HTML, Word, PDF) ends here, so that all of them render alike:

* a paragraph is one line;
* a table is one line per grid row, cells separated by tabs; a merged cell's
  text stands once, at its top-left position, and every position it covers
  is an empty field, so each row has the grid's column count of fields;
  line breaks inside a cell become one space;
* each table's Grid records the offsets of every non-empty cell's text with
  its row/column spans, and the offsets where the table's rendering starts
  and ends.

The numbered-text parsers then read the result like any .txt document,
and the table reader can take the cells from the Grid instead of guessing
them from tabs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Grid, GridCell, SourceText

# Characters a reader sees as blank at the ends of a paragraph (indentation
# made of ideographic or no-break spaces included).
_BLANK = " \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\ufeff]+")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)\]}%]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\[{]")


def join_wrapped(left: str, right: str) -> str:
    """Two pieces of one paragraph that a line wrap separated.

    A wrap between Latin words stood for a space; anywhere else (CJK text,
    a range such as 3-5 or 1—2 cut after its dash) it stood for nothing.
    """
    if not left:
        return right
    if not right:
        return left
    if _LATIN_END.search(left) and _LATIN_START.match(right):
        return left + " " + right
    return left + right


def clean_line(text: str) -> str:
    """One paragraph or cell: runs of blanks become one space, none between wide characters,
    the ends trimmed. Never a tab or a newline inside."""
    text = text.strip(_BLANK)
    if not text:
        return ""
    out: list[str] = []
    pos = 0
    for m in _SPACES.finditer(text):
        out.append(text[pos : m.start()])
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        # a source line break between two wide characters is no space (CSS Text
        # segment-break rule); typed spaces are kept as one
        newline = "\n" in m.group(0) or "\r" in m.group(0)
        if not (newline and before and after and _wide(before) and _wide(after)):
            out.append(" ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


@dataclass
class PlacedCell:
    """A cell at its grid position, before rendering."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def place_rows(rows: list[list[tuple[str, int, int]]]) -> list[PlacedCell]:
    """Grid positions of cells given row by row as (text, rowspan, colspan), the way HTML
    lays them out: each cell takes the first column its row has free."""
    taken: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            rowspan = max(1, min(rowspan, len(rows) - r))
            colspan = max(1, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            placed.append(PlacedCell(r, c, text, rowspan, colspan))
            c += colspan
    return placed


@dataclass
class TextBuilder:
    """Accumulates the extracted text of one document, with its grids, pages and notes."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    grids: list[Grid] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)

    def _write(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def paragraph(self, text: str, clean: bool = True) -> None:
        """One paragraph as one line (empty ones are dropped)."""
        line = clean_line(text) if clean else text
        if line:
            self._write(line + "\n")

    def page(self) -> None:
        """The next page starts here."""
        self.pages.append(self.pos)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def table(self, cells: list[PlacedCell]) -> Grid | None:
        """Render a table: one line per grid row, tab-separated fields, merged positions empty."""
        cells = [c for c in cells if c.row >= 0 and c.col >= 0]
        if not cells:
            return None
        nrows = max(c.row + c.rowspan for c in cells)
        ncols = max(c.col + c.colspan for c in cells)
        anchored: dict[tuple[int, int], PlacedCell] = {}
        for c in cells:
            anchored.setdefault((c.row, c.col), c)
        start = self.pos
        grid_cells: list[GridCell] = []
        for r in range(nrows):
            for col in range(ncols):
                if col:
                    self._write("\t")
                cell = anchored.get((r, col))
                text = clean_line(cell.text) if cell else ""
                if text:
                    grid_cells.append(GridCell(r, col, self.pos, self.pos + len(text), cell.rowspan, cell.colspan))
                    self._write(text)
            end = self.pos
            self._write("\n")
        grid = Grid(start, end, tuple(grid_cells))
        self.grids.append(grid)
        return grid

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def source(self, name: str, encoding: str, format: str) -> SourceText:
        return SourceText(
            name,
            self.text,
            encoding,
            format=format,
            grids=tuple(self.grids),
            pages=tuple(self.pages),
            meta=tuple(self.meta),
            notes=tuple(self.notes),
        )
