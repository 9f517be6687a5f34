"""A file's bytes -> (DocumentInfo, list[Chunk]): extract, clean, describe, chunk. Pure: nothing is
written; `index.write` stores the result. Any failure belongs to that file alone (a DocumentError)."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import DocumentError, InvalidInputError
from assistant.ingest.chunk import TokenCounter, chunk_document
from assistant.ingest.clean import clean_pages
from assistant.ingest.describe import describe
from assistant.ingest.extract import read_pdf
from assistant.ingest.notes import NOTE_SUFFIXES, read_notes
from assistant.ingest.tables import find_tables
from assistant.settings import ChunkingSettings, OCRSettings
from assistant.types import LEGAL_DOC_TYPES, Chunk, DocumentInfo

log = logging.getLogger(__name__)
# A folder gives its PDFs; notes (.md, .txt, .docx) are ingested when named, since folders hold
# other text files too (corpus/src/*.md are the sources the demo PDFs are built from).
INGESTIBLE = {".pdf"}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given (PDFs, and notes: .md, .txt, .docx), and the PDFs under folders (sorted); a
    missing path is an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in INGESTIBLE and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise InvalidInputError(f"{path}: no such file or folder; check the path")
    return files


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    """Add the block's duration to `seconds[stage]` (the per-file timings of an ingest report)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


def parse(
    path: Path,
    data: bytes,
    chunking: ChunkingSettings,
    count_tokens: TokenCounter,
    seconds: dict[str, float],
    ocr: OCRSettings | None = None,
) -> tuple[DocumentInfo, list[Chunk]]:
    """Bytes -> chunks. Any failure here belongs to this file alone and becomes a DocumentError.
    `ocr`: when pages are OCR'd (default: `OCRSettings()`, automatic when Tesseract is installed)."""
    try:
        if path.suffix.lower() in NOTE_SUFFIXES:
            with timed(seconds, "extract"):
                raw, cleaned = read_notes(path, data)  # field notes: no running headers to clean
        else:
            with timed(seconds, "extract"):
                raw = read_pdf(path, data, ocr)
            if raw.ocr_seconds:  # reported apart: OCR costs seconds per page, extraction milliseconds
                seconds["extract"] -= raw.ocr_seconds
                seconds["ocr"] = raw.ocr_seconds
            with timed(seconds, "clean"):
                cleaned = clean_pages(raw.pages, chunking.repeat_share)
        with timed(seconds, "clean"):
            info = describe(raw, cleaned)
            ocr_pages = sum(page.ocr for page in raw.pages)
            info = dataclasses.replace(info, ocr_pages=ocr_pages, warnings=tuple(raw.warnings))
        with timed(seconds, "tables"):  # tables are for reports: legislation is never scanned for them
            report = path.suffix.lower() == ".pdf" and info.doc_type not in LEGAL_DOC_TYPES
            tables = find_tables(data, raw.pages) if report else []
        with timed(seconds, "chunk"):
            outline = raw.outline or cleaned.outline  # the PDF's bookmarks, else the headings layout saw
            chunks = chunk_document(info, cleaned.lines, outline, chunking, count_tokens, tables)
    except DocumentError:
        raise
    except Exception as exc:  # a hostile or odd PDF must not stop the batch
        log.debug("parsing %s failed", path, exc_info=True)
        raise DocumentError(
            path.name,
            f"could not be processed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})",
            "re-export the PDF (print to PDF) and ingest it again",
        ) from exc
    if not chunks:
        raise DocumentError(path.name, "has no text left after cleaning", "check that it is the right file")
    return info, chunks
