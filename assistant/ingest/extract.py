"""file -> RawDocument: page texts with pypdfium2; metadata, outline and encryption with pypdf."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.ocr import INSTALL, Recovered, recover
from assistant.settings import OCRSettings
from assistant.types import Page

log = logging.getLogger(__name__)

# Characters that PDF producers use for hyphens and ellipses; normalised so "Art. …­" reads "Art. ...-".
_CHAR_FIXES = str.maketrans({"\u00ad": "-", "\ufffe": "-", "\u2026": "...", "\u00a0": " ", "\r": ""})
_MIN_CHARS_PER_PAGE = 25  # below this on average, the PDF has no usable text layer


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark: its title, depth and 1-based page."""

    title: str
    level: int
    page: int


@dataclass(slots=True)
class RawDocument:
    """What a PDF gives before cleaning."""

    doc_id: str
    file: str
    pages: list[Page]
    metadata: dict[str, str] = field(default_factory=dict)
    outline: list[OutlineEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # pages left unread ("3 of 42 pages have ...")
    ocr_seconds: float = 0.0  # of the time reading the file, how much went to OCR


def file_digest(data: bytes) -> str:
    """Document id: a hash of the file's bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


# PDFium joins a word hyphenated at a line end and marks the join with U+FFFE ("explota\ufffeción").
_SOFT_JOIN = re.compile(r"(?<=[a-záéíóúñüàâçèêëîïôûœ])\ufffe(?=[a-záéíóúñüàâçèêëîïôûœ])")


def normalise_text(text: str) -> str:
    """NFC, hyphenation joins undone, one kind of hyphen and space, no carriage returns."""
    return unicodedata.normalize("NFC", _SOFT_JOIN.sub("", text)).translate(_CHAR_FIXES)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a DocumentError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            path.name, f"cannot be read ({exc.strerror})", "check the path and permissions"
        ) from exc


def read_pdf(path: Path, data: bytes | None = None, ocr: OCRSettings | None = None) -> RawDocument:
    """Read a PDF's pages and metadata, OCR the pages that need it (`ingest.ocr`), or raise
    DocumentError saying what to do."""
    name = path.name
    if data is None:
        data = read_bytes(path)
    if not data:
        raise DocumentError(name, "the file is empty (0 bytes)", "copy the document again and re-run ingest")
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(
            name, "is not a PDF (no %PDF header)", "export it to PDF, or ingest the original format"
        )
    metadata, outline = _read_metadata(path, name)
    settings = ocr or OCRSettings.model_validate({})
    recovered = recover(_read_pages(data, name), data, name, settings)
    pages = [Page(p.number, normalise_text(p.text), True) if p.ocr else p for p in recovered.pages]
    chars = sum(len(p.text.strip()) for p in pages)
    if chars < _MIN_CHARS_PER_PAGE * max(1, len(pages)) and chars < 200:
        raise _no_text(name, chars, len(pages), recovered, settings)
    return RawDocument(
        file_digest(data), name, pages, metadata, outline, recovered.warnings, recovered.seconds
    )


def _no_text(name: str, chars: int, pages: int, recovered: Recovered, settings: OCRSettings) -> DocumentError:
    """Why a PDF gives no text, and what to do: OCR found nothing, OCR is off, or Tesseract is missing."""
    if recovered.attempted:
        return DocumentError(
            name,
            f"has no text layer, and OCR read no text from its {pages} pages",
            "check that it is the right file, or scan it again at 300 dpi",
        )
    if recovered.unreadable:
        problem = f"has no text layer ({chars} characters in {pages} pages; a scan?)"
    else:
        problem = f"has unreadable text on its {pages} pages (fonts without a text mapping)"
    if settings.mode == "off":
        return DocumentError(name, problem, "ingest it with OCR on (--ocr auto)")
    return DocumentError(name, problem, f"install Tesseract to OCR it ({INSTALL}) and ingest it again")


def _read_metadata(path: Path, name: str) -> tuple[dict[str, str], list[OutlineEntry]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs each repair it makes ("Ignoring wrong pointing object 36 0") on stderr; a PDF it cannot
    # read is reported here as one line, so its notes are noise.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                name,
                "is encrypted with a password",
                "save an unprotected copy (print to PDF) and ingest that",
            )
        info: dict[str, object] = dict(reader.metadata or {})
        # Some producers store each value as a reference to another object (CECODAP's Word export):
        # resolved here, or the title and keywords would be lost.
        values = {key: getattr(value, "get_object", lambda v=value: v)() for key, value in info.items()}
        metadata = {
            key.lstrip("/").lower(): normalise_text(str(value)).strip()
            for key, value in values.items()
            if isinstance(value, str)
        }
        outline = _flatten_outline(reader)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(
            name,
            f"is damaged and cannot be parsed ({type(exc).__name__})",
            "re-download or re-export the PDF and ingest it again",
        ) from exc
    return metadata, outline


def _flatten_outline(reader: object) -> list[OutlineEntry]:
    """Outline entries in document order; a broken outline is ignored, not fatal."""
    from pypdf import PdfReader

    assert isinstance(reader, PdfReader)
    entries: list[OutlineEntry] = []

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                number = reader.get_destination_page_number(item)  # type: ignore[arg-type]
                title = normalise_text(str(item.title)).strip()  # type: ignore[attr-defined]
            except Exception as exc:  # outlines are often malformed; they are optional
                log.debug("outline entry skipped: %s", exc)
                continue
            if number is None:
                continue
            page = number + 1
            entries.append(OutlineEntry(title, level, page))

    try:
        walk(list(reader.outline), 1)
    except Exception as exc:
        log.debug("outline unreadable: %s", exc)
    return entries


def _read_pages(data: bytes, name: str) -> list[Page]:
    import pypdfium2 as pdfium

    from assistant.ingest import layout

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise DocumentError(
                name,
                "is encrypted with a password",
                "save an unprotected copy (print to PDF) and ingest that",
            ) from exc
        raise DocumentError(
            name,
            f"is damaged and cannot be opened ({exc})",
            "re-download or re-export the PDF and ingest it again",
        ) from exc
    try:
        pages = []
        for index in range(len(pdf)):
            # Reading order: columns, footnotes last, superscript markers dropped (layout.page_text).
            pages.append(Page(index + 1, normalise_text(layout.page_text(pdf[index]))))
        return pages
    finally:
        pdf.close()
