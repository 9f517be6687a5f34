"""Will PDF.js find the quote on the cited page? The page's own text layer (what PDF.js searches) read
with pypdf, compared with the search phrase the way PDF.js's find compares (case, accents, spacing and
line-end hyphens ignored). A page whose text layer does not hold the phrase — OCR'd, a broken font, a
phrase split by a footnote — opens without a highlight, and the citation says so."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.language import fold


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(re.sub(r"-\s*\n\s*", "", text))).split())


@lru_cache(maxsize=8)
def _reader(path: str, mtime: float) -> object:
    from pypdf import PdfReader

    return PdfReader(path)


@lru_cache(maxsize=512)
def _page_text(path: str, mtime: float, page: int) -> str:
    reader = _reader(path, mtime)
    pages = reader.pages  # type: ignore[attr-defined]
    return _normal(pages[page - 1].extract_text() or "") if 0 < page <= len(pages) else ""


def phrase_on_page(path: Path, page: int, phrase: str) -> bool:
    """The phrase is on the page's text layer (False when the file cannot be read)."""
    try:
        text = _page_text(str(path), path.stat().st_mtime, page)
    except Exception:  # any unreadable PDF simply gets no highlight
        return False
    return bool(phrase.strip()) and _normal(phrase) in text
