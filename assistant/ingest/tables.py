"""PDF bytes + pages -> list[Table]: ruled tables with a caption ("Cuadro N°1", "Tabla 2", "Table 3"),
read with pdfplumber (cells from the ruling lines), and `take_out` to lift their text out of the
running lines so it is indexed once, as a table chunk, at the place where the table sat.

Only pages whose text has a table caption are opened with pdfplumber (about 0.3 s a page, ten times
what PDFium takes to read the text): a ruled box without a caption stays in the running text."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import DependencyMissingError
from assistant.types import Line, Page

if TYPE_CHECKING:
    from pdfplumber.page import Page as PlumberPage

log = logging.getLogger(__name__)
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top left

# A caption opens its line: label, optional "N°"/"No.", number, then the end, punctuation or a capital
# ("Cuadro N°1", "Tabla 2. Casos", "Figura 2 Niveles..."; not "Figura 2 muestra que", which is prose).
_NUMBER = r"\s*(?:N\s?[°º.o]\s*|No\.?\s*|Nro\.?\s*)?\d{1,3}(?:\.\d{1,2})?"
_AFTER = r"(?=\s*$|\s*[.:\-–—|]|\s+[\"«“(A-ZÁÉÍÓÚÑ])"
TABLE_CAPTION = re.compile(rf"^(?:Cuadro|CUADRO|Tabla|TABLA|Table|TABLE|Tableau|TABLEAU){_NUMBER}{_AFTER}")
FIGURE_CAPTION = re.compile(
    rf"^(?:Gr[áa]fic[oa]|GR[ÁA]FIC[OA]|Figura|FIGURA|Figure|FIGURE|Mapa|MAPA|Map|Carte|CARTE"
    rf"|Ilustraci[óo]n|ILUSTRACI[ÓO]N|Diagrama|Imagen){_NUMBER}{_AFTER}"
)
_LABEL_ONLY = re.compile(rf"^\S+{_NUMBER}[.:]?$")  # "Cuadro N°1" alone: its title is on the next line
_WORD = re.compile(r"\w+")
_CAPTION_BAND = 40.0  # points above (or below) a table searched for its caption: about three lines
MIN_TAKEN = 0.5  # share of a table's words that must be found in the running text to take them out


@dataclass(frozen=True, slots=True)
class Table:
    """One table: where it is, its caption, its rows (header row first) and the notes under it."""

    page: int  # 1-based
    bbox: Box
    caption: str  # "Cuadro N°1 — Malaria en estados con mayor cantidad de indígenas"
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()  # lines spanning the table under its rows ("Fuente: ...")

    def row_lines(self) -> list[str]:
        """One line per row, cells separated by ' | ' (the header row first)."""
        return [" | ".join(row) for row in self.rows]

    def text_lines(self) -> list[str]:
        return [self.caption, *self.row_lines(), *self.notes]


def is_caption(text: str) -> bool:
    """A table's or a figure's caption line ("Cuadro N°1", "Figura 2 Niveles ...")."""
    return bool(TABLE_CAPTION.match(text) or FIGURE_CAPTION.match(text))


def find_tables(data: bytes, pages: Sequence[Page]) -> list[Table]:
    """The captioned tables of the pages whose text names one (OCR'd pages have no vector rulings and are
    skipped). Raises DependencyMissingError when pdfplumber is not installed."""
    wanted = [p.number for p in pages if not p.ocr and _names_a_table(p.text)]
    if not wanted:
        return []
    try:
        import pdfplumber
    except ImportError as exc:
        raise DependencyMissingError("Reading tables", "pip install pdfplumber") from exc
    tables: list[Table] = []
    try:
        with pdfplumber.open(io.BytesIO(data), pages=wanted) as pdf:
            for page in pdf.pages:
                for found in page.find_tables():
                    table = _table(page, found.bbox, found.extract())
                    if table:
                        tables.append(table)
                page.close()  # frees the page's parsed layout: a long report would otherwise keep them all
    except Exception as exc:  # pdfminer chokes on PDFs PDFium reads: their tables stay running text
        log.warning("tables not read (%s: %s); their text stays in the running text", type(exc).__name__, exc)
    return tables


def _names_a_table(text: str) -> bool:
    return any(TABLE_CAPTION.match(line.strip()) for line in text.split("\n"))


def _table(page: PlumberPage, bbox: Box, cells: list[list[str | None]]) -> Table | None:
    """Caption rows over the table and note rows under it (one cell spanning the table) split off; None
    without a caption, or without a header row, a data row and two columns (a ruled box of text)."""
    rows = [row for row in cells if any(c and c.strip() for c in row)]
    head: list[str] = []
    while rows and _spanning(rows[0]):
        head += [ln.strip() for ln in next(c for c in rows.pop(0) if c).split("\n") if ln.strip()]
    notes: list[str] = []
    while rows and _spanning(rows[-1]):
        notes.insert(0, _clean(next(c for c in rows.pop() if c)))
    kept = [tuple(_clean(c) for c in row if c is not None) for row in rows]
    if len(kept) < 2 or max(len(row) for row in kept) < 2:
        return None
    caption = _caption(head) or _caption_near(page, bbox)
    if not caption:
        return None
    return Table(page.page_number, bbox, caption, tuple(kept), tuple(notes))


def _clean(cell: str) -> str:
    return " ".join(cell.split())


def _spanning(row: Sequence[str | None]) -> bool:
    """One cell of text across the table (merged cells read as None): a caption or a source note."""
    return len(row) > 1 and sum(1 for c in row if c and c.strip()) == 1 and None in row


def _caption(parts: Sequence[str]) -> str:
    """From the first caption line on: 'Cuadro N°1' + 'Malaria en ...' -> 'Cuadro N°1 — Malaria en ...'."""
    for i, part in enumerate(parts):
        if TABLE_CAPTION.match(part):
            rest = " ".join(_clean(p) for p in parts[i + 1 : i + 3])
            if not rest:
                return part
            return f"{part} — {rest}" if _LABEL_ONLY.match(part) else f"{part} {rest}"
    return ""


def _caption_near(page: PlumberPage, bbox: Box) -> str:
    """The caption line just above the table (or else just below it) and up to two lines after it."""
    x0, top, x1, bottom = bbox
    above = (max(0.0, top - _CAPTION_BAND), top)
    below = (bottom, min(float(page.height), bottom + _CAPTION_BAND))
    for (upper, lower), last in ((above, True), (below, False)):
        if lower - upper < 1:
            continue
        text = page.crop((x0, upper, x1, lower)).extract_text() or ""
        lines = [_clean(ln) for ln in text.split("\n") if ln.strip()]
        starts = [i for i, ln in enumerate(lines) if TABLE_CAPTION.match(ln)]
        if starts:
            return _caption(lines[starts[-1] if last else starts[0] :])
    return ""


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def take_out(lines: Sequence[Line], tables: Sequence[Table]) -> tuple[list[Line], list[int]]:
    """The lines without the tables' text, and for each table the index in those lines where it sat (the
    first line after it). A table's text is the longest runs of lines on its page made only of its
    words (each word as often as the table has it); when less than MIN_TAKEN of its words are found
    that way, nothing is taken and the table sits after its page's last line."""
    removed: set[int] = set()
    anchors: list[int] = []
    for table in tables:
        on_page = [i for i, line in enumerate(lines) if line.page == table.page and i not in removed]
        bag = Counter(_tokens(" ".join(table.text_lines())))
        runs = _runs(lines, on_page, bag)
        if sum(used for _, _, used in runs) >= MIN_TAKEN * sum(bag.values()):
            removed.update(i for start, end, _ in runs for i in range(start, end))
            anchors.append(min(start for start, _, _ in runs))
        else:
            anchors.append(on_page[-1] + 1 if on_page else _page_end(lines, table.page))
    body = [line for i, line in enumerate(lines) if i not in removed]
    positions = [anchor - sum(1 for i in removed if i < anchor) for anchor in anchors]
    return body, positions


def _runs(lines: Sequence[Line], on_page: list[int], bag: Counter[str]) -> list[tuple[int, int, int]]:
    """(start, end, words used) of the runs of consecutive lines that spend only the bag's words, the
    longest first, each spending from what the earlier ones left; runs of one short line are ignored."""
    available = set(on_page)
    runs: list[tuple[int, int, int]] = []
    while True:
        best = (0, 0, 0)
        for start in on_page:
            left, end, used = bag.copy(), start, 0
            while end in available:
                words = Counter(_tokens(lines[end].text))
                if not words or any(left[w] < n for w, n in words.items()):
                    break
                left -= words
                used += sum(words.values())
                end += 1
            if used > best[2] and (end - start >= 2 or used >= 4):
                best = (start, end, used)
        if not best[2]:
            return runs
        runs.append(best)
        bag -= Counter(w for i in range(best[0], best[1]) for w in _tokens(lines[i].text))
        available -= set(range(best[0], best[1]))


def _page_end(lines: Sequence[Line], page: int) -> int:
    """Index of the first line after `page` (the table's page has no running lines left)."""
    return next((i for i, line in enumerate(lines) if line.page > page), len(lines))
