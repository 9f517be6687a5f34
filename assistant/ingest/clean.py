"""list[Page] -> list[Line]: drops running headers, footers, watermarks and page numbers learned from
the document itself (lines repeated at the top or bottom of many pages), the one-off notice of the same
vendor on the first pages, and joins words hyphenated at line ends. Footnotes (the lines after a page's
`layout.FOOTNOTES` line) become one line each, placed after the paragraph they interrupt; the headings
layout found by their type (`layout.HEADING` lines) become an outline for a PDF without bookmarks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.ingest.extract import OutlineEntry
from assistant.ingest.layout import FOOTNOTES, HEADING, NUMBERED
from assistant.types import Line, Page

EDGE_LINES = 6  # running headers and footers live within this many lines of a page's top or bottom
MIN_PAGES = 3  # a document shorter than this has nothing to learn repetition from
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_DOMAIN = re.compile(r"(?:www\.)?([a-z0-9-]{3,})\.(?:com|org|net|gob|gov|edu|info|ec|fr|es)\b")
_HYPHENATED = re.compile(r"[a-záéíóúñüàâçèêëîïôûœ]-$", re.IGNORECASE)
_URL_BREAK = re.compile(r"(?:https?://|www\.)\S*[/_-]$")  # a web address wrapped after / _ or -
_FOOTNOTE = re.compile(r"^\d{1,3}\.?\s+\S")  # "4. Panorama: ...", "2 Organización Mundial ..."
MAX_LEVEL = 3  # deepest heading level of the outline (sections.py nests no deeper either)
# Where a paragraph surely ends (chunk.paragraphs ends one there too), so footnotes can follow it.
_SENTENCE_END = (".", "?", "!")


@dataclass(slots=True)
class Cleaned:
    """Cleaned lines, and what was learned while cleaning (reused for the title and the sections)."""

    lines: list[Line]
    repeated: set[str] = field(default_factory=set)  # shapes of the lines removed as headers/footers
    vendor_tokens: set[str] = field(default_factory=set)  # e.g. {"lexis"}, from a repeated web address
    removed_notice: str = ""
    outline: list[OutlineEntry] = field(default_factory=list)  # headings found by their type


def line_shape(text: str) -> str:
    """A line's shape: lowercase, single spaces, every number as '#' (so page numbers match)."""
    return _DIGITS.sub("#", _SPACES.sub(" ", text.strip().lower()))


def clean_pages(pages: list[Page], repeat_share: float = 0.3) -> Cleaned:
    """Remove repeated edge lines and the vendor notice, place footnotes after the sentence they
    interrupt, join hyphenated words; collect the headings layout marked."""
    split = [_page_lines(page.text) for page in pages]
    page_lines = [lines for lines, _, _ in split]
    repeated_at = _learn_repeated(page_lines, repeat_share)
    repeated = {shape for _, shape in repeated_at}
    vendor = _vendor_tokens(page_lines, repeated)
    laid_out: list[tuple[list[Line], list[Line]]] = []
    headings: list[Line] = []
    for page, (lines, notes_from, heading_at) in zip(pages, split, strict=True):
        drop = {index for offset, shape, index in _edge_keys(lines) if (offset, shape) in repeated_at}
        kept = [
            (index, Line(page.number, _SPACES.sub(" ", text), page.ocr))
            for index, text in enumerate(lines)
            if index not in drop
        ]
        body = [line for index, line in kept if index < notes_from]
        laid_out.append((body, _footnote_lines([line for index, line in kept if index >= notes_from])))
        headings += _headings(kept, heading_at)
    lines_kept, notice = _drop_vendor_notice(_place_footnotes(laid_out), vendor)
    return Cleaned(_join_hyphenated(lines_kept), repeated, vendor, notice, _outline(headings))


def _page_lines(text: str) -> tuple[list[str], int, dict[int, int]]:
    """A page's non-empty lines, stripped; the index of its first footnote line (len(lines) when layout
    found no footnotes); where its headings start, and their number of lines."""
    lines: list[str] = []
    notes_from = -1
    headings: dict[int, int] = {}
    for raw in text.split("\n"):
        mark = raw.strip(" \r")
        if mark == FOOTNOTES and notes_from < 0:
            notes_from = len(lines)
        elif mark and mark == HEADING * len(mark):
            headings[len(lines)] = len(mark)
        elif raw.strip():
            lines.append(raw.strip())
    return lines, notes_from if notes_from >= 0 else len(lines), headings


def _headings(kept: list[tuple[int, Line]], starts: dict[int, int]) -> list[Line]:
    """A page's headings, each one line (the kept lines of its run joined)."""
    headings = []
    for start, count in starts.items():
        run = _join_hyphenated([line for index, line in kept if start <= index < start + count])
        if run:
            headings.append(Line(run[0].page, " ".join(line.text for line in run), run[0].ocr))
    return headings


