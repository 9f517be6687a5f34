"""PDFium page -> its text in reading order, with what the type says: a two-column page reads its left
column, then its right one, band by band between full-width lines; superscript footnote markers are
dropped ("48,69%¹ del" -> "48,69% del", "Nº 260² ordenando" -> "Nº 260 ordenando"); a drop capital is
joined to its word; the footnotes of a page with markers come last, after a `FOOTNOTES` line; headings
(bold or larger type, standing alone) are announced by a `HEADING` line. clean.clean_pages reads both.

Measured on the four laws: every page keeps PDFium's lines as they are, only heading lines are added."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdfium2 as pdfium

FOOTNOTES = "\f"  # the line that opens a page's footnotes
HEADING = "\v"  # a line of n of these opens a heading of n lines
EDGE = 0.1  # running headers and footers sit in the outer tenth of the page's height
MIN_COLUMN_LINES = 6  # lines on each side of a gutter before a page counts as two columns
MIN_MISPLACED = 6  # lines PDFium puts out of reading order before a two-column page is reordered
SUPERSCRIPT = 0.8  # a footnote marker is set at most this size of the text it follows...
RAISED = 0.15  # ... and raised by at least this share of that text's height
SMALL = 0.9  # footnotes are set at most this size of the page's body text
DROP_CAP = 1.8  # a drop capital is at least this many times the height of the line it opens
HEADING_SIZE = 1.15  # a heading is bold, or set at least this size of the page's body text...
HEADING_LINES, HEADING_CHARS = 3, 150  # ... and short
_BREAK = "\r\n"  # PDFium's line break
_HYPHEN_MARK = "\ufffe"  # PDFium's mark of a word hyphenated at a line end
_DIGITS = re.compile(r"\d+")
_FOOTNOTE_START = re.compile(r"^\s*\d{1,3}\.?\s+\S")
_AFTER_MARKER = frozenset(' \r,.;:)]”"»')
_CONTINUATION = frozenset(' ,.;:)]”"»')
_SENTENCE_END = (".", ":", ";", "?", "!", "”", '"', "»")
# A numbered heading: "2.1.", "2.1", "4.-", "4.", "IV."; its level is the count of numbers in `depth`.
NUMBERED = re.compile(r"^(?:(?P<depth>\d{1,2}(?:\.\d{1,2}){1,3})\.?-?|\d{1,2}(?:\.-?|-)|[IVXLC]{1,6}\.-?)\s")
_CAPTION = re.compile(r"^(?:cuadro|tabla|table|figura|figure|gr[áa]fico|mapa|fuente|source)\b", re.IGNORECASE)
_BOLD = ("bold", "black", "heavy", "semibold", "demi")

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF units, y upwards)


@dataclass(slots=True)
class _Line:
    """One PDFium text line: where it starts in the page text, its text and the box of its ends."""

    index: int  # its place in PDFium's order
    start: int
    text: str
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0
    size: float = 0.0  # loose height of its first character: about the font size
    glue: bool = False  # join the next line without a break (a marker or drop capital ended this one)
    heading: int = 0  # the first line of a heading of this many lines
    drops: list[tuple[int, int]] = field(default_factory=list)  # spans of the markers to remove

    @property
    def visible(self) -> bool:
        return self.x1 > self.x0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2

    def cleaned(self) -> str:
        text = self.text
        for start, end in reversed(self.drops):
            text = text[:start] + text[end:]
        return text


def page_text(page: pdfium.PdfPage) -> str:
    """The page's text in reading order, with PDFium's line breaks; PDFium's own text when unchanged."""
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
        if not text.strip() or not _aligned(textpage, text):
            return text
        lines = _lines(textpage, text)
        width, height = page.get_size()
        markers = _find_markers(textpage, text, lines)
        caps = _join_drop_caps(lines)
        lead, trail = _furniture(lines, height)
        notes = _footnotes(lines, lead, height) if markers else []
        body = _columns(lines, [i for i in range(lead, trail) if i not in notes], width)
        order = [*range(lead), *body, *notes, *(i for i in range(trail, len(lines)) if i not in notes)]
        headings = _find_headings(textpage, [lines[i] for i in (*range(lead), *body)], lead)
        cut = len(lines) != text.count(_BREAK) + 1
        if not (markers or caps or headings or cut) and order == list(range(len(lines))):
            return text
        ordered = [lines[i] for i in order]
        return _render(ordered, lead + len(body) if notes else None)
    finally:
        textpage.close()


