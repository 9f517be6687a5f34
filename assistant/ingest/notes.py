"""Field notes in Markdown, plain text or DOCX -> the same RawDocument + Cleaned lines a PDF gives.

Notes have no physical pages: a "page" is 50 lines of text, about a printed page, so that a citation
("Notas de misión, p. 2") still points somewhere findable. Markdown '#' headings and DOCX 'Heading'
styles become the outline, so sections split where the consultant put headings. Always type 'notes'."""

from __future__ import annotations

import io
import re
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.clean import Cleaned
from assistant.ingest.extract import OutlineEntry, RawDocument, file_digest, normalise_text
from assistant.types import Line, Page

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".docx"})
LINES_PER_PAGE = 50
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def _text_lines(path: Path, data: bytes) -> list[tuple[str, int]]:
    """(text, heading level or 0) for each non-empty line."""
    if path.suffix.lower() == ".docx":
        try:
            from docx import Document

            doc = Document(io.BytesIO(data))
        except Exception as exc:  # not a valid DOCX
            problem = f"is not a readable DOCX ({type(exc).__name__})"
            raise DocumentError(path.name, problem, "save it again from the word processor") from exc
        out = []
        for paragraph in doc.paragraphs:
            style = paragraph.style.name if paragraph.style is not None else ""
            level = (
                int(style.split()[-1]) if style.startswith("Heading") and style.split()[-1].isdigit() else 0
            )
            out.append((paragraph.text, level))
        return [(t.strip(), lvl) for t, lvl in out if t.strip()]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = []
    for raw in text.splitlines():
        match = _HEADING.match(raw.strip()) if path.suffix.lower() != ".txt" else None
        lines.append((match.group(2), len(match.group(1))) if match else (raw.strip(), 0))
    return [(t, lvl) for t, lvl in lines if t]


def read_notes(path: Path, data: bytes) -> tuple[RawDocument, Cleaned]:
    """A notes file as pages of lines with its headings as outline; an empty file is an error."""
    entries = [(normalise_text(t), lvl) for t, lvl in _text_lines(path, data)]
    if not entries:
        raise DocumentError(path.name, "has no text", "check that it is the right file")
    lines = [Line(i // LINES_PER_PAGE + 1, text) for i, (text, _) in enumerate(entries)]
    outline = [
        OutlineEntry(text, lvl, line.page) for (text, lvl), line in zip(entries, lines, strict=True) if lvl
    ]
    pages = [
        Page(n, "\n".join(line.text for line in lines if line.page == n))
        for n in range(1, lines[-1].page + 1)
    ]
    title = next((text for text, lvl in entries if lvl == 1), path.stem.replace("-", " ").replace("_", " "))
    raw = RawDocument(
        file_digest(data), path.name, pages, {"title": title, "keywords": "doc_type=notes"}, outline
    )
    return raw, Cleaned(lines)