def _outline(headings: list[Line]) -> list[OutlineEntry]:
    """Headings as outline entries: a numbered one at its depth ("2.2.1." is level 3, "IV." and "4.-"
    level 1), one without a number a level below the last numbered one (1 before any)."""
    entries = []
    numbered = 0
    for heading in headings:
        match = NUMBERED.match(heading.text)
        if match:
            numbered = level = min(MAX_LEVEL, (match.group("depth") or "").count(".") + 1)
        else:
            level = min(MAX_LEVEL, numbered + 1)
        entries.append(OutlineEntry(heading.text, level, heading.page))
    return entries


def _footnote_lines(lines: list[Line]) -> list[Line]:
    """One line per footnote (a new one at each leading number), ending in a full stop so that it stays
    a paragraph of its own."""
    notes: list[list[Line]] = []
    for line in lines:
        if not notes or _FOOTNOTE.match(line.text):
            notes.append([])
        notes[-1].append(line)
    out = []
    for note in notes:
        text = note[0].text
        for line in note[1:]:
            if _URL_BREAK.search(text):  # "http://historico.tsj.gob.ve/decisiones/" + "selec/enero/..."
                text += line.text
            elif _HYPHENATED.search(text) and line.text[:1].islower():
                text = text[:-1] + line.text
            else:
                text = f"{text} {line.text}"
        out.append(Line(note[0].page, text if text.endswith(_SENTENCE_END) else f"{text}.", note[0].ocr))
    return out


def _place_footnotes(pages: list[tuple[list[Line], list[Line]]]) -> list[Line]:
    """Body lines in order, each page's footnotes after the first line from its end of page on that
    closes a sentence: a footnote never splits the sentence that runs over to the next page."""
    out: list[Line] = []
    waiting: list[Line] = []
    for body, notes in pages:
        for line in body:
            out.append(line)
            if waiting and line.text.endswith(_SENTENCE_END):
                out.extend(waiting)
                waiting = []
        waiting.extend(notes)
        if waiting and (not out or out[-1].text.endswith(_SENTENCE_END)):
            out.extend(waiting)
            waiting = []
    return out + waiting


def _edge_keys(lines: list[str]) -> list[tuple[int, str, int]]:
    """(offset from the top (+) or bottom (-), shape, line index) for the lines near a page's edges."""
    count = len(lines)
    keys = [(i, line_shape(lines[i]), i) for i in range(min(EDGE_LINES, count))]
    keys += [(i - count, line_shape(lines[i]), i) for i in range(max(0, count - EDGE_LINES), count)]
    return keys


def _learn_repeated(page_lines: list[list[str]], repeat_share: float) -> set[tuple[int, str]]:
    """Lines with the same shape at the same offset from the top or bottom on many pages."""
    if len(page_lines) < MIN_PAGES:
        return set()
    counts: Counter[tuple[int, str]] = Counter()
    for lines in page_lines:
        counts.update({(offset, shape) for offset, shape, _ in _edge_keys(lines)})
    needed = max(MIN_PAGES, repeat_share * len(page_lines))
    return {key for key, n in counts.items() if n >= needed and key[1]}


def _vendor_tokens(page_lines: list[list[str]], repeated: set[str]) -> set[str]:
    """Web-site names that appear in the repeated lines (a watermark often splits them over lines)."""
    first = next((lines for lines in page_lines if lines), [])
    joined = "".join(ln for ln in first if line_shape(ln) in repeated).lower()
    spaced = " ".join(ln for ln in first if line_shape(ln) in repeated).lower()
    names = {m.group(1) for text in (joined, spaced) for m in _DOMAIN.finditer(text)}
    return {name for name in names if name not in {"www", "http", "https"}}


def _drop_vendor_notice(lines: list[Line], vendor: set[str]) -> tuple[list[Line], str]:
    """Drop first-page paragraphs that name the vendor of the watermark (its terms-of-use notice)."""
    if not vendor or not lines:
        return lines, ""
    first_page = lines[0].page
    paragraph: list[int] = []
    drop: set[int] = set()
    dropped_last = False
    for index, line in enumerate(lines):
        if line.page > first_page + 1:
            break
        paragraph.append(index)
        if line.text.endswith((".", ":")):
            text = " ".join(lines[i].text for i in paragraph).lower()
            # A web address ending a line ("www.vendor.") splits the notice: its tail goes with it.
            dropped_last = (len(text) > 80 or dropped_last) and any(
                name in text.replace(" ", "") for name in vendor
            )
            if dropped_last:
                drop.update(paragraph)
            paragraph = []
    notice = " ".join(lines[i].text for i in sorted(drop))
    return [line for i, line in enumerate(lines) if i not in drop], notice


def _join_hyphenated(lines: list[Line]) -> list[Line]:
    """'explota-' + 'ción minera' -> 'explotación' + 'minera'; keeps real hyphens ('Art. 10-')."""
    out = list(lines)
    for i in range(len(out) - 1):
        current, following = out[i], out[i + 1]
        if not _HYPHENATED.search(current.text) or not following.text[:1].islower():
            continue
        word, _, rest = following.text.partition(" ")
        out[i] = Line(current.page, current.text[:-1] + word, current.ocr)
        out[i + 1] = Line(following.page, rest, following.ocr)
    return [line for line in out if line.text]
