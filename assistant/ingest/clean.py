"""list[Page] -> list[Line]: drops running headers, footers, watermarks and page numbers learned from
the document itself (lines repeated at the top or bottom of many pages), the one-off notice of the same
vendor on the first pages, and joins words hyphenated at line ends."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.types import Line, Page

EDGE_LINES = 6  # running headers and footers live within this many lines of a page's top or bottom
MIN_PAGES = 3  # a document shorter than this has nothing to learn repetition from
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_DOMAIN = re.compile(r"(?:www\.)?([a-z0-9-]{3,})\.(?:com|org|net|gob|gov|edu|info|ec|fr|es)\b")
_HYPHENATED = re.compile(r"[a-záéíóúñüàâçèêëîïôûœ]-$", re.IGNORECASE)


@dataclass(slots=True)
class Cleaned:
    """Cleaned lines, and what was learned while cleaning (reused for the title)."""

    lines: list[Line]
    repeated: set[str] = field(default_factory=set)  # shapes of the lines removed as headers/footers
    vendor_tokens: set[str] = field(default_factory=set)  # e.g. {"lexis"}, from a repeated web address
    removed_notice: str = ""


def line_shape(text: str) -> str:
    """A line's shape: lowercase, single spaces, every number as '#' (so page numbers match)."""
    return _DIGITS.sub("#", _SPACES.sub(" ", text.strip().lower()))


def clean_pages(pages: list[Page], repeat_share: float = 0.3) -> Cleaned:
    """Remove repeated edge lines and the vendor notice, then join hyphenated words."""
    page_lines = [[ln.strip() for ln in page.text.split("\n") if ln.strip()] for page in pages]
    repeated_at = _learn_repeated(page_lines, repeat_share)
    repeated = {shape for _, shape in repeated_at}
    vendor = _vendor_tokens(page_lines, repeated)
    kept: list[Line] = []
    for page, lines in zip(pages, page_lines, strict=True):
        drop = {index for offset, shape, index in _edge_keys(lines) if (offset, shape) in repeated_at}
        for index, text in enumerate(lines):
            if index in drop:
                continue
            kept.append(Line(page.number, _SPACES.sub(" ", text)))
    kept, notice = _drop_vendor_notice(kept, vendor)
    return Cleaned(_join_hyphenated(kept), repeated, vendor, notice)


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
        out[i] = Line(current.page, current.text[:-1] + word)
        out[i + 1] = Line(following.page, rest)
    return [line for line in out if line.text]