def _aligned(textpage: pdfium.PdfTextPage, text: str) -> bool:
    """Text position i is character i (nothing inserted or excluded, no surrogate pairs), so boxes can be
    looked up by position; otherwise the page keeps PDFium's text."""
    import pypdfium2.raw as pdfium_c

    if textpage.count_chars() != len(text) or pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, 0) != 0:
        return False
    # Letters and digits only: PDFium writes its hyphenation mark as U+FFFE in the text, 2 in the list.
    probes = [i for i in range(0, len(text), max(1, len(text) // 16)) if text[i].isalnum()]
    return all(pdfium_c.FPDFText_GetUnicode(textpage, i) == ord(text[i]) for i in probes)


def _box(textpage: pdfium.PdfTextPage, index: int) -> Box:
    left, bottom, right, top = textpage.get_charbox(index, loose=True)
    return left, bottom, right, top


def _lines(textpage: pdfium.PdfTextPage, text: str) -> list[_Line]:
    """PDFium's lines, each with the box spanned by its first and last visible characters. A line is
    cut after a hyphenation mark whose next character lies far away: PDFium joined the word's first
    half to whatever came next in the file (a footnote: "cla-38. Multimedio"), not to its other half."""
    lines: list[_Line] = []
    start = 0
    for part in text.split(_BREAK):
        cut = 0
        for mark in (m.start() for m in re.finditer(_HYPHEN_MARK, part)):
            if 0 < mark < len(part) - 1 and _far(textpage, start + mark - 1, start + mark + 1):
                lines.append(_line(textpage, len(lines), start + cut, part[cut : mark + 1]))
                cut = mark + 1
        lines.append(_line(textpage, len(lines), start + cut, part[cut:]))
        start += len(part) + len(_BREAK)
    return lines


def _line(textpage: pdfium.PdfTextPage, index: int, start: int, text: str) -> _Line:
    line = _Line(index, start, text)
    if text.strip():
        first = _box(textpage, start + len(text) - len(text.lstrip()))
        last = _box(textpage, start + len(text.rstrip()) - 1)
        line.x0, line.x1 = min(first[0], last[0]), max(first[2], last[2])
        line.y0, line.y1 = min(first[1], last[1]), max(first[3], last[3])
        line.size = first[3] - first[1]
    return line


def _far(textpage: pdfium.PdfTextPage, before: int, after: int) -> bool:
    """The two characters are more than two line heights apart, up or down."""
    one, two = _box(textpage, before), _box(textpage, after)
    return abs((one[1] + one[3]) / 2 - (two[1] + two[3]) / 2) > 2 * (one[3] - one[1])


def _is_superscript(mark: Box, before: Box) -> bool:
    height = before[3] - before[1]
    return mark[3] - mark[1] < SUPERSCRIPT * height and mark[1] > before[1] + RAISED * height


def _find_markers(textpage: pdfium.PdfTextPage, text: str, lines: list[_Line]) -> bool:
    """Record on each line its superscript footnote markers: the small, raised tail of a digit run glued
    to the text before it; a marker that ends a line glues it to the rest of its visual line."""
    found = False
    for number, line in enumerate(lines):
        for match in _DIGITS.finditer(line.text):
            start, end = line.start + match.start(), line.start + match.end()
            if end < len(text) and text[end] not in _AFTER_MARKER:
                continue
            first = _marker_start(textpage, text, start, end)
            if first is None:
                continue
            found = True
            line.drops.append((first - line.start, match.end()))
            following = lines[number + 1].text if number + 1 < len(lines) else ""
            if not line.text[match.end() :].strip() and following[:1] in _CONTINUATION:
                line.glue = True
    return found


def _marker_start(textpage: pdfium.PdfTextPage, text: str, start: int, end: int) -> int | None:
    """Where the superscript tail of the digits text[start:end] begins; None when they are all normal
    text ("2016") or stand alone (a footnote's own number opening its line)."""
    tail = _box(textpage, end - 1)
    for index in range(end - 1, start - 1, -1):
        if index == 0 or text[index - 1].isspace():
            return None
        if _is_superscript(tail, _box(textpage, index - 1)):
            return index
        if index - 1 < start:  # the character before the digits is as large as they are
            return None
    return None


def _join_drop_caps(lines: list[_Line]) -> bool:
    """A single large capital opening the next line's word ("E" + "l 2016 fue") is glued to it."""
    found = False
    for line, following in itertools.pairwise(lines):
        letter = line.text.strip()
        if (
            len(letter) == 1
            and letter.isupper()
            and following.text[:1].islower()
            and following.size > 0
            and line.y1 - line.y0 >= DROP_CAP * following.size
        ):
            line.text, line.glue, found = letter, True, True
    return found


def _is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    import ctypes

    import pypdfium2.raw as pdfium_c

    name = ctypes.create_string_buffer(128)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), None)
    font = name.value.decode("latin-1").lower()
    return any(word in font for word in _BOLD) or pdfium_c.FPDFText_GetFontWeight(textpage, index) >= 600


def _find_headings(textpage: pdfium.PdfTextPage, lines: list[_Line], lead: int) -> bool:
    """Mark the headings: runs of up to HEADING_LINES lines (HEADING_CHARS characters) in bold or larger
    type, of one size, placed like a heading (`_may_open_heading`) and followed by more text; a numbered
    line ("2.1.", "4.-", "IV.") opens a heading of its own, and one without a number does not end in a
    full stop. The first `lead` lines are the page's furniture (a running header, or a heading at the
    very top): they may be headings, but do not keep the body's first line from being one."""
    visible = [ln for ln in lines if ln.visible]
    if not visible:
        return False
    size = median(ln.size for ln in visible)
    furniture = {ln.index for ln in lines[:lead]}
    index = 0
    while index < len(visible):
        line, end = visible[index], index + 1
        if _may_open_heading(visible, index, furniture) and _looks_like_heading(textpage, line, size):
            while end < len(visible) and _goes_on(line, visible[end], textpage, size):
                end += 1
            text = " ".join(ln.text.strip() for ln in visible[index:end])
            short = end - index <= HEADING_LINES and len(text) <= HEADING_CHARS
            if short and end < len(visible) and (NUMBERED.match(text) or not text.endswith(".")):
                line.heading = end - index
        index = end
    return any(ln.heading for ln in visible)


def _may_open_heading(lines: list[_Line], index: int, furniture: set[int]) -> bool:
    """Placed like a heading: first on the page (furniture aside), after a finished sentence or after
    another heading; opening with a capital or a number; not a caption ("Cuadro N°1", "Fuente: ...")."""
    text = lines[index].text.strip()
    if not (text[:1].isupper() or text[:1].isdigit()) or _CAPTION.match(text):
        return False
    before = index - 1
    while before >= 0 and lines[before].index in furniture and lines[index].index not in furniture:
        before -= 1
    return before < 0 or lines[before].text.strip().endswith(_SENTENCE_END) or _in_heading(lines, before)


def _in_heading(lines: list[_Line], index: int) -> bool:
    return any(lines[i].heading > index - i for i in range(max(0, index - HEADING_LINES + 1), index + 1))


def _looks_like_heading(textpage: pdfium.PdfTextPage, line: _Line, size: float) -> bool:
    """Bold, or larger than the body's `size`; not a drop capital, a single character or small print."""
    text = line.text.strip()
    if len(text) < 2 or line.glue or line.size < SMALL * size:
        return False
    if line.size >= HEADING_SIZE * size:
        return True
    first = line.start + len(line.text) - len(line.text.lstrip())
    return _is_bold(textpage, first) and _is_bold(textpage, first + len(text) // 2)


def _goes_on(first: _Line, line: _Line, textpage: pdfium.PdfTextPage, size: float) -> bool:
    """The line continues the heading that `first` opens: same type, and not numbered itself."""
    same_size = abs(line.size - first.size) <= 0.05 * first.size
    numbered = NUMBERED.match(line.text.strip())
    return same_size and not numbered and _looks_like_heading(textpage, line, size)


def _furniture(lines: list[_Line], height: float) -> tuple[int, int]:
    """The lines that open and close the page's text in its top or bottom tenth (running headers,
    footers, page numbers): they stay where they are, so that clean_pages finds them on every page."""

    def edge(line: _Line) -> bool:
        return not line.visible or not EDGE * height < line.middle < (1 - EDGE) * height

    lead = 0
    while lead < len(lines) and edge(lines[lead]):
        lead += 1
    trail = len(lines)
    while trail > lead and edge(lines[trail - 1]):
        trail -= 1
    return lead, trail


def _footnotes(lines: list[_Line], lead: int, height: float) -> list[int]:
    """The page's footnotes (in PDFium's order): the lines in smaller type below all of its body text,
    when one of them opens with a number ("4. Panorama: ...", "2 Organización Mundial ...")."""
    middle = [ln for ln in lines[lead:] if ln.visible and EDGE * height < ln.middle < (1 - EDGE) * height]
    if not middle:
        return []
    small = SMALL * median(ln.size for ln in middle)
    floor = min((ln.y0 for ln in middle if ln.size >= small), default=0.0)
    notes: list[int] = []
    for index in range(lead, len(lines)):
        line = lines[index]
        if line.visible:
            wanted = line.size < small and line.y1 <= floor + 1
        else:  # an empty line goes with the footnote line before it
            wanted = bool(notes) and notes[-1] == index - 1
        if wanted:
            notes.append(index)
    return notes if any(_FOOTNOTE_START.match(lines[i].cleaned()) for i in notes) else []


def _columns(lines: list[_Line], body: list[int], width: float) -> list[int]:
    """The body lines in reading order. On a two-column page they are read band by band (a band ends
    at a line across the gutter), left column before right, each column in PDFium's order; but only
    when PDFium's order has at least MIN_MISPLACED lines out of place (a whole column read first, say),
    so that a figure caption PDFium puts last does not end up between two halves of a sentence."""
    visible = [i for i in body if lines[i].visible]
    gutter = _gutter([lines[i] for i in visible], width)
    if gutter is None:
        return body
    across = [lines[i].middle for i in visible if lines[i].x0 < gutter < lines[i].x1]
    keys: dict[int, tuple[int, int]] = {}
    key = (0, 0)
    for index in body:
        line = lines[index]
        if line.visible:  # an empty line keeps the place of the line before it
            band = sum(1 for middle in across if middle > line.middle)
            key = (band, 2 if line.x0 < gutter < line.x1 else 0 if line.x1 <= gutter else 1)
        keys[index] = key
    ordered = sorted(body, key=lambda i: (*keys[i], i))
    rank = {index: place for place, index in enumerate(ordered)}
    in_place = _longest_increasing([rank[i] for i in visible])
    return ordered if len(visible) - in_place >= MIN_MISPLACED else body


def _longest_increasing(values: list[int]) -> int:
    """Length of the longest increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for value in values:
        place = bisect.bisect_left(tails, value)
        tails[place : place + 1] = [value]
    return len(tails)


def _gutter(lines: list[_Line], width: float) -> float | None:
    """The x of a gap between two columns of lines, or None for a page that is not two columns: at
    least MIN_COLUMN_LINES lines wholly on each side, side by side, and few lines across it."""
    if sum(1 for ln in lines if ln.x0 >= 0.3 * width) < MIN_COLUMN_LINES:
        return None  # no right column to speak of (every page of the laws): skip the search
    best: tuple[float, list[float]] = (0.0, [])
    for x in range(int(0.3 * width), int(0.7 * width) + 1, 2):
        left = [ln for ln in lines if ln.x1 <= x]
        right = [ln for ln in lines if ln.x0 >= x]
        across = len(lines) - len(left) - len(right)
        fewest = min(len(left), len(right))
        if fewest < MIN_COLUMN_LINES or across > fewest / 2 or not _side_by_side(left, right):
            continue
        score = fewest - across
        if score > best[0]:
            best = (score, [x])
        elif score == best[0]:
            best[1].append(x)
    return median(best[1]) if best[1] else None


def _side_by_side(left: list[_Line], right: list[_Line]) -> bool:
    bottom = max(min(ln.y0 for ln in left), min(ln.y0 for ln in right))
    top = min(max(ln.y1 for ln in left), max(ln.y1 for ln in right))
    shorter = min(max(ln.y1 for ln in side) - min(ln.y0 for ln in side) for side in (left, right))
    return top - bottom > 0.3 * shorter


def _render(lines: list[_Line], footnotes: int | None) -> str:
    parts: list[str] = []
    for index, line in enumerate(lines):
        if index == footnotes:
            parts.append(FOOTNOTES + _BREAK)
        if line.heading:
            parts.append(HEADING * line.heading + _BREAK)
        parts.append(line.cleaned())
        following = lines[index + 1] if index + 1 < len(lines) else None
        glued = line.glue and following is not None and following.index == line.index + 1
        if following is not None and not glued:
            parts.append(_BREAK)
    return "".join(parts)
