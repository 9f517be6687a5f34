"""list[Line] (+ PDF outline) -> list[Block]: report, plan and notes sections with their heading path.

Section starts come from the PDF outline when there is one (each bookmark's title found on its page),
otherwise from heading-like lines: numbered ('2.1 Contexto') or short capitalised lines without a
final full stop that are followed by body text; a table's or figure's caption is never a heading."""

from __future__ import annotations

import re

from assistant.ingest.extract import OutlineEntry
from assistant.ingest.legal import Block
from assistant.ingest.tables import is_caption
from assistant.types import Line

_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.)\s+[A-ZÁÉÍÓÚÑÀÂÇÈÉÊ]")
_SPACES = re.compile(r"\s+")


def split_sections(lines: list[Line], outline: list[OutlineEntry]) -> list[Block]:
    """Open a block at every section heading; the heading path is kept on each block."""
    return [block for block in section_blocks(lines, outline) if not heading_only(block)]


def section_blocks(lines: list[Line], outline: list[OutlineEntry]) -> list[Block]:
    """Every section's block, including a heading's own block when a sub-heading follows it at once
    (a table lifted out of the text may sit under that heading)."""
    starts = _outline_starts(lines, outline) if outline else {}
    if not starts:
        starts = _guessed_starts(lines)
    blocks: list[Block] = [Block(None, "")]
    path: list[str] = []
    for index, line in enumerate(lines):
        if index in starts:
            level, title = starts[index]
            path = [*path[: level - 1], title]
            blocks.append(Block(None, " > ".join(path)))
        blocks[-1].lines.append(line)
    return blocks


def heading_only(block: Block) -> bool:
    """A heading directly followed by a sub-heading is kept in the path, not as a chunk of its own."""
    return not block.lines or (len(block.lines) == 1 and block.heading.endswith(block.lines[0].text))


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def _outline_starts(lines: list[Line], outline: list[OutlineEntry]) -> dict[int, tuple[int, str]]:
    """Line index -> (level, title) for each bookmark whose title opens a line on its page."""
    starts: dict[int, tuple[int, str]] = {}
    cursor = 0
    for entry in outline:
        wanted = _key(entry.title)
        if not wanted:
            continue
        for index in range(cursor, len(lines)):
            line = lines[index]
            if line.page > entry.page:
                break
            if line.page == entry.page and _matches(_key(line.text), wanted):
                starts[index] = (entry.level, entry.title)
                cursor = index + 1
                break
    return starts


def _matches(line: str, title: str) -> bool:
    return line == title or (len(line) >= 12 and title.startswith(line)) or line.startswith(title)


def _guessed_starts(lines: list[Line]) -> dict[int, tuple[int, str]]:
    starts: dict[int, tuple[int, str]] = {}
    for index, line in enumerate(lines[:-1]):
        text = line.text
        if (
            len(text) > 90
            or text.endswith((".", ",", ";", ":"))
            or not text[:1].isupper()
            or is_caption(text)
        ):
            continue  # a caption ("FIGURA 2", "Cuadro N°1") stays with the text around it
        following = lines[index + 1].text
        numbered = _NUMBERED.match(text)
        shouting = text.isupper() and len(text.split()) <= 12
        if (numbered or shouting) and len(following) > len(text):
            level = text.split()[0].count(".") + 1 if numbered else 1
            starts[index] = (min(level, 3), text)
    return starts
